/**
 * Indexes of open orders, built for the matching hot path.
 *
 * `OrderIndex` maps order id -> order. Ids come from one increasing counter, so it is a paged
 * array (4096 slots a page) instead of a hash map: get/set/delete are an index away and cost no
 * rehashing; a page is dropped when its last order closes. Iteration is in id order.
 * `OpenOrderList` is one account's open orders: an intrusive doubly linked list threaded through
 * the orders (fields aPrev/aNext/aList), so adding and removing allocate nothing.
 * Both offer the subset of the Map/Set API the rest of the code uses.
 */
import type { Order } from './order.js';

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;

export class OrderIndex {
  private readonly pages: (Array<Order | undefined> | undefined)[] = [];
  private readonly counts: number[] = [];
  /** emptied pages kept for reuse (a new page would be a large young object that survives) */
  private readonly sparePages: Array<Order | undefined>[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  get(id: number): Order | undefined {
    const p = this.pages[id >>> PAGE_BITS];
    return p === undefined ? undefined : p[id & MASK];
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, o: Order): this {
    if (!Number.isSafeInteger(id) || id < 0 || id >= 2 ** 31 * PAGE) throw new RangeError(`order id out of range: ${id}`);
    const k = id >>> PAGE_BITS;
    let p = this.pages[k];
    if (p === undefined) {
      p = this.pages[k] = this.sparePages.pop() ?? new Array<Order | undefined>(PAGE).fill(undefined);
      this.counts[k] = 0;
    }
    if (p[id & MASK] === undefined) {
      this.counts[k]!++;
      this.n++;
    }
    p[id & MASK] = o;
    return this;
  }

  delete(id: number): boolean {
    const k = id >>> PAGE_BITS;
    const p = this.pages[k];
    if (p === undefined || p[id & MASK] === undefined) return false;
    p[id & MASK] = undefined;
    this.n--;
    if (--this.counts[k]! === 0) {
      this.pages[k] = undefined;
      if (this.sparePages.length < 16) this.sparePages.push(p); // all its slots are undefined again
    }
    return true;
  }

  *values(): IterableIterator<Order> {
    for (const p of this.pages) {
      if (p === undefined) continue;
      for (const o of p) if (o !== undefined) yield o;
    }
  }

  *keys(): IterableIterator<number> {
    for (const o of this.values()) yield o.id;
  }

  *entries(): IterableIterator<[number, Order]> {
    for (const o of this.values()) yield [o.id, o];
  }

  [Symbol.iterator](): IterableIterator<[number, Order]> {
    return this.entries();
  }
}

export class OpenOrderList {
  private head: Order | null = null;
  private tail: Order | null = null;
  private n = 0;

  get size(): number {
    return this.n;
  }

  has(o: Order): boolean {
    return o.aList === this;
  }

  add(o: Order): this {
    if (o.aList === this) return this;
    o.aList = this;
    o.aNext = null;
    o.aPrev = this.tail;
    if (this.tail === null) this.head = o; else this.tail.aNext = o;
    this.tail = o;
    this.n++;
    return this;
  }

  delete(o: Order): boolean {
    if (o.aList !== this) return false;
    if (o.aPrev === null) this.head = o.aNext; else o.aPrev.aNext = o.aNext;
    if (o.aNext === null) this.tail = o.aPrev; else o.aNext.aPrev = o.aPrev;
    o.aPrev = o.aNext = null;
    o.aList = null;
    this.n--;
    return true;
  }

  *values(): IterableIterator<Order> {
    for (let o = this.head; o !== null; ) {
      const next = o.aNext; // allow deleting while iterating
      yield o;
      o = next;
    }
  }

  [Symbol.iterator](): IterableIterator<Order> {
    return this.values();
  }
}
