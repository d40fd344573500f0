/**
 * The engine's whole mutable state, in one place, so that snapshots and hashes see all of it.
 *
 * Invariants: `store` holds exactly the open orders (resting in a book or waiting as stops), one
 * slot each; `orders` maps their ids to their slots; `accountOrders` indexes the same orders by
 * account; a market's `stops` holds the slots of its untriggered stop orders in acceptance order.
 */
import type { Market, MarketStatus } from '../domain/symbols.js';
import type { AccountCache } from './name-cache.js';
import type { Book } from './book/book.js';
import type { Account, Balance, FeeTotals, MarketFactors } from './ledger.js';
import type { OpenOrderList, OrderIndex } from './order-index.js';
import type { OrderStore } from './order-store.js';

export interface MarketState {
  readonly market: Market;
  /** dense index (the order store refers to markets by it) */
  readonly ix: number;
  readonly book: Book;
  readonly factors: MarketFactors;
  status: MarketStatus;
  /** price units of the last trade; 0 before the first */
  lastPrice: number;
  /** slots of the untriggered stop orders, oldest first */
  readonly stops: number[];
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
  /** `accounts` with a cache in front (not part of the state proper: derived from `accounts`) */
  readonly accountCache: AccountCache;
  /** accounts by Account.ix */
  readonly accountByIx: Account[];
  /** markets by MarketState.ix */
  readonly marketByIx: MarketState[];
  readonly accountOrders: Map<string, OpenOrderList>;
  readonly orders: OrderIndex;
  readonly feesCollected: FeeTotals;
  /** next order id / trade id (one shared, increasing sequence) */
  nextId: number;
  /** the time (ms) of the command being applied (not part of the state proper: no snapshot keeps it) */
  time: number;
  /** the open orders' fields, by slot */
  readonly store: OrderStore;
}
