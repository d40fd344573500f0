/**
 * The order-book contract. Two implementations share it and one test suite: the fast book
 * (fast-book.ts) used in production and a naive reference book (naive-book.ts) used to check it.
 *
 * Invariants every implementation keeps: orders at a price are served first-in first-out;
 * `best(side)` is the highest bid / lowest ask and among equals the earliest added;
 * the book never holds an order with remaining == 0; level totals equal the sum of their orders.
 */
import type { Order, Side } from '../order.js';

export interface Level {
  price: number;
  amount: number;
  count: number;
}

export interface Book {
  /** add at the back of its price level; order.remaining > 0 */
  add(order: Order): void;
  /** take an order that is in the book out of it */
  remove(order: Order): void;
  /** the order that would trade first on this side */
  best(side: Side): Order | undefined;
  /** tell the book `order.remaining` dropped by `qty` (already applied); removes it at zero */
  reduced(order: Order, qty: number): void;
  /** total resting amount at a price on a side (0 when none) */
  levelAmount(side: Side, price: number): number;
  /** aggregated levels from the best outwards; limit 0 = all */
  depth(side: Side, limit: number): Level[];
  /**
   * visit orders on a side in priority order until the visitor returns false.
   * The visitor must not change the book.
   */
  scan(side: Side, visit: (o: Order) => boolean): void;
  /** number of resting orders on both sides */
  size(): number;
}

export type BookFactory = (symbol: string) => Book;
