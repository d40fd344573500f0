/**
 * /v2/marketdata: Gemini's legacy "market data version 2" stream (ccxt pro's watchOrderBook,
 * watchTrades, watchOHLCV; gemini-node-api's connect/subscribe).
 *
 * Protocol: the client sends {"type":"subscribe"|"unsubscribe","subscriptions":[{"name":..,
 * "symbols":[..]}]}. Names: `l2` and `candles_<frame>` (candles.ts). Per `l2` symbol the client
 * gets one `l2_updates` with the whole book, the last 50 trades (newest first) and an empty
 * `auction_events`, then `l2_updates` with the levels each committed batch changed and a
 * `trade` message per trade. Per candle subscription: one `candles_<frame>_updates` with the
 * candles the read model holds (newest first), then the changed ones after each batch that
 * traded. `{"type":"heartbeat","timestamp":ms}` every 5 s. Any number of symbols per connection.
 * Errors (never fatal, `{"result":"error","reason","message"}`): InvalidJson (not JSON, or not
 * the shape above), InvalidSubscription (unknown name), NoValidTradingPairs (no listed symbol in a
 * subscription; unlisted symbols next to listed ones are ignored).
 * Invariants: the snapshot is taken in the same synchronous step as the feed subscription, so
 * snapshot + every later l2_updates = the engine's committed book (feed.ts); subscribing again
 * to what a connection already has changes nothing (no second snapshot); everything a connection
 * subscribed is unsubscribed when it closes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Market } from '../../../domain/symbols.js';
import type { UpgradeRoute, WsContext } from '../route.js';
import type { Unsubscribe } from '../feed/index.js';
import { candleFrame } from './candles.js';
import type { LegacyConn } from './conn.js';
import { v2Candles, v2Initial, v2Trade, v2Update } from './market-json.js';
import { legacyState, type LegacyState } from './state.js';
import { acceptUpgrade } from './upgrade.js';

/** trades in the first l2 message of a symbol */
export const INITIAL_TRADES = 50;

interface Subscription {
  name: string;
  symbols: unknown[];
}

function parseRequest(msg: unknown): { type: 'subscribe' | 'unsubscribe'; subs: Subscription[] } | string {
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return 'expected a JSON object';
  const m = msg as Record<string, unknown>;
  if (m['type'] !== 'subscribe' && m['type'] !== 'unsubscribe') return "'type' must be \"subscribe\" or \"unsubscribe\"";
  const subs = m['subscriptions'];
  if (!Array.isArray(subs)) return "'subscriptions' must be an array";
  const out: Subscription[] = [];
  for (const s of subs) {
    if (s === null || typeof s !== 'object') return 'each subscription must be an object';
    const { name, symbols } = s as Record<string, unknown>;
    if (typeof name !== 'string') return "each subscription needs a string 'name'";
    if (!Array.isArray(symbols)) return "each subscription needs a 'symbols' array";
    out.push({ name, symbols });
  }
  return { type: m['type'], subs: out };
}

class V2Connection {
  /** key "l2:btcusd" or "candles_1m:btcusd" -> what to undo */
  private readonly subs = new Map<string, Unsubscribe>();

  constructor(
    private readonly st: LegacyState,
    private readonly conn: LegacyConn,
  ) {
    const offBeat = st.ticker.add((now) => conn.send({ type: 'heartbeat', timestamp: now }));
    conn.onClose(() => {
      offBeat();
      for (const off of this.subs.values()) off();
      this.subs.clear();
    });
    conn.ws.on('message', (data, isBinary) => {
      const msg = conn.incoming(data, isBinary);
      if (msg !== undefined) this.onMessage(msg);
    });
  }

  private onMessage(msg: unknown): void {
    const req = parseRequest(msg);
    if (typeof req === 'string') return this.conn.error('InvalidJson', req);
    for (const s of req.subs) {
      const frame = s.name === 'l2' ? undefined : candleFrame(s.name);
      if (s.name !== 'l2' && frame === undefined) {
        this.conn.error('InvalidSubscription', `unknown subscription '${s.name.slice(0, 40)}'`);
        continue;
      }
      const markets = this.markets(s.symbols);
      if (markets.length === 0) {
        this.conn.error('NoValidTradingPairs', `no listed symbol in the '${s.name.slice(0, 40)}' subscription`);
        continue;
      }
      for (const m of markets) {
        if (!this.conn.open) return;
        const key = `${s.name}:${m.symbol}`;
        if (req.type === 'unsubscribe') {
          this.subs.get(key)?.();
          this.subs.delete(key);
        } else if (!this.subs.has(key)) {
          this.subs.set(key, s.name === 'l2' ? this.l2(m) : this.candles(s.name, m));
        }
      }
    }
  }

  private markets(symbols: readonly unknown[]): Market[] {
    const out: Market[] = [];
    for (const s of symbols) {
      const m = typeof s === 'string' ? this.st.feed.market(s) : undefined;
      if (m !== undefined && !out.includes(m)) out.push(m);
    }
    return out;
  }

  private l2(m: Market): Unsubscribe {
    const { feed } = this.st;
    const conn = this.conn;
    const offBook = feed.onBook(m.symbol, (d) => conn.send(v2Update(d)));
    const offTrades = feed.onTrades(m.symbol, (ticks) => {
      for (const t of ticks) if (!conn.send(v2Trade(t))) return;
    });
    // same synchronous step as the subscription: the next diff continues this snapshot
    const snap = feed.snapshot(m.symbol, 0)!;
    const trades = this.st.exchange.history.tradesBySymbol(m.symbol, { limit: INITIAL_TRADES });
    conn.send(v2Initial(snap, trades));
    return () => {
      offBook();
      offTrades();
    };
  }

  private candles(name: string, m: Market): Unsubscribe {
    const frame = candleFrame(name)!;
    const hubs = this.st.candles;
    const conn = this.conn;
    const off = hubs.subscribe(m.symbol, frame, (changed) => conn.send(v2Candles(name, m, changed)));
    conn.send(v2Candles(name, m, hubs.current(m.symbol, frame)));
    return off;
  }
}

export const V2_MARKETDATA_ROUTE: UpgradeRoute = {
  match: (pathname) => pathname === '/v2/marketdata' || pathname === '/v2/marketdata/',
  init: (ctx) => void legacyState(ctx),
  upgrade(ctx: WsContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const st = legacyState(ctx);
    acceptUpgrade(ctx, req, socket, head, (conn) => new V2Connection(st, conn));
  },
};
