/**
 * Trade history and volume: /v1/mytrades, /v1/tradevolume, /v1/notionalvolume.
 *
 * Owns the aggregation of an account's fills (from the history store) into Gemini's volume
 * reports. Sums are exact (bigint in market units) and become JSON numbers only at the end,
 * because Gemini's examples send the volume figures as numbers.
 * Choices (see docs/rest.md): volumes cover the last 30 days of the server clock; /v1/tradevolume
 * has one row per symbol (its `data_date` is the day of the latest fill); notional volume counts
 * USD-quoted markets only (there is no conversion rate for the others); every fee field of
 * /v1/notionalvolume (web, api, fix; auction too) reports the account's maker/taker rates.
 * Known limit: the 30-day reports read every fill of the window (fine for a laptop or CI; a
 * busy account would want a pre-aggregated table).
 */
import { formatDecimal } from '../../domain/decimal.js';
import type { Market } from '../../domain/symbols.js';
import type { Fill } from '../../journal/history.js';
import { READER, type Ctx, type Endpoint } from './endpoint.js';
import { limitParam, symbolParam, timestampParam } from './params.js';
import { marketOf, myTradeJson, type TradeJson } from './render.js';

const TRADES_DEFAULT = 50;
const TRADES_MAX = 500;
const DAY_MS = 86_400_000;
const WINDOW_MS = 30 * DAY_MS;

function myTrades(ctx: Ctx): TradeJson[] {
  const p = ctx.payload;
  const market = symbolParam(ctx.exchange, p);
  const limit = limitParam(p, 'limit_trades', TRADES_DEFAULT, TRADES_MAX);
  const since = timestampParam(p);
  return ctx.exchange.history
    .tradesByAccount(ctx.account, { symbol: market?.symbol, since, limit })
    .map((f) => myTradeJson(f, marketOf(ctx.exchange, f.symbol)));
}

function recentFills(ctx: Ctx): Fill[] {
  const since = ctx.exchange.clock.now() - WINDOW_MS;
  return ctx.exchange.history.tradesByAccount(ctx.account, { since, limit: Number.MAX_SAFE_INTEGER, window: 'newest' });
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** notional of a fill in units of 10^-(priceDecimals + amountDecimals) of the quote currency */
function notionalUnits(f: Fill): bigint {
  return BigInt(f.price) * BigInt(f.amount);
}

interface Bucket {
  base: bigint;
  notional: bigint;
  count: number;
}

interface SymbolVolume {
  market: Market;
  latest: number;
  buckets: Record<'buy_maker' | 'sell_maker' | 'buy_taker' | 'sell_taker', Bucket>;
}

function newBucket(): Bucket {
  return { base: 0n, notional: 0n, count: 0 };
}

function tradeVolume(ctx: Ctx): unknown[][] {
  const bySymbol = new Map<string, SymbolVolume>();
  for (const f of recentFills(ctx)) {
    let v = bySymbol.get(f.symbol);
    if (v === undefined) {
      v = {
        market: marketOf(ctx.exchange, f.symbol),
        latest: f.time,
        buckets: { buy_maker: newBucket(), sell_maker: newBucket(), buy_taker: newBucket(), sell_taker: newBucket() },
      };
      bySymbol.set(f.symbol, v);
    }
    v.latest = Math.max(v.latest, f.time);
    const b = v.buckets[`${f.side}_${f.isMaker ? 'maker' : 'taker'}`];
    b.base += BigInt(f.amount);
    b.notional += notionalUnits(f);
    b.count++;
  }
  const rows = [...bySymbol.values()]
    .sort((a, b) => (a.market.symbol < b.market.symbol ? -1 : 1))
    .map(({ market: m, latest, buckets }) => {
      const base = (u: bigint): number => Number(formatDecimal(u, m.amountDecimals));
      const notional = (u: bigint): number => Number(formatDecimal(u, m.amountDecimals + m.priceDecimals));
      const makers = buckets.buy_maker.count + buckets.sell_maker.count;
      const row: Record<string, unknown> = {
        symbol: m.symbol,
        base_currency: m.base,
        notional_currency: m.quote,
        data_date: utcDate(latest),
        total_volume_base: base(Object.values(buckets).reduce((s, b) => s + b.base, 0n)),
        maker_buy_sell_ratio: makers === 0 ? 0 : buckets.buy_maker.count / makers,
      };
      for (const [name, b] of Object.entries(buckets)) {
        row[`${name}_base`] = base(b.base);
        row[`${name}_notional`] = notional(b.notional);
        row[`${name}_count`] = b.count;
      }
      return row;
    });
  return [rows];
}

function notionalVolume(ctx: Ctx): Record<string, unknown> {
  symbolParam(ctx.exchange, ctx.payload); // accepted (fee schedules do not differ by symbol here) but checked
  const now = ctx.exchange.clock.now();
  const acct = ctx.exchange.engine.account(ctx.account)!;
  // USD notional in ledger-free exact units: sum per day at a common scale of 10^-14
  const SCALE = 14;
  const byDay = new Map<string, bigint>();
  let total = 0n;
  for (const f of recentFills(ctx)) {
    const m = marketOf(ctx.exchange, f.symbol);
    if (m.quote !== 'USD') continue;
    const n = notionalUnits(f) * 10n ** BigInt(SCALE - m.priceDecimals - m.amountDecimals);
    total += n;
    const day = utcDate(f.time);
    byDay.set(day, (byDay.get(day) ?? 0n) + n);
  }
  const usd = (u: bigint): number => Number(formatDecimal(u, SCALE));
  const maker = acct.makerBps;
  const taker = acct.takerBps;
  return {
    web_maker_fee_bps: maker,
    web_taker_fee_bps: taker,
    web_auction_fee_bps: maker,
    api_maker_fee_bps: maker,
    api_taker_fee_bps: taker,
    api_auction_fee_bps: maker,
    fix_maker_fee_bps: maker,
    fix_taker_fee_bps: taker,
    fix_auction_fee_bps: maker,
    notional_30d_volume: usd(total),
    api_notional_30d_volume: usd(total),
    last_updated_ms: now,
    date: utcDate(now),
    notional_1d_volume: [...byDay.entries()]
      .sort((a, b) => (a[0] < b[0] ? 1 : -1))
      .map(([date, n]) => ({ date, notional_volume: usd(n) })),
  };
}

export const TRADE_ENDPOINTS: readonly Endpoint[] = [
  { path: '/v1/mytrades', roles: READER, accountLevel: true, handle: myTrades },
  { path: '/v1/tradevolume', roles: READER, accountLevel: true, handle: tradeVolume },
  { path: '/v1/notionalvolume', roles: READER, accountLevel: true, handle: notionalVolume },
];
