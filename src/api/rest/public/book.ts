/**
 * The public order book: /v1/book/:symbol.
 *
 * Owns its wire form and limits. Reads the engine's book through `depth(side, limit)`, which
 * aggregates price levels best-first in O(limit): a request never walks more levels than it
 * returns. `limit_bids` / `limit_asks`: default 50, 0 = the whole side; anything but a whole
 * number >= 0 is 400 InvalidParameter.
 * Replies are built once per (book state, second) and then served from the reply cache.
 * Invariants: each entry is {price, amount, timestamp} with strings only: price with the market's
 * price decimals, amount trimmed in its amount decimals, and `timestamp` the current time in whole
 * seconds as a string (Gemini documents the field as a placeholder kept for compatibility).
 */
import type { Level } from '../../../engine/book/book.js';
import type { Market } from '../../../domain/symbols.js';
import { amountText, priceText, seconds } from '../render.js';
import type { PublicEndpoint } from './endpoint.js';
import { countParam, marketParam } from './params.js';

export const DEFAULT_BOOK_LEVELS = 50;

function entries(levels: readonly Level[], m: Market, stamp: string): { price: string; amount: string; timestamp: string }[] {
  return levels.map((l) => ({ price: priceText(l.price, m), amount: amountText(l.amount, m), timestamp: stamp }));
}

export const BOOK_ENDPOINTS: readonly PublicEndpoint[] = [
  {
    path: '/v1/book/:symbol',
    handle: ({ exchange, params, query, cache }) => {
      const m = marketParam(exchange, params['symbol']);
      const limitBids = countParam(query, 'limit_bids', DEFAULT_BOOK_LEVELS);
      const limitAsks = countParam(query, 'limit_asks', DEFAULT_BOOK_LEVELS);
      const sec = seconds(exchange.clock.now());
      return cache.get(`book ${m.symbol} ${limitBids} ${limitAsks}`, exchange.version, 0, sec, () => {
        const book = exchange.engine.book(m.symbol)!;
        const stamp = String(sec);
        return {
          bids: entries(book.depth('buy', limitBids), m, stamp),
          asks: entries(book.depth('sell', limitAsks), m, stamp),
        };
      });
    },
  },
];
