/**
 * The exchange: one engine behind one sequencer and journal, plus what the adapters share —
 * API keys and nonces, the account directory, closed-order/trade history, heartbeat deadlines.
 *
 * Owns: wiring and the admin operations (accounts, keys, deposits, market status). Adapters
 * (REST, WebSocket, FIX, CLI) call `submit` for every state change and read the rest directly.
 * Invariants: all state changes go through the sequencer; key nonces and last-seen times are
 * written in the same transaction as the next journal batch (or by a short timer when none
 * comes); a heartbeat expiry is an `ExpireSession` command like any other. The projections
 * (history, accounts, nonces) only build rows on this thread; the journal's writer (by default a
 * worker thread) writes them.
 */
import type { Market } from '../domain/symbols.js';
import type { EngineOptions } from '../engine/engine.js';
import type { CommandBody } from '../engine/commands.js';
import { createHistory, type History } from '../journal/history.js';
import { openExchangeStore, type ExchangeStore } from '../journal/recovery.js';
import type { SqliteDatabase } from '../journal/sqlite-journal.js';
import type { JournalWriterKind } from '../journal/recovery.js';
import type { Plan } from '../journal/write-plan.js';
import { AccountDirectory, shortNameOf, type AccountInfo } from './accounts.js';
import { SystemClock, type Clock } from './clock.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, HeartbeatMonitor } from './heartbeat.js';
import { KeyStore, type ApiKey, type NewKey } from './keys.js';
import { loadMarkets } from './markets-config.js';
import type { Submitted } from './sequencer.js';

export interface ExchangeOptions {
  /** directory for pollux.db (or give `path`) */
  dataDir?: string;
  path?: string;
  markets?: readonly Market[];
  clock?: Clock;
  /**
   * the clock time-based nonces are checked against (default: the system clock, even when
   * `clock` is virtual — clients can only derive nonces from their own wall clock)
   */
  nonceClock?: Clock;
  /** require-heartbeat timeout (default 30 s) */
  heartbeatTimeoutMs?: number;
  /** makes generated API keys reproducible */
  seed?: string;
  snapshotEvery?: number;
  /**
   * who writes the journal of a file database: 'thread' (default: this thread commits, libuv's pool
   * fsyncs) or 'worker' (a worker thread runs the batch transactions and the WAL fsync; see
   * docs/engine.md "Durability" for when each measured faster)
   */
  journalWriter?: JournalWriterKind;
  engineOptions?: Omit<EngineOptions, 'markets'>;
  warn?: (msg: string) => void;
}

export class AdminError extends Error {
  override name = 'AdminError';
  constructor(message: string, readonly reason: string = 'InvalidRequest') {
    super(message);
  }
}

export class Exchange {
  readonly store: ExchangeStore;
  readonly history: History;
  readonly keys: KeyStore;
  readonly accounts: AccountDirectory;
  readonly heartbeats: HeartbeatMonitor;
  readonly clock: Clock;
  readonly nonceClock: Clock;
  readonly markets: readonly Market[];
  readonly heartbeatTimeoutMs: number;
  private readonly nonceTimer: NodeJS.Timeout;
  private closed = false;

  static open(opts: ExchangeOptions = {}): Exchange {
    return new Exchange(opts);
  }

