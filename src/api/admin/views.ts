/**
 * JSON views of exchange objects for the admin API, the start banner and the CLI.
 *
 * Owns: the wire shape of accounts, API keys, balances, markets and the clock outside Gemini's
 * own endpoints. Pure reads of the exchange; nothing here changes state.
 * Invariants: money is a decimal string formatted from the exact ledger value (never a JS number);
 * times are ms since the epoch plus an ISO string where a person reads them.
 */
import type { Exchange } from '../../app/exchange.js';
import type { ApiKey, KeyScope, Role } from '../../app/keys.js';
import { VirtualClock, type Clock } from '../../app/clock.js';
import { formatDecimal } from '../../domain/decimal.js';
import type { MarketStatus } from '../../domain/symbols.js';
import { LEDGER_DECIMALS } from '../../engine/ledger.js';

export interface AccountView {
  account: string;
  name: string;
  type: 'exchange' | 'custody';
  created: number;
  makerBps: number;
  takerBps: number;
}

export interface KeyView {
  key: string;
  secret: string;
  account: string | null;
  scope: KeyScope;
  roles: Role[];
  requireHeartbeat: boolean;
  timeNonce: boolean;
  label: string;
  created: number;
}

/** Gemini's /v1/balances entry */
export interface BalanceView {
  type: 'exchange';
  currency: string;
  amount: string;
  available: string;
  availableForWithdrawal: string;
}

export interface MarketView {
  symbol: string;
  base: string;
  quote: string;
  status: MarketStatus;
}

export interface ClockView {
  type: 'virtual' | 'system';
  time: number;
  iso: string;
}

export function keyView(k: ApiKey): KeyView {
  return {
    key: k.key,
    secret: k.secret,
    account: k.account,
    scope: k.scope,
    roles: [...k.roles],
    requireHeartbeat: k.requireHeartbeat,
    timeNonce: k.timeNonce,
    label: k.label,
    created: k.created,
  };
}

export function accountView(ex: Exchange, account: string): AccountView | undefined {
  const a = ex.engine.account(account);
  if (a === undefined) return undefined;
  const info = ex.accounts.get(account);
  return {
    account,
    name: info?.name ?? account,
    type: info?.type ?? 'exchange',
    created: info?.created ?? 0,
    makerBps: a.makerBps,
    takerBps: a.takerBps,
  };
}

/** every account, in creation order */
export function accountViews(ex: Exchange): AccountView[] {
  const out: AccountView[] = [];
  const seen = new Set<string>();
  for (const info of ex.accounts.list()) {
    const v = accountView(ex, info.account);
    if (v !== undefined) out.push(v), seen.add(info.account);
  }
  // accounts the directory has not recorded (should not happen) still show up
  for (const id of ex.engine.state.accounts.keys()) if (!seen.has(id)) out.push(accountView(ex, id)!);
  return out;
}

export function keyViews(ex: Exchange, account?: string): KeyView[] {
  return ex.keys
    .list()
    .filter((k) => account === undefined || k.account === account)
    .map(keyView);
}

/** balances with anything in them (total or held), in the order the account first held them */
export function balanceViews(ex: Exchange, account: string): BalanceView[] | undefined {
  const a = ex.engine.account(account);
  if (a === undefined) return undefined;
  const out: BalanceView[] = [];
  for (const [currency, b] of a.balances) {
    if (b.total === 0n && b.held === 0n) continue;
    const available = formatDecimal(b.total - b.held, LEDGER_DECIMALS);
    out.push({ type: 'exchange', currency, amount: formatDecimal(b.total, LEDGER_DECIMALS), available, availableForWithdrawal: available });
  }
  return out;
}

export function marketViews(ex: Exchange): MarketView[] {
  return [...ex.engine.state.markets.values()].map((m) => ({ symbol: m.market.symbol, base: m.market.base, quote: m.market.quote, status: m.status }));
}

export function clockView(clock: Clock): ClockView {
  const time = clock.now();
  return { type: clock instanceof VirtualClock ? 'virtual' : 'system', time, iso: new Date(time).toISOString() };
}
