/**
 * The shape of a private endpoint and the one wrapper every private route runs through.
 *
 * Owns the request pipeline of private endpoints: authenticate (auth.ts) -> touch the key (any
 * authenticated, fresh request resets its require-heartbeat deadline, even one that then fails
 * role or parameter checks) -> role -> account selection -> handler -> 200 with its JSON.
 * Invariants: a handler sees only signed parameters; it reports failures by throwing a RestError
 * (rendered by the plugin's error handler); account-level handlers get the resolved account; a
 * handler may return its reply pre-serialized (`JsonText`), which is sent byte for byte.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Exchange } from '../../app/exchange.js';
import type { ApiKey } from '../../app/keys.js';
import { authenticate, requireRole, resolveAccount, type Payload, type RoleRule } from './auth.js';

export interface Ctx {
  readonly exchange: Exchange;
  readonly key: ApiKey;
  readonly payload: Payload;
  /** the account acted for ('' on endpoints that are not account-level) */
  readonly account: string;
  /** URL path parameters (e.g. `symbol` of /v1/wrap/:symbol) */
  readonly params: Readonly<Record<string, string>>;
}

export interface Endpoint {
  /** Fastify route path, e.g. '/v1/order/new' or '/v1/wrap/:symbol' */
  readonly path: string;
  readonly roles: RoleRule;
  /** master keys must name an `account`; account keys act for their own */
  readonly accountLevel: boolean;
  handle(ctx: Ctx): unknown | Promise<unknown>;
}

/** A reply body already serialized as JSON text (sent as it is, with the JSON content type). */
export class JsonText {
  constructor(readonly text: string) {}
}

export const TRADER = ['Trader'] as const;
export const READER = ['Trader', 'Auditor'] as const;
export const BALANCE_READER = ['Trader', 'FundManager', 'Auditor'] as const;

function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The pipeline up to and including the handler: authenticate, touch, role, account, handle.
 * Throws (synchronously) the RestErrors of authentication, role and account checks; the
 * handler's own result (or promise) is returned as it is. Shared by the Fastify routes and the
 * fast path of fast-path.ts, so both behave the same.
 */
export function runEndpoint(
  exchange: Exchange,
  ep: Endpoint,
  headers: IncomingHttpHeaders,
  path: string,
  params: Readonly<Record<string, string>> = NO_PARAMS,
): unknown {
  const { key, payload } = authenticate(exchange, headers, path);
  exchange.touch(key);
  requireRole(key, ep.roles);
  const account = ep.accountLevel ? resolveAccount(exchange, key, payload) : '';
  return ep.handle({ exchange, key, payload, account, params });
}

/** the reply text of a handler's result, as Fastify would serialize it (undefined: nothing JSON can carry) */
export function bodyText(body: unknown): string | undefined {
  return body instanceof JsonText ? body.text : typeof body === 'string' ? body : JSON.stringify(body);
}

export function registerEndpoints(api: FastifyInstance, exchange: Exchange, endpoints: readonly Endpoint[]): void {
  for (const ep of endpoints) {
    api.post(ep.path, async (req, reply) => {
      const params = (req.params ?? NO_PARAMS) as Record<string, string>;
      const body = await runEndpoint(exchange, ep, req.headers, pathOf(req), params);
      return reply.code(200).type('application/json; charset=utf-8').send(body instanceof JsonText ? body.text : body);
    });
  }
}
