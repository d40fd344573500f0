/**
 * Order entry and cancels: /v1/order/new, /v1/order/cancel, /v1/order/cancel/all,
 * /v1/order/cancel/session.
 *
 * Owns the translation of Gemini's order parameters into PlaceOrder / Cancel* commands and of the
 * resulting events into Gemini's replies. Validation of the order itself is the engine's (its
 * rejections come back through the catalogue).
 * Invariants: a reply describes the order as the command that created or cancelled it left it
 * (derived from that command's events, which are durable when `submit` resolves), never from
 * state later commands may have changed. `type: "limit"` (sent by Gemini's own sample) is read as
 * "exchange limit". The session of an order is the API key that placed it.
 */
import type { PlaceOrder } from '../../engine/commands.js';
import type { Event } from '../../engine/events.js';
import type { OrderRecord } from '../../engine/order.js';
import { JsonText, TRADER, type Ctx, type Endpoint } from './endpoint.js';
import { fromRejection, restError } from './errors.js';
import { orderIdParam, present } from './params.js';
import { marketOf, orderJsonText } from './render.js';

/** the state of order `id` right after the command whose events these are */
export function orderAfter(events: readonly Event[], id: number): OrderRecord | undefined {
  let rec: OrderRecord | undefined;
  let executed = 0;
  let notional = 0n;
  for (const e of events) {
    switch (e.type) {
      case 'OrderAccepted':
        if (e.order.id === id) rec = e.order;
        break;
      case 'Trade':
        if (e.takerOrderId === id || e.makerOrderId === id) {
          executed += e.amount;
          notional += BigInt(e.price) * BigInt(e.amount);
        }
        break;
      case 'OrderFilled':
      case 'OrderCancelled':
        if (e.order.id === id) return e.order;
        break;
      default:
        break;
    }
  }
  if (rec === undefined) return undefined;
  return { ...rec, executed: rec.executed + executed, filledNotional: rec.filledNotional + notional };
}

function orderTypeOf(v: unknown): unknown {
  return typeof v === 'string' && v.trim().toLowerCase() === 'limit' ? 'exchange limit' : v;
}

async function newOrder(ctx: Ctx): Promise<JsonText> {
  const p = ctx.payload;
  // values go to the engine as sent; it refuses wrong types with Gemini's reasons
  const cmd: PlaceOrder = {
    type: 'PlaceOrder',
    account: ctx.account,
    session: ctx.key.key,
    symbol: p['symbol'] as string,
    side: p['side'] as string,
    orderType: orderTypeOf(p['type']) as string,
    amount: p['amount'] as string,
    options: p['options'] ?? [],
  };
  if (present(p['price'])) cmd.price = p['price'] as string;
  if (present(p['stop_price'])) cmd.stopPrice = p['stop_price'] as string;
  if (p['client_order_id'] !== undefined && p['client_order_id'] !== null) cmd.clientOrderId = p['client_order_id'] as string;
  const r = await ctx.exchange.submit(cmd);
  if (!r.ok) throw fromRejection(r.rejection);
  const accepted = r.events.find((e) => e.type === 'OrderAccepted');
  const rec = accepted === undefined ? undefined : orderAfter(r.events, accepted.order.id);
  if (rec === undefined) throw restError('System', 'order accepted without an OrderAccepted event');
  return new JsonText(orderJsonText(rec, marketOf(ctx.exchange, rec.symbol)));
}

async function cancelOrder(ctx: Ctx): Promise<JsonText> {
  const id = orderIdParam(ctx.payload);
  if (id === undefined) throw restError('MissingOrderField');
  if (id === 'unparseable') throw fromRejection({ code: 'OrderNotFound' });
  const r = await ctx.exchange.submit({ type: 'CancelOrder', account: ctx.account, orderId: String(id) });
  if (r.ok) {
    const rec = orderAfter(r.events, id);
    if (rec === undefined) throw restError('System', 'cancel produced no OrderCancelled event');
    return new JsonText(orderJsonText(rec, marketOf(ctx.exchange, rec.symbol)));
  }
  if (r.rejection.code === 'OrderNotFound') {
    // already closed: Gemini answers with the final state and changes nothing
    const closed = ctx.exchange.history.closedOrder(id);
    if (closed !== undefined && closed.account === ctx.account) return new JsonText(orderJsonText(closed, marketOf(ctx.exchange, closed.symbol)));
  }
  throw fromRejection(r.rejection);
}

interface CancelAllResult {
  result: 'ok';
  details: { cancelledOrders: number[]; cancelRejects: number[] };
}

function cancelledIds(events: readonly Event[]): number[] {
  const ids: number[] = [];
  for (const e of events) if (e.type === 'OrderCancelled') ids.push(e.order.id);
  return ids;
}

function cancelResult(cancelled: number[], rejects: number[] = []): CancelAllResult {
  return { result: 'ok', details: { cancelledOrders: cancelled, cancelRejects: rejects } };
}

async function cancelAll(ctx: Ctx): Promise<CancelAllResult> {
  const r = await ctx.exchange.submit({ type: 'CancelAllOrders', account: ctx.account });
  if (!r.ok) throw fromRejection(r.rejection);
  return cancelResult(cancelledIds(r.events));
}

async function cancelSession(ctx: Ctx): Promise<CancelAllResult> {
  const { exchange, key } = ctx;
  // a master key's session spans accounts: cancel only its orders in the named account
  const account = key.scope === 'master' ? ctx.account : undefined;
  const r = await exchange.submit({ type: 'CancelSessionOrders', session: key.key, account });
  if (!r.ok) throw fromRejection(r.rejection);
  return cancelResult(cancelledIds(r.events));
}

export const ORDER_ENTRY_ENDPOINTS: readonly Endpoint[] = [
  { path: '/v1/order/new', roles: TRADER, accountLevel: true, handle: newOrder },
  { path: '/v1/order/cancel', roles: TRADER, accountLevel: true, handle: cancelOrder },
  { path: '/v1/order/cancel/all', roles: TRADER, accountLevel: true, handle: cancelAll },
  { path: '/v1/order/cancel/session', roles: TRADER, accountLevel: true, handle: cancelSession },
];
