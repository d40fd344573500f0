/**
 * Session and account endpoints: /v1/heartbeat, /v1/balances, /v1/roles, /v1/account, and
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
import { fromRejection } from './errors.js';
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
      created: info?.created ?? 0,
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
  { path: '/v1/roles', roles: 'any', accountLevel: false, handle: roles },
  { path: '/v1/account', roles: 'any', accountLevel: true, handle: account },
  { path: '/v1/wrap/:symbol', roles: TRADER, accountLevel: true, handle: wrap },
];
