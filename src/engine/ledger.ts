/**
 * Accounts, balances and holds, in exact ledger units of 10^-18 of a currency.
 *
 * Why 18 decimals: a fill's notional is price x amount, exact at 10^-(priceDecimals+amountDecimals);
 * a fee in basis points needs 4 more digits. Markets keep priceDecimals + amountDecimals <= 14,
 * so every notional, fee and hold is an exact integer here — nothing is ever rounded.
 *
 * Invariants: for every balance 0 <= held <= total; the sum of all totals plus fees collected
 * equals deposits minus withdrawals, per currency.
 */
import { pow10 } from '../domain/decimal.js';

export const LEDGER_DECIMALS = 18;
export const BPS = 10_000n;

export interface Balance {
  total: bigint;
  held: bigint;
}

export interface Account {
  readonly id: string;
  makerBps: number;
  takerBps: number;
  readonly balances: Map<string, Balance>;
}

export function balanceOf(a: Account, currency: string): Balance {
  let b = a.balances.get(currency);
  if (b === undefined) {
    b = { total: 0n, held: 0n };
    a.balances.set(currency, b);
  }
  return b;
}

/** Factors that turn a market's integer units into ledger units. */
export interface MarketFactors {
  /** ledger units per amount unit of the base currency */
  readonly baseUnit: bigint;
  /** ledger units of quote per (price unit x amount unit x basis point) */
  readonly quotePerBps: bigint;
  /** ledger quote per (price unit x amount unit): 10000 x quotePerBps */
  readonly notionalFactor: bigint;
  /** cache: (10000 + bps) x quotePerBps, by bps */
  readonly holdFactors: bigint[];
  /** cache: bps x quotePerBps, by bps */
  readonly feeFactors: bigint[];
}

export function marketFactors(priceDecimals: number, amountDecimals: number): MarketFactors {
  return {
    baseUnit: pow10(LEDGER_DECIMALS - amountDecimals),
    quotePerBps: pow10(LEDGER_DECIMALS - 4 - priceDecimals - amountDecimals),
    notionalFactor: pow10(LEDGER_DECIMALS - priceDecimals - amountDecimals),
    holdFactors: [],
    feeFactors: [],
  };
}

/** ledger quote per (price unit x amount unit) reserved by a buy with fee headroom `bps` */
export function holdFactor(f: MarketFactors, bps: number): bigint {
  let h = f.holdFactors[bps];
  if (h === undefined) f.holdFactors[bps] = h = (BPS + BigInt(bps)) * f.quotePerBps;
  return h;
}

/** ledger quote fee per (price unit x amount unit) at `bps` */
export function feeFactor(f: MarketFactors, bps: number): bigint {
  let h = f.feeFactors[bps];
  if (h === undefined) f.feeFactors[bps] = h = BigInt(bps) * f.quotePerBps;
  return h;
}

/** exact a x b for non-negative safe integers, as a bigint */
export function mulUnits(a: number, b: number): bigint {
  const p = a * b;
  return p <= Number.MAX_SAFE_INTEGER ? BigInt(p) : BigInt(a) * BigInt(b);
}

/** quote reserved for a buy of `amount` at `price` with fee headroom `bps` */
export function buyHold(f: MarketFactors, price: number, amount: number, bps: number): bigint {
  return mulUnits(price, amount) * holdFactor(f, bps);
}

export function sellHold(f: MarketFactors, amount: number): bigint {
  return BigInt(amount) * f.baseUnit;
}
