/**
 * Trading methods of the current WebSocket API: order.place, order.cancel, order.cancel_all,
 * order.cancel_session.
 *
 * Owns the translation of the socket's parameters into the SAME commands REST submits
 * (PlaceOrder with session = the API key, CancelOrder, CancelAllOrders, CancelSessionOrders);
 * validation of the order itself is the engine's, and its rejections render from the one
 * catalogue (order.place: code -2010, cancels: -2011, status and reason from the catalogue).
 *   type LIMIT [+ stopPrice] -> "exchange limit" ["exchange stop limit"]; STOP_LIMIT -> stop limit;
 *   MARKET -> "exchange market"; anything else goes to the engine as sent (InvalidOrderType);
 *   timeInForce GTC (default) -> no option, IOC / FOK / MOC -> immediate-or-cancel / fill-or-kill /
 *   maker-or-cancel; `makerOrCancel: true` adds maker-or-cancel (with IOC/FOK: ConflictingOptions);
 *   on MARKET orders GTC and IOC are ignored (a market order is immediate-or-cancel).
 * Invariants: a result describes the order as its own command left it (REST's `orderAfter`),
 * never later state; cancelling an order that is already closed returns its final state and
 * changes nothing (as REST does).
 */
import type { Exchange } from '../../../app/exchange.js';
import type { ApiKey } from '../../../app/keys.js';
import type { PlaceOrder } from '../../../engine/commands.js';
import type { Event } from '../../../engine/events.js';
import type { OrderRecord } from '../../../engine/order.js';
import type { Rejection } from '../../../engine/rejections.js';
import { orderAfter } from '../../rest/orders.js';
import { CANCEL_REJECTED_CODE, fromRejection, ORDER_REJECTED_CODE, wsError } from './errors.js';
import { orderResult, type OrderResult } from './frames.js';

export interface Trader {
  readonly exchange: Exchange;
  readonly key: ApiKey;
  readonly account: string;
  /** tell the connection an order.place was refused (REJECTED order update) */
  rejected(params: Record<string, unknown>, rejection: Rejection): void;
}

const TIF_OPTIONS: Record<string, string | null> = { GTC: null, IOC: 'immediate-or-cancel', FOK: 'fill-or-kill', MOC: 'maker-or-cancel' };

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

export function objectParams(params: unknown, method: string): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw wsError('InvalidParams', `${method} takes an object of parameters`);
  return params as Record<string, unknown>;
}

async function submit(t: Trader, body: Parameters<Exchange['submit']>[0]) {
  try {
    return await t.exchange.submit(body);
  } catch {
    throw wsError('System');
  }
}

function resultOf(t: Trader, rec: OrderRecord | undefined): OrderResult {
  const m = rec === undefined ? undefined : t.exchange.engine.market(rec.symbol)?.market;
  if (rec === undefined || m === undefined) throw wsError('System', 'order state unavailable');
  return orderResult(rec, m);
}

/** the PlaceOrder command for order.place parameters (throws -1013 for an unknown timeInForce) */
export function placeCommand(t: Pick<Trader, 'key' | 'account'>, p: Record<string, unknown>): PlaceOrder {
  const rawType = p['type'];
  const type = typeof rawType === 'string' ? rawType.trim().toUpperCase() : rawType;
  const stop = present(p['stopPrice']);
  let orderType: unknown = rawType;
  if (type === 'LIMIT') orderType = stop ? 'exchange stop limit' : 'exchange limit';
  else if (type === 'STOP_LIMIT' || type === 'STOP-LIMIT') orderType = 'exchange stop limit';
  else if (type === 'MARKET') orderType = 'exchange market';

  const rawTif = p['timeInForce'];
  const tif = present(rawTif) ? (typeof rawTif === 'string' ? rawTif.trim().toUpperCase() : '?') : 'GTC';
  if (!(tif in TIF_OPTIONS)) throw wsError('InvalidParams', `timeInForce must be GTC, IOC, FOK or MOC, not ${JSON.stringify(rawTif)}`);
  const options: string[] = [];
  const tifOption = TIF_OPTIONS[tif]!;
  const market = orderType === 'exchange market';
  if (tifOption !== null && !(market && tif === 'IOC')) options.push(tifOption);
  const moc = p['makerOrCancel'];
  if ((moc === true || moc === 'true') && !options.includes('maker-or-cancel')) options.push('maker-or-cancel');

  const side = p['side'];
  const cmd: PlaceOrder = {
    type: 'PlaceOrder',
    account: t.account,
    session: t.key.key,
    symbol: p['symbol'] as string,
    side: (typeof side === 'string' ? side.trim().toLowerCase() : side) as string,
    orderType: orderType as string,
    amount: p['quantity'] as string,
    options,
  };
  if (present(p['price'])) cmd.price = p['price'] as string;
  if (stop) cmd.stopPrice = p['stopPrice'] as string;
  if (p['clientOrderId'] !== undefined && p['clientOrderId'] !== null) cmd.clientOrderId = p['clientOrderId'] as string;
  return cmd;
}

