/**
 * The engine's whole mutable state, in one place, so that snapshots and hashes see all of it.
 *
 * Invariants: `orders` holds exactly the open orders (resting in a book or waiting as stops);
 * `accountOrders` indexes the same orders by account; a market's `stops` holds its untriggered
 * stop orders in acceptance order.
 */
import type { Market, MarketStatus } from '../domain/symbols.js';
import type { Book } from './book/book.js';
import type { Account, Balance, FeeTotals, MarketFactors } from './ledger.js';
import type { Order } from './order.js';
import type { OpenOrderList, OrderIndex } from './order-index.js';

export interface MarketState {
  readonly market: Market;
  readonly book: Book;
  readonly factors: MarketFactors;
  status: MarketStatus;
  /** price units of the last trade; 0 before the first */
  lastPrice: number;
  readonly stops: Order[];
  /** where this market's fees (in its quote currency) are added: a cell of `feesCollected` */
  readonly feeCell: { b: Balance; touched: boolean };
}

export interface EngineConfig {
  /** price protection: a taker stops matching this far (in bps) beyond its first fill price */
  readonly priceBandBps: number;
  readonly defaultMakerBps: number;
  readonly defaultTakerBps: number;
}

export interface EngineState {
  readonly config: EngineConfig;
  readonly markets: Map<string, MarketState>;
  readonly currencies: Set<string>;
  readonly accounts: Map<string, Account>;
  readonly accountOrders: Map<string, OpenOrderList>;
  readonly orders: OrderIndex;
  readonly feesCollected: FeeTotals;
  /** next order id / trade id (one shared, increasing sequence) */
  nextId: number;
  /**
   * Objects of closed orders kept for reuse (a stack: a[0..n-1]); not part of the state. A manual
   * count instead of push/pop: pop() trims the array's store and push() then regrows it, and each
   * regrown store is a large young object that survives the next minor GC.
   */
  readonly spareOrders: { readonly a: Order[]; n: number };
}
