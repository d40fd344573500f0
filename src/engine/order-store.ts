/**
 * Open orders as rows of typed arrays: one slot per open order, 128 bytes, in one buffer seen
 * twice: its number fields in the first 64-byte cache line (`f`, a Float64Array, Row.F = 16
 * doubles per slot, offsets F) and its integer fields in the next one (`i`, an Int32Array over the
 * same buffer, Row.I = 32 per slot, offsets I: 16 and up). An open order is not a heap object of
 * its own, so a growing book gives the garbage collector nothing to copy; and its fields sit
 * together, so matching against an order that has rested for a long time (no longer in the CPU
 * caches) misses on one 128-byte pair of adjacent lines (which a CPU's adjacent-line prefetcher
 * may fetch as one) rather than on one line per field. (Two separate arrays, one per row, measured
 * the same on the engine benchmark; one buffer is kept as the simpler allocation.)
 * References are small integers: accounts, sessions and markets index name tables, balances index
 * `balances` (each Balance learns its index once); the rare values that are not numbers (client
 * order ids, bigint parts) sit in sparse maps flagged in `flags`. Slots of closed orders are
 * reused (a free stack); the rows grow fourfold (128 bytes a slot): grown arrays are copied, and
 * every copy touches fresh pages (slow on some VMs), so fewer, larger steps touch fewer; the part
 * not used yet is never touched.
 *
 * Invariants (open orders, as before in order.ts): 0 < remaining <= amount; the hold is exactly
 * what the ledger has reserved for the order: while HSTD is set it is the standard hold of
 * `remaining` in exact number parts the ledger keeps in pending slots — buys: n = price x remaining
 * units of 10^hExp (the market's notional exponent) plus n x max(makerBps, takerBps) units of
 * 10^fExp (the fee exponent); sells: remaining units of 10^hExp (the base exponent) — plus hBig
 * (a bigint, for holds whose parts would not be safe integers or that a snapshot restored).
 * Filled notional is fn (a safe integer) + fnBig. `prev`/`next` belong to the book holding the
 * order, `aPos` to its account's open-order list (order-index.ts). hExp and fExp share
 * one integer (`exps`: hExp | fExp << 8).
 *
 * Readers outside the hot path see an order through an `OrderRef` (a view of one slot, cached per
 * slot): valid while the order is open; once it closes its slot may hold another order.
 */
import { POW10N, type Balance } from './ledger.js';
import type { ExecOption, OrderKind, Side } from './order.js';

export const SIDES: readonly Side[] = ['buy', 'sell'];
export const KINDS: readonly OrderKind[] = ['limit', 'stop-limit', 'market'];
export const OPTIONS: readonly ExecOption[] = ['', 'maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill'];
export const BUY = 0;
export const SELL = 1;
export const LIMIT = 0;
export const STOP_LIMIT = 1;
export const MARKET = 2;
export const NO_OPTION = 0;
export const MAKER_OR_CANCEL = 1;
export const IMMEDIATE_OR_CANCEL = 2;
export const FILL_OR_KILL = 3;

/** flag bits */
export const TRIGGERED = 1;
export const RESTING = 2;
export const HSTD = 4;
/** has a client order id (in `cids`) */
export const CID = 8;
/** has a non-zero fnBig (in `fnBigs`) */
export const FNBIG = 16;
/** has a non-zero hBig (in `hBigs`) */
export const HBIG = 32;
/** is in its account's open-order list */
export const LISTED = 64;

/** no slot */
export const NONE = -1;

/** array elements per slot in `f` and in `i` (one slot: 128 bytes, numbers first, then integers) */
export const enum Row {
  F = 16,
  I = 32,
}

/** offsets of the number fields in a slot's row of `f` (0..7: the slot's first 64 bytes) */
export const enum F {
  id = 0,
  price = 1,
  stopPrice = 2,
  amount = 3,
  remaining = 4,
  time = 5,
  /** filled notional, the safe-integer part */
  fn = 6,
}

/** offsets of the integer fields in a slot's row of `i` (16..31: the slot's second 64 bytes) */
export const enum I {
  /** index into accountNames */
  account = 16,
  /** index into sessionNames */
  session = 17,
  /** the ledger balance the hold sits in (quote for buys, base for sells): index into balances */
  payBal = 18,
  /** the ledger balance fills are credited to: index into balances */
  getBal = 19,
  /** book links (NONE at the ends) */
  prev = 20,
  next = 21,
  /** the order's position in its account's open-order list (order-index.ts) */
  aPos = 22,
  /** (not used) */
  spare = 23,
  /** index into symbolNames */
  market = 24,
  makerBps = 25,
  takerBps = 26,
  side = 27,
  kind = 28,
  option = 29,
  flags = 30,
  /** hExp | fExp << 8 */
  exps = 31,
}

