/**
 * Admin operations, independent of transport: the HTTP admin API, the CLI working on a stopped
 * data directory and the programmatic API all call `runOp(exchange, op, input)` with the same
 * JSON input and get the same JSON output (or the same AdminApiError).
 *
 * Owns: input checking for operator actions and their results.
 * Invariants: state changes only through the exchange's admin operations and `submit` (commands
 * through the sequencer); engine rejections render from the rejection catalogue; clock changes
 * are refused (409 ClockNotVirtual) unless the exchange runs on a VirtualClock.
 */
import { VirtualClock } from '../../app/clock.js';
import type { Exchange } from '../../app/exchange.js';
import { MARKET_STATUSES, type MarketStatus } from '../../domain/symbols.js';
import type { CommandBody } from '../../engine/commands.js';
import { AdminApiError, badRequest, fromRejection } from './errors.js';
import { checkAccountSpec, checkKeySpec, provisionAccount } from './provision.js';
import { accountView, accountViews, balanceViews, clockView, keyView, keyViews, marketViews, type BalanceView, type ClockView } from './views.js';

export type Input = Record<string, unknown>;

function str(input: Input, field: string, reason = 'InvalidRequest'): string {
  const v = input[field];
  if (typeof v !== 'string' || v === '') throw badRequest(`${field} is required`, reason);
  return v;
}

function amountOf(input: Input): string {
  const v = input.amount;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v === '') throw fromRejection('InvalidAmount');
  return v;
}

function existingAccount(ex: Exchange, input: Input): string {
  const account = str(input, 'account', 'MissingAccountName');
  if (ex.engine.account(account) === undefined) throw fromRejection('UnknownAccount', account);
  return account;
}

async function submit(ex: Exchange, body: CommandBody): Promise<void> {
  const r = await ex.submit(body);
  if (!r.ok) throw fromRejection(r.rejection.code, r.rejection.detail);
}

function virtualClock(ex: Exchange): VirtualClock {
  if (!(ex.clock instanceof VirtualClock)) {
    throw new AdminApiError(409, 'ClockNotVirtual', 'this exchange runs on the system clock; start it with --clock virtual to move time');
  }
  return ex.clock;
}

/** a time as ms since the epoch, or an ISO-8601 string */
function timeOf(v: unknown): number {
  const t = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isSafeInteger(t) || t < 0) throw badRequest('time must be ms since the epoch or an ISO-8601 date', 'InvalidTime');
  return t;
}

function balanceOf(ex: Exchange, account: string, currency: string): BalanceView {
  const cur = currency.toUpperCase();
  return balanceViews(ex, account)!.find((b) => b.currency === cur) ?? { type: 'exchange', currency: cur, amount: '0', available: '0', availableForWithdrawal: '0' };
}

/** move a virtual clock forward by `ms` (fires heartbeat deadlines); synchronous */
export function advanceClock(ex: Exchange, msIn: unknown): ClockView {
  const clock = virtualClock(ex);
  const ms = typeof msIn === 'string' && /^\d+$/.test(msIn) ? Number(msIn) : msIn;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) throw badRequest('ms must be a non-negative integer', 'InvalidTime');
  clock.advance(ms);
  return clockView(clock);
}

/** jump a virtual clock to a later time (ms since the epoch or ISO-8601); synchronous */
export function setClock(ex: Exchange, time: unknown): ClockView {
  const clock = virtualClock(ex);
  const t = timeOf(time instanceof Date ? time.getTime() : time);
  if (t < clock.now()) throw badRequest(`the virtual clock cannot go back (now ${clock.now()}, asked ${t})`, 'InvalidTime');
  clock.set(t);
  return clockView(clock);
}

const OPS = {
  'accounts.list': (ex: Exchange) => accountViews(ex),

  'accounts.create': (ex: Exchange, input: Input) => provisionAccount(ex, checkAccountSpec(ex, input)),

  'keys.list': (ex: Exchange, input: Input) => {
    const account = input.account;
    if (account !== undefined && typeof account !== 'string') throw badRequest('account must be a string');
    if (typeof account === 'string' && ex.engine.account(account) === undefined) throw fromRejection('UnknownAccount', account);
    return keyViews(ex, account);
  },

  'keys.create': (ex: Exchange, input: Input) => {
    const spec = checkKeySpec(input);
    const master = input.master === true || input.scope === 'master';
    if (input.scope !== undefined && input.scope !== 'master' && input.scope !== 'account') throw badRequest('scope must be "account" or "master"', 'InvalidScope');
    if (!master && input.account === undefined) throw badRequest('account is required for an account-scoped key (or ask for a master key)', 'MissingAccountName');
    const account = master ? undefined : existingAccount(ex, input);
    return keyView(ex.createKey({ ...spec, scope: master ? 'master' : 'account', account }));
  },

  deposit: async (ex: Exchange, input: Input) => {
    const account = existingAccount(ex, input);
    const currency = str(input, 'currency', 'InvalidCurrency');
    const amount = amountOf(input);
    await ex.deposit(account, currency, amount);
    return { account, currency: currency.toUpperCase(), amount, balance: balanceOf(ex, account, currency) };
  },

  withdraw: async (ex: Exchange, input: Input) => {
    const account = existingAccount(ex, input);
    const currency = str(input, 'currency', 'InvalidCurrency');
    const amount = amountOf(input);
    await ex.withdraw(account, currency, amount);
    return { account, currency: currency.toUpperCase(), amount, balance: balanceOf(ex, account, currency) };
  },

  balances: (ex: Exchange, input: Input) => balanceViews(ex, existingAccount(ex, input))!,

  'fees.set': async (ex: Exchange, input: Input) => {
    const account = existingAccount(ex, input);
    const num = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);
    await submit(ex, { type: 'SetFees', account, makerBps: num(input.makerBps) as number, takerBps: num(input.takerBps) as number });
    return accountView(ex, account)!;
  },

  'markets.list': (ex: Exchange) => marketViews(ex),

  'markets.status': async (ex: Exchange, input: Input) => {
    const symbol = str(input, 'symbol', 'InvalidSymbol').toLowerCase();
    const status = str(input, 'status', 'InvalidMarketStatus');
    if (!MARKET_STATUSES.includes(status as MarketStatus)) throw fromRejection('InvalidMarketStatus', `${status} (one of ${MARKET_STATUSES.join(', ')})`);
    await submit(ex, { type: 'SetMarketStatus', symbol, status: status as MarketStatus });
    return marketViews(ex).find((m) => m.symbol === symbol)!;
  },

  'clock.get': (ex: Exchange) => clockView(ex.clock),

  'clock.advance': (ex: Exchange, input: Input) => advanceClock(ex, input.ms),

  'clock.set': (ex: Exchange, input: Input) => setClock(ex, input.time),
} satisfies Record<string, (ex: Exchange, input: Input) => unknown>;

export type AdminOp = keyof typeof OPS;
export const ADMIN_OPS = Object.keys(OPS) as AdminOp[];

export function isAdminOp(s: string): s is AdminOp {
  return Object.prototype.hasOwnProperty.call(OPS, s);
}

export async function runOp(ex: Exchange, op: AdminOp, input: Input = {}): Promise<unknown> {
  return await OPS[op](ex, input);
}
