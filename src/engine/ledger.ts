/**
 * Accounts, balances and holds, in exact ledger units of 10^-18 of a currency.
 *
 * Why 18 decimals: a fill's notional is price x amount, exact at 10^-(priceDecimals+amountDecimals);
 * a fee in basis points needs 4 more digits. Markets keep priceDecimals + amountDecimals <= 14,
 * so every notional, fee and hold is an exact integer here — nothing is ever rounded.
 *
 * Representation (hot-path friendly, still exact): a balance's value is a bigint base plus pending
 * deltas kept as JavaScript numbers, one slot per power of ten (slot k counts units of 10^k ledger
 * units). The matching engine adds a fill's notional (slot = notional exponent), fee (fee exponent)
 * and base quantity (base exponent) as safe integers, so a fill allocates no BigInt. A slot is folded
 * into the bigint base before it could leave the safe-integer range and whenever `total` / `held` are
 * read, so readers always see exact bigints. `availLB` is a lower bound (in units of 10^LB_EXP ledger
 * units, a safe integer) on `total - held`, kept so the funds check of an order usually needs no
 * BigInt: only holds and withdrawals decrease what is available, and both lower the bound; when the
 * bound is not enough the check is done exactly and the bound is recomputed.
 *
 * Invariants: for every balance 0 <= held <= total; the sum of all totals plus fees collected
 * equals deposits minus withdrawals, per currency; availLB <= total - held (in LB units).
 */
import { pow10 } from '../domain/decimal.js';

export const LEDGER_DECIMALS = 18;
export const BPS = 10_000n;
const MAX = Number.MAX_SAFE_INTEGER;
/**
 * A pending hold slot is folded into the exact bigint once it would pass +/-2^50 (not 2^53, where
 * a total slot is): holds come and go with every order, so with the lower bound a busy account
 * folds every few thousand orders instead of once in a blue moon, and the fold path is code the
 * JIT has seen (its first run on a hot path otherwise deoptimises the caller for tens of ms).
 * Exact either way.
 */
export const HOLD_FOLD = 2 ** 50;
const SLOTS = LEDGER_DECIMALS + 1;
/** POW10N[k] = 10^k as bigint, k = 0..18 */
export const POW10N: readonly bigint[] = Array.from({ length: SLOTS }, (_, k) => pow10(k));
/** the lower bound on available funds counts units of 10^LB_EXP ledger units (1e-8 of a currency) */
export const LB_EXP = 10;
const LB_UNIT = POW10N[LB_EXP]!;

export class Balance {
  private t: bigint;
  private h: bigint;
  /**
   * Pending total / held deltas per power of ten (safe integers). The matching hot path adds to a
   * slot directly when the sum stays within +/-(2^53 - 1), and then sets `dirty` (calling addT /
   * addH with a non-Smi number would box it); otherwise it calls addT / addH.
   */
  readonly pt = new Float64Array(SLOTS);
  readonly ph = new Float64Array(SLOTS);
  /** some slot may be non-zero */
  dirty = false;
  /** lower bound on total - held, in 10^LB_EXP ledger units, a safe integer (may be negative) */
  availLB = 0;
  /** index in the order store's balance table, -1 until an order refers to it (order-store.ts) */
  ix = -1;

  constructor(total = 0n, held = 0n) {
    this.t = total;
    this.h = held;
    this.resetLB();
  }

  get total(): bigint {
    if (this.dirty) this.fold();
    return this.t;
  }

  set total(v: bigint) {
    if (this.dirty) this.fold();
    this.t = v;
    this.resetLB();
  }

  get held(): bigint {
    if (this.dirty) this.fold();
    return this.h;
  }

  set held(v: bigint) {
    if (this.dirty) this.fold();
    this.h = v;
    this.resetLB();
  }

  /** exact total - held */
  available(): bigint {
    if (this.dirty) this.fold();
    return this.t - this.h;
  }

  /** recompute the lower bound exactly (floor of available in LB units, clamped to the safe range) */
  resetLB(): void {
    const a = this.available();
    const q = a >= 0n ? a / LB_UNIT : -((-a + LB_UNIT - 1n) / LB_UNIT);
    this.availLB = q > BigInt(MAX) ? MAX : q < -BigInt(MAX) ? -MAX : Number(q);
  }

  /** total += d x 10^k ledger units; d a safe integer */
  addT(k: number, d: number): void {
    const a = this.pt;
    const v = a[k]! + d;
    if (v <= MAX && v >= -MAX) a[k] = v;
    else {
      this.t += BigInt(a[k]!) * POW10N[k]! + BigInt(d) * POW10N[k]!;
      a[k] = 0;
    }
    this.dirty = true;
  }

