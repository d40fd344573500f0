/**
 * Rendering engine values as Gemini's JSON: order status objects, fills, decimal strings.
 *
 * Owns the wire form of orders and trades for every REST endpoint that returns them.
 * Invariants (as Gemini's examples show them):
 * - amounts are strings with the market's amount decimals, trailing zeros trimmed ("5", "0.1");
 * - prices are strings keeping the quote increment's decimals ("3633.00");
 * - fees are exact ledger values, trimmed but keeping the price decimals ("9.0825", "52.50");
 * - `order_id`/`id` are decimal strings, `tid` a number; an order's `timestamp` is a string of
 *   seconds, a trade's `timestamp` a number of seconds, `timestampms` always a number;
 * - `is_hidden` and `was_forced` are always false; `options` is always an array.
 * An average execution price is exact up to 10 decimals beyond the price decimals, truncated.
 */
import { formatDecimal, pow10 } from '../../domain/decimal.js';
import type { Market } from '../../domain/symbols.js';
import type { Exchange } from '../../app/exchange.js';
import { LEDGER_DECIMALS } from '../../engine/ledger.js';
import type { OrderRecord } from '../../engine/order.js';
import type { Fill } from '../../journal/history.js';
import { restError } from './errors.js';

const AVG_EXTRA_DECIMALS = 10;

export function marketOf(exchange: Exchange, symbol: string): Market {
  const ms = exchange.engine.market(symbol);
  if (ms === undefined) throw restError('System', `no market ${symbol}`);
  return ms.market;
}

export function priceText(units: number | bigint, m: Market): string {
  return formatDecimal(units, m.priceDecimals, m.priceDecimals);
}

export function amountText(units: number | bigint, m: Market): string {
  return formatDecimal(units, m.amountDecimals);
}

/** a ledger value (10^-18 units) trimmed, keeping at least `minDecimals` */
export function ledgerText(v: bigint, minDecimals = 0): string {
  return formatDecimal(v, LEDGER_DECIMALS, minDecimals);
}

export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** filledNotional / executed, in price decimals + AVG_EXTRA_DECIMALS, truncated */
export function avgPriceText(filledNotional: bigint, executed: number, m: Market): string {
  if (executed === 0) return priceText(0, m);
  const scaled = (filledNotional * pow10(AVG_EXTRA_DECIMALS)) / BigInt(executed);
  return formatDecimal(scaled, m.priceDecimals + AVG_EXTRA_DECIMALS, m.priceDecimals);
}

export function orderTypeText(o: OrderRecord): string {
  switch (o.kind) {
    case 'limit':
      return 'exchange limit';
    case 'stop-limit':
      return 'stop-limit';
    case 'market':
      return `market ${o.side}`;
    default: {
      const _exhaustive: never = o.kind;
      return _exhaustive;
    }
  }
}

export interface TradeJson {
  price: string;
  amount: string;
  timestamp: number;
  timestampms: number;
  type: 'Buy' | 'Sell';
  aggressor: boolean;
  fee_currency: string;
  fee_amount: string;
  tid: number;
  order_id: string;
  client_order_id?: string;
  exchange: 'gemini';
  is_auction_fill?: boolean;
  is_clearing_fill?: boolean;
  symbol?: string;
}

/** one fill as it appears in an order's `trades` */
export function fillJson(f: Fill, m: Market): TradeJson {
  return {
    price: priceText(f.price, m),
    amount: amountText(f.amount, m),
    timestamp: seconds(f.time),
    timestampms: f.time,
    type: f.side === 'buy' ? 'Buy' : 'Sell',
    aggressor: f.aggressor,
    fee_currency: f.feeCurrency,
    fee_amount: ledgerText(f.fee, m.priceDecimals),
    tid: f.tid,
    order_id: String(f.orderId),
    exchange: 'gemini',
  };
}

