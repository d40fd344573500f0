/**
 * Gemini's public market-data REST API (unauthenticated GETs), served from the live engine and
 * the market-data read model. See docs/market-data.md.
 *
 * Owns: the list of public routes and their registration inside the REST plugin's context (so
 * errors use its handler: {"result":"error","reason","message"} with the catalogue status, and
 * unknown paths its 404 EndpointNotFound).
 * Invariants: no public route changes state; symbols are accepted in any letter case; an unknown
 * symbol is 400 InvalidSymbol; no request scans the history store (order books cost O(levels
 * returned), tickers O(24), trades one indexed query of at most 500 rows).
 */
import type { FastifyInstance } from 'fastify';
import type { Exchange } from '../../../app/exchange.js';
import { marketDataOf } from '../../../app/market-data.js';
import { BOOK_ENDPOINTS } from './book.js';
import { CANDLE_ENDPOINTS } from './candles.js';
import { registerPublicEndpoints, type PublicEndpoint } from './endpoint.js';
import { SYMBOL_ENDPOINTS } from './symbols.js';
import { TICKER_ENDPOINTS } from './tickers.js';
import { TRADE_ENDPOINTS } from './trades.js';
import { UNLISTED_ENDPOINTS } from './unlisted.js';

export const PUBLIC_ENDPOINTS: readonly PublicEndpoint[] = [
  ...SYMBOL_ENDPOINTS,
  ...TICKER_ENDPOINTS,
  ...BOOK_ENDPOINTS,
  ...TRADE_ENDPOINTS,
  ...CANDLE_ENDPOINTS,
  ...UNLISTED_ENDPOINTS,
];

/** Register the public GET routes on `api` (the REST plugin's encapsulated context). */
export function registerPublic(api: FastifyInstance, exchange: Exchange): void {
  registerPublicEndpoints(api, exchange, marketDataOf(exchange), PUBLIC_ENDPOINTS);
}
