/**
 * The reference order book: deliberately simple, obviously correct, slow.
 * Keeps each side as a plain array in arrival order and searches it on every question.
 * It exists so the fast book can be checked against it (same suite, same random flows).
 */
import type { Order, Side } from '../order.js';
import type { Book, Level } from './book.js';

export class NaiveBook implements Book {
  private readonly sides: Record<Side, Order[]> = { buy: [], sell: [] };

  private better(side: Side, a: number, b: number): boolean {
    return side === 'buy' ? a > b : a < b;
  }

  /** orders of a side in priority order (price, then arrival) */
  private sorted(side: Side): Order[] {
    const arr = this.sides[side].map((o, i) => ({ o, i }));
    arr.sort((x, y) => (x.o.price === y.o.price ? x.i - y.i : this.better(side, x.o.price, y.o.price) ? -1 : 1));
    return arr.map((x) => x.o);
  }

  add(o: Order): void {
    this.sides[o.side].push(o);
  }

  remove(o: Order): void {
    const arr = this.sides[o.side];
    const i = arr.indexOf(o);
    if (i < 0) throw new Error(`order ${o.id} not in book`);
    arr.splice(i, 1);
  }

  best(side: Side): Order | undefined {
    return this.sorted(side)[0];
  }

  reduced(o: Order, _qty: number): void {
    if (o.remaining === 0) this.remove(o);
  }

  levelAmount(side: Side, price: number): number {
    let sum = 0;
    for (const o of this.sides[side]) if (o.price === price) sum += o.remaining;
    return sum;
  }

  depth(side: Side, limit: number): Level[] {
    const out: Level[] = [];
    for (const o of this.sorted(side)) {
      const last = out[out.length - 1];
      if (last !== undefined && last.price === o.price) {
        last.amount += o.remaining;
        last.count++;
      } else {
        out.push({ price: o.price, amount: o.remaining, count: 1 });
      }
    }
    return limit > 0 ? out.slice(0, limit) : out;
  }

  scan(side: Side, visit: (o: Order) => boolean): void {
    for (const o of this.sorted(side)) if (!visit(o)) return;
  }

  size(): number {
    return this.sides.buy.length + this.sides.sell.length;
  }
}
