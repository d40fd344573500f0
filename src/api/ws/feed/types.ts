/**
 * What the feed publishes: the values every WebSocket API renders from (current, legacy v1/v2).
 *
 * Money is given twice: as integer engine units (prices in price units, amounts in amount units,
 * balances in 10^-18 ledger units) and as decimal text formatted once per batch for every
 * subscriber (prices keep the quote increment's decimals, amounts are trimmed — as REST renders
 * them). Times are the committing command's time in ms; ids are JS safe integers.
 */
import type { Market } from '../../../domain/symbols.js';
import type { CancelReason, OrderRecord, Side } from '../../../engine/order.js';

/** one aggregated price level: total resting amount at a price */
export interface BookLevel {
  readonly price: number;
  readonly amount: number;
  readonly priceText: string;
  readonly amountText: string;
}

/** why a level changed: the last event in the batch that touched it */
export type LevelReason = 'place' | 'trade' | 'cancel';

/** a level whose total changed in a batch: its new absolute amount (0 = the level is gone) */
export interface LevelChange extends BookLevel {
  readonly side: Side;
  /** the amount before the batch (0 = the level was new) */
  readonly prev: number;
  readonly reason: LevelReason;
}

/**
 * The book changes of one committed batch for one symbol. Update ids are per symbol and
 * gap-free: `U` is the previous diff's `u` + 1 (or the snapshot's lastUpdateId + 1), `u >= U`.
 */
export interface BookDiff {
  readonly symbol: string;
  readonly market: Market;
  readonly U: number;
  readonly u: number;
  /** time of the batch's last command that changed this book, ms */
  readonly time: number;
  /** changed bid levels, best (highest) first */
  readonly bids: readonly LevelChange[];
  /** changed ask levels, best (lowest) first */
  readonly asks: readonly LevelChange[];
}

/** the book's levels at one update id, best first */
export interface BookSnapshot {
  readonly symbol: string;
  readonly market: Market;
  readonly lastUpdateId: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** best bid and ask (either may be absent), published when either price or amount changed */
export interface TopOfBook {
  readonly symbol: string;
  readonly market: Market;
  /** the book update id this top belongs to */
  readonly updateId: number;
  readonly time: number;
  readonly bid: BookLevel | undefined;
  readonly ask: BookLevel | undefined;
}

export interface TradeTick {
  readonly symbol: string;
  readonly market: Market;
  readonly tid: number;
  readonly price: number;
  readonly amount: number;
  readonly priceText: string;
  readonly amountText: string;
  /** side of the incoming order: buy = the buyer took liquidity */
  readonly takerSide: Side;
  readonly makerOrderId: number;
  readonly takerOrderId: number;
  readonly time: number;
  /** journal seq of the command that traded */
  readonly seq: number;
}

/**
 * One step in an order's life, with the order as that step left it:
 * - `accepted`: the engine took the order (before any matching; executed 0);
 * - `booked`: at the end of a command the order rests in the book (a limit order that did not
 *   fill completely, or a stop whose trigger fired); not sent for stops still waiting;
 * - `fill`: one execution (`fill` set); the order's executed amount includes it;
 * - `cancelled`: final, `reason` set;
 * - `filled`: final, the order filled completely (same state as its last `fill`).
 */
export type OrderUpdateType = 'accepted' | 'booked' | 'fill' | 'cancelled' | 'filled';

export interface FillInfo {
  readonly tid: number;
  readonly price: number;
  readonly amount: number;
  readonly priceText: string;
  readonly amountText: string;
  readonly liquidity: 'Maker' | 'Taker';
  /** ledger units of feeCurrency */
  readonly fee: bigint;
  readonly feeText: string;
  readonly feeCurrency: string;
}

export interface OrderUpdate {
  readonly type: OrderUpdateType;
  /** journal seq of the command, and its time (ms) */
  readonly seq: number;
  readonly time: number;
  /** the order after this step (executed, filledNotional, isLive, isCancelled, reason) */
  readonly order: OrderRecord;
  readonly market: Market;
  readonly fill?: FillInfo;
  readonly reason?: CancelReason;
}

export interface BalanceChange {
  readonly currency: string;
  /** ledger units (10^-18) */
  readonly total: bigint;
  readonly held: bigint;
  readonly available: bigint;
  /** trimmed decimal text */
  readonly totalText: string;
  readonly availableText: string;
}

/** an account's balances that a batch touched, as they are after it (absolute values) */
export interface BalanceUpdate {
  readonly account: string;
  readonly seq: number;
  readonly time: number;
  /** sorted by currency */
  readonly balances: readonly BalanceChange[];
}

/** everything one committed batch changed, computed once and shared by every subscriber */
export interface BatchDigest {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** time of the batch's last command, ms */
  readonly time: number;
  /** one diff per symbol whose book changed, in order of first change */
  readonly books: readonly BookDiff[];
  /** symbols whose best bid/ask changed */
  readonly tops: readonly TopOfBook[];
  /** in engine order */
  readonly trades: readonly TradeTick[];
  /** in engine order */
  readonly orders: readonly OrderUpdate[];
  /** one per account touched, in order of first touch */
  readonly balances: readonly BalanceUpdate[];
}
