/**
 * The market-data read model: per symbol, the last trade, rolling 24-hour statistics and candles
 * for every Gemini time frame, kept current from committed Trade events. Tickers, the price feed
 * and candles are all read from here (REST today; the WebSocket feeds can share it).
 *
 * Owns: `MarketData` (the model, independent of I/O) and `marketDataOf(exchange)` (the one model
 * of an exchange: seeded from the history store once, then fed by the journal's commit listener).
 *
 * Invariants:
 * - it sees only committed trades, in commit order; per symbol a trade whose tid is not above the
 *   last one seen is ignored, so seeding and the live feed may overlap without double counting;
 * - memory is bounded: per symbol and time frame one ring of fixed size whose slots are indexed by
 *   bucket time (slot = bucket number mod size); rings are allocated on a symbol's first trade;
 * - reads never touch the history store: candles cost O(ring size), the 24-hour figures O(24);
 * - a bucket without trades is reported as a flat candle at the previous close with volume 0, as
 *   Gemini does; nothing is reported before a symbol's first known trade;
 * - prices are integer price units, amounts integer amount units (sums stay exact below 2^53),
 *   quote volume (price units x amount units) is a bigint.
 *
 * Known limits: the seed reads the trades of the longest window (one year of daily candles) plus
 * the trade just before it; when that year holds more than SEED_CARRY_LIMIT trades the trade
 * before it is not looked up (the history store has no "last trade before t" query), so a series
 * whose window starts in a quiet stretch that reaches back more than a year begins at its first
 * trade instead of at the window start.
 */
import type { Market } from '../domain/symbols.js';
import type { Event, Trade } from '../engine/events.js';
import type { History, TradeRecord } from '../journal/history.js';
import type { Clock } from './clock.js';
import type { Exchange } from './exchange.js';

/** Gemini's candle time frames (path names as /v2/candles takes them) */
export type TimeFrame = '1m' | '5m' | '15m' | '30m' | '1hr' | '6hr' | '1day';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** bucket length and how many buckets each time frame keeps */
export const TIME_FRAMES: Readonly<Record<TimeFrame, { readonly ms: number; readonly slots: number }>> = {
  '1m': { ms: MINUTE, slots: 1440 }, // 1 day
  '5m': { ms: 5 * MINUTE, slots: 2016 }, // 7 days
  '15m': { ms: 15 * MINUTE, slots: 960 }, // 10 days
  '30m': { ms: 30 * MINUTE, slots: 1440 }, // 30 days
  '1hr': { ms: HOUR, slots: 720 }, // 30 days
  '6hr': { ms: 6 * HOUR, slots: 730 }, // ~182 days
  '1day': { ms: DAY, slots: 365 }, // 1 year
};
const FRAME_NAMES = Object.keys(TIME_FRAMES) as TimeFrame[];

/** hourly buckets behind the 24-hour figures: the current hour and the 23 before it */
export const DAY_BUCKETS = 24;

/** largest number of seeded trades for which the trade before the seed window is looked up */
export const SEED_CARRY_LIMIT = 10_000;
const SEED_PAGE = 5_000;

/** one candle; prices in price units, volume in amount units */
export interface Candle {
  /** bucket start, ms */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface DayStats {
  /** price at the start of the window (the previous close, or the first trade inside it) */
  open: number;
  high: number;
  low: number;
  /** the last trade price */
  close: number;
  /** hourly closes, newest first (at most DAY_BUCKETS) */
  changes: number[];
  /** traded amount in the window, amount units */
  baseVolume: number;
  /** traded notional in the window, price units x amount units */
  quoteVolume: bigint;
}

export interface LastTrade {
  tid: number;
  price: number;
  time: number;
}

/** candle buckets of one length in a ring of fixed size, addressed by bucket time */
class Ring {
  private readonly t: Float64Array;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly l: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  private readonly q: bigint[] | null;
  /** start of the newest bucket written (-1: none) */
  private last = -1;
  /** the newest bucket that was overwritten or is known to precede everything here (-1: none) */
  private carryT = -1;
  private carryC = 0;

