/**
 * Open orders as columns: one slot per open order, every field in a typed array, so that an open
 * order is not a heap object of its own and a growing book gives the garbage collector nothing to
 * copy. References are small integers: accounts, sessions and markets index name tables, balances
 * index `balances` (each Balance learns its index once); the rare values that are not numbers
 * (client order ids, bigint parts) sit in sparse maps flagged in `flags`. Slots of closed orders
 * are reused (a free stack); the columns grow fourfold (about 100 bytes a slot): a grown column is
 * copied, and every copy touches fresh pages (slow on some VMs), so fewer, larger steps touch fewer;
 * the part not used yet is never touched.
 *
 * Invariants (open orders, as before in order.ts): 0 < remaining <= amount; the hold is exactly
 * what the ledger has reserved for the order: while HSTD is set it is the standard hold of
 * `remaining` in exact number parts the ledger keeps in pending slots — buys: n = price x remaining
 * units of 10^hExp (the market's notional exponent) plus n x max(makerBps, takerBps) units of
 * 10^fExp (the fee exponent); sells: remaining units of 10^hExp (the base exponent) — plus hBig
 * (a bigint, for holds whose parts would not be safe integers or that a snapshot restored).
 * Filled notional is fn (a safe integer) + fnBig. `prev`/`next` belong to the book holding the
 * order, `aPrev`/`aNext`/`aList` to its account's open-order list (order-index.ts).
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

export class OrderStore {
  private cap = 0;
  /** slots ever handed out (slots >= top were never used) */
  private top = 0;
  private free: Int32Array = new Int32Array(0);
  private nFree = 0;

  id: Float64Array = new Float64Array(0);
  price: Float64Array = new Float64Array(0);
  stopPrice: Float64Array = new Float64Array(0);
  amount: Float64Array = new Float64Array(0);
  remaining: Float64Array = new Float64Array(0);
  time: Float64Array = new Float64Array(0);
  /** filled notional, the safe-integer part */
  fn: Float64Array = new Float64Array(0);
  /** index into accountNames */
  account: Int32Array = new Int32Array(0);
  /** index into sessionNames */
  session: Int32Array = new Int32Array(0);
  /** index into symbolNames */
  market: Uint16Array = new Uint16Array(0);
  /** the ledger balance the hold sits in (quote for buys, base for sells): index into balances */
  payBal: Int32Array = new Int32Array(0);
  /** the ledger balance fills are credited to: index into balances */
  getBal: Int32Array = new Int32Array(0);
  side: Uint8Array = new Uint8Array(0);
  kind: Uint8Array = new Uint8Array(0);
  option: Uint8Array = new Uint8Array(0);
  flags: Uint8Array = new Uint8Array(0);
  makerBps: Uint16Array = new Uint16Array(0);
  takerBps: Uint16Array = new Uint16Array(0);
  hExp: Uint8Array = new Uint8Array(0);
  fExp: Uint8Array = new Uint8Array(0);
  /** book links (NONE at the ends) */
  prev: Int32Array = new Int32Array(0);
  next: Int32Array = new Int32Array(0);
  /** account-list links */
  aPrev: Int32Array = new Int32Array(0);
  aNext: Int32Array = new Int32Array(0);
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
      // every per-slot array grow() made (the columns and the free stack), without listing them again
      for (const v of Object.values(this)) if (ArrayBuffer.isView(v) && (v as Int32Array).length === capacity) (v as Int32Array).fill(0);
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
    const f = this.flags[s]!;
    if ((f & CID) !== 0) this.cids.delete(s);
    if ((f & FNBIG) !== 0) this.fnBigs.delete(s);
    if ((f & HBIG) !== 0) this.hBigs.delete(s);
    this.flags[s] = 0;
    this.free[this.nFree++] = s; // (the free stack is as long as the columns: it cannot overflow)
  }

  private grow(cap: number): void {
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const u16 = (a: Uint16Array): Uint16Array => {
      const b = new Uint16Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array): Uint8Array => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const fr = new Int32Array(cap);
    fr.set(this.free.subarray(0, this.nFree));
    this.free = fr;
    this.id = f64(this.id);
    this.price = f64(this.price);
    this.stopPrice = f64(this.stopPrice);
    this.amount = f64(this.amount);
    this.remaining = f64(this.remaining);
    this.time = f64(this.time);
    this.fn = f64(this.fn);
    this.account = i32(this.account);
    this.session = i32(this.session);
    this.market = u16(this.market);
    this.payBal = i32(this.payBal);
    this.getBal = i32(this.getBal);
    this.side = u8(this.side);
    this.kind = u8(this.kind);
    this.option = u8(this.option);
    this.flags = u8(this.flags);
    this.makerBps = u16(this.makerBps);
    this.takerBps = u16(this.takerBps);
    this.hExp = u8(this.hExp);
    this.fExp = u8(this.fExp);
    this.prev = i32(this.prev);
    this.next = i32(this.next);
    this.aPrev = i32(this.aPrev);
    this.aNext = i32(this.aNext);
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
    return (this.flags[s]! & CID) === 0 ? undefined : this.cids.get(s);
  }

  setClientOrderId(s: number, v: string | undefined): void {
    if (v === undefined) {
      this.flags[s] = this.flags[s]! & ~CID;
      this.cids.delete(s);
    } else {
      this.flags[s] = this.flags[s]! | CID;
      this.cids.set(s, v);
    }
  }

  fnBig(s: number): bigint {
    return (this.flags[s]! & FNBIG) === 0 ? 0n : this.fnBigs.get(s)!;
  }

  setFnBig(s: number, v: bigint): void {
    if (v === 0n) {
      this.flags[s] = this.flags[s]! & ~FNBIG;
      this.fnBigs.delete(s);
    } else {
      this.flags[s] = this.flags[s]! | FNBIG;
      this.fnBigs.set(s, v);
    }
  }

  hBig(s: number): bigint {
    return (this.flags[s]! & HBIG) === 0 ? 0n : this.hBigs.get(s)!;
  }

  setHBig(s: number, v: bigint): void {
    if (v === 0n) {
      this.flags[s] = this.flags[s]! & ~HBIG;
      this.hBigs.delete(s);
    } else {
      this.flags[s] = this.flags[s]! | HBIG;
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
    return big === 0n ? BigInt(this.fn[s]!) : big + BigInt(this.fn[s]!);
  }

  /** add one fill's notional (a safe integer) */
  addFilled(s: number, pq: number): void {
    const fn = this.fn;
    const v = fn[s]! + pq;
    if (v <= Number.MAX_SAFE_INTEGER) fn[s] = v;
    else {
      this.setFnBig(s, this.fnBig(s) + BigInt(fn[s]!) + BigInt(pq));
      fn[s] = 0;
    }
  }

  /** exactly what the ledger has reserved for the order in slot s (ledger units) */
  hold(s: number): bigint {
    let h = this.hBig(s);
    const r = this.remaining[s]!;
    if ((this.flags[s]! & HSTD) !== 0 && r > 0) {
      if (this.side[s] === BUY) {
        const mb = this.makerBps[s]!;
        const tb = this.takerBps[s]!;
        const n = this.price[s]! * r;
        h += BigInt(n) * POW10N[this.hExp[s]!]! + BigInt(n * (mb > tb ? mb : tb)) * POW10N[this.fExp[s]!]!;
      } else {
        h += BigInt(r) * POW10N[this.hExp[s]!]!;
      }
    }
    return h;
  }
}

