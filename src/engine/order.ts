/**
 * Order vocabulary (sides, kinds, options, cancel reasons) and the immutable record the engine
 * publishes. Open orders themselves live in the order store (order-store.ts).
 *
 * Invariants: a record is a copy (it never changes once built); executed == amount - remaining.
 */
import type { OrderRef } from './order-store.js';
import type { OrderView } from './sink.js';

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

/** an open order, as readers see it: a view of its slot in the order store (order-store.ts) */
export type Order = OrderRef;

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

/** the published record of an order (a copy: it does not change when the order does) */
export function recordOf(o: OrderView, isLive: boolean, reason?: CancelReason, closedTime?: number): OrderRecord {
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
    filledNotional: o.fnBig === 0n ? (o.fn === 0 ? 0n : BigInt(o.fn)) : o.fnBig + BigInt(o.fn),
    option: o.option,
    clientOrderId: o.clientOrderId,
    time: o.time,
    isLive,
    isCancelled: reason !== undefined,
    reason,
    closedTime,
  };
}