/** one row of /v1/mytrades (Gemini's field order: client_order_id between order_id and exchange) */
export function myTradeJson(f: Fill, m: Market): TradeJson {
  const { exchange, ...head } = fillJson(f, m);
  return {
    ...head,
    ...(f.clientOrderId !== undefined ? { client_order_id: f.clientOrderId } : {}),
    exchange,
    is_auction_fill: false,
    is_clearing_fill: false,
    symbol: m.symbol.toUpperCase(),
  };
}

export interface OrderJson {
  order_id: string;
  id: string;
  symbol: string;
  exchange: 'gemini';
  avg_execution_price: string;
  side: string;
  type: string;
  timestamp: string;
  timestampms: number;
  is_live: boolean;
  is_cancelled: boolean;
  is_hidden: false;
  was_forced: false;
  executed_amount: string;
  remaining_amount: string;
  reason?: string;
  client_order_id?: string;
  options: string[];
  stop_price?: string;
  price?: string;
  original_amount: string;
  trades?: TradeJson[];
}

/** Gemini's order status object, fields in the order of Gemini's examples; `trades` only when given */
export function orderJson(o: OrderRecord, m: Market, trades?: readonly Fill[]): OrderJson {
  return {
    order_id: String(o.id),
    id: String(o.id),
    symbol: m.symbol,
    exchange: 'gemini',
    avg_execution_price: avgPriceText(o.filledNotional, o.executed, m),
    side: o.side,
    type: orderTypeText(o),
    timestamp: String(seconds(o.time)),
    timestampms: o.time,
    is_live: o.isLive,
    is_cancelled: o.isCancelled,
    is_hidden: false,
    was_forced: false,
    executed_amount: amountText(o.executed, m),
    remaining_amount: amountText(o.amount - o.executed, m),
    ...(o.isCancelled && o.reason !== undefined ? { reason: o.reason } : {}),
    ...(o.clientOrderId !== undefined ? { client_order_id: o.clientOrderId } : {}),
    options: o.option === '' ? [] : [o.option],
    ...(o.kind === 'stop-limit' ? { stop_price: priceText(o.stopPrice, m) } : {}),
    ...(o.kind !== 'market' ? { price: priceText(o.price, m) } : {}),
    original_amount: amountText(o.amount, m),
    ...(trades !== undefined ? { trades: trades.map((f) => fillJson(f, m)) } : {}),
  };
}

const str = (s: string): string => JSON.stringify(s);

/**
 * `JSON.stringify(orderJson(o, m))` without building the object first (order entry replies):
 * the same keys in the same order, the same text. A test compares the two over many orders.
 */
export function orderJsonText(o: OrderRecord, m: Market): string {
  const id = str(String(o.id));
  let t =
    `{"order_id":${id},"id":${id},"symbol":${str(m.symbol)},"exchange":"gemini",` +
    `"avg_execution_price":${str(avgPriceText(o.filledNotional, o.executed, m))},"side":${str(o.side)},` +
    `"type":${str(orderTypeText(o))},"timestamp":${str(String(seconds(o.time)))},"timestampms":${JSON.stringify(o.time)},` +
    `"is_live":${o.isLive ? 'true' : 'false'},"is_cancelled":${o.isCancelled ? 'true' : 'false'},"is_hidden":false,"was_forced":false,` +
    `"executed_amount":${str(amountText(o.executed, m))},"remaining_amount":${str(amountText(o.amount - o.executed, m))}`;
  if (o.isCancelled && o.reason !== undefined) t += `,"reason":${str(o.reason)}`;
  if (o.clientOrderId !== undefined) t += `,"client_order_id":${str(o.clientOrderId)}`;
  t += o.option === '' ? ',"options":[]' : `,"options":[${str(o.option)}]`;
  if (o.kind === 'stop-limit') t += `,"stop_price":${str(priceText(o.stopPrice, m))}`;
  if (o.kind !== 'market') t += `,"price":${str(priceText(o.price, m))}`;
  return `${t},"original_amount":${str(amountText(o.amount, m))}}`;
}
