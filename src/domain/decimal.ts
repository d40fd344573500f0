/**
 * Exact decimal <-> scaled-integer conversion, used only at the edges (commands in, JSON out).
 *
 * Owns: parsing Gemini-style decimal strings ("0.1", "3633.00", "1e-8") into integers scaled by
 * 10^scale, and formatting scaled integers back to strings.
 * Invariants: no floating point is ever used on a value; a string with more significant decimals
 * than the scale allows is refused (returns null), never rounded.
 */

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

/** Longest input we are willing to look at; anything longer is absurd for an amount or price. */
const MAX_INPUT_LENGTH = 64;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 60; i++, p *= 10n) POW10.push(p);

export function pow10(n: number): bigint {
  if (n < 0 || n > 60 || !Number.isInteger(n)) throw new RangeError(`pow10 out of range: ${n}`);
  return POW10[n]!;
}

/**
 * Parse `text` into an integer count of 10^-scale units.
 * Returns null when the text is not a plain decimal number or has more precision than `scale`.
 * Negative values parse (the caller decides whether a sign is allowed).
 */
export function parseDecimal(text: string, scale: number): bigint | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_INPUT_LENGTH) return null;
  const m = DECIMAL_RE.exec(text);
  if (m === null) return null;
  const sign = m[1] === '-' ? -1n : 1n;
  let intPart = m[2] ?? '';
  let fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return null;
  let exp = m[4] !== undefined ? Number(m[4]) : 0;
  // Shift the decimal point by the exponent, purely on the digit strings.
  if (exp > 0) {
    const moved = fracPart.slice(0, exp).padEnd(exp, '0');
    intPart += moved;
    fracPart = fracPart.slice(exp);
  } else if (exp < 0) {
    exp = -exp;
    const padded = intPart.padStart(exp, '0');
    fracPart = padded.slice(padded.length - exp) + fracPart;
    intPart = padded.slice(0, padded.length - exp);
  }
  // Trailing zeros in the fraction carry no precision.
  let end = fracPart.length;
  while (end > 0 && fracPart.charCodeAt(end - 1) === 48) end--;
  fracPart = fracPart.slice(0, end);
  if (fracPart.length > scale) return null;
  const digits = (intPart === '' ? '0' : intPart) + fracPart.padEnd(scale, '0');
  if (digits.length > 60) return null;
  return sign * BigInt(digits);
}

/**
 * Format a scaled integer as a decimal string.
 * `minDecimals` keeps at least that many fraction digits (prices print as "3633.00");
 * beyond that trailing zeros are dropped ("5", "0.1").
 */
export function formatDecimal(value: bigint | number, scale: number, minDecimals = 0): string {
  let v = typeof value === 'bigint' ? value : BigInt(value);
  const negative = v < 0n;
  if (negative) v = -v;
  let s = v.toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    const intPart = s.slice(0, s.length - scale);
    let frac = s.slice(s.length - scale);
    let end = frac.length;
    while (end > minDecimals && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
    s = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  }
  return negative ? `-${s}` : s;
}

/** Number of decimal places in a step such as "0.01" or "1e-8" (the step must be a power-of-ten multiple). */
export function decimalsOf(step: string): number {
  for (let d = 0; d <= 18; d++) {
    const v = parseDecimal(step, d);
    if (v !== null) return d;
  }
  throw new RangeError(`step has more than 18 decimals: ${step}`);
}

/**
 * Parse a positive decimal into a safe-integer count of 10^-scale units, or undefined when it is
 * not positive, has too much precision, or does not fit below 2^53. A hand-written fast path covers
 * plain "123.45" text of at most 15 digits; everything else goes through parseDecimal.
 */
export function parsePositiveUnits(text: string, scale: number): number | undefined {
  const n = text.length;
  let v = 0;
  let digits = 0;
  let frac = -1; // digits seen after the point, -1 before it
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (frac >= 0) {
        frac++;
        if (frac > scale) {
          if (c === 48) continue; // trailing zeros are checked below
          // too precise, unless an exponent follows and shifts it back: let the full parser decide
          return /[eE]/.test(text) ? slowUnits(text, scale) : undefined;
        }
      }
      v = v * 10 + (c - 48);
      if (v > 0 || frac >= 0) digits++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      break;
    }
  }
  if (i < n || digits > 15 || n === 0 || (frac === 0 && n === 1)) return slowUnits(text, scale);
  if (frac > scale) {
    // only reached when every digit past `scale` was a zero: drop them
    frac = scale;
    // v accumulated only the digits up to `scale` because zeros past it were skipped
  }
  const shift = scale - (frac < 0 ? 0 : frac);
  for (let k = 0; k < shift; k++) v *= 10;
  if (!(v > 0) || v > Number.MAX_SAFE_INTEGER) return v > 0 ? slowUnits(text, scale) : undefined;
  return v;
}

function slowUnits(text: string, scale: number): number | undefined {
  const v = parseDecimal(text.trim(), scale);
  if (v === null || v <= 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(v);
}