export class OrderStore {
  private cap = 0;
  /** slots ever handed out (slots >= top were never used) */
  private top = 0;
  private free: Int32Array = new Int32Array(0);
  private nFree = 0;

  /** the number fields, a row of Row.F per slot (offsets: F; elements 8..15 are `i`'s) */
  f: Float64Array = new Float64Array(0);
  /** the integer fields, a row of Row.I per slot over the same buffer as `f` (offsets: I) */
  i: Int32Array = new Int32Array(0);
  // sparse values, by slot (flagged in `flags`)
  private readonly cids = new Map<number, string>();
  private readonly fnBigs = new Map<number, bigint>();
  private readonly hBigs = new Map<number, bigint>();
  // name and reference tables
  /** account names by account index (the engine assigns indexes, see Account.ix) */
  readonly accountNames: string[] = [];
  /** market symbols by market index (the engine assigns indexes, see MarketState.ix) */
  readonly symbolNames: string[] = [];
  readonly sessionNames: string[] = [];
  private readonly sessionIxs = new Map<string, number>();
  readonly balances: Balance[] = [];
  private readonly views: (OrderRef | undefined)[] = [];
  /** a view for sinks: re-pointed at each call (see sink.ts: valid during the call only) */
  readonly cursor = new OrderRef(this, 0);

  /**
   * `capacity` slots are allocated up front. With `prefault`, every column is also written once
   * here, so the pages behind them are mapped before the first order arrives rather than on the
   * hot path (first-touch page faults cost about 3 ms per MB on the VMs we measure on).
   */
  constructor(capacity = 1024, prefault = false) {
    this.grow(capacity);
    if (prefault) {
      this.f.fill(0); // (and so `i`: the same memory)
      this.free.fill(0);
    }
  }

  /** a free slot (the caller sets every column but aList) */
  alloc(): number {
    if (this.nFree > 0) return this.free[--this.nFree]!;
    if (this.top === this.cap) this.grow(this.cap * 4);
    return this.top++;
  }

  /** give a closed order's slot back (its sparse values are dropped) */
  release(s: number): void {
    const f = this.i[s * Row.I + I.flags]!;
    if ((f & CID) !== 0) this.cids.delete(s);
    if ((f & FNBIG) !== 0) this.fnBigs.delete(s);
    if ((f & HBIG) !== 0) this.hBigs.delete(s);
    this.i[s * Row.I + I.flags] = 0;
    this.f[s * Row.F + F.id] = -1; // (the order index's entry for the old id goes stale)
    this.free[this.nFree++] = s; // (the free stack is as long as the columns: it cannot overflow)
  }

  private grow(cap: number): void {
    const fr = new Int32Array(cap);
    fr.set(this.free.subarray(0, this.nFree));
    this.free = fr;
    const buf = new ArrayBuffer(cap * Row.F * 8);
    const f = new Float64Array(buf);
    f.set(this.f);
    this.f = f;
    this.i = new Int32Array(buf);
    this.cap = cap;
  }

  // ---- tables ----

  /** the index of a session name (interned) */
  sessionOf(name: string): number {
    let x = this.sessionIxs.get(name);
    if (x === undefined) {
      x = this.sessionNames.length;
      this.sessionNames.push(name);
      this.sessionIxs.set(name, x);
    }
    return x;
  }

  /** the index of a balance (registered on first use) */
  balanceOf(b: Balance): number {
    if (b.ix < 0) {
      b.ix = this.balances.length;
      this.balances.push(b);
    }
    return b.ix;
  }

  // ---- sparse values ----

  clientOrderId(s: number): string | undefined {
    return (this.i[s * Row.I + I.flags]! & CID) === 0 ? undefined : this.cids.get(s);
  }

  setClientOrderId(s: number, v: string | undefined): void {
    if (v === undefined) {
      this.i[s * Row.I + I.flags] = this.i[s * Row.I + I.flags]! & ~CID;
      this.cids.delete(s);
    } else {
      this.i[s * Row.I + I.flags] = this.i[s * Row.I + I.flags]! | CID;
      this.cids.set(s, v);
    }
  }

  fnBig(s: number): bigint {
    return (this.i[s * Row.I + I.flags]! & FNBIG) === 0 ? 0n : this.fnBigs.get(s)!;
  }

  setFnBig(s: number, v: bigint): void {
    if (v === 0n) {
      this.i[s * Row.I + I.flags] = this.i[s * Row.I + I.flags]! & ~FNBIG;
      this.fnBigs.delete(s);
    } else {
      this.i[s * Row.I + I.flags] = this.i[s * Row.I + I.flags]! | FNBIG;
      this.fnBigs.set(s, v);
    }
  }

  hBig(s: number): bigint {
    return (this.i[s * Row.I + I.flags]! & HBIG) === 0 ? 0n : this.hBigs.get(s)!;
  }

