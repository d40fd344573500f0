/**
 * The production order book.
 *
 * Shape: per side, an index price -> Level and an array of the active levels sorted so that the best
 * price is at the END (bids ascending, asks descending) — taking the best level off is a pop.
 * The index is a window array of WINDOW consecutive prices (placed around the first price seen,
 * and re-placed whenever the side becomes empty) with a Map for the prices outside it, so looking
 * a level up near the touch is an array index. Dropped level objects are kept for reuse.
 * Each level is an intrusive doubly linked FIFO list of slots threaded through the order store's
 * prev/next fields, so adding, cancelling and filling an order are O(1) apart from creating or
 * deleting a level (a search from the best end + a shift of the active prices); an order's level is found
 * again from its price (a window index away).
 */
import { F, I, NONE, Row, type OrderRef, type OrderStore } from '../order-store.js';
import type { Side } from '../order.js';
import type { Book, Level } from './book.js';
import { objectArray } from '../arrays.js';

class PriceLevel {
  head = NONE;
  tail = NONE;
  amount = 0;
  count = 0;
  constructor(public price: number) {}
}

const WINDOW = 8192;
/** levels next to the best one that indexOf looks at one by one before a binary search */
const NEAR_END = 8;
const SPARE_LEVELS = 1024;

class BookSide {
  /** levels at prices lo .. lo + WINDOW - 1, by price - lo (allocated on first use) */
  private win: (PriceLevel | undefined)[] | null = null;
  private lo = 0;
  /** number of levels in the window */
  private inWin = 0;
  /** levels outside the window */
  private readonly far = new Map<number, PriceLevel>();
  /** dropped levels kept for reuse: spare[0..nSpare-1] (a manual count: pop() would trim the store) */
  private readonly spare: PriceLevel[] = objectArray();
  private nSpare = 0;
  /** active levels sorted by price, best last */
  readonly sorted: PriceLevel[] = objectArray();
  /**
   * the sum of the levels' amounts while it is a safe integer (so exact); once it is not, Infinity
   * for good (a bound that no longer bounds anything)
   */
  total = 0;
  constructor(private readonly isBid: boolean, private readonly store: OrderStore) {}

  /**
   * index at which `price` sits or should be inserted to keep the order: levels come and go mostly
   * next to the best price (the end), so the last few are looked at one by one first
   */
  private indexOf(price: number): number {
    const a = this.sorted;
    let hi = a.length;
    const stop = hi > NEAR_END ? hi - NEAR_END : 0;
    if (this.isBid) {
      while (hi > stop && a[hi - 1]!.price >= price) hi--;
    } else {
      while (hi > stop && a[hi - 1]!.price <= price) hi--;
    }
    if (hi > stop || stop === 0) return hi;
    let lo = 0;
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (a[mid]!.price < price) lo = mid + 1; else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (a[mid]!.price > price) lo = mid + 1; else hi = mid;
      }
    }
    return lo;
  }

  level(price: number): PriceLevel | undefined {
    const i = price - this.lo;
    if (i >= 0 && i < WINDOW && this.win !== null) return this.win[i];
    return this.far.size === 0 ? undefined : this.far.get(price);
  }

  private newLevel(price: number): PriceLevel {
    const level = this.nSpare > 0 ? this.spare[--this.nSpare]! : new PriceLevel(price);
    level.price = price;
    if (this.win === null || (this.inWin === 0 && this.far.size === 0 && (price - this.lo < 0 || price - this.lo >= WINDOW))) {
      // (re)place the window around this price; the side holds no level now
      if (this.win === null) this.win = new Array<PriceLevel | undefined>(WINDOW).fill(undefined);
      this.lo = Math.max(0, price - WINDOW / 2);
    }
    const i = price - this.lo;
    if (i >= 0 && i < WINDOW) {
      this.win[i] = level;
      this.inWin++;
    } else {
      this.far.set(price, level);
    }
    return level;
  }

  add(o: number): void {
    const st = this.store;
    const price = st.f[o * Row.F + F.price]!;
    let level = this.level(price);
    if (level === undefined) {
      level = this.newLevel(price);
      const a = this.sorted;
      const last = a.length - 1;
      // common case: new best price
      if (last < 0 || (this.isBid ? price > a[last]!.price : price < a[last]!.price)) a.push(level);
      else {
        // insert at j, shifting the better levels one up (by hand: splice would allocate)
        const j = this.indexOf(price);
        a.push(a[last]!);
        for (let k = last; k > j; k--) a[k] = a[k - 1]!;
        a[j] = level;
      }
    }
    const tail = level.tail;
    st.i[o * Row.I + I.next] = NONE;
    st.i[o * Row.I + I.prev] = tail;
    if (tail === NONE) level.head = o; else st.i[tail * Row.I + I.next] = o;
    level.tail = o;
    const r = st.f[o * Row.F + F.remaining]!;
    level.amount += r;
    level.count++;
    const t = this.total + r;
    this.total = t <= Number.MAX_SAFE_INTEGER ? t : Infinity;
  }

  unlink(o: number, amount: number): void {
    const st = this.store;
    const level = this.level(st.f[o * Row.F + F.price]!)!;
    const p = st.i[o * Row.I + I.prev]!;
    const n = st.i[o * Row.I + I.next]!;
    if (p === NONE) level.head = n; else st.i[p * Row.I + I.next] = n;
    if (n === NONE) level.tail = p; else st.i[n * Row.I + I.prev] = p;
    st.i[o * Row.I + I.prev] = st.i[o * Row.I + I.next] = NONE;
    level.amount -= amount;
    level.count--;
    this.total -= amount;
    if (level.count === 0) this.dropLevel(level);
  }

  /** the level holding an order of this side at `price` */
  levelOf(price: number): PriceLevel {
    return this.level(price)!;
  }

  private dropLevel(level: PriceLevel): void {
    const i = level.price - this.lo;
    if (i >= 0 && i < WINDOW && this.win !== null && this.win[i] === level) {
      this.win[i] = undefined;
      this.inWin--;
    } else {
      this.far.delete(level.price);
    }
    level.head = level.tail = NONE;
    level.amount = 0;
    if (this.nSpare < SPARE_LEVELS) this.spare[this.nSpare++] = level;
    const a = this.sorted;
    if (a[a.length - 1] !== level) {
      // shift the better levels one down over it (by hand: splice would allocate)
      const last = a.length - 1;
      for (let k = this.indexOf(level.price); k < last; k++) a[k] = a[k + 1]!;
    }
    a.pop();
  }

  best(): number {
    const a = this.sorted;
    return a.length === 0 ? NONE : a[a.length - 1]!.head;
  }
}

