/**
 * The wire form of the legacy market-data messages (v2 `l2_updates` / `trade` / `candles_*`, v1
 * `update` events), rendered from the feed's values (src/api/ws/feed/types.ts).
 *
 * Invariants: level amounts are the level's new absolute total ("0" removes it) — v2 changes are
 * `[side, price, amount]` with side `buy`/`sell`; v1 change events carry `remaining` (the new
 * total) and `delta` (new minus old), side `bid`/`ask`; trades carry the taker's side (v2 `side`)
 * or the maker's (v1 `makerSide`). Symbols are upper case on the v2 and multi-market wire, as
 * Gemini sends them. Prices and amounts are the feed's text (REST's formatting), computed once per
 * batch. Pure functions: no I/O.
 */
import { formatDecimal } from '../../../domain/decimal.js';
import type { Market } from '../../../domain/symbols.js';
import type { Candle } from '../../../app/market-data.js';
import type { TradeRecord } from '../../../journal/history.js';
import { amountText, priceText } from '../../rest/render.js';
import type { BookDiff, BookLevel, BookSnapshot, LevelChange, TradeTick } from '../feed/types.js';

export type V2Change = [side: 'buy' | 'sell', price: string, amount: string];

export function upper(m: Market): string {
  return m.symbol.toUpperCase();
}

// ---- v2 ----

export function v2Changes(bids: readonly BookLevel[], asks: readonly BookLevel[]): V2Change[] {
  const out: V2Change[] = [];
  for (const l of bids) out.push(['buy', l.priceText, l.amountText]);
  for (const l of asks) out.push(['sell', l.priceText, l.amountText]);
  return out;
}

export interface V2Trade {
  type: 'trade';
  symbol: string;
  event_id: number;
  timestamp: number;
  price: string;
  quantity: string;
  side: 'buy' | 'sell';
  tid: number;
  eventid?: number;
}

export function v2Trade(t: TradeTick): V2Trade {
  return { type: 'trade', symbol: upper(t.market), event_id: t.tid, timestamp: t.time, price: t.priceText, quantity: t.amountText, side: t.takerSide, tid: t.tid };
}

/** a trade of the initial l2 message (from the history store); both id spellings Gemini used */
export function v2HistoryTrade(t: TradeRecord, m: Market): V2Trade {
  return {
    type: 'trade',
    symbol: upper(m),
    event_id: t.tid,
    eventid: t.tid,
    timestamp: t.time,
    price: priceText(t.price, m),
    quantity: amountText(t.amount, m),
    side: t.takerSide,
    tid: t.tid,
  };
}

/** the first l2 message of a subscription: the whole book, recent trades (newest first), no auctions */
export function v2Initial(s: BookSnapshot, trades: readonly TradeRecord[]): Record<string, unknown> {
  return {
    type: 'l2_updates',
    symbol: upper(s.market),
    changes: v2Changes(s.bids, s.asks),
    trades: trades.map((t) => v2HistoryTrade(t, s.market)),
    auction_events: [],
  };
}

export function v2Update(d: BookDiff): Record<string, unknown> {
  return { type: 'l2_updates', symbol: upper(d.market), changes: v2Changes(d.bids, d.asks) };
}

function num(units: number, decimals: number): number {
  return Number(formatDecimal(units, decimals));
}

/** [time ms, open, high, low, close, volume] as JSON numbers (as /v2/candles) */
export function candleRow(c: Candle, m: Market): [number, number, number, number, number, number] {
  const p = m.priceDecimals;
  return [c.time, num(c.open, p), num(c.high, p), num(c.low, p), num(c.close, p), num(c.volume, m.amountDecimals)];
}

/** `name` is the subscription name as the client spelled it (candles_1h or candles_1hr) */
export function v2Candles(name: string, m: Market, candles: readonly Candle[]): Record<string, unknown> {
  return { type: `${name}_updates`, symbol: upper(m), changes: candles.map((c) => candleRow(c, m)) };
}

// ---- v1 ----

export type V1Side = 'bid' | 'ask';

export interface V1Event {
  type: 'change' | 'trade';
  [k: string]: unknown;
}

function withSymbol(ev: V1Event, m: Market, multi: boolean): V1Event {
  if (multi) ev['symbol'] = upper(m);
  return ev;
}

export function v1Initial(l: BookLevel, side: V1Side, m: Market, multi: boolean): V1Event {
  return withSymbol({ type: 'change', price: l.priceText, side, reason: 'initial', remaining: l.amountText, delta: l.amountText }, m, multi);
}

export function v1Change(c: LevelChange, m: Market, multi: boolean): V1Event {
  const delta = formatDecimal(c.amount - c.prev, m.amountDecimals);
  return withSymbol(
    { type: 'change', price: c.priceText, side: c.side === 'buy' ? 'bid' : 'ask', reason: c.reason, remaining: c.amountText, delta },
    m,
    multi,
  );
}

export function v1Trade(t: TradeTick, multi: boolean): V1Event {
  return withSymbol(
    { type: 'trade', tid: t.tid, price: t.priceText, amount: t.amountText, makerSide: t.takerSide === 'buy' ? 'ask' : 'bid' },
    t.market,
    multi,
  );
}

/** a top-of-book change; an emptied side is its last price with remaining "0" */
export function v1Top(side: V1Side, l: BookLevel | undefined, lastPriceText: string | undefined, m: Market, multi: boolean, reason: 'initial' | 'top-of-book'): V1Event | undefined {
  if (l !== undefined) return withSymbol({ type: 'change', price: l.priceText, side, reason, remaining: l.amountText }, m, multi);
  if (lastPriceText === undefined) return undefined;
  return withSymbol({ type: 'change', price: lastPriceText, side, reason, remaining: '0' }, m, multi);
}
