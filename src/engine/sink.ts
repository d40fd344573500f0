/**
 * The engine's event output: a typed sink with one method per event type and primitive arguments,
 * so that producing an event allocates nothing in the engine. What a sink keeps is its business:
 * `ObjectSink` (object-sink.ts) builds today's `Event` objects (what `Engine.apply` returns);
 * `FlatEventLog` (flat-log.ts) appends rows to typed-array columns.
 *
 * Invariants: per command the engine calls `begin(time)` once, then the event methods in event
 * order, exactly once per event, with every field of the event (see events.ts; an event's time is
 * the last `begin`'s). An `OrderView` or store slot passed to a method is only valid during that
 * call (the engine recycles order storage): a sink copies what it keeps before returning.
 * Fees are exact: when `bigFees` is false a fee is `fee x 10^feeExp` ledger units (a safe integer
 * number times a power of ten); when true it is the bigint argument (ledger units) and the number
 * arguments are 0.
 */
import type { MarketStatus } from '../domain/symbols.js';
import type { CancelReason, ExecOption, OrderKind, Side } from './order.js';
import type { OrderStore } from './order-store.js';

/**
 * The fields of an open or just-closed order that its OrderRecord is made of. `store` and `slot`
 * say where they live, so a sink that keeps columns can read them straight from the store.
 */
export interface OrderView {
  readonly store: OrderStore;
  readonly slot: number;
  readonly id: number;
  readonly account: string;
  readonly session: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: OrderKind;
  readonly price: number;
  readonly stopPrice: number;
  readonly amount: number;
  readonly remaining: number;
  /** filled notional = fn + fnBig (price units x amount units) */
  readonly fn: number;
  readonly fnBig: bigint;
  readonly option: ExecOption;
  readonly clientOrderId: string | undefined;
  readonly time: number;
}

export interface EngineSink {
  /**
   * The time (ms) of the command being applied, once per command before any of its events (also
   * for a command that then produces none): the time of the trades, stop triggers and closes that
   * follow, which are therefore not passed again with each event.
   */
  begin(time: number): void;
  accountCreated(account: string, makerBps: number, takerBps: number): void;
  feesChanged(account: string, makerBps: number, takerBps: number): void;
  /** amount in ledger units */
  fundsDeposited(account: string, currency: string, amount: bigint): void;
  fundsWithdrawn(account: string, currency: string, amount: bigint): void;
  marketStatusChanged(symbol: string, status: MarketStatus): void;
  /** the order as accepted, before any matching (live) */
  orderAccepted(o: OrderView): void;
  stopTriggered(orderId: number, symbol: string): void;
  /**
   * `maker` and `taker` are the two orders' slots in `store` (valid during the call): the taker's
   * side, both order ids and both accounts are read from there.
   */
  trade(
    tid: number, symbol: string, price: number, amount: number, store: OrderStore, maker: number, taker: number,
    makerFee: number, takerFee: number, feeExp: number, bigFees: boolean, makerFeeBig: bigint, takerFeeBig: bigint,
    feeCurrency: string,
  ): void;
  /** the order filled completely (its final state) */
  orderFilled(o: OrderView): void;
  /** the order stopped being live without filling completely */
  orderCancelled(o: OrderView, reason: CancelReason): void;
}
