/**
 * The production order book.
 *
 * Shape: per side, an index price -> Level and an array of the active levels sorted so that the best
 * price is at the END (bids ascending, asks descending) — taking the best level off is a pop.
 * The index is a window array of WINDOW consecutive prices (placed around the first price seen,
 * and re-placed whenever the side becomes empty) with a Map for the prices outside it, so looking
 * a level up near the touch is an array index. Dropped level objects are kept for reuse.
 * Each level is an intrusive doubly linked FIFO list threaded through the orders themselves, so
 * adding, cancelling and filling an order are O(1) apart from creating or deleting a level
 * (binary search + splice over the active prices).
 */
import type { Order, Side } from '../order.js';
import type { Book, Level } from './book.js';

class PriceLevel {
  head: Order | null = null;
  tail: Order | null = null;
  amount = 0;
  count = 0;
  constructor(public price: number) {}
}

const WINDOW = 8192;
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
  private readonly spare: PriceLevel[] = [];
  private nSpare = 0;
  /** active levels sorted by price, best last */
  readonly sorted: PriceLevel[] = [];
  constructor(private readonly isBid: boolean) {}

  /** index at which `price` sits or should be inserted to keep the order */
  private indexOf(price: number): number {
    const a = this.sorted;
    let lo = 0;
    let hi = a.length;
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

  add(o: Order): void {
    let level = this.level(o.price);
    if (level === undefined) {
      level = this.newLevel(o.price);
      const a = this.sorted;
      const last = a.length - 1;
      // common case: new best price
      if (last < 0 || (this.isBid ? o.price > a[last]!.price : o.price < a[last]!.price)) a.push(level);
      else a.splice(this.indexOf(o.price), 0, level);
    }
    o.level = level;
    o.next = null;
    o.prev = level.tail;
    if (level.tail === null) level.head = o; else level.tail.next = o;
    level.tail = o;
    level.amount += o.remaining;
    level.count++;
  }

  unlink(o: Order, amount: number): void {
    const level = o.level as PriceLevel;
    if (o.prev === null) level.head = o.next; else o.prev.next = o.next;
    if (o.next === null) level.tail = o.prev; else o.next.prev = o.prev;
    o.prev = o.next = null;
    o.level = null;
    level.amount -= amount;
    level.count--;
    if (level.count === 0) this.dropLevel(level);
  }

  private dropLevel(level: PriceLevel): void {
    const i = level.price - this.lo;
    if (i >= 0 && i < WINDOW && this.win !== null && this.win[i] === level) {
      this.win[i] = undefined;
      this.inWin--;
    } else {
      this.far.delete(level.price);
    }
    level.head = level.tail = null;
    level.amount = 0;
    if (this.nSpare < SPARE_LEVELS) this.spare[this.nSpare++] = level;
    const a = this.sorted;
    if (a[a.length - 1] === level) a.pop();
    else a.splice(this.indexOf(level.price), 1);
  }

  best(): Order | undefined {
    const a = this.sorted;
    return a.length === 0 ? undefined : a[a.length - 1]!.head!;
  }
}

export class FastBook implements Book {
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);
  private count = 0;

  private side(s: Side): BookSide {
    return s === 'buy' ? this.bids : this.asks;
  }

  add(o: Order): void {
    this.side(o.side).add(o);
    this.count++;
  }

  remove(o: Order): void {
    this.side(o.side).unlink(o, o.remaining);
    this.count--;
  }

  best(side: Side): Order | undefined {
    return this.side(side).best();
  }

  reduced(o: Order, qty: number): void {
    if (o.remaining === 0) {
      this.side(o.side).unlink(o, qty);
      this.count--;
    } else {
      (o.level as PriceLevel).amount -= qty;
    }
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

  scan(side: Side, visit: (o: Order) => boolean): void {
    const a = this.side(side).sorted;
    for (let i = a.length - 1; i >= 0; i--) {
      for (let o = a[i]!.head; o !== null; o = o.next) {
        if (!visit(o)) return;
      }
    }
  }

  size(): number {
    return this.count;
  }
}