  private constructor(opts: ExchangeOptions) {
    this.clock = opts.clock ?? new SystemClock();
    this.nonceClock = opts.nonceClock ?? new SystemClock();
    this.markets = opts.markets ?? loadMarkets();
    this.heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    let history: History | undefined;
    let keys: KeyStore | undefined;
    let accounts: AccountDirectory | undefined;
    this.store = openExchangeStore({
      dataDir: opts.dataDir,
      path: opts.path,
      markets: this.markets,
      engineOptions: opts.engineOptions,
      snapshotEvery: opts.snapshotEvery,
      clock: this.clock,
      warn: opts.warn,
      writer: opts.journalWriter ?? 'thread',
      onOpen: (db: SqliteDatabase, journal) => {
        history = createHistory(db, journal);
        keys = new KeyStore(db, journal, opts.seed);
        accounts = new AccountDirectory(db, journal);
      },
      project: (batch, plan) => {
        history!.project(batch, plan);
        accounts!.project(batch, plan);
        keys!.project(plan);
      },
    });
    this.history = history!;
    this.keys = keys!;
    this.accounts = accounts!;
    // nonces of requests that change nothing still reach disk within ~50 ms; while batches are
    // being committed they carry every dirty key (keys.flush in onCommit), so the timer waits for
    // an idle journal instead of adding a synchronous fsync between them
    const journal = this.store.journal;
    journal.onCommitted((batch) => this.history.settle(batch)); // durable, so committed: read from the table now
    this.nonceTimer = setInterval(() => {
      if (this.keys.hasDirty && !this.closed && journal.idle) this.flushKeys();
    }, 50);
    this.nonceTimer.unref();
    this.heartbeats = new HeartbeatMonitor({
      clock: this.clock,
      timeoutMs: this.heartbeatTimeoutMs,
      hasOpenOrders: (key) => this.sessionHasOrders(key),
      expire: (key) => void this.submit({ type: 'ExpireSession', session: key }).catch(() => undefined),
    });
    this.heartbeats.restore(this.keys.list(), (k) => this.keys.seen(k), this.clock.now());
    this.heartbeats.start();
  }

  get engine() {
    return this.store.engine;
  }

  /** moves with every applied state change (the last applied seq); read models key caches on it */
  get version(): number {
    return this.store.sequencer.lastSeq;
  }

  submit(body: CommandBody): Promise<Submitted> {
    return this.store.sequencer.submit(body);
  }

  /** a private request authenticated as `k`: resets its heartbeat deadline */
  touch(k: ApiKey): void {
    const now = this.clock.now();
    this.keys.touch(k.key, now);
    this.heartbeats.touch(k, now);
  }

  sessionHasOrders(session: string): boolean {
    for (const o of this.engine.state.orders.values()) if (o.session === session) return true;
    return false;
  }

  // ---- admin operations ----

  async createAccount(spec: { name: string; type?: 'exchange' | 'custody'; makerBps?: number; takerBps?: number; account?: string }): Promise<AccountInfo> {
    const account = spec.account ?? shortNameOf(spec.name);
    if (account === '') throw new AdminError('account name is empty', 'MissingName');
    const r = await this.submit({ type: 'CreateAccount', account, name: spec.name, accountType: spec.type ?? 'exchange', makerBps: spec.makerBps, takerBps: spec.takerBps });
    if (!r.ok) throw new AdminError(`cannot create account ${account}: ${r.rejection.code}`, r.rejection.code);
    return this.accounts.get(account)!;
  }

  createKey(spec: NewKey): ApiKey {
    if (spec.scope !== 'master' && (spec.account === undefined || this.engine.account(spec.account) === undefined)) {
      throw new AdminError(`no such account: ${spec.account}`, 'InvalidAccountName');
    }
    try {
      return this.keys.create(spec, this.clock.now());
    } catch (e) {
      throw new AdminError((e as Error).message);
    }
  }

  async deposit(account: string, currency: string, amount: string): Promise<void> {
    const r = await this.submit({ type: 'Deposit', account, currency, amount });
    if (!r.ok) throw new AdminError(`cannot deposit: ${r.rejection.code}`, r.rejection.code);
  }

  async withdraw(account: string, currency: string, amount: string): Promise<void> {
    const r = await this.submit({ type: 'Withdraw', account, currency, amount });
    if (!r.ok) throw new AdminError(`cannot withdraw: ${r.rejection.code}`, r.rejection.code);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.heartbeats.stop();
    clearInterval(this.nonceTimer);
    this.flushKeys();
    this.store.close();
  }

  /** dirty nonces outside a batch: written by the journal's writer as an aside */
  private flushKeys(): void {
    const plan: Plan = [];
    this.keys.project(plan);
    if (this.store.journal.failed === null) this.store.journal.writeAside(plan);
  }
}
