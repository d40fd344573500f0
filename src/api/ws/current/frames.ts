/**
 * Wire form of the current WebSocket API's stream payloads and order results, as JSON text.
 *
 * Owns the field names and encodings (websocket.md §1.6):
 * - prices and quantities are strings (the feed's text: prices keep the quote increment's
 *   decimals, amounts are trimmed); `E`/`T` are nanoseconds since the epoch, written exactly as
 *   the command's ms time followed by six zeros (no float rounding); order ids are JSON numbers;
 * - market streams name the symbol in lower case ("btcusd"), order updates and order results in
 *   upper case ("BTCUSD"), as Gemini's examples do;
 * - partial depth frames add `E` and `s` to Gemini's {lastUpdateId, bids, asks} so that a
 *   connection holding several symbols can tell them apart without the stream wrapper;
 * - an empty book side is sent as price "0"/quantity "0" on bookTicker.
 * Invariants: every payload is rendered once per event and shared by all subscribers.
 */
import { formatDecimal } from '../../../domain/decimal.js';
import type { Market } from '../../../domain/symbols.js';
import type { OrderRecord } from '../../../engine/order.js';
import type { BalanceUpdate, BookLevel, BookSnapshot, OrderUpdate, TopOfBook, TradeTick } from '../feed/index.js';
import { amountText, priceText } from '../../rest/render.js';

const q = JSON.stringify;

/** ms -> ns, as exact JSON number text */
export function ns(ms: number): string {
  return ms > 0 ? `${ms}000000` : '0';
}

export function levelsJson(levels: readonly BookLevel[]): string {
  let s = '[';
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    s += `${i === 0 ? '' : ','}[${q(l.priceText)},${q(l.amountText)}]`;
  }
  return s + ']';
}

export function bookTickerFrame(t: TopOfBook, timeMs: number): string {
  const b = t.bid, a = t.ask;
  return `{"u":${t.updateId},"E":${ns(timeMs)},"s":${q(t.symbol)},"b":${q(b?.priceText ?? '0')},"B":${q(b?.amountText ?? '0')},"a":${q(a?.priceText ?? '0')},"A":${q(a?.amountText ?? '0')}}`;
}

export function depthUpdateFrame(symbol: string, U: number, u: number, timeMs: number, bids: readonly BookLevel[], asks: readonly BookLevel[]): string {
  return `{"e":"depthUpdate","E":${ns(timeMs)},"s":${q(symbol)},"U":${U},"u":${u},"b":${levelsJson(bids)},"a":${levelsJson(asks)}}`;
}

export function partialDepthFrame(s: BookSnapshot, timeMs: number): string {
  return `{"lastUpdateId":${s.lastUpdateId},"E":${ns(timeMs)},"s":${q(s.symbol)},"bids":${levelsJson(s.bids)},"asks":${levelsJson(s.asks)}}`;
}

export function depthResult(s: BookSnapshot): { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] } {
  const pairs = (ls: readonly BookLevel[]): [string, string][] => ls.map((l) => [l.priceText, l.amountText]);
  return { lastUpdateId: s.lastUpdateId, bids: pairs(s.bids), asks: pairs(s.asks) };
}

/** `m`: the buyer was the maker (the taker sold) */
export function tradeFrame(t: TradeTick): string {
  return `{"e":"trade","E":${ns(t.time)},"s":${q(t.symbol)},"t":${t.tid},"p":${q(t.priceText)},"q":${q(t.amountText)},"T":${ns(t.time)},"m":${t.takerSide === 'sell'}}`;
}

export type OrderStatus = 'NEW' | 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED';

export function orderType(o: Pick<OrderRecord, 'kind'>): 'LIMIT' | 'MARKET' {
  return o.kind === 'market' ? 'MARKET' : 'LIMIT';
}

export function timeInForce(o: Pick<OrderRecord, 'kind' | 'option'>): 'GTC' | 'IOC' | 'FOK' | 'MOC' {
  if (o.kind === 'market') return 'IOC';
  switch (o.option) {
    case 'immediate-or-cancel':
      return 'IOC';
    case 'fill-or-kill':
      return 'FOK';
    case 'maker-or-cancel':
      return 'MOC';
    default:
      return 'GTC';
  }
}

/** the status of an order record: cancelled, filled, partly filled or new */
export function statusOf(o: OrderRecord): OrderStatus {
  if (o.isCancelled) return 'CANCELED';
  if (o.executed >= o.amount) return 'FILLED';
  return o.executed > 0 ? 'PARTIALLY_FILLED' : 'NEW';
}

