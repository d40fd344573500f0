/**
 * Indexes of open orders (slots of the order store), built for the matching hot path.
 *
 * `OrderIndex` maps order id -> slot. Ids come from one increasing counter, so it is a paged
 * Int32Array (4096 ids a page, slot + 1 per entry, 0 = none) instead of a hash map: get/set/forget
 * are an index away and allocate nothing but a page now and then. Closing an order does not write
 * its entry (that page is usually cold by then: a long-resting maker's): it only counts the page's
 * open orders down, and an entry counts only while the slot it names still holds that id (the
 * store writes id -1 into a released slot). A page whose count reaches 0 is cleared and dropped
 * (and kept for reuse). Pages can come from a reserve made at construction: one buffer, written once
 * there, cut into pages that are kept for reuse when emptied. A fresh page costs an allocation and,
 * on first touch, page faults (slow on some VMs) and counts as external memory for the garbage
 * collector; a reserved one costs none of that while matching. Readers get the Map-like view of
 * `OpenOrders` (orders as OrderRef views, in id order).
 *
 * `OpenOrderList` is one account's open orders: slots at positions of an array, each order
 * knowing its position (the store's `aPos`), freed positions reused last-freed first. Adding and
 * removing touch only the list and the order itself, never another order (a linked list would
 * write to both neighbours, long-resting orders whose rows are no longer in the CPU caches);
 * readers get the slots sorted by id.
 *
 * Invariants: an id's entry names a slot whose id is that id iff its order is open; a page's
 * count is the number of its ids whose orders are open; every open order is in its account's
 * list (flag LISTED) at position aPos, and in no other; a list's positions hold NONE or a listed
 * order of its account.
 */
import { F, I, LISTED, NONE, Row, type OrderRef, type OrderStore } from './order-store.js';
import { objectArray } from './arrays.js';

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;
const MAX_ID = 2 ** 31 * PAGE;

export class OrderIndex {
  private readonly pages: (Int32Array | undefined)[] = objectArray();
  private readonly counts: number[] = [];
  private readonly sparePages: Int32Array[] = objectArray();
  /** pages cut from the reserve buffer not handed out yet, or handed back */
  private readonly reserve: Int32Array[] = objectArray();
  private readonly reserveBuffer: ArrayBuffer | undefined;
  private n = 0;

  /** `reservePages`: pages to make (and write once) now, for the hot path to take later */
  constructor(readonly store: OrderStore, reservePages = 0) {
    if (reservePages > 0) {
      const all = new Int32Array(reservePages * PAGE);
      all.fill(0); // map its memory now
      this.reserveBuffer = all.buffer;
      for (let k = reservePages - 1; k >= 0; k--) this.reserve.push(all.subarray(k * PAGE, (k + 1) * PAGE));
    }
  }

  get size(): number {
    return this.n;
  }

  /** the slot of an open order, NONE when the id names no open order */
  slot(id: number): number {
    const p = this.pages[id >>> PAGE_BITS];
    if (p === undefined || !(id >= 0 && id < MAX_ID)) return NONE;
    const s = p[id & MASK]! - 1;
    // a stale entry (the order closed) names a slot now free (id -1) or holding another order
    return s !== NONE && this.store.f[s * Row.F + F.id] === id ? s : NONE;
  }

  setSlot(id: number, slot: number): void {
    if (!Number.isSafeInteger(id) || id < 0 || id >= MAX_ID) throw new RangeError(`order id out of range: ${id}`);
    const k = id >>> PAGE_BITS;
    let p = this.pages[k];
    if (p === undefined) {
      p = this.pages[k] = this.reserve.pop() ?? this.sparePages.pop() ?? new Int32Array(PAGE);
      this.counts[k] = 0;
    }
    if (p[id & MASK] === 0) {
      this.counts[k]!++;
      this.n++;
    }
    p[id & MASK] = slot + 1;
  }