export async function placeOrder(t: Trader, params: unknown): Promise<OrderResult> {
  const p = objectParams(params, 'order.place');
  const r = await submit(t, placeCommand(t, p));
  if (!r.ok) {
    t.rejected(p, r.rejection);
    throw fromRejection(r.rejection, ORDER_REJECTED_CODE);
  }
  const accepted = r.events.find((e) => e.type === 'OrderAccepted');
  return resultOf(t, accepted === undefined ? undefined : orderAfter(r.events, accepted.order.id));
}

function orderIdOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function notFound(detail?: string) {
  return fromRejection({ code: 'OrderNotFound', ...(detail !== undefined ? { detail } : {}) }, CANCEL_REJECTED_CODE);
}

export async function cancelOrder(t: Trader, params: unknown): Promise<OrderResult> {
  const p = objectParams(params, 'order.cancel');
  const { exchange, account } = t;
  let id: number | undefined;
  if (present(p['orderId'])) {
    id = orderIdOf(p['orderId']);
    if (id === undefined) throw notFound(String(p['orderId']));
  } else if (present(p['clientOrderId'])) {
    const cid = p['clientOrderId'];
    const open = exchange.engine.openOrders(account).filter((o) => o.clientOrderId === cid);
    if (open.length > 0) id = open[open.length - 1]!.id;
    else {
      const closed = typeof cid === 'string' ? exchange.history.orderByClientId(account, cid) : undefined;
      if (closed === undefined) throw notFound(`clientOrderId ${String(cid)}`);
      return resultOf(t, closed);
    }
  } else {
    throw wsError('InvalidParams', 'order.cancel needs orderId or clientOrderId');
  }
  const r = await submit(t, { type: 'CancelOrder', account, orderId: String(id) });
  if (r.ok) return resultOf(t, orderAfter(r.events, id));
  if (r.rejection.code === 'OrderNotFound') {
    const closed = exchange.history.closedOrder(id);
    if (closed !== undefined && closed.account === account) return resultOf(t, closed);
  }
  throw fromRejection(r.rejection, CANCEL_REJECTED_CODE);
}

function cancelledIds(events: readonly Event[]): number[] {
  const ids: number[] = [];
  for (const e of events) if (e.type === 'OrderCancelled') ids.push(e.order.id);
  return ids;
}

export async function cancelAll(t: Trader, params: unknown): Promise<{ cancelledOrders: number[] }> {
  const p = objectParams(params, 'order.cancel_all');
  const { exchange, account } = t;
  if (!present(p['symbol'])) {
    const r = await submit(t, { type: 'CancelAllOrders', account });
    if (!r.ok) throw fromRejection(r.rejection, CANCEL_REJECTED_CODE);
    return { cancelledOrders: cancelledIds(r.events) };
  }
  const sym = p['symbol'];
  const ms = typeof sym === 'string' ? exchange.engine.market(sym) : undefined;
  if (ms === undefined) throw fromRejection({ code: 'InvalidSymbol', detail: String(sym) });
  // no engine command cancels one symbol: one CancelOrder per open order (orders that close
  // meanwhile are simply not listed)
  const open = exchange.engine.openOrders(account).filter((o) => o.symbol === ms.market.symbol);
  const results = await Promise.all(open.map((o) => submit(t, { type: 'CancelOrder', account, orderId: String(o.id) })));
  return { cancelledOrders: results.flatMap((r) => (r.ok ? cancelledIds(r.events) : [])) };
}

export async function cancelSession(t: Trader): Promise<{ cancelledOrders: number[] }> {
  const r = await submit(t, { type: 'CancelSessionOrders', session: t.key.key });
  if (!r.ok) throw fromRejection(r.rejection, CANCEL_REJECTED_CODE);
  return { cancelledOrders: cancelledIds(r.events) };
}
