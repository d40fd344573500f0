/**
 * The seeded order workload shared by the engine benchmark's implementations.
 *
 * One deterministic stream (mulberry32) decides, for order i: side (50/50), limit price
 * (100 +/- 5 on a 0.01 tick, uniform over the 1001 prices), size (0.001..1 on a 0.001 step,
 * uniform), the account that places it (one of `accounts`), and whether a cancel follows it
 * (10% chance) and of which order (uniform over the last 10,000 orders, this one included).
 *
 * The workload is plain integers (cents, thousandths, indexes) in typed arrays. Each implementation
 * turns it into its own input objects before the clock starts: decimal strings for Pollux, numbers
 * for nodejs-order-book. Nothing here is timed.
 */

export const DEFAULT_SEED = 0x5eed_1234;
export const DEFAULT_ACCOUNTS = 64;
/** prices in cents: 9500..10500 */
export const PRICE_MIN_CENTS = 9_500;
export const PRICE_MAX_CENTS = 10_500;
/** sizes in thousandths: 1..1000 */
export const SIZE_MIN_MILLI = 1;
export const SIZE_MAX_MILLI = 1_000;
export const CANCEL_PROBABILITY = 0.1;
export const CANCEL_WINDOW = 10_000;

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workload {
  readonly orders: number;
  readonly accounts: number;
  readonly seed: number;
  /** 0 = buy, 1 = sell */
  readonly side: Uint8Array;
  readonly priceCents: Int32Array;
  readonly sizeMilli: Int32Array;
  readonly account: Uint16Array;
  /** index of the order to cancel right after order i, or -1 for none */
  readonly cancelAfter: Int32Array;
  readonly cancels: number;
}

export function generateWorkload(orders: number, seed = DEFAULT_SEED, accounts = DEFAULT_ACCOUNTS): Workload {
  const rnd = mulberry32(seed);
  const side = new Uint8Array(orders);
  const priceCents = new Int32Array(orders);
  const sizeMilli = new Int32Array(orders);
  const account = new Uint16Array(orders);
  const cancelAfter = new Int32Array(orders);
  const priceSpan = PRICE_MAX_CENTS - PRICE_MIN_CENTS + 1;
  const sizeSpan = SIZE_MAX_MILLI - SIZE_MIN_MILLI + 1;
  let cancels = 0;
  for (let i = 0; i < orders; i++) {
    side[i] = rnd() < 0.5 ? 0 : 1;
    priceCents[i] = PRICE_MIN_CENTS + Math.floor(rnd() * priceSpan);
    sizeMilli[i] = SIZE_MIN_MILLI + Math.floor(rnd() * sizeSpan);
    account[i] = Math.floor(rnd() * accounts);
    if (rnd() < CANCEL_PROBABILITY) {
      const window = Math.min(CANCEL_WINDOW, i + 1);
      cancelAfter[i] = i - Math.floor(rnd() * window);
      cancels++;
    } else {
      cancelAfter[i] = -1;
    }
  }
  return { orders, accounts, seed, side, priceCents, sizeMilli, account, cancelAfter, cancels };
}

/** "99.87" for 9987 — integer arithmetic only, so the string is exact */
export function centsToString(c: number): string {
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}

/** "0.123" for 123, "1.000" for 1000 */
export function milliToString(m: number): string {
  return `${Math.floor(m / 1000)}.${String(m % 1000).padStart(3, '0')}`;
}

/** order id / client id used for order i where an implementation takes caller-chosen ids */
export function orderKey(i: number): string {
  return `o${i}`;
}