  constructor(
    readonly ms: number,
    readonly n: number,
    withQuote: boolean,
  ) {
    this.t = new Float64Array(n).fill(-1);
    this.o = new Float64Array(n);
    this.h = new Float64Array(n);
    this.l = new Float64Array(n);
    this.c = new Float64Array(n);
    this.v = new Float64Array(n);
    this.q = withQuote ? new Array<bigint>(n).fill(0n) : null;
  }

  add(time: number, price: number, amount: number, notional: bigint): void {
    const k = Math.floor(time / this.ms);
    const bucket = k * this.ms;
    const s = k % this.n;
    const held = this.t[s]!;
    if (held === bucket) {
      if (price > this.h[s]!) this.h[s] = price;
      if (price < this.l[s]!) this.l[s] = price;
      this.c[s] = price;
      this.v[s] = this.v[s]! + amount;
      if (this.q !== null) this.q[s] = this.q[s]! + notional;
      return;
    }
    if (held > bucket) return; // older than what the slot holds: cannot happen with ordered input
    if (held >= 0) this.remember(held, this.c[s]!);
    this.t[s] = bucket;
    this.o[s] = this.h[s] = this.l[s] = this.c[s] = price;
    this.v[s] = amount;
    if (this.q !== null) this.q[s] = notional;
    if (bucket > this.last) this.last = bucket;
  }

  /** a close known to precede every bucket in the ring (seeding: the trade before the window) */
  remember(bucketOrTime: number, close: number): void {
    const bucket = Math.floor(bucketOrTime / this.ms) * this.ms;
    if (bucket > this.carryT) {
      this.carryT = bucket;
      this.carryC = close;
    }
  }

  /**
   * The window ending with the bucket that holds `now` (or the newest bucket, if later), oldest
   * first, gaps filled with flat candles at the previous close. `quote` receives the quote volume.
   */
  window(now: number, quote?: { sum: bigint }): Candle[] {
    const { ms, n } = this;
    const cur = Math.max(Math.floor(now / ms) * ms, this.last);
    const start = cur - (n - 1) * ms;
    // the close before the window: the newest bucket older than `start`, held or overwritten
    let carryT = this.carryT;
    let carry = this.carryC;
    for (let s = 0; s < n; s++) {
      const t = this.t[s]!;
      if (t >= 0 && t < start && t > carryT) {
        carryT = t;
        carry = this.c[s]!;
      }
    }
    let known = carryT >= 0;
    const out: Candle[] = [];
    for (let b = start; b <= cur; b += ms) {
      const s = (b / ms) % n;
      if (this.t[s] === b) {
        out.push({ time: b, open: this.o[s]!, high: this.h[s]!, low: this.l[s]!, close: this.c[s]!, volume: this.v[s]! });
        if (quote !== undefined && this.q !== null) quote.sum += this.q[s]!;
        carry = this.c[s]!;
        known = true;
      } else if (known) {
        out.push({ time: b, open: carry, high: carry, low: carry, close: carry, volume: 0 });
      }
    }
    return out;
  }
}

class SymbolSeries {
  last: LastTrade | undefined;
  readonly frames = new Map<TimeFrame, Ring>();
  readonly day = new Ring(HOUR, DAY_BUCKETS, true);

  constructor() {
    for (const f of FRAME_NAMES) this.frames.set(f, new Ring(TIME_FRAMES[f].ms, TIME_FRAMES[f].slots, false));
  }

  add(t: Pick<Trade, 'tid' | 'price' | 'amount' | 'time'>): void {
    this.last = { tid: t.tid, price: t.price, time: t.time };
    const notional = BigInt(t.price) * BigInt(t.amount);
    for (const r of this.frames.values()) r.add(t.time, t.price, t.amount, 0n);
    this.day.add(t.time, t.price, t.amount, notional);
  }

  /** a trade known to precede everything fed so far and every window (seeding) */
  before(t: Pick<Trade, 'tid' | 'price' | 'time'>): void {
    if (this.last === undefined) this.last = { tid: t.tid, price: t.price, time: t.time };
    for (const r of this.frames.values()) r.remember(t.time, t.price);
    this.day.remember(t.time, t.price);
  }
}

export class MarketData {
  private readonly series = new Map<string, SymbolSeries>();
  private _version = 0;

  constructor(private readonly clock: Clock) {}

  /** moves whenever a batch or trade is fed in (reply caches key on it) */
  get version(): number {
    return this._version;
  }