  /** held += d x 10^k ledger units; d a safe integer */
  addH(k: number, d: number): void {
    const a = this.ph;
    const v = a[k]! + d;
    if (v <= HOLD_FOLD && v >= -HOLD_FOLD) a[k] = v;
    else {
      this.h += BigInt(a[k]!) * POW10N[k]! + BigInt(d) * POW10N[k]!;
      a[k] = 0;
    }
    this.dirty = true;
  }

  /** total += x ledger units (does not touch the lower bound: callers that decrease must) */
  addBigT(x: bigint): void {
    this.t += x;
  }

  /** held += x ledger units (does not touch the lower bound: callers that increase must) */
  addBigH(x: bigint): void {
    this.h += x;
  }

  private fold(): void {
    const pt = this.pt;
    const ph = this.ph;
    for (let k = 0; k < SLOTS; k++) {
      if (pt[k] !== 0) {
        this.t += BigInt(pt[k]!) * POW10N[k]!;
        pt[k] = 0;
      }
      if (ph[k] !== 0) {
        this.h += BigInt(ph[k]!) * POW10N[k]!;
        ph[k] = 0;
      }
    }
    this.dirty = false;
  }
}

export interface Account {
  readonly id: string;
  /** dense index, in creation order (the order store refers to accounts by it) */
  readonly ix: number;
  makerBps: number;
  takerBps: number;
  readonly balances: Map<string, Balance>;
  /**
   * Lookup caches for the order path (not state): the account's open-order list (the entry of
   * EngineState.accountOrders, which is never replaced), and the base and quote balances of the
   * market it last traded (entries of `balances`, which are never replaced either).
   */
  orderList?: unknown;
  lastMarket?: unknown;
  lastBase?: Balance;
  lastQuote?: Balance;
  /** the session of the account's last order and its index in the order store (a lookup cache) */
  lastSession?: string;
  lastSessionIx?: number;
}

export function balanceOf(a: Account, currency: string): Balance {
  let b = a.balances.get(currency);
  if (b === undefined) {
    b = new Balance();
    a.balances.set(currency, b);
  }
  return b;
}

/**
 * Fees collected per currency. A Map<string, bigint> to its readers; the engine adds fees through
 * per-currency `Balance` cells (pending number slots, see above) that are folded in on every read.
 */
export class FeeTotals extends Map<string, bigint> {
  private readonly cells = new Map<string, { b: Balance; touched: boolean }>();

  /** the cell fees in `currency` are added to; call `touch` when adding */
  cell(currency: string): { b: Balance; touched: boolean } {
    let c = this.cells.get(currency);
    if (c === undefined) this.cells.set(currency, (c = { b: new Balance(), touched: false }));
    return c;
  }

  private sync(): void {
    for (const [cur, c] of this.cells) if (c.touched) super.set(cur, c.b.total);
  }

  override get(k: string): bigint | undefined {
    this.sync();
    return super.get(k);
  }

  override has(k: string): boolean {
    this.sync();
    return super.has(k);
  }

  override get size(): number {
    this.sync();
    return super.size;
  }

  override set(k: string, v: bigint): this {
    const c = this.cell(k);
    c.b.total = v;
    c.touched = true;
    return super.set(k, v);
  }

  override entries(): IterableIterator<[string, bigint]> {
    this.sync();
    return super.entries();
  }

  override keys(): IterableIterator<string> {
    this.sync();
    return super.keys();
  }

  override values(): IterableIterator<bigint> {
    this.sync();
    return super.values();
  }

  override forEach(fn: (v: bigint, k: string, m: Map<string, bigint>) => void, thisArg?: unknown): void {
    this.sync();
    super.forEach(fn, thisArg);
  }

  override [Symbol.iterator](): IterableIterator<[string, bigint]> {
    return this.entries();
  }
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
  /** exponents (powers of ten of ledger units): an amount unit of base, a notional unit (price x amount), a fee unit (notional x bps) */
  readonly baseExp: number;
  readonly notionalExp: number;
  readonly feeExp: number;
}

export function marketFactors(priceDecimals: number, amountDecimals: number): MarketFactors {
  const baseExp = LEDGER_DECIMALS - amountDecimals;
  const notionalExp = LEDGER_DECIMALS - priceDecimals - amountDecimals;
  return {
    baseUnit: pow10(baseExp),
    quotePerBps: pow10(notionalExp - 4),
    notionalFactor: pow10(notionalExp),
    holdFactors: [],
    feeFactors: [],
    baseExp,
    notionalExp,
    feeExp: notionalExp - 4,
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