export class FastBook implements Book {
  private bids!: BookSide;
  private asks!: BookSide;
  private store!: OrderStore;
  private count = 0;

  attach(store: OrderStore): void {
    this.store = store;
    this.bids = new BookSide(true, store);
    this.asks = new BookSide(false, store);
  }

  private side(s: Side): BookSide {
    return s === 'buy' ? this.bids : this.asks;
  }

  private sideOf(slot: number): BookSide {
    return this.store.i[slot * Row.I + I.side] === 0 ? this.bids : this.asks;
  }

  add(slot: number): void {
    this.sideOf(slot).add(slot);
    this.count++;
  }

  remove(slot: number): void {
    this.sideOf(slot).unlink(slot, this.store.f[slot * Row.F + F.remaining]!);
    this.count--;
  }

  bestSlot(side: Side): number {
    return this.side(side).best();
  }

  reduced(slot: number, qty: number): void {
    const st = this.store;
    if (st.f[slot * Row.F + F.remaining] === 0) {
      this.sideOf(slot).unlink(slot, qty);
      this.count--;
    } else {
      const bs = this.sideOf(slot);
      bs.levelOf(st.f[slot * Row.F + F.price]!).amount -= qty;
      bs.total -= qty;
    }
  }

  boundFits(side: Side, amount: number): boolean {
    return this.side(side).total + amount <= Number.MAX_SAFE_INTEGER;
  }

  levelAmountBound(side: Side): number {
    return this.side(side).total;
  }

  levelAmount(side: Side, price: number): number {
    return this.side(side).level(price)?.amount ?? 0;
  }

  depth(side: Side, limit: number): Level[] {
    const a = this.side(side).sorted;
    const n = limit > 0 ? Math.min(limit, a.length) : a.length;
    const out: Level[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const l = a[a.length - 1 - i]!;
      out[i] = { price: l.price, amount: l.amount, count: l.count };
    }
    return out;
  }

  scanSlots(side: Side, visit: (slot: number) => boolean): void {
    const a = this.side(side).sorted;
    const rows = this.store.i;
    for (let i = a.length - 1; i >= 0; i--) {
      for (let s = a[i]!.head; s !== NONE; s = rows[s * Row.I + I.next]!) {
        if (!visit(s)) return;
      }
    }
  }

  size(): number {
    return this.count;
  }

  best(side: Side): OrderRef | undefined {
    const s = this.bestSlot(side);
    return s === NONE ? undefined : this.store.view(s);
  }

  scan(side: Side, visit: (o: OrderRef) => boolean): void {
    this.scanSlots(side, (s) => visit(this.store.view(s)));
  }
}
