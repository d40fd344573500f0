/**
 * Tickers and the price feed: /v1/pubticker/:symbol, /v2/ticker/:symbol, /v1/pricefeed.
 *
 * Owns their wire form. Reads: best bid/ask straight from the engine's book (O(1)), last price and
 * 24-hour figures from the market-data read model (O(24)); nothing scans history.
 * Invariants: prices are strings with the market's price decimals ("9345.70"; the hourly
 * `changes` of the v2 ticker are trimmed, "9245", as Gemini's example shows); a value that does
 * not exist yet (no bid, no ask, no trade) is JSON null, never "0"; volumes are exact decimal
 * strings (base in amount decimals, quote the exact notional); `percentChange24h` is the change
 * as a fraction with 4 decimals ("0.0146" = +1.46%), as Gemini's live feed sends it.
 */
import type { Exchange } from '../../../app/exchange.js';
import type { DayStats, MarketData } from '../../../app/market-data.js';
import { formatDecimal } from '../../../domain/decimal.js';
import type { Market } from '../../../domain/symbols.js';
import type { Side } from '../../../engine/order.js';
import { priceText } from '../render.js';
import type { PublicEndpoint } from './endpoint.js';
import { marketParam } from './params.js';

function bestText(exchange: Exchange, m: Market, side: Side): string | null {
  const o = exchange.engine.book(m.symbol)?.best(side);
  return o === undefined ? null : priceText(o.price, m);
}

function lastText(md: MarketData, m: Market): string | null {
  const t = md.last(m.symbol);
  return t === undefined ? null : priceText(t.price, m);
}

/** (close - open) / open as a fraction with 4 decimals, rounded half away from zero */
export function changeText(day: DayStats): string {
  const open = BigInt(day.open);
  const diff = BigInt(day.close) - open;
  const mag = ((diff < 0n ? -diff : diff) * 20_000n + open) / (2n * open);
  return formatDecimal(diff < 0n ? -mag : mag, 4, 4);
}

export const TICKER_ENDPOINTS: readonly PublicEndpoint[] = [
  {
    path: '/v1/pubticker/:symbol',
    handle: ({ exchange, md, params, cache }) => {
      const m = marketParam(exchange, params['symbol']);
      const now = exchange.clock.now();
      // the 24-hour window moves with the clock, so `now` (ms) is part of the cache tag
      return cache.get(`pubticker ${m.symbol}`, exchange.version, md.version, now, () => {
        const day = md.day(m.symbol, now);
        return {
          bid: bestText(exchange, m, 'buy'),
          ask: bestText(exchange, m, 'sell'),
          last: lastText(md, m),
          volume: {
            [m.base]: formatDecimal(day?.baseVolume ?? 0, m.amountDecimals),
            [m.quote]: formatDecimal(day?.quoteVolume ?? 0n, m.priceDecimals + m.amountDecimals),
            timestamp: now,
          },
        };
      });
    },
  },
  {
    path: '/v2/ticker/:symbol',
    handle: ({ exchange, md, params }) => {
      const m = marketParam(exchange, params['symbol']);
      const day = md.day(m.symbol);
      const p = (units: number | undefined) => (units === undefined ? null : priceText(units, m));
      return {
        symbol: m.symbol.toUpperCase(),
        open: p(day?.open),
        high: p(day?.high),
        low: p(day?.low),
        close: p(day?.close),
        // trimmed, as in Gemini's example ("9245", "9365.1")
        changes: day === undefined ? [] : day.changes.map((c) => formatDecimal(c, m.priceDecimals)),
        bid: bestText(exchange, m, 'buy'),
        ask: bestText(exchange, m, 'sell'),
      };
    },
  },
  {
    path: '/v1/pricefeed',
    handle: ({ exchange, md }) => {
      const now = exchange.clock.now();
      return [...exchange.markets]
        .sort((a, b) => (a.symbol < b.symbol ? -1 : 1))
        .map((m) => {
          const day = md.day(m.symbol, now);
          return { pair: m.symbol.toUpperCase(), price: lastText(md, m), percentChange24h: day === undefined ? null : changeText(day) };
        });
    },
  },
];
