/**
 * Session and account endpoints: /v1/heartbeat, /v1/balances, /v1/notionalbalances/:currency,
 * /v1/roles, /v1/account, and
 * /v1/wrap/:symbol (no market here is wrap-enabled, so it always answers InvalidSymbol).
 *
 * Owns the wire form of balances, roles and account details.
 * Invariants: balances list every currency the exchange trades (zero when the account holds
 * none), amounts as exact decimal strings; `available` = total - held by open orders, and is
 * also what can be withdrawn. Master keys get `counterparty_id` and `isAccountAdmin` from
 * /v1/roles, as on Gemini; the id is derived from the key (stable, not secret).
 */
import { createHash } from 'node:crypto';
import { BALANCE_READER, TRADER, type Ctx, type Endpoint } from './endpoint.js';
import { fromRejection, restError } from './errors.js';
import { formatDecimal } from '../../domain/decimal.js';
import { LEDGER_DECIMALS } from '../../engine/ledger.js';
import { ledgerText } from './render.js';

function heartbeat(): { result: 'ok' } {
  return { result: 'ok' };
}

/** ISO time with microseconds, as Gemini's `_timestamp` */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function balances(ctx: Ctx): Record<string, string>[] {
  const { engine, clock } = ctx.exchange;
  const acct = engine.account(ctx.account)!;
  const stamp = isoMicros(clock.now());
  return [...engine.state.currencies].sort().map((currency) => {
    const b = acct.balances.get(currency);
    const total = b?.total ?? 0n;
    const available = total - (b?.held ?? 0n);
    return {
      type: 'exchange',
      currency,
      amount: ledgerText(total),
      available: ledgerText(available),
      availableForWithdrawal: ledgerText(available),
      _timestamp: stamp,
    };
  });
}

const FIAT = new Set(['USD', 'GUSD', 'EUR', 'GBP', 'SGD', 'CAD', 'AUD', 'HKD']);

/**
 * Price of one unit of `currency` in `target`, as [price units, price decimals] of the market that
 * quotes it (last trade, else the mid of the best bid and ask); undefined when nothing prices it.
 */
function priceIn(ctx: Ctx, currency: string, target: string): [bigint, number] | undefined {
  if (currency === target) return [1n, 0];
  const ms = ctx.exchange.engine.market(`${currency}${target}`.toLowerCase());
  if (ms === undefined) return undefined;
  if (ms.lastPrice > 0) return [BigInt(ms.lastPrice), ms.market.priceDecimals];
  const bid = ms.book.best('buy')?.price;
  const ask = ms.book.best('sell')?.price;
  if (bid === undefined || ask === undefined) return undefined;
  // the mid may fall between two increments: carry one more decimal, exactly
  return [BigInt(bid + ask) * 5n, ms.market.priceDecimals + 1];
}

/** /v1/notionalbalances/:currency: non-zero balances plus their value in `currency`, truncated */
function notionalBalances(ctx: Ctx): Record<string, string>[] {
  const { engine } = ctx.exchange;
  const target = (ctx.params['currency'] ?? '').toUpperCase();
  if (!engine.state.currencies.has(target)) throw restError('InvalidParameter', `unknown currency ${target}`);
  const decimals = FIAT.has(target) ? 2 : 8;
  const acct = engine.account(ctx.account)!;
  const out: Record<string, string>[] = [];
  for (const currency of [...engine.state.currencies].sort()) {
    const b = acct.balances.get(currency);
    if (b === undefined || b.total === 0n) continue;
    const p = priceIn(ctx, currency, target);
    // value = ledger amount x price, truncated to `decimals`
    const value = (v: bigint): string =>
      p === undefined ? '0' : formatDecimal((v * p[0]) / 10n ** BigInt(p[1] + LEDGER_DECIMALS - decimals), decimals);
    const available = b.total - b.held;
    out.push({
      currency,
      amount: ledgerText(b.total),
      amountNotional: value(b.total),
      available: ledgerText(available),
      availableNotional: value(available),
      availableForWithdrawal: ledgerText(available),
      availableForWithdrawalNotional: value(available),
    });
  }
  return out;
}

function counterpartyId(key: string): string {
  const digest = createHash('sha256').update(`counterparty:${key}`).digest();
  let id = '';
  for (let i = 0; i < 8; i++) id += String.fromCharCode(65 + (digest[i]! % 26));
  return id;
}

function roles(ctx: Ctx): Record<string, unknown> {
  const k = ctx.key;
  const flags = {
    isAuditor: k.roles.includes('Auditor'),
    isFundManager: k.roles.includes('FundManager'),
    isTrader: k.roles.includes('Trader'),
  };
  if (k.scope !== 'master') return flags;
  return { counterparty_id: counterpartyId(k.key), ...flags, isAccountAdmin: k.roles.includes('Administrator') };
}

function account(ctx: Ctx): Record<string, unknown> {
  const info = ctx.exchange.accounts.get(ctx.account);
  return {
    account: {
      accountName: info?.name ?? ctx.account,
      shortName: ctx.account,
      type: info?.type ?? 'exchange',
      // a string of epoch ms, as Gemini's example and clients (gemini-node-api) have it
      created: String(info?.created ?? 0),
    },
    users: [],
  };
}

function wrap(ctx: Ctx): never {
  const symbol = ctx.params['symbol'] ?? '';
  const known = ctx.exchange.engine.market(symbol) !== undefined;
  throw fromRejection({ code: 'InvalidSymbol', detail: known ? `${symbol.toUpperCase()} cannot be wrapped` : symbol });
}

export const ACCOUNT_ENDPOINTS: readonly Endpoint[] = [
  { path: '/v1/heartbeat', roles: 'any', accountLevel: false, handle: heartbeat },
  { path: '/v1/balances', roles: BALANCE_READER, accountLevel: true, handle: balances },
  { path: '/v1/notionalbalances/:currency', roles: BALANCE_READER, accountLevel: true, handle: notionalBalances },
  { path: '/v1/roles', roles: 'any', accountLevel: false, handle: roles },
  { path: '/v1/account', roles: 'any', accountLevel: true, handle: account },
  { path: '/v1/wrap/:symbol', roles: TRADER, accountLevel: true, handle: wrap },
];
