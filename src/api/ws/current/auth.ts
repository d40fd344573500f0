/**
 * Handshake authentication of the current WebSocket API (the HTTP upgrade request only; a socket
 * cannot authenticate later).
 *
 * Owns the check of X-GEMINI-APIKEY / -NONCE / -PAYLOAD / -SIGNATURE, in this order:
 *   1. no X-GEMINI-* header and no Authorization header: an anonymous (market data) connection;
 *      `Authorization: Bearer` (OAuth) is refused — Pollux has no OAuth;
 *   2. key, payload and signature present (a missing nonce header is read from the payload);
 *   3. key known and signature = hex HMAC-SHA384(secret, payload text) (constant time; an unknown
 *      key fails the same way as a wrong signature);
 *   4. the payload is base64 of the nonce text (Gemini's form) or of a JSON object whose `nonce`
 *      is the nonce (REST's form, accepted for tolerance); the two must agree;
 *   5. the nonce is a time in s, ms, µs or ns within ±30 s of the exchange's nonce clock;
 *   6. the key is account-scoped (master keys: 401 NotGroupApiCompatible).
 * Any failure is refused on the raw socket with 401 and a Gemini-shaped JSON body.
 * Choices: the handshake nonce is always checked as a time-based nonce, whatever the key's nonce
 * mode, and does not advance the key's incremental nonce (a key shared with REST keeps working);
 * keys without "time-based nonce" are accepted (Pollux's default keys are incremental).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange } from '../../../app/exchange.js';
import { NONCE_WINDOW_MS, nonceToMs, parseNonce, type ApiKey } from '../../../app/keys.js';
import { REST_CATALOGUE } from '../../rest/errors.js';

export class HandshakeError extends Error {
  override name = 'HandshakeError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const HEX_SHA384 = /^[0-9a-fA-F]{96}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

function fail(code: keyof typeof REST_CATALOGUE, detail?: string): HandshakeError {
  const e = REST_CATALOGUE[code];
  return new HandshakeError(e.reason, detail === undefined ? e.message : `${e.message}: ${detail}`);
}

function signatureMatches(secret: string, payload: string, signature: string): boolean {
  if (!HEX_SHA384.test(signature)) return false;
  const expected = createHmac('sha384', secret).update(payload).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** the nonce the payload carries: its text, or a JSON object's `nonce` */
function payloadNonce(payload: string): string | undefined {
  if (!BASE64.test(payload) || payload.length % 4 === 1) return undefined;
  const text = Buffer.from(payload, 'base64').toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      const n = o?.['nonce'];
      return typeof n === 'number' || typeof n === 'string' ? String(n) : undefined;
    } catch {
      return undefined;
    }
  }
  return text === '' ? undefined : text;
}

/** the key of an authenticated upgrade, null for an anonymous one; throws HandshakeError */
export function authenticateUpgrade(exchange: Exchange, headers: IncomingHttpHeaders): ApiKey | null {
  const apiKey = header(headers, 'x-gemini-apikey');
  const payload = header(headers, 'x-gemini-payload');
  const signature = header(headers, 'x-gemini-signature');
  const nonceHeader = header(headers, 'x-gemini-nonce');
  const authz = header(headers, 'authorization');
  if (apiKey === undefined && payload === undefined && signature === undefined && nonceHeader === undefined) {
    if (authz !== undefined) throw new HandshakeError('InvalidSignature', 'OAuth bearer tokens are not supported; sign the upgrade with an API key');
    return null;
  }
  if (apiKey === undefined) throw fail('MissingApikeyHeader');
  if (payload === undefined) throw fail('MissingPayloadHeader');
  if (signature === undefined) throw fail('MissingSignatureHeader');

  const key = exchange.keys.get(apiKey);
  const ok = signatureMatches(key?.secret ?? 'unknown-key', payload, signature);
  if (key === undefined || !ok) throw fail('InvalidSignature');

  const signed = payloadNonce(payload);
  if (signed === undefined) throw fail('InvalidJson', 'X-GEMINI-PAYLOAD must be base64 of the nonce');
  if (nonceHeader !== undefined && nonceHeader !== signed) throw fail('InvalidNonce', 'X-GEMINI-NONCE differs from the signed payload');
  const n = parseNonce(signed);
  if (n === undefined) throw fail('InvalidNonce', 'the nonce must be a positive whole number');
  const now = exchange.nonceClock.now();
  if (Math.abs(nonceToMs(n) - now) > NONCE_WINDOW_MS) throw fail('InvalidNonce', `'${signed}' is not within 30 seconds of server time ${now}`);

  if (key.scope !== 'account') throw new HandshakeError('NotGroupApiCompatible', 'Master API keys cannot open this WebSocket; use an account-scoped key');
  return key;
}
