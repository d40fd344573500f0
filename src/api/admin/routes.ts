/**
 * The admin API's routes: which HTTP method and path runs which admin operation. Shared by the
 * server (to register them) and the HTTP client (to call them), so the two cannot drift apart.
 *
 * Invariants: every path lives under /admin/ (outside Gemini's /v1, /v2 paths); `:name` path
 * parameters become input fields of the same name; GET reads its other input from the query
 * string, POST from a JSON body.
 */
import type { AdminOp } from './ops.js';

export const ADMIN_PREFIX = '/admin';

export interface AdminRoute {
  op: AdminOp;
  method: 'GET' | 'POST';
  /** path under ADMIN_PREFIX */
  path: string;
  summary: string;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { op: 'accounts.list', method: 'GET', path: '/accounts', summary: 'list accounts' },
  { op: 'accounts.create', method: 'POST', path: '/accounts', summary: 'create an account {name, account?, type?, makerBps?, takerBps?, funds?, keys?}' },
  { op: 'balances', method: 'GET', path: '/accounts/:account/balances', summary: "an account's balances" },
  { op: 'deposit', method: 'POST', path: '/accounts/:account/deposit', summary: 'deposit {currency, amount}' },
  { op: 'withdraw', method: 'POST', path: '/accounts/:account/withdraw', summary: 'withdraw {currency, amount}' },
  { op: 'fees.set', method: 'POST', path: '/accounts/:account/fees', summary: 'set fees {makerBps, takerBps}' },
  { op: 'keys.list', method: 'GET', path: '/keys', summary: 'list API keys (?account=)' },
  { op: 'keys.create', method: 'POST', path: '/keys', summary: 'create an API key {account | master:true, roles?, requireHeartbeat?, timeNonce?, label?}' },
  { op: 'markets.list', method: 'GET', path: '/markets', summary: 'markets and their status' },
  { op: 'markets.status', method: 'POST', path: '/markets/:symbol/status', summary: 'set market status {status}' },
  { op: 'clock.get', method: 'GET', path: '/clock', summary: 'exchange time' },
  { op: 'clock.advance', method: 'POST', path: '/clock/advance', summary: 'move a virtual clock forward {ms}' },
  { op: 'clock.set', method: 'POST', path: '/clock/set', summary: 'set a virtual clock {time: ms | ISO-8601}' },
];

export function routeOf(op: AdminOp): AdminRoute {
  const r = ADMIN_ROUTES.find((x) => x.op === op);
  if (r === undefined) throw new Error(`no admin route for ${op}`);
  return r;
}

/** path parameter names of a route ("/accounts/:account/deposit" -> ["account"]) */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
}