  setHBig(s: number, v: bigint): void {
    if (v === 0n) {
      this.i[s * Row.I + I.flags] = this.i[s * Row.I + I.flags]! & ~HBIG;
      this.hBigs.delete(s);
    } else {
      this.i[s * Row.I + I.flags] = this.i[s * Row.I + I.flags]! | HBIG;
      this.hBigs.set(s, v);
    }
  }

  /** the (cached) view of a slot */
  view(s: number): OrderRef {
    let v = this.views[s];
    if (v === undefined) {
      while (this.views.length < s) this.views.push(undefined);
      this.views[s] = v = new OrderRef(this, s);
    }
    return v;
  }

  /** the cursor, pointed at slot s */
  at(s: number): OrderRef {
    const c = this.cursor;
    c.slot = s;
    return c;
  }

  /** filled notional (price units x amount units) */
  filledNotional(s: number): bigint {
    const big = this.fnBig(s);
    return big === 0n ? BigInt(this.f[s * Row.F + F.fn]!) : big + BigInt(this.f[s * Row.F + F.fn]!);
  }

  /** add one fill's notional (a safe integer) */
  addFilled(s: number, pq: number): void {
    const f = this.f;
    const k = s * Row.F + F.fn;
    const v = f[k]! + pq;
    if (v <= Number.MAX_SAFE_INTEGER) f[k] = v;
    else {
      this.setFnBig(s, this.fnBig(s) + BigInt(f[k]!) + BigInt(pq));
      f[k] = 0;
    }
  }

  /** exactly what the ledger has reserved for the order in slot s (ledger units) */
  hold(s: number): bigint {
    let h = this.hBig(s);
    const r = this.f[s * Row.F + F.remaining]!;
    if ((this.i[s * Row.I + I.flags]! & HSTD) !== 0 && r > 0) {
      if (this.i[s * Row.I + I.side] === BUY) {
        const mb = this.i[s * Row.I + I.makerBps]!;
        const tb = this.i[s * Row.I + I.takerBps]!;
        const n = this.f[s * Row.F + F.price]! * r;
        h += BigInt(n) * POW10N[(this.i[s * Row.I + I.exps]! & 0xff)]! + BigInt(n * (mb > tb ? mb : tb)) * POW10N[(this.i[s * Row.I + I.exps]! >> 8)]!;
      } else {
        h += BigInt(r) * POW10N[(this.i[s * Row.I + I.exps]! & 0xff)]!;
      }
    }
    return h;
  }
}

/** A read-only view of one slot of an OrderStore (the fields an Order object used to have). */
export class OrderRef {
  constructor(readonly store: OrderStore, public slot: number) {}

  get id(): number {
    return this.store.f[this.slot * Row.F + F.id]!;
  }
  get account(): string {
    return this.store.accountNames[this.store.i[this.slot * Row.I + I.account]!]!;
  }
  get session(): string {
    return this.store.sessionNames[this.store.i[this.slot * Row.I + I.session]!]!;
  }
  get symbol(): string {
    return this.store.symbolNames[this.store.i[this.slot * Row.I + I.market]!]!;
  }
  get side(): Side {
    return this.store.i[this.slot * Row.I + I.side] === BUY ? 'buy' : 'sell';
  }
  get kind(): OrderKind {
    return KINDS[this.store.i[this.slot * Row.I + I.kind]!]!;
  }
  get price(): number {
    return this.store.f[this.slot * Row.F + F.price]!;
  }
  get stopPrice(): number {
    return this.store.f[this.slot * Row.F + F.stopPrice]!;
  }
  get amount(): number {
    return this.store.f[this.slot * Row.F + F.amount]!;
  }
  get remaining(): number {
    return this.store.f[this.slot * Row.F + F.remaining]!;
  }
  get option(): ExecOption {
    return OPTIONS[this.store.i[this.slot * Row.I + I.option]!]!;
  }
  get clientOrderId(): string | undefined {
    return this.store.clientOrderId(this.slot);
  }
  get time(): number {
    return this.store.f[this.slot * Row.F + F.time]!;
  }
  get makerBps(): number {
    return this.store.i[this.slot * Row.I + I.makerBps]!;
  }
  get takerBps(): number {
    return this.store.i[this.slot * Row.I + I.takerBps]!;
  }
  get fn(): number {
    return this.store.f[this.slot * Row.F + F.fn]!;
  }
  get fnBig(): bigint {
    return this.store.fnBig(this.slot);
  }
  get filledNotional(): bigint {
    return this.store.filledNotional(this.slot);
  }
  get hold(): bigint {
    return this.store.hold(this.slot);
  }
  /** stop orders: false while waiting for the trigger */
  get triggered(): boolean {
    return (this.store.i[this.slot * Row.I + I.flags]! & TRIGGERED) !== 0;
  }
  /** true while the order sits in its market's book */
  get resting(): boolean {
    return (this.store.i[this.slot * Row.I + I.flags]! & RESTING) !== 0;
  }
}
