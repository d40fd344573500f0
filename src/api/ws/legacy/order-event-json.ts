/**
 * The wire form of /v1/order/events messages: order events, the subscription ack, heartbeats.
 *
 * Owns: turning the feed's order updates (src/api/ws/feed/types.ts) into Gemini's legacy event
 * objects, and the event-type vocabulary. Mapping (Gemini's documented workflow):
 *   accepted -> accepted; fill -> fill; booked -> booked;
 *   cancelled -> cancelled, then closed; filled -> closed.
 * Fields follow Gemini's order status object (the same text as REST renders): order_id,
 * event_id, account_name, client_order_id, api_session, symbol, side, behavior, order_type,
 * timestamp (string, seconds), timestampms, is_live, is_cancelled, is_hidden, avg_execution_price,
 * executed_amount, remaining_amount, original_amount, price, stop_price; `fill` on fills, `reason`
 * on cancels. `timestamp`/`timestampms` are the order's submission time, as Gemini documents.
 * Invariants: `event_id` is a decimal string unique per event and identical on every connection:
 * seq x 10^6 + the event's index among the events its command produced (the expansion with
 * `closed` included), so it also orders events; `initial` events have none.
 */
import type { OrderRecord } from '../../../engine/order.js';
import type { Market } from '../../../domain/symbols.js';
import { amountText, avgPriceText, orderTypeText, priceText } from '../../rest/render.js';
import type { OrderUpdate } from '../feed/types.js';

export const ORDER_EVENT_TYPES = ['initial', 'accepted', 'rejected', 'booked', 'fill', 'cancelled', 'cancel_rejected', 'closed'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export function isOrderEventType(s: string): s is OrderEventType {
  return (ORDER_EVENT_TYPES as readonly string[]).includes(s);
}

/** an order event before its socket_sequence is attached */
export type OrderEventJson = Record<string, unknown> & { type: OrderEventType; symbol: string; api_session: string };

/** an event to render: which type, the order as the step left it, and the extras */
export interface OrderStep {
  type: OrderEventType;
  /** absent on initial */
  eventId?: string;
  order: OrderRecord;
  market: Market;
  update?: OrderUpdate;
}

/**
 * Expand the order updates of one batch into legacy steps, in engine order, with their event ids.
 * Steps of one command are numbered 0, 1, 2... over all accounts, so every connection computes the
 * same ids whatever its filters.
 */
export function stepsOf(updates: readonly OrderUpdate[]): OrderStep[] {
  const out: OrderStep[] = [];
  let seq = -1;
  let index = 0;
  const id = (s: number) => String(BigInt(s) * 1_000_000n + BigInt(index++));
  for (const u of updates) {
    if (u.seq !== seq) {
      seq = u.seq;
      index = 0;
    }
    const base = { order: u.order, market: u.market, update: u };
    switch (u.type) {
      case 'accepted':
      case 'booked':
      case 'fill':
        out.push({ type: u.type, eventId: id(seq), ...base });
        break;
      case 'cancelled':
        out.push({ type: 'cancelled', eventId: id(seq), ...base });
        out.push({ type: 'closed', eventId: id(seq), ...base });
        break;
      case 'filled':
        out.push({ type: 'closed', eventId: id(seq), ...base });
        break;
      default: {
        const _exhaustive: never = u.type;
        return _exhaustive;
      }
    }
  }
  return out;
}

export function orderEventJson(step: OrderStep): OrderEventJson {
  const { order: o, market: m, update } = step;
  const ev: OrderEventJson = {
    type: step.type,
    order_id: String(o.id),
    ...(step.eventId !== undefined ? { event_id: step.eventId } : {}),
    account_name: o.account,
    ...(o.clientOrderId !== undefined ? { client_order_id: o.clientOrderId } : {}),
    api_session: o.session,
    symbol: m.symbol,
    side: o.side,
    ...(o.option !== '' ? { behavior: o.option } : {}),
    order_type: orderTypeText(o),
    timestamp: String(Math.floor(o.time / 1000)),
    timestampms: o.time,
    is_live: o.isLive,
    is_cancelled: o.isCancelled,
    is_hidden: false,
    avg_execution_price: avgPriceText(o.filledNotional, o.executed, m),
    executed_amount: amountText(o.executed, m),
    remaining_amount: amountText(o.amount - o.executed, m),
    original_amount: amountText(o.amount, m),
    ...(o.kind !== 'market' ? { price: priceText(o.price, m) } : {}),
    ...(o.kind === 'stop-limit' ? { stop_price: priceText(o.stopPrice, m) } : {}),
  };
  const f = update?.fill;
  if (step.type === 'fill' && f !== undefined) {
    ev['fill'] = {
      trade_id: String(f.tid),
      liquidity: f.liquidity,
      price: f.priceText,
      amount: f.amountText,
      fee: f.feeText,
      fee_currency: f.feeCurrency,
    };
  }
  if (step.type === 'cancelled') ev['reason'] = update?.reason ?? o.reason ?? 'Requested';
  return ev;
}

export interface AckFilters {
  symbolFilter: string[];
  apiSessionFilter: string[];
  eventTypeFilter: string[];
}

export function subscriptionAck(accountId: number, subscriptionId: string, f: AckFilters): Record<string, unknown> {
  return { type: 'subscription_ack', accountId, subscriptionId, ...f };
}

export function heartbeatJson(now: number, sequence: number, traceId: string, socketSequence: number): Record<string, unknown> {
  return { type: 'heartbeat', timestampms: now, sequence, trace_id: traceId, socket_sequence: socketSequence };
}
