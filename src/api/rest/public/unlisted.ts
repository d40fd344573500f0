/**
 * Public endpoints for products Pollux does not list — perpetual swaps (funding, risk stats,
 * derivative candles), prediction markets, auctions, staking — answered the way Gemini answers
 * when there is nothing to report, so a client probing them gets a well-formed reply, never a
 * crash or a 404 for a documented path.
 *
 * Owns these answers:
 * - perpetual-swap endpoints: 400 InvalidSymbol for every symbol (no Pollux symbol is a swap);
 * - prediction-market volume: 400 {error:"BAD_REQUEST"} for a malformed date, else
 *   404 {error:"NOT_FOUND"} (Gemini's documented reply when no volume data exists for a day);
 * - auctions: the symbol is checked (400 InvalidSymbol), then no auction info `{}` / no events `[]`;
 * - staking rates: `{}` (no staking provider).
 */
import { fromRejection } from '../errors.js';
import { Raw, type PublicEndpoint } from './endpoint.js';
import { echo, marketParam, queryText } from './params.js';
import type { Exchange } from '../../../app/exchange.js';

function notASwap(exchange: Exchange, symbol: string | undefined): never {
  const s = String(symbol ?? '');
  const listed = s.length <= 32 && exchange.engine.market(s) !== undefined;
  throw fromRejection({ code: 'InvalidSymbol', detail: listed ? `${s.toUpperCase()} is a spot market, not a perpetual swap` : echo(s) });
}

const swapOnly = (path: string, from: 'path' | 'query' = 'path'): PublicEndpoint => ({
  path,
  handle: ({ exchange, params, query }) => notASwap(exchange, from === 'path' ? params['symbol'] : queryText(query, 'symbol')),
});

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function predictionVolume(date: string | undefined): Raw {
  if (!isCalendarDate(String(date ?? ''))) {
    return new Raw(400, { error: 'BAD_REQUEST', message: 'date must be a UTC calendar date written YYYY-MM-DD' });
  }
  return new Raw(404, { error: 'NOT_FOUND', message: 'No prediction-market volume exists for this date: Pollux lists no prediction markets' });
}

export const UNLISTED_ENDPOINTS: readonly PublicEndpoint[] = [
  swapOnly('/v1/fundingamount/:symbol'),
  swapOnly('/v1/nextfundingtimestamp/:symbol'),
  swapOnly('/v1/fundingamountreport/records.xlsx', 'query'),
  swapOnly('/v1/riskstats/:symbol'),
  swapOnly('/v1/perpetuals/fundingrates/:symbol'),
  swapOnly('/v2/derivatives/candles/:symbol/:time_frame'),
  { path: '/v1/prediction-markets/volume/:date', handle: ({ params }) => predictionVolume(params['date']) },
  { path: '/v1/prediction-markets/volume/:date/hourly', handle: ({ params }) => predictionVolume(params['date']) },
  {
    path: '/v1/auction/:symbol',
    handle: ({ exchange, params }) => {
      marketParam(exchange, params['symbol']);
      return {};
    },
  },
  {
    path: '/v1/auction/:symbol/history',
    handle: ({ exchange, params }) => {
      marketParam(exchange, params['symbol']);
      return [];
    },
  },
  { path: '/v1/staking/rates', handle: () => ({}) },
];
