/**
 * Pollux's programmatic API: start a whole exchange inside another project's test suite.
 *
 *   const ex = await startExchange({ clock: 'virtual', seed: 'ci' });
 *   const { key, secret } = ex.accounts[0]!.keys[0]!;   // point a Gemini client at ex.url
 *   await ex.deposit('primary', 'USD', '500');
 *   ex.clock.advance(31_000);                           // fire require-heartbeat deadlines
 *   await ex.close();                                   // also removes the temp data dir
 *
 * Owns: defaults for embedded use (a fresh temp data directory removed on close, any free port
 * when none is asked for) and typed helpers over the admin operations.
 * Invariants: the helpers run the same admin operations as the admin HTTP API and the CLI
 * (src/api/admin/ops.ts), so they validate and fail the same way (AdminApiError with Gemini's
 * reason); no signal handlers are installed — the caller owns the process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from './app/exchange.js';
import type { MarketStatus } from './domain/symbols.js';
import { advanceClock, runOp, setClock } from './api/admin/ops.js';
import { VirtualClock, type Clock } from './app/clock.js';
import type { AccountSpec, KeySpec, ProvisionedAccount } from './api/admin/provision.js';
import type { AccountView, BalanceView, KeyView, MarketView } from './api/admin/views.js';
import { startServer, type RunningServer } from './server/server.js';
import type { AccountInfoView, StartInfo } from './server/info.js';

export { Exchange, AdminError, type ExchangeOptions } from './app/exchange.js';
export { SystemClock, VirtualClock, type Clock } from './app/clock.js';
export type { ApiKey, Role, KeyScope, NewKey } from './app/keys.js';
export type { MarketStatus } from './domain/symbols.js';
export { AdminApiError } from './api/admin/errors.js';
export { HttpAdminClient, type AdminClient } from './api/admin/client.js';
export { registerAdmin, ADMIN_ROUTES, type AdminOp } from './api/admin/index.js';
export { registerRest } from './api/rest/index.js';
export type { AccountSpec, KeySpec, ProvisionedAccount } from './api/admin/provision.js';
export type { AccountView, BalanceView, ClockView, KeyView, MarketView } from './api/admin/views.js';
export { startServer, type ServerOptions, type RunningServer } from './server/server.js';
export { resolveSettings, type ServerSettings } from './server/config.js';
export { renderStartInfo, type StartInfo, type AccountInfoView } from './server/info.js';
export { DEFAULT_ACCOUNTS, SANDBOX_FUNDS } from './server/bootstrap.js';

export interface StartExchangeOptions {
  /** default 0: any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default: a fresh temp directory, deleted by close() */
  dataDir?: string;
  /** keep a temp data directory after close() (to inspect it) */
  keepDataDir?: boolean;
  seed?: string;
  /** 'system' (default), 'virtual' (starts now, moves only via `clock`), or your own Clock */
  clock?: 'virtual' | 'system' | Clock;
  heartbeatTimeoutMs?: number;
  adminToken?: string;
  /** accounts to create and fund instead of the default sandbox pair ("primary", "secondary") */
  accounts?: AccountSpec[];
  /** master keys made on a first start (default one with Trader, FundManager, Administrator) */
  masterKeys?: KeySpec[];
  /** Fastify request logging at this level (off by default) */
  logLevel?: string;
  /** who writes the journal: 'thread' (default, the main thread) or 'worker' (a worker thread) */
  journalWriter?: 'worker' | 'thread';
}

export interface ClockControl {
  readonly virtual: boolean;
  now(): number;
  /** move a virtual clock forward (fires heartbeat deadlines); throws AdminApiError 409 on the system clock */
  advance(ms: number): number;
  /** jump a virtual clock to a later time (ms or ISO string); throws AdminApiError 409 on the system clock */
  set(time: number | string | Date): number;
}

export interface NewKeySpec extends KeySpec {
  /** the account the key acts for; omit with `master: true` */
  account?: string;
  master?: boolean;
}

export interface RunningExchange {
  /** REST base URL: give it to a Gemini client as its API base */
  readonly url: string;
  readonly wsUrl: string;
  readonly adminUrl: string;
  readonly adminToken: string;
  readonly port: number;
  readonly dataDir: string;
  /** accounts at start, each with balances and API keys (key, secret, roles, flags) */
  readonly accounts: AccountInfoView[];
  readonly masterKeys: KeyView[];
  readonly exchange: Exchange;
  readonly server: RunningServer;
  readonly clock: ClockControl;
  /** everything the start banner shows, from the current state */
  info(): StartInfo;
  createAccount(spec: AccountSpec): Promise<ProvisionedAccount>;
  createKey(spec: NewKeySpec): Promise<KeyView>;
  deposit(account: string, currency: string, amount: string | number): Promise<BalanceView>;
  withdraw(account: string, currency: string, amount: string | number): Promise<BalanceView>;
  balances(account: string): Promise<BalanceView[]>;
  setFees(account: string, makerBps: number, takerBps: number): Promise<AccountView>;
  setMarketStatus(symbol: string, status: MarketStatus): Promise<MarketView>;
  close(): Promise<void>;
}

export async function startExchange(opts: StartExchangeOptions = {}): Promise<RunningExchange> {
  const temp = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pollux-'));
  const server = await startServer({
    port: opts.port ?? 0,
    host: opts.host,
    dataDir,
    seed: opts.seed,
    clock: opts.clock,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs,
    adminToken: opts.adminToken,
    accounts: opts.accounts,
    masterKeys: opts.masterKeys,
    logLevel: opts.logLevel,
    journalWriter: opts.journalWriter,
    removeDataDirOnClose: temp && opts.keepDataDir !== true,
  });
  const ex = server.exchange;
  const op = <T>(name: Parameters<typeof runOp>[1], input: Record<string, unknown> = {}) => runOp(ex, name, input) as Promise<T>;
  const info = server.info();
  const clock: ClockControl = {
    get virtual() {
      return ex.clock instanceof VirtualClock;
    },
    now: () => ex.clock.now(),
    advance: (ms) => advanceClock(ex, ms).time,
    set: (time) => setClock(ex, time).time,
  };
  const moved = (r: { balance: BalanceView }) => r.balance;
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    adminUrl: server.adminUrl,
    adminToken: server.adminToken,
    port: server.port,
    dataDir,
    accounts: info.accounts,
    masterKeys: info.masterKeys,
    exchange: ex,
    server,
    clock,
    info: () => server.info(),
    createAccount: (spec) => op<ProvisionedAccount>('accounts.create', { ...spec }),
    createKey: (spec) => op<KeyView>('keys.create', { ...spec }),
    deposit: (account, currency, amount) => op<{ balance: BalanceView }>('deposit', { account, currency, amount: String(amount) }).then(moved),
    withdraw: (account, currency, amount) => op<{ balance: BalanceView }>('withdraw', { account, currency, amount: String(amount) }).then(moved),
    balances: (account) => op<BalanceView[]>('balances', { account }),
    setFees: (account, makerBps, takerBps) => op<AccountView>('fees.set', { account, makerBps, takerBps }),
    setMarketStatus: (symbol, status) => op<MarketView>('markets.status', { symbol, status }),
    close: () => server.close(),
  };
}
