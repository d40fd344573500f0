/**
 * Reading request parameters out of a signed payload, tolerantly, the way Gemini clients send
 * them: numbers may arrive as JSON numbers or digit strings, booleans as true/"true"/"True".
 *
 * Owns: parameter parsing for the REST adapter (limits, timestamps, order ids, symbols, flags).
 * Invariants: never throws anything but a RestError; absent parameters (undefined, null, "") read
 * as absent.
 */
import type { Market } from '../../domain/symbols.js';
import type { Exchange } from '../../app/exchange.js';
import { fromRejection, restError } from './errors.js';
import type { Payload } from './auth.js';

export function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** a whole number sent as a JSON number or a string of digits */
function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,16}$/.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** Gemini-style list limits: default when absent, capped at `max`; below 1 or junk is refused */
export function limitParam(p: Payload, name: string, dflt: number, max: number): number {
  const v = p[name];
  if (!present(v)) return dflt;
  const n = wholeNumber(v);
  if (n === undefined || n < 1) throw restError('InvalidParameter', `'${name}' must be a positive whole number`);
  return Math.min(n, max);
}

/**
 * A `timestamp` filter in ms: whole seconds or milliseconds (numbers or digit strings; values
 * below 10^11 are seconds), or an ISO 8601 date-time string. Absent: undefined.
 */
export function timestampParam(p: Payload, name = 'timestamp'): number | undefined {
  const v = p[name];
  if (!present(v)) return undefined;
  const n = wholeNumber(v);
  if (n !== undefined) {
    if (n < 0) throw restError('InvalidTimestampInPayload');
    return n < 100_000_000_000 ? n * 1000 : n;
  }
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const ms = Date.parse(v);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  throw restError('InvalidTimestampInPayload');
}

/** an order id from the payload as the engine's number, or undefined when absent */
export function orderIdParam(p: Payload, name = 'order_id'): number | 'unparseable' | undefined {
  const v = p[name];
  if (!present(v)) return undefined;
  const n = wholeNumber(v);
  return n === undefined || n < 1 ? 'unparseable' : n;
}

export function flagParam(p: Payload, name: string): boolean {
  const v = p[name];
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** an optional symbol filter: the market, or undefined when absent; unknown -> InvalidSymbol */
export function symbolParam(exchange: Exchange, p: Payload, name = 'symbol'): Market | undefined {
  const v = p[name];
  if (!present(v)) return undefined;
  const ms = typeof v === 'string' ? exchange.engine.market(v) : undefined;
  if (ms === undefined) throw fromRejection({ code: 'InvalidSymbol', detail: String(v) });
  return ms.market;
}
