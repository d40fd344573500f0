/**
 * Candles: /v2/candles/:symbol/:time_frame, from the market-data read model.
 *
 * Owns the time-frame names and the wire form. Time frames: 1m, 5m, 15m, 30m, 1hr, 6hr, 1day
 * (Gemini's names) and the aliases 1h, 6h, 1d that Gemini's OpenAPI enum lists; anything else is
 * 400 InvalidParameter. The symbol is checked first (400 InvalidSymbol).
 * Invariants: each candle is [time ms, open, high, low, close, volume], all JSON numbers, newest
 * first; a bucket without trades is flat at the previous close with volume 0; how far back a
 * frame reaches is TIME_FRAMES in src/app/market-data.ts. Cost: O(candles returned).
 */
import { TIME_FRAMES, type Candle, type TimeFrame } from '../../../app/market-data.js';
import { formatDecimal } from '../../../domain/decimal.js';
import type { Market } from '../../../domain/symbols.js';
import { restError } from '../errors.js';
import type { PublicEndpoint } from './endpoint.js';
import { echo, marketParam } from './params.js';

const ALIASES: Readonly<Record<string, TimeFrame>> = { '1h': '1hr', '6h': '6hr', '1d': '1day' };

export function timeFrameOf(name: string | undefined): TimeFrame {
  const n = String(name ?? '');
  if (Object.hasOwn(TIME_FRAMES, n)) return n as TimeFrame;
  if (Object.hasOwn(ALIASES, n)) return ALIASES[n]!;
  throw restError('InvalidParameter', `time frame must be one of ${Object.keys(TIME_FRAMES).join(', ')}; got '${echo(n)}'`);
}

/** a price or amount in units as a JSON number (the nearest double to the exact decimal) */
function num(units: number, decimals: number): number {
  return Number(formatDecimal(units, decimals));
}

export function candleJson(c: Candle, m: Market): [number, number, number, number, number, number] {
  const p = m.priceDecimals;
  return [c.time, num(c.open, p), num(c.high, p), num(c.low, p), num(c.close, p), num(c.volume, m.amountDecimals)];
}

export const CANDLE_ENDPOINTS: readonly PublicEndpoint[] = [
  {
    path: '/v2/candles/:symbol/:time_frame',
    handle: ({ exchange, md, params }) => {
      const m = marketParam(exchange, params['symbol']);
      const frame = timeFrameOf(params['time_frame']);
      return md.candles(m.symbol, frame).map((c) => candleJson(c, m));
    },
  },
];
