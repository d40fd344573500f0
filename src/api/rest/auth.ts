/**
 * Private-request authentication: headers, signature, payload, endpoint, nonce, role, account.
 *
 * Owns the order of the checks (each failure is a RestError from errors.ts):
 *   1. X-GEMINI-APIKEY, X-GEMINI-PAYLOAD, X-GEMINI-SIGNATURE present   -> Missing*Header
 *   2. key known and signature = hex HMAC-SHA384(secret, payload text)   -> InvalidSignature
 *      (compared in constant time; an unknown key fails the same way)
 *   3. payload is base64 of a JSON object                                -> InvalidJson
 *   4. payload.request present and equal to the URL path                 -> EndpointNotFound / EndpointMismatch
 *   5. payload.nonce present and accepted by the key store               -> MissingNonce / InvalidNonce
 * After 5 the request is proven to come from the key holder and to be fresh: the caller touches
 * the key (heartbeat) before checking role (403 MissingRole) and account selection.
 * Invariants: parameters come only from the signed payload (the HTTP body is never read); the
 * secret never appears in a message.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange } from '../../app/exchange.js';
import type { ApiKey, Role } from '../../app/keys.js';
import { restError } from './errors.js';

export type Payload = Record<string, unknown>;

export interface Authenticated {
  key: ApiKey;
  payload: Payload;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX_SHA384 = /^[0-9a-fA-F]{96}$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

function signatureMatches(secret: string, payloadText: string, signature: string): boolean {
  if (!HEX_SHA384.test(signature)) return false;
  const expected = createHmac('sha384', secret).update(payloadText).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

function decodePayload(text: string): Payload {
  if (!BASE64.test(text) || text.length % 4 === 1) throw restError('InvalidJson');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw restError('InvalidJson');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw restError('InvalidJson');
  return parsed as Payload;
}

/** Steps 1-5 above. `path` is the URL path without the query string. */
export function authenticate(exchange: Exchange, headers: IncomingHttpHeaders, path: string): Authenticated {
  const apiKey = header(headers, 'x-gemini-apikey');
  if (apiKey === undefined) throw restError('MissingApikeyHeader');
  const payloadText = header(headers, 'x-gemini-payload');
  if (payloadText === undefined) throw restError('MissingPayloadHeader');
  const signature = header(headers, 'x-gemini-signature');
  if (signature === undefined) throw restError('MissingSignatureHeader');

  const key = exchange.keys.get(apiKey);
  // an unknown key still pays for one HMAC, so timing does not tell known keys apart
  const ok = signatureMatches(key?.secret ?? 'unknown-key', payloadText, signature);
  if (key === undefined || !ok) throw restError('InvalidSignature');

  const payload = decodePayload(payloadText);
  const request = payload['request'];
  if (request === undefined || request === null || request === '') throw restError('NoEndpointInPayload');
  if (request !== path) throw restError('EndpointMismatch', `payload names ${JSON.stringify(request)}, path is ${path}`);

  const nonce = payload['nonce'];
  if (nonce === undefined || nonce === null || nonce === '') throw restError('MissingNonce');
  const check = exchange.keys.useNonce(key, nonce, exchange.nonceClock.now());
  if (!check.ok) throw restError('InvalidNonce', check.why);
  return { key, payload };
}

/** Which roles may call an endpoint; 'any' lets every key in. */
export type RoleRule = readonly Role[] | 'any';

export function requireRole(key: ApiKey, allowed: RoleRule): void {
  if (allowed === 'any' || key.roles.some((r) => allowed.includes(r))) return;
  throw restError(
    'MissingRole',
    `assign one of the roles [${allowed.join(', ')}] to API key ${key.key}, which has the roles [${key.roles.join(', ')}]`,
  );
}

/**
 * The account an account-level request acts for. Account-scoped keys act for their own account
 * (naming another one is refused); master keys must name an existing account.
 */
export function resolveAccount(exchange: Exchange, key: ApiKey, payload: Payload): string {
  const named = payload['account'];
  const given = named !== undefined && named !== null && named !== '';
  if (given && typeof named !== 'string') throw restError('InvalidAccountName', "'account' must be a string");
  if (key.scope !== 'master') {
    const own = key.account!;
    if (given && named !== own) throw restError('ForeignAccount', `key acts for '${own}', not '${String(named)}'`);
    return own;
  }
  if (!given) throw restError('MissingAccounts');
  const name = named as string;
  if (exchange.engine.account(name) === undefined) throw restError('InvalidAccountName', name);
  return name;
}
