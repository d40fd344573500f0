/**
 * Query-string and path parameters of the public endpoints, read the way Gemini's GET endpoints
 * take them: whole numbers as digit strings, flags as `true`/`1`, symbols in any letter case.
 *
 * Owns: the public adapter's parameter rules (defaults, maxima, what is refused and with which
 * reason). Invariants: never throws anything but a RestError; an absent or empty parameter reads
 * as absent; a repeated parameter uses its first value.
 */
import type { Market } from '../../../domain/symbols.js';
import type { Exchange } from '../../../app/exchange.js';
import { fromRejection, restError } from '../errors.js';

/** longest piece of a client's input echoed back in an error message */
const ECHO_MAX = 40;

export function echo(v: unknown): string {
  const s = String(v);
  return s.length > ECHO_MAX ? `${s.slice(0, ECHO_MAX)}...` : s;
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** the query value as a string, undefined when absent or empty */
export function queryText(q: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = first(q[name]);
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** a non-negative whole number (digits only, below 2^53), else undefined */
function wholeNumber(s: string): number | undefined {
  if (!/^\d{1,16}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A count parameter: `dflt` when absent, at most `max`; 0 is kept (its meaning is the caller's);
 * anything but a non-negative whole number -> 400 InvalidParameter.
 */
export function countParam(q: Readonly<Record<string, unknown>>, name: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = queryText(q, name);
  if (s === undefined) return dflt;
  const n = wholeNumber(s);
  if (n === undefined) throw restError('InvalidParameter', `'${name}' must be a whole number of at least 0, got '${echo(s)}'`);
  return Math.min(n, max);
}

/** a trade id bound: a non-negative whole number, or undefined when absent */
export function tidParam(q: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const s = queryText(q, name);
  if (s === undefined) return undefined;
  const n = wholeNumber(s);
  if (n === undefined) throw restError('InvalidParameter', `'${name}' must be a trade id (a whole number), got '${echo(s)}'`);
  return n;
}

/**
 * A time filter in ms from whole seconds or milliseconds since the epoch (values below 10^11 are
 * seconds, as in the private API); undefined when absent; else 400 InvalidTimestampInPayload.
 */
export function timeParam(q: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const s = queryText(q, name);
  if (s === undefined) return undefined;
  const n = wholeNumber(s);
  if (n === undefined) throw restError('InvalidTimestampInPayload', `got ${name}=${echo(s)}`);
  return n < 100_000_000_000 ? n * 1000 : n;
}

/** Gemini's flags: `true` or `1` (any letter case) turn it on; anything else is off */
export function flagParam(q: Readonly<Record<string, unknown>>, name: string): boolean {
  const s = queryText(q, name)?.toLowerCase();
  return s === 'true' || s === '1';
}

/** the listed market a path's symbol names (any letter case), else 400 InvalidSymbol */
export function marketParam(exchange: Exchange, symbol: string | undefined): Market {
  const ms = typeof symbol === 'string' && symbol.length <= 32 ? exchange.engine.market(symbol) : undefined;
  if (ms === undefined) throw fromRejection({ code: 'InvalidSymbol', detail: echo(symbol ?? '') });
  return ms.market;
}