/** A read-only view of one slot of an OrderStore (the fields an Order object used to have). */
export class OrderRef {
  constructor(readonly store: OrderStore, public slot: number) {}

  get id(): number {
    return this.store.id[this.slot]!;
  }
  get account(): string {
    return this.store.accountNames[this.store.account[this.slot]!]!;
  }
  get session(): string {
    return this.store.sessionNames[this.store.session[this.slot]!]!;
  }
  get symbol(): string {
    return this.store.symbolNames[this.store.market[this.slot]!]!;
  }
  get side(): Side {
    return this.store.side[this.slot] === BUY ? 'buy' : 'sell';
  }
  get kind(): OrderKind {
    return KINDS[this.store.kind[this.slot]!]!;
  }
  get price(): number {
    return this.store.price[this.slot]!;
  }
  get stopPrice(): number {
    return this.store.stopPrice[this.slot]!;
  }
  get amount(): number {
    return this.store.amount[this.slot]!;
  }
  get remaining(): number {
    return this.store.remaining[this.slot]!;
  }
  get option(): ExecOption {
    return OPTIONS[this.store.option[this.slot]!]!;
  }
  get clientOrderId(): string | undefined {
    return this.store.clientOrderId(this.slot);
  }
  get time(): number {
    return this.store.time[this.slot]!;
  }
  get makerBps(): number {
    return this.store.makerBps[this.slot]!;
  }
  get takerBps(): number {
    return this.store.takerBps[this.slot]!;
  }
  get fn(): number {
    return this.store.fn[this.slot]!;
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
    return (this.store.flags[this.slot]! & TRIGGERED) !== 0;
  }
  /** true while the order sits in its market's book */
  get resting(): boolean {
    return (this.store.flags[this.slot]! & RESTING) !== 0;
  }
}
