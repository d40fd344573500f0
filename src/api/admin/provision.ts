/**
 * Provisioning: create an account, fund it and give it API keys in one step — what the first
 * start does for the sandbox accounts, what `POST /admin/accounts` does, and what
 * `startExchange({accounts})` does.
 *
 * Owns: the `AccountSpec` shape and its validation.
 * Invariants: the whole spec is checked (name, currencies, amounts, roles) before anything is
 * submitted, so a bad spec changes nothing; every change goes through the exchange's admin
 * operations (commands through the sequencer); deposits are submitted together so they share
 * one journal batch.
 * Known limits: a crash between the account's creation and its deposits or keys leaves it
 * partly provisioned (each step is durable on its own).
 */
import type { Exchange } from '../../app/exchange.js';
import { shortNameOf } from '../../app/accounts.js';
import { ROLES, type Role } from '../../app/keys.js';
import { parseDecimal } from '../../domain/decimal.js';
import { LEDGER_DECIMALS } from '../../engine/ledger.js';
import { badRequest, fromRejection } from './errors.js';
import { accountView, balanceViews, keyView, type AccountView, type BalanceView, type KeyView } from './views.js';

export interface KeySpec {
  /** default ["Trader"] */
  roles?: Role[];
  requireHeartbeat?: boolean;
  timeNonce?: boolean;
  label?: string;
}

export interface AccountSpec {
  /** display name ("My Secondary Account"); the short name is derived from it unless `account` is given */
  name: string;
  account?: string;
  type?: 'exchange' | 'custody';
  makerBps?: number;
  takerBps?: number;
  /** currency -> amount to deposit, e.g. { USD: "100000", BTC: "1000" } */
  funds?: Record<string, string | number>;
  /** API keys to create for the account; default one Trader key, [] for none */
  keys?: KeySpec[];
}

export interface ProvisionedAccount extends AccountView {
  balances: BalanceView[];
  keys: KeyView[];
}

function bool(v: unknown, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${what} must be true or false`);
  return v;
}

/** roles from a list or a comma-separated string, checked against Gemini's role names */
export function parseRoles(v: unknown): Role[] | undefined {
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('roles must be a non-empty list of role names', 'InvalidRoles');
  for (const r of list) {
    if (typeof r !== 'string' || !ROLES.includes(r as Role)) throw badRequest(`unknown role ${JSON.stringify(r)}; roles are ${ROLES.join(', ')}`, 'InvalidRoles');
  }
  return list as Role[];
}

export function checkKeySpec(v: unknown): KeySpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('a key spec must be an object');
  const o = v as Record<string, unknown>;
  const label = o.label;
  if (label !== undefined && typeof label !== 'string') throw badRequest('label must be a string');
  return { roles: parseRoles(o.roles), requireHeartbeat: bool(o.requireHeartbeat, 'requireHeartbeat'), timeNonce: bool(o.timeNonce, 'timeNonce'), label };
}

function bps(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw fromRejection('InvalidFees', `${what} must be whole basis points`);
  return n;
}

/** check a spec against the exchange (currencies, amounts); throws AdminApiError, changes nothing */
export function checkAccountSpec(ex: Exchange, v: unknown): AccountSpec & { account: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('an account spec must be an object');
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.trim() === '') throw badRequest('name is required', 'MissingName');
  if (o.account !== undefined && (typeof o.account !== 'string' || o.account === '')) throw badRequest('account must be a non-empty string', 'MissingAccountName');
  const account = (o.account as string | undefined) ?? shortNameOf(o.name);
  if (account === '') throw badRequest(`name ${JSON.stringify(o.name)} has no letters or digits to make a short name from`, 'MissingName');
  if (o.type !== undefined && o.type !== 'exchange' && o.type !== 'custody') throw badRequest('type must be "exchange" or "custody"', 'InvalidAccountType');
  let funds: Record<string, string> | undefined;
  if (o.funds !== undefined) {
    if (typeof o.funds !== 'object' || o.funds === null || Array.isArray(o.funds)) throw badRequest('funds must be an object of currency -> amount');
    funds = {};
    for (const [cur, amt] of Object.entries(o.funds as Record<string, unknown>)) {
      const currency = cur.toUpperCase();
      if (!ex.engine.state.currencies.has(currency)) throw fromRejection('InvalidCurrency', cur);
      const text = typeof amt === 'number' ? String(amt) : amt;
      const units = typeof text === 'string' ? parseDecimal(text, LEDGER_DECIMALS) : null;
      if (units === null || units <= 0n) throw fromRejection('InvalidAmount', `${cur} ${String(amt)}`);
      funds[currency] = text as string;
    }
  }
  let keys: KeySpec[] | undefined;
  if (o.keys !== undefined) {
    if (!Array.isArray(o.keys)) throw badRequest('keys must be a list of key specs');
    keys = o.keys.map(checkKeySpec);
  }
  return {
    name: o.name,
    account,
    type: o.type as AccountSpec['type'],
    makerBps: bps(o.makerBps, 'makerBps'),
    takerBps: bps(o.takerBps, 'takerBps'),
    funds,
    keys,
  };
}

/** create, fund and key one account; throws AdminApiError / AdminError on failure */
export async function provisionAccount(ex: Exchange, spec: AccountSpec): Promise<ProvisionedAccount> {
  const s = checkAccountSpec(ex, spec);
  if (ex.engine.account(s.account) !== undefined) throw fromRejection('AccountExists', s.account);
  await ex.createAccount({ name: s.name, account: s.account, type: s.type, makerBps: s.makerBps, takerBps: s.takerBps });
  await Promise.all(Object.entries(s.funds ?? {}).map(([cur, amt]) => ex.deposit(s.account, cur, String(amt))));
  const keys = (s.keys ?? [{ roles: ['Trader'] }]).map((k) => keyView(ex.createKey({ scope: 'account', account: s.account, ...k })));
  return { ...accountView(ex, s.account)!, balances: balanceViews(ex, s.account)!, keys };
}
