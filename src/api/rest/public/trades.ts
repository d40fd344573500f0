/**
 * Public trade history: /v1/trades/:symbol.
 *
 * Owns its parameters and wire form; the rows come from one indexed query of the history store
 * (by symbol and time, or by symbol and tid), at most 500 rows.
 * Parameters: `timestamp` (alias `since`): only trades after it, in whole seconds or milliseconds;
 * `since_tid`: only trades after that trade id, the earliest first (it trumps `timestamp`; 0 = from
 * the beginning); `limit_trades`: default 50, capped at 500, 0 returns nothing; `include_breaks`:
 * accepted, and adds `broken: false` to every row (Pollux never breaks a trade).
 * Invariants: newest first; `type` is the taker's side ("buy": an ask was taken); `timestamp` is a
 * number of seconds, `timestampms` of milliseconds, `tid` a number, price and amount strings.
 */
import type { TradeRecord } from '../../../journal/history.js';
import type { Market } from '../../../domain/symbols.js';
import { amountText, priceText, seconds } from '../render.js';
import type { PublicEndpoint } from './endpoint.js';
import { countParam, flagParam, marketParam, tidParam, timeParam } from './params.js';

export const DEFAULT_TRADES = 50;
export const MAX_TRADES = 500;

export interface PublicTradeJson {
  timestamp: number;
  timestampms: number;
  tid: number;
  price: string;
  amount: string;
  exchange: 'gemini';
  type: 'buy' | 'sell';
  broken?: boolean;
}

export function publicTradeJson(t: TradeRecord, m: Market, withBroken: boolean): PublicTradeJson {
  return {
    timestamp: seconds(t.time),
    timestampms: t.time,
    tid: t.tid,
    price: priceText(t.price, m),
    amount: amountText(t.amount, m),
    exchange: 'gemini',
    type: t.takerSide,
    ...(withBroken ? { broken: false } : {}),
  };
}

export const TRADE_ENDPOINTS: readonly PublicEndpoint[] = [
  {
    path: '/v1/trades/:symbol',
    handle: ({ exchange, params, query }) => {
      const m = marketParam(exchange, params['symbol']);
      const since = timeParam(query, 'timestamp') ?? timeParam(query, 'since');
      const sinceTid = tidParam(query, 'since_tid');
      const limit = countParam(query, 'limit_trades', DEFAULT_TRADES, MAX_TRADES);
      const withBroken = flagParam(query, 'include_breaks');
      if (limit === 0) return [];
      const rows = exchange.history.tradesBySymbol(m.symbol, sinceTid !== undefined ? { sinceTid, limit } : { since, limit });
      return rows.map((t) => publicTradeJson(t, m, withBroken));
    },
  },
];
