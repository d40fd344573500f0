/**
 * Events: what happened, in the order it happened. Past tense, `type`-tagged.
 *
 * The engine itself reports events through the typed sink of sink.ts; these objects are what
 * `Engine.apply` returns (built by object-sink.ts) and what the flat log decodes to (flat-log.ts).
 *
 * Money in events is integral: book quantities in the market's units (number), ledger quantities
 * (deposits, fees) in 10^-18 units (bigint). Adapters format them at the edge.
 */
import type { MarketStatus } from '../domain/symbols.js';
import type { CancelReason, OrderRecord, Side } from './order.js';

export interface AccountCreated { type: 'AccountCreated'; account: string; makerBps: number; takerBps: number }
export interface FeesChanged { type: 'FeesChanged'; account: string; makerBps: number; takerBps: number }
export interface FundsDeposited { type: 'FundsDeposited'; account: string; currency: string; amount: bigint }
export interface FundsWithdrawn { type: 'FundsWithdrawn'; account: string; currency: string; amount: bigint }
/** The order as it was when accepted, before any matching. */
export interface OrderAccepted { type: 'OrderAccepted'; order: OrderRecord }
export interface StopTriggered { type: 'StopTriggered'; orderId: number; symbol: string; time: number }
export interface Trade {
  type: 'Trade';
  tid: number;
  symbol: string;
  /** price units */
  price: number;
  /** amount units */
  amount: number;
  /** side of the incoming (taker) order */
  takerSide: Side;
  makerOrderId: number;
  takerOrderId: number;
  makerAccount: string;
  takerAccount: string;
  /** ledger units of the fee currency */
  makerFee: bigint;
  takerFee: bigint;
  feeCurrency: string;
  time: number;
}
/** The order's final state; it is no longer live. */
export interface OrderCancelled { type: 'OrderCancelled'; order: OrderRecord; reason: CancelReason }
/** The order filled completely; final state. */
export interface OrderFilled { type: 'OrderFilled'; order: OrderRecord }
export interface MarketStatusChanged { type: 'MarketStatusChanged'; symbol: string; status: MarketStatus }

export type Event =
  | AccountCreated
  | FeesChanged
  | FundsDeposited
  | FundsWithdrawn
  | OrderAccepted
  | StopTriggered
  | Trade
  | OrderCancelled
  | OrderFilled
  | MarketStatusChanged;
