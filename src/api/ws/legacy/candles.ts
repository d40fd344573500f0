/**
 * Candle pushes for the v2 `candles_*` subscriptions, shared by every connection.
 *
 * Owns: the subscription names (Gemini's docs spell candles_1m, _5m, _15m, _30m, _1h, _6h, _1d;
 * ccxt sends the REST time-frame names candles_1hr, _6hr, _1day — both are accepted and the reply
 * type echoes the name the client used), and one hub per (symbol, time frame) that, after each
 * committed batch with trades in that symbol, reads the changed candles once from the
 * market-data read model (src/app/market-data.ts) and hands them to every subscriber.
 * Invariants: the candles pushed after a batch are every bucket from the one holding the batch's
 * first trade up to the newest, newest first, as the read model holds them after that batch;
 * reading waits for the end of the batch's commit listeners (a microtask), because the read model
 * is itself a commit listener that may run after the feed. A hub exists only while it has
 * subscribers.
 * Known limits: buckets that pass without trades are not pushed (the next trade's push, or a
 * re-subscription, shows them as flat candles, as /v2/candles does).
 */
import { marketDataOf, type Candle, type MarketData, type TimeFrame, TIME_FRAMES } from '../../../app/market-data.js';
import type { Exchange } from '../../../app/exchange.js';
import { feedOf, type Feed, type TradeTick, type Unsubscribe } from '../feed/index.js';

const FRAME_OF: Readonly<Record<string, TimeFrame>> = {
  candles_1m: '1m',
  candles_5m: '5m',
  candles_15m: '15m',
  candles_30m: '30m',
  candles_1h: '1hr',
  candles_1hr: '1hr',
  candles_6h: '6hr',
  candles_6hr: '6hr',
  candles_1d: '1day',
  candles_1day: '1day',
};

export function candleFrame(name: string): TimeFrame | undefined {
  return Object.hasOwn(FRAME_OF, name) ? FRAME_OF[name] : undefined;
}

type CandleListener = (candles: readonly Candle[]) => void;

interface Hub {
  readonly listeners: Set<CandleListener>;
  readonly off: Unsubscribe;
}

export class CandleHubs {
  private readonly hubs = new Map<string, Hub>();
  private readonly feed: Feed;
  readonly md: MarketData;

  constructor(exchange: Exchange) {
    this.md = marketDataOf(exchange);
    this.feed = feedOf(exchange);
  }

  /** the candles of a symbol and frame as of the last committed batch, newest first */
  current(symbol: string, frame: TimeFrame): Candle[] {
    return this.md.candles(symbol, frame);
  }

  /** be told the changed candles after each batch that traded `symbol`; returns an unsubscribe */
  subscribe(symbol: string, frame: TimeFrame, fn: CandleListener): Unsubscribe {
    const key = `${symbol}:${frame}`;
    let hub = this.hubs.get(key);
    if (hub === undefined) {
      const listeners = new Set<CandleListener>();
      const off = this.feed.onTrades(symbol, (ticks) => this.onTrades(symbol, frame, ticks, listeners));
      this.hubs.set(key, (hub = { listeners, off }));
    }
    hub.listeners.add(fn);
    return () => {
      const h = this.hubs.get(key);
      if (h === undefined) return;
      h.listeners.delete(fn);
      if (h.listeners.size === 0) {
        h.off();
        this.hubs.delete(key);
      }
    };
  }

  private onTrades(symbol: string, frame: TimeFrame, ticks: readonly TradeTick[], listeners: Set<CandleListener>): void {
    if (ticks.length === 0) return;
    const ms = TIME_FRAMES[frame].ms;
    const from = Math.floor(ticks[0]!.time / ms) * ms;
    const lastTid = ticks[ticks.length - 1]!.tid;
    queueMicrotask(() => {
      if (listeners.size === 0) return;
      // the read model has this batch once it saw the batch's last trade
      const last = this.md.last(symbol);
      if (last === undefined || last.tid < lastTid) return;
      const changed = this.md.candles(symbol, frame).filter((c) => c.time >= from);
      if (changed.length === 0) return;
      for (const fn of [...listeners]) fn(changed);
    });
  }
}
