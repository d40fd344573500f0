/**
 * The order-book contract. Two implementations share it and one test suite: the fast book
 * (fast-book.ts) used in production and a naive reference book (naive-book.ts) used to check it.
 *
 * A book holds slots of the engine's order store (order-store.ts), which it is given by `attach`
 * before first use; it reads their side, price and remaining amount there and, for the fast book,
 * threads its FIFO lists through the store's prev/next columns. Readers outside the engine use
 * `best` and `scan`, which hand out OrderRef views.
 *
 * Invariants every implementation keeps: orders at a price are served first-in first-out;
 * `best(side)` is the highest bid / lowest ask and among equals the earliest added;
 * the book never holds an order with remaining == 0; level totals equal the sum of their orders.
 */
import type { OrderRef, OrderStore } from '../order-store.js';
import type { Side } from '../order.js';

export interface Level {
  price: number;
  amount: number;
  count: number;
}

export interface Book {
  /** the store whose slots this book holds (called once, before anything else) */
  attach(store: OrderStore): void;
  /** add at the back of its price level; remaining > 0 */
  add(slot: number): void;
  /** take an order that is in the book out of it */
  remove(slot: number): void;
  /** the slot of the order that would trade first on this side, NONE (-1) when the side is empty */
  bestSlot(side: Side): number;
  /** tell the book the order's remaining dropped by `qty` (already applied); removes it at zero */
  reduced(slot: number, qty: number): void;
  /** total resting amount at a price on a side (0 when none) */
  levelAmount(side: Side, price: number): number;
  /**
   * an upper bound on levelAmount(side, p) for every p, cheaper to get (the side's total, or
   * Infinity when the book does not keep one or it stopped being exact)
   */
  levelAmountBound(side: Side): number;
  /**
   * true when levelAmountBound(side) + amount is at most 2^53 - 1, so adding `amount` to any level
   * of the side keeps it exact (a boolean, so that a caller that does not inline it gets no boxed
   * number back)
   */
  boundFits(side: Side, amount: number): boolean;
  /** aggregated levels from the best outwards; limit 0 = all */
  depth(side: Side, limit: number): Level[];
  /**
   * visit slots on a side in priority order until the visitor returns false.
   * The visitor must not change the book.
   */
  scanSlots(side: Side, visit: (slot: number) => boolean): void;
  /** number of resting orders on both sides */
  size(): number;
  /** the order that would trade first on this side (a view) */
  best(side: Side): OrderRef | undefined;
  /** scanSlots, with views */
  scan(side: Side, visit: (o: OrderRef) => boolean): void;
}

export type BookFactory = (symbol: string) => Book;