  /**
   * Forget the open order `id` as it closes (call before its slot is released). Its entry is left
   * as it is (stale once the slot is released); only the page's count is written.
   */
  forget(id: number): void {
    const k = id >>> PAGE_BITS;
    this.n--;
    if (--this.counts[k]! === 0) {
      const p = this.pages[k]!;
      this.pages[k] = undefined;
      p.fill(0); // its stale entries
      // a reserved page goes back to the reserve, whose memory is held anyway; a few others are kept
      if (p.buffer === this.reserveBuffer) this.reserve.push(p);
      else if (this.sparePages.length < 16) this.sparePages.push(p);
    }
  }

  // ---- readers (views) ----

  get(id: number): OrderRef | undefined {
    const s = this.slot(id);
    return s === NONE ? undefined : this.store.view(s);
  }

  has(id: number): boolean {
    return this.slot(id) !== NONE;
  }

  /** slots of the open orders, in id order */
  *slots(): IterableIterator<number> {
    const f = this.store.f;
    for (let k = 0; k < this.pages.length; k++) {
      const p = this.pages[k];
      if (p === undefined) continue;
      const base = k * PAGE;
      for (let i = 0; i < PAGE; i++) {
        const s = p[i]! - 1;
        if (s !== NONE && f[s * Row.F + F.id] === base + i) yield s;
      }
    }
  }

  *values(): IterableIterator<OrderRef> {
    for (const s of this.slots()) yield this.store.view(s);
  }

  *keys(): IterableIterator<number> {
    for (const s of this.slots()) yield this.store.f[s * Row.F + F.id]!;
  }

  *entries(): IterableIterator<[number, OrderRef]> {
    for (const s of this.slots()) yield [this.store.f[s * Row.F + F.id]!, this.store.view(s)];
  }

  [Symbol.iterator](): IterableIterator<[number, OrderRef]> {
    return this.entries();
  }
}

export class OpenOrderList {
  /** slots by position; NONE at a free position */
  private items = new Int32Array(16);
  /** positions ever used (items[top..] were never written) */
  private top = 0;
  /** free positions, a stack (reused last freed first, so the hot end of `items` stays hot) */
  private free = new Int32Array(16);
  private nFree = 0;
  private n = 0;

  /** `account`: the index of the account whose orders these are */
  constructor(private readonly store: OrderStore, readonly account: number) {}

  get size(): number {
    return this.n;
  }

  has(o: OrderRef): boolean {
    const st = this.store;
    return (st.i[o.slot * Row.I + I.flags]! & LISTED) !== 0 && st.i[o.slot * Row.I + I.account] === this.account;
  }

  /** add slot s, an open order of this account that is in no list */
  add(s: number): void {
    const st = this.store;
    let pos: number;
    if (this.nFree > 0) pos = this.free[--this.nFree]!;
    else {
      if (this.top === this.items.length) this.grow();
      pos = this.top++;
    }
    this.items[pos] = s;
    st.i[s * Row.I + I.aPos] = pos;
    st.i[s * Row.I + I.flags] = st.i[s * Row.I + I.flags]! | LISTED;
    this.n++;
  }

  /** take slot s, which is in this list, out of it (its position is freed: no other order is touched) */
  delete(s: number): void {
    const st = this.store;
    const pos = st.i[s * Row.I + I.aPos]!;
    this.items[pos] = NONE;
    this.free[this.nFree++] = pos; // (as long as items: cannot overflow)
    st.i[s * Row.I + I.flags] = st.i[s * Row.I + I.flags]! & ~LISTED;
    this.n--;
  }

  private grow(): void {
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.items = items;
    const free = new Int32Array(items.length);
    free.set(this.free.subarray(0, this.nFree));
    this.free = free;
  }

  /** the slots, oldest (lowest id) first (a copy: the caller may change the list while using it) */
  slots(): number[] {
    const out: number[] = [];
    const items = this.items;
    for (let p = 0; p < this.top; p++) if (items[p] !== NONE) out.push(items[p]!);
    const f = this.store.f;
    return out.sort((a, b) => f[a * Row.F + F.id]! - f[b * Row.F + F.id]!);
  }

  *values(): IterableIterator<OrderRef> {
    for (const s of this.slots()) yield this.store.view(s);
  }

  [Symbol.iterator](): IterableIterator<OrderRef> {
    return this.values();
  }
}
