/**
 * The reference order book: deliberately simple, obviously correct, slow.
 * Keeps each side as a plain array of slots in arrival order and searches it on every question.
 * It exists so the fast book can be checked against it (same suite, same random flows).
 */
import { F, I, NONE, Row, type OrderRef, type OrderStore } from '../order-store.js';
import type { Side } from '../order.js';
import type { Book, Level } from './book.js';

export class NaiveBook implements Book {
  private readonly sides: Record<Side, number[]> = { buy: [], sell: [] };
  private store!: OrderStore;

  attach(store: OrderStore): void {
    this.store = store;
  }

  private better(side: Side, a: number, b: number): boolean {
    return side === 'buy' ? a > b : a < b;
  }

  private sideOf(slot: number): Side {
    return this.store.i[slot * Row.I + I.side] === 0 ? 'buy' : 'sell';
  }

  /** slots of a side in priority order (price, then arrival) */
  private sorted(side: Side): number[] {
    const f = this.store.f;
    const price = (s: number): number => f[s * Row.F + F.price]!;
    const arr = this.sides[side].map((s, i) => ({ s, i }));
    arr.sort((x, y) => (price(x.s) === price(y.s) ? x.i - y.i : this.better(side, price(x.s), price(y.s)) ? -1 : 1));
    return arr.map((x) => x.s);
  }

  add(slot: number): void {
    this.sides[this.sideOf(slot)].push(slot);
  }

  remove(slot: number): void {
    const arr = this.sides[this.sideOf(slot)];
    const i = arr.indexOf(slot);
    if (i < 0) throw new Error(`order ${this.store.f[slot * Row.F + F.id]} not in book`);
    arr.splice(i, 1);
  }

  bestSlot(side: Side): number {
    return this.sorted(side)[0] ?? NONE;
  }

  reduced(slot: number, _qty: number): void {
    if (this.store.f[slot * Row.F + F.remaining] === 0) this.remove(slot);
  }

  boundFits(_side: Side, _amount: number): boolean {
    return false;
  }

  levelAmountBound(_side: Side): number {
    return Infinity;
  }

  levelAmount(side: Side, price: number): number {
    let sum = 0;
    for (const s of this.sides[side]) if (this.store.f[s * Row.F + F.price] === price) sum += this.store.f[s * Row.F + F.remaining]!;
    return sum;
  }

  depth(side: Side, limit: number): Level[] {
    const out: Level[] = [];
    for (const s of this.sorted(side)) {
      const price = this.store.f[s * Row.F + F.price]!;
      const last = out[out.length - 1];
      if (last !== undefined && last.price === price) {
        last.amount += this.store.f[s * Row.F + F.remaining]!;
        last.count++;
      } else {
        out.push({ price, amount: this.store.f[s * Row.F + F.remaining]!, count: 1 });
      }
    }
    return limit > 0 ? out.slice(0, limit) : out;
  }

  scanSlots(side: Side, visit: (slot: number) => boolean): void {
    for (const s of this.sorted(side)) if (!visit(s)) return;
  }

  size(): number {
    return this.sides.buy.length + this.sides.sell.length;
  }

  best(side: Side): OrderRef | undefined {
    const s = this.bestSlot(side);
    return s === NONE ? undefined : this.store.view(s);
  }

  scan(side: Side, visit: (o: OrderRef) => boolean): void {
    this.scanSlots(side, (s) => visit(this.store.view(s)));
  }
}