  /** feed one committed batch (the journal's commit-listener shape) */
  onCommitted(batch: readonly { readonly events: readonly Event[] }[]): void {
    this._version++;
    for (const entry of batch) {
      for (const e of entry.events) if (e.type === 'Trade') this.onTrade(e);
    }
  }

  onTrade(t: Pick<Trade, 'tid' | 'symbol' | 'price' | 'amount' | 'time'>): void {
    this._version++;
    const key = t.symbol.toLowerCase();
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = new SymbolSeries()));
    else if (s.last !== undefined && t.tid <= s.last.tid) return;
    s.add(t);
  }

  /**
   * Load what the windows need from the history store: every trade of the longest window, oldest
   * first, and the trade just before it (see Known limits). Call before the live feed starts, or
   * with an overlap: duplicates are ignored.
   */
  seed(history: History, markets: readonly Market[], now = this.clock.now()): void {
    const from = seedStart(now);
    for (const m of markets) {
      let count = 0;
      let page = history.tradesBySymbol(m.symbol, { since: from - 1, limit: SEED_PAGE, window: 'oldest' });
      for (;;) {
        for (let i = page.length - 1; i >= 0; i--) this.onTrade(page[i]!);
        count += page.length;
        if (page.length < SEED_PAGE) break;
        page = history.tradesBySymbol(m.symbol, { sinceTid: page[0]!.tid, limit: SEED_PAGE, window: 'oldest' });
      }
      if (count > SEED_CARRY_LIMIT) continue;
      const newest: TradeRecord[] = history.tradesBySymbol(m.symbol, { limit: count + 1, window: 'newest' });
      const before = newest.length === count + 1 ? newest[count] : undefined;
      if (before === undefined) continue;
      let s = this.series.get(m.symbol);
      if (s === undefined) this.series.set(m.symbol, (s = new SymbolSeries()));
      s.before(before);
    }
  }

  /** the last trade of a symbol, if any */
  last(symbol: string): LastTrade | undefined {
    return this.series.get(symbol.toLowerCase())?.last;
  }

  /** candles newest first (empty before the symbol's first trade) */
  candles(symbol: string, frame: TimeFrame, now = this.clock.now()): Candle[] {
    const ring = this.series.get(symbol.toLowerCase())?.frames.get(frame);
    return ring === undefined ? [] : ring.window(now).reverse();
  }

  /** the rolling 24-hour figures, undefined before the symbol's first trade */
  day(symbol: string, now = this.clock.now()): DayStats | undefined {
    const s = this.series.get(symbol.toLowerCase());
    if (s === undefined || s.last === undefined) return undefined;
    const quote = { sum: 0n };
    const hours = s.day.window(now, quote);
    if (hours.length === 0) return undefined;
    let high = -Infinity;
    let low = Infinity;
    let base = 0;
    const changes: number[] = new Array(hours.length);
    for (let i = 0; i < hours.length; i++) {
      const h = hours[i]!;
      if (h.high > high) high = h.high;
      if (h.low < low) low = h.low;
      base += h.volume;
      changes[hours.length - 1 - i] = h.close;
    }
    return { open: hours[0]!.open, high, low, close: s.last.price, changes, baseVolume: base, quoteVolume: quote.sum };
  }
}

/** start of the longest window at `now`: the seed must reach back this far */
export function seedStart(now: number): number {
  let from = now;
  for (const f of FRAME_NAMES) {
    const { ms, slots } = TIME_FRAMES[f];
    from = Math.min(from, Math.floor(now / ms) * ms - (slots - 1) * ms);
  }
  return Math.min(from, Math.floor(now / HOUR) * HOUR - (DAY_BUCKETS - 1) * HOUR);
}

const models = new WeakMap<Exchange, MarketData>();

/**
 * The exchange's market-data model, created on first use: seeded from its history store and
 * subscribed to its committed batches in the same synchronous step, so no batch is missed or
 * counted twice. It lives as long as the exchange.
 */
export function marketDataOf(exchange: Exchange): MarketData {
  let md = models.get(exchange);
  if (md === undefined) {
    const model = new MarketData(exchange.clock);
    model.seed(exchange.history, exchange.markets);
    exchange.store.sequencer.onCommitted((batch) => model.onCommitted(batch));
    models.set(exchange, (md = model));
  }
  return md;
}
