/**
 * Reading orders: /v1/order/status, /v1/orders (active), /v1/orders/history (closed).
 *
 * Owns where an order is looked up: open orders from the engine, closed ones from the history
 * store (the engine forgets closed orders). An order of another account is "not found".
 * Invariants: lists are newest first; /v1/orders/history returns at most 500 orders (default 50)
 * and, like Gemini's examples, includes each order's `trades`.
 */
import type { OrderRecord } from '../../engine/order.js';
import { READER, type Ctx, type Endpoint } from './endpoint.js';
import { fromRejection, restError } from './errors.js';
import { flagParam, limitParam, orderIdParam, present, symbolParam, timestampParam } from './params.js';
import { marketOf, orderJson, type OrderJson } from './render.js';

const HISTORY_DEFAULT = 50;
const HISTORY_MAX = 500;

function findById(ctx: Ctx, id: number): OrderRecord | undefined {
  const open = ctx.exchange.engine.order(id);
  if (open !== undefined) return open.account === ctx.account ? open : undefined;
  const closed = ctx.exchange.history.closedOrder(id);
  return closed !== undefined && closed.account === ctx.account ? closed : undefined;
}

function findByClientId(ctx: Ctx, cid: string): OrderRecord | undefined {
  const open = ctx.exchange.engine.openOrders(ctx.account).filter((o) => o.clientOrderId === cid);
  if (open.length > 0) return open[open.length - 1]; // newest (highest id)
  return ctx.exchange.history.orderByClientId(ctx.account, cid);
}

function orderStatus(ctx: Ctx): OrderJson {
  const p = ctx.payload;
  const id = orderIdParam(p);
  const cid = p['client_order_id'];
  if (id !== undefined && present(cid)) throw restError('InvalidParameter', 'give order_id or client_order_id, not both');
  let rec: OrderRecord | undefined;
  if (id !== undefined) {
    rec = id === 'unparseable' ? undefined : findById(ctx, id);
  } else if (present(cid)) {
    rec = typeof cid === 'string' ? findByClientId(ctx, cid) : undefined;
  } else {
    throw restError('MissingOrderField');
  }
  if (rec === undefined) throw fromRejection({ code: 'OrderNotFound' });
  const trades = flagParam(p, 'include_trades') ? ctx.exchange.history.tradesForOrder(rec.id) : undefined;
  return orderJson(rec, marketOf(ctx.exchange, rec.symbol), trades);
}

function activeOrders(ctx: Ctx): OrderJson[] {
  const market = symbolParam(ctx.exchange, ctx.payload);
  return ctx.exchange.engine
    .openOrders(ctx.account)
    .filter((o) => market === undefined || o.symbol === market.symbol)
    .reverse()
    .map((o) => orderJson(o, marketOf(ctx.exchange, o.symbol)));
}

function pastOrders(ctx: Ctx): OrderJson[] {
  const p = ctx.payload;
  const market = symbolParam(ctx.exchange, p);
  const limit = limitParam(p, 'limit_orders', HISTORY_DEFAULT, HISTORY_MAX);
  const since = timestampParam(p);
  const { history } = ctx.exchange;
  return history
    .closedOrdersByAccount(ctx.account, { symbol: market?.symbol, since, limit })
    .map((o) => orderJson(o, marketOf(ctx.exchange, o.symbol), history.tradesForOrder(o.id)));
}

export const ORDER_QUERY_ENDPOINTS: readonly Endpoint[] = [
  { path: '/v1/order/status', roles: READER, accountLevel: true, handle: orderStatus },
  { path: '/v1/orders', roles: READER, accountLevel: true, handle: activeOrders },
  { path: '/v1/orders/history', roles: READER, accountLevel: true, handle: pastOrders },
];
