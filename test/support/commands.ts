/**
 * Concise builders for engine commands (bodies without seq/time; the Scenario stamps them).
 * Money stays a decimal string, as a client sends it. Orders default to symbol btcusd and
 * session `${account}-key`.
 */
import type { MarketStatus } from '../../src/domain/symbols.js';
import type {
  CancelAllOrders,
  CancelOrder,
  CancelSessionOrders,
  CommandBody,
  CreateAccount,
  Deposit,
  ExpireSession,
  PlaceOrder,
  SetFees,
  SetMarketStatus,
  Withdraw,
} from '../../src/engine/commands.js';

export interface OrderOpts {
  symbol?: string;
  session?: string;
  options?: string[];
  clientOrderId?: string;
}

export function account(id: string, fees: { makerBps?: number; takerBps?: number } = {}): CreateAccount {
  return { type: 'CreateAccount', account: id, ...fees };
}

export function deposit(accountId: string, currency: string, amount: string): Deposit {
  return { type: 'Deposit', account: accountId, currency, amount };
}

export function withdraw(accountId: string, currency: string, amount: string): Withdraw {
  return { type: 'Withdraw', account: accountId, currency, amount };
}

export function setFees(accountId: string, makerBps: number, takerBps: number): SetFees {
  return { type: 'SetFees', account: accountId, makerBps, takerBps };
}

/** an account plus one deposit per currency: trader('alice', { USD: '1000', BTC: '2' }) */
export function trader(id: string, funds: Record<string, string> = {}, fees: { makerBps?: number; takerBps?: number } = {}): CommandBody[] {
  return [account(id, fees), ...Object.entries(funds).map(([c, a]) => deposit(id, c, a))];
}

function order(accountId: string, side: string, orderType: string, amount: string, o: OrderOpts, price?: string, stopPrice?: string): PlaceOrder {
  const c: PlaceOrder = {
    type: 'PlaceOrder',
    account: accountId,
    session: o.session ?? `${accountId}-key`,
    symbol: o.symbol ?? 'btcusd',
    side,
    orderType,
    amount,
    options: o.options ?? [],
  };
  if (price !== undefined) c.price = price;
  if (stopPrice !== undefined) c.stopPrice = stopPrice;
  if (o.clientOrderId !== undefined) c.clientOrderId = o.clientOrderId;
  return c;
}

export function limit(accountId: string, side: string, amount: string, price: string, o: OrderOpts = {}): PlaceOrder {
  return order(accountId, side, 'exchange limit', amount, o, price);
}

export function buy(accountId: string, amount: string, price: string, o: OrderOpts = {}): PlaceOrder {
  return limit(accountId, 'buy', amount, price, o);
}

export function sell(accountId: string, amount: string, price: string, o: OrderOpts = {}): PlaceOrder {
  return limit(accountId, 'sell', amount, price, o);
}

export function stopLimit(accountId: string, side: string, amount: string, price: string, stopPrice: string, o: OrderOpts = {}): PlaceOrder {
  return order(accountId, side, 'exchange stop limit', amount, o, price, stopPrice);
}

export function market(accountId: string, side: string, amount: string, o: OrderOpts = {}): PlaceOrder {
  return order(accountId, side, 'exchange market', amount, o);
}

export function cancel(accountId: string, orderId: number | string): CancelOrder {
  return { type: 'CancelOrder', account: accountId, orderId: String(orderId) };
}

export function cancelAll(accountId: string): CancelAllOrders {
  return { type: 'CancelAllOrders', account: accountId };
}

export function cancelSession(session: string): CancelSessionOrders {
  return { type: 'CancelSessionOrders', session };
}

export function expireSession(session: string): ExpireSession {
  return { type: 'ExpireSession', session };
}

export function setStatus(symbol: string, status: MarketStatus | string): SetMarketStatus {
  return { type: 'SetMarketStatus', symbol, status: status as MarketStatus };
}