function updateStatus(u: OrderUpdate): OrderStatus | undefined {
  switch (u.type) {
    case 'accepted':
      return 'NEW';
    case 'booked':
      return 'OPEN';
    case 'fill':
      return u.order.executed >= u.order.amount ? 'FILLED' : 'PARTIALLY_FILLED';
    case 'cancelled':
      return 'CANCELED';
    case 'filled':
      return undefined; // the last fill already said FILLED
    default: {
      const _exhaustive: never = u.type;
      return _exhaustive;
    }
  }
}

/** an orderUpdate frame, or undefined for steps this API does not send ('filled') */
export function orderUpdateFrame(u: OrderUpdate): string | undefined {
  const X = updateStatus(u);
  if (X === undefined) return undefined;
  const o = u.order;
  const m = u.market;
  let s = `{"e":"orderUpdate","E":${ns(u.time)},"s":${q(m.symbol.toUpperCase())},"i":${o.id}`;
  if (o.clientOrderId !== undefined) s += `,"c":${q(o.clientOrderId)}`;
  s += `,"S":${o.side === 'buy' ? '"BUY"' : '"SELL"'},"o":"${orderType(o)}","f":"${timeInForce(o)}","X":"${X}"`;
  if (o.kind !== 'market') s += `,"p":${q(priceText(o.price, m))}`;
  if (o.kind === 'stop-limit') s += `,"P":${q(priceText(o.stopPrice, m))}`;
  s += `,"q":${q(amountText(o.amount, m))},"z":${q(amountText(o.amount - o.executed, m))}`;
  const f = u.fill;
  if (f !== undefined) {
    s += `,"Z":${q(f.amountText)},"L":${q(f.priceText)},"t":${f.tid},"m":${f.liquidity === 'Maker'},"n":${q(f.feeText)},"N":${q(f.feeCurrency)}`;
  } else {
    s += `,"Z":${q(amountText(o.executed, m))}`;
  }
  if (u.reason !== undefined) s += `,"r":${q(u.reason)}`;
  return s + `,"T":${ns(u.time)}}`;
}

/** REJECTED orderUpdate for an order.place the engine refused (sent on the placing connection) */
export function rejectedOrderFrame(p: { symbol: string; side: string; type: string; price?: string; quantity?: string; clientOrderId?: string }, reason: string, timeMs: number): string {
  let s = `{"e":"orderUpdate","E":${ns(timeMs)},"s":${q(p.symbol.toUpperCase())}`;
  if (p.clientOrderId !== undefined) s += `,"c":${q(p.clientOrderId)}`;
  s += `,"S":${q(p.side.toUpperCase())},"o":${q(p.type.toUpperCase())},"X":"REJECTED"`;
  if (p.price !== undefined) s += `,"p":${q(p.price)}`;
  if (p.quantity !== undefined) s += `,"q":${q(p.quantity)}`;
  return s + `,"r":${q(reason)},"T":${ns(timeMs)}}`;
}

export function balanceFrame(b: BalanceUpdate): string {
  let list = '';
  for (const c of b.balances) list += `${list === '' ? '' : ','}{"a":${q(c.currency)},"f":${q(c.availableText)},"c":${q(c.totalText)}}`;
  return `{"e":"balanceUpdate","E":${ns(b.time)},"u":${ns(b.time)},"B":[${list}]}`;
}

export interface OrderResult {
  orderId: number;
  clientOrderId?: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'LIMIT' | 'MARKET';
  timeInForce: string;
  price?: string;
  stopPrice?: string;
  origQty: string;
  executedQty: string;
  cumulativeQuoteQty: string;
  status: OrderStatus;
  reason?: string;
  transactTime: number;
}

/** an order as order.place / order.cancel return it (Gemini's Go CLI field names) */
export function orderResult(o: OrderRecord, m: Market): OrderResult {
  const r: OrderResult = {
    orderId: o.id,
    symbol: m.symbol.toUpperCase(),
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    type: orderType(o),
    timeInForce: timeInForce(o),
    origQty: amountText(o.amount, m),
    executedQty: amountText(o.executed, m),
    cumulativeQuoteQty: formatDecimal(o.filledNotional, m.priceDecimals + m.amountDecimals, m.priceDecimals),
    status: statusOf(o),
    transactTime: o.closedTime ?? o.time,
  };
  if (o.clientOrderId !== undefined) r.clientOrderId = o.clientOrderId;
  if (o.kind !== 'market') r.price = priceText(o.price, m);
  if (o.kind === 'stop-limit') r.stopPrice = priceText(o.stopPrice, m);
  if (o.reason !== undefined) r.reason = o.reason;
  return r;
}
