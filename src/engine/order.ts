/**
 * Orders as the engine holds them while open, and the immutable record it publishes.
 *
 * Invariants (open orders): 0 < remaining <= amount; remaining + executed == amount;
 * `hold` is exactly what the ledger has reserved for this order (see ledger.ts);
 * `prev`/`next`/`level` belong to the book that holds the order and nobody else touches them.
 */
import type { Balance } from './ledger.js';

export type Side = 'buy' | 'sell';
export type OrderKind = 'limit' | 'stop-limit' | 'market';
export type ExecOption = '' | 'maker-or-cancel' | 'immediate-or-cancel' | 'fill-or-kill';

/** Why an order stopped being live without filling completely. */
export type CancelReason =
  | 'Requested'
  | 'MakerOrCancelWouldTake'
  | 'ImmediateOrCancelWouldPost'
  | 'FillOrKillWouldNotFill'
  | 'SelfCrossPrevented'
  | 'ExceedsPriceLimits'
  | 'HeartbeatTimeout';

export interface Order {
  readonly id: number;
  readonly account: string;
  readonly session: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: OrderKind;
  /** limit price in price units (for market orders: the protective limit the engine derived) */
  readonly price: number;
  /** stop price in price units, 0 when not a stop order */
  readonly stopPrice: number;
  readonly amount: number;
  remaining: number;
  /** sum of fill price x fill amount, in priceUnits x amountUnits */
  filledNotional: bigint;
  readonly option: ExecOption;
  readonly clientOrderId: string | undefined;
  readonly time: number;
  readonly makerBps: number;
  readonly takerBps: number;
  hold: bigint;
  /** the ledger balance the hold sits in (quote for buys, base for sells) */
  readonly payBal: Balance;
  /** the ledger balance fills are credited to */
  readonly getBal: Balance;
  /** stop orders: false while waiting for the trigger */
  triggered: boolean;
  /** true while the order sits in its market's book */
  resting: boolean;
  prev: Order | null;
  next: Order | null;
  level: unknown;
  /** links in the account's open-order list (order-index.ts) */
  aPrev: Order | null;
  aNext: Order | null;
  aList: unknown;
}

export interface OrderRecord {
  readonly id: number;
  readonly account: string;
  readonly session: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: OrderKind;
  readonly price: number;
  readonly stopPrice: number;
  readonly amount: number;
  readonly executed: number;
  readonly filledNotional: bigint;
  readonly option: ExecOption;
  readonly clientOrderId: string | undefined;
  readonly time: number;
  readonly isLive: boolean;
  readonly isCancelled: boolean;
  readonly reason: CancelReason | undefined;
  /** time the order stopped being live, when it has */
  readonly closedTime: number | undefined;
}

export function recordOf(o: Order, isLive: boolean, reason?: CancelReason, closedTime?: number): OrderRecord {
  return {
    id: o.id,
    account: o.account,
    session: o.session,
    symbol: o.symbol,
    side: o.side,
    kind: o.kind,
    price: o.price,
    stopPrice: o.stopPrice,
    amount: o.amount,
    executed: o.amount - o.remaining,
    filledNotional: o.filledNotional,
    option: o.option,
    clientOrderId: o.clientOrderId,
    time: o.time,
    isLive,
    isCancelled: reason !== undefined,
    reason,
    closedTime,
  };
}
