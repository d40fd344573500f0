/**
 * Commands: the only way state changes. Each is stamped by the sequencer with `seq` (gap-free,
 * increasing) and `time` (ms since epoch from the injected clock) before the engine sees it.
 *
 * Invariants: commands are plain JSON values (strings for money, as the client sent it) so the
 * journal stores exactly what was asked and a replay parses it the same way.
 */
import type { MarketStatus } from '../domain/symbols.js';

export interface Stamp {
  seq: number;
  time: number;
}

export interface CreateAccount {
  type: 'CreateAccount';
  /** the account's short name, its id everywhere ("primary", "my-secondary-account") */
  account: string;
  /** display name and Gemini account type; kept by the account directory, ignored by the engine */
  name?: string;
  accountType?: 'exchange' | 'custody';
  /** fee rates in basis points; engine defaults when absent */
  makerBps?: number;
  takerBps?: number;
}

export interface SetFees {
  type: 'SetFees';
  account: string;
  makerBps: number;
  takerBps: number;
}

export interface Deposit {
  type: 'Deposit';
  account: string;
  currency: string;
  amount: string;
}

export interface Withdraw {
  type: 'Withdraw';
  account: string;
  currency: string;
  amount: string;
}

export interface PlaceOrder {
  type: 'PlaceOrder';
  account: string;
  /** the API key (or other session id such as "UI") that placed the order */
  session: string;
  symbol: string;
  side: string;
  /** Gemini's `type` field: "exchange limit", "exchange stop limit", "exchange market" */
  orderType: string;
  amount: string;
  price?: string;
  stopPrice?: string;
  /** as sent; the engine checks it is an array of known option names */
  options: unknown;
  /** as sent; the engine refuses non-strings (JSON may carry anything) */
  clientOrderId?: string;
}

export interface CancelOrder {
  type: 'CancelOrder';
  account: string;
  /** as on the wire: a decimal string, or a JSON number (Gemini's `order_id` is a number) */
  orderId: string | number;
}

export interface CancelAllOrders {
  type: 'CancelAllOrders';
  account: string;
}

export interface CancelSessionOrders {
  type: 'CancelSessionOrders';
  session: string;
  /** only this account's orders of the session (a master key's session spans accounts) */
  account?: string;
}

/** A heartbeat deadline passed: cancel the session's orders with reason HeartbeatTimeout. */
export interface ExpireSession {
  type: 'ExpireSession';
  session: string;
}

export interface SetMarketStatus {
  type: 'SetMarketStatus';
  symbol: string;
  status: MarketStatus;
}

export type CommandBody =
  | CreateAccount
  | SetFees
  | Deposit
  | Withdraw
  | PlaceOrder
  | CancelOrder
  | CancelAllOrders
  | CancelSessionOrders
  | ExpireSession
  | SetMarketStatus;

export type Command = CommandBody & Stamp;
