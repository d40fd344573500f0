/**
 * /v1/marketdata/:symbol and /v1/multimarketdata?symbols=a,b: Gemini's legacy "market data
 * version 1" streams (gemini-node-api connectMarket; ccxt pro's watchTradesForSymbols,
 * watchOrderBookForSymbols, watchBidsAsks).
 *
 * Query flags (true/false/1/0): `heartbeat` (default false), `top_of_book` (default false),
 * `bids`, `offers`, `trades`, `auctions`. Event selection: when any of bids/offers/trades/auctions
 * is true, exactly the true ones are sent; otherwise all of them except those set false (both
 * readings of Gemini's docs agree on every URL the clients build). There are no auctions, so
 * `auctions` selects nothing.
 * Messages, each with the next `socket_sequence` (0, 1, 2, ... per connection):
 * - first, per symbol, `{"type":"update","eventId":L,"socket_sequence":n,"events":[...]}` with one
 *   `change` (reason `initial`) per level of the book at update id L — or, with top_of_book, the
 *   best bid and ask. Exception: a book of exactly two levels comes as two such updates, one level
 *   each, because ccxt reads a two-change initial update as a top-of-book pair;
 * - then, per committed batch and symbol with something selected, an `update` with `eventId`
 *   (the book's update id after the batch), `timestamp` (s), `timestampms`, and the events:
 *   `trade` events ({tid, price, amount, makerSide}) first, in engine order, then one `change`
 *   per changed level ({price, side, reason: place|trade|cancel, remaining: new total, delta}) —
 *   or, with top_of_book, a `change` with reason `top-of-book` per side whose best changed (an
 *   emptied side: its last price with remaining "0");
 * - `{"type":"heartbeat","socket_sequence":n}` every 5 s when heartbeat=true.
 * The multi-market stream adds `symbol` (upper case) to every event and never mixes symbols in one
 * message (ccxt reads the symbol of a message from its first event).
 * Refusals before the upgrade: 400 InvalidSymbol for an unlisted symbol (or a multi-market URL
 * without any). Client frames are not part of this protocol: each gets an error reply.
 * Invariants: every symbol's initial state and its feed subscription are taken in one synchronous
 * step, so applying the changes to the initial levels always gives the committed book.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Market } from '../../../domain/symbols.js';
import type { UpgradeRoute, WsContext } from '../route.js';
import type { BatchDigest, BookLevel, TopOfBook } from '../feed/index.js';
import type { LegacyConn } from './conn.js';
import { v1Change, v1Initial, v1Top, v1Trade, type V1Event } from './market-json.js';
import { legacyState, type LegacyState } from './state.js';
import { acceptUpgrade, flag, list, refuseUpgrade } from './upgrade.js';

export interface V1Options {
  heartbeat: boolean;
  topOfBook: boolean;
  bids: boolean;
  offers: boolean;
  trades: boolean;
}

export function v1Options(url: URL): V1Options {
  const f = (n: string) => flag(url, n);
  const kinds = { bids: f('bids'), offers: f('offers'), trades: f('trades'), auctions: f('auctions') };
  const anyTrue = Object.values(kinds).some((v) => v === true);
  const pick = (v: boolean | undefined) => (anyTrue ? v === true : v !== false);
  return {
    heartbeat: f('heartbeat') === true,
    topOfBook: f('top_of_book') === true,
    bids: pick(kinds.bids),
    offers: pick(kinds.offers),
    trades: pick(kinds.trades),
  };
}

interface SymbolState {
  readonly market: Market;
  /** top_of_book: the best bid / ask last reported (to send only what changed) */
  bid: BookLevel | undefined;
  ask: BookLevel | undefined;
}

class V1Connection {
  private readonly symbols = new Map<string, SymbolState>();

  constructor(
    private readonly st: LegacyState,
    private readonly conn: LegacyConn,
    markets: readonly Market[],
    private readonly o: V1Options,
    private readonly multi: boolean,
  ) {
    for (const m of markets) this.symbols.set(m.symbol, { market: m, bid: undefined, ask: undefined });
    const offBatch = st.feed.onBatch((d) => this.onBatch(d));
    const offBeat = o.heartbeat ? st.ticker.add(() => conn.sendSequenced((n) => ({ type: 'heartbeat', socket_sequence: n }))) : () => undefined;
    conn.onClose(() => {
      offBatch();
      offBeat();
    });
    conn.ws.on('message', () => conn.error('InvalidRequest', 'this stream takes no messages'));
    // initial state, in the same synchronous step as the subscription above
    for (const s of this.symbols.values()) if (!this.initial(s)) return;
  }

  private initial(s: SymbolState): boolean {
    const { o, multi } = this;
    const m = s.market;
    const snap = this.st.feed.snapshot(m.symbol, o.topOfBook ? 1 : 0)!;
    const events: V1Event[] = [];
    if (o.topOfBook) {
      const bid = snap.bids[0];
      const ask = snap.asks[0];
      s.bid = bid;
      s.ask = ask;
      if (o.bids && bid !== undefined) events.push(v1Top('bid', bid, undefined, m, multi, 'initial')!);
      if (o.offers && ask !== undefined) events.push(v1Top('ask', ask, undefined, m, multi, 'initial')!);
    } else {
      if (o.bids) for (const l of snap.bids) events.push(v1Initial(l, 'bid', m, multi));
      if (o.offers) for (const l of snap.asks) events.push(v1Initial(l, 'ask', m, multi));
    }
    const send = (evs: V1Event[]) => this.conn.sendSequenced((n) => ({ type: 'update', eventId: snap.lastUpdateId, socket_sequence: n, events: evs }));
    // ccxt takes an initial update of exactly two changes for a top-of-book pair (watchBidsAsks);
    // a two-level book is therefore sent as two initial updates, one level each
    if (!o.topOfBook && events.length === 2) return send(events.slice(0, 1)) && send(events.slice(1));
    return send(events);
  }

  private onBatch(d: BatchDigest): void {
    const { o, multi } = this;
    for (const s of this.symbols.values()) {
      const sym = s.market.symbol;
      const events: V1Event[] = [];
      let time: number | undefined;
      let eventId: number | undefined;
      if (o.trades) {
        for (const t of d.trades) {
          if (t.symbol !== sym) continue;
          events.push(v1Trade(t, multi));
          time = t.time;
        }
      }
      if (o.topOfBook) {
        const top = d.tops.find((t) => t.symbol === sym);
        if (top !== undefined) {
          this.topEvents(s, top, events);
          eventId = top.updateId;
          time = Math.max(time ?? 0, top.time);
        }
      } else {
        const diff = d.books.find((b) => b.symbol === sym);
        if (diff !== undefined) {
          if (o.bids) for (const c of diff.bids) events.push(v1Change(c, s.market, multi));
          if (o.offers) for (const c of diff.asks) events.push(v1Change(c, s.market, multi));
          eventId = diff.u;
          time = Math.max(time ?? 0, diff.time);
        }
      }
      if (events.length === 0) continue;
      const ms = time ?? d.time;
      const id = eventId ?? this.st.feed.lastUpdateId(sym) ?? 0;
      const ok = this.conn.sendSequenced((n) => ({ type: 'update', eventId: id, timestamp: Math.floor(ms / 1000), timestampms: ms, socket_sequence: n, events }));
      if (!ok) return;
    }
  }

  private topEvents(s: SymbolState, top: TopOfBook, events: V1Event[]): void {
    const side = (name: 'bid' | 'ask', l: BookLevel | undefined, wanted: boolean) => {
      const last = s[name];
      const changed = l?.price !== last?.price || l?.amount !== last?.amount;
      if (wanted && changed) {
        const ev = v1Top(name, l, last?.priceText, s.market, this.multi, 'top-of-book');
        if (ev !== undefined) events.push(ev);
      }
      s[name] = l;
    };
    side('bid', top.bid, this.o.bids);
    side('ask', top.ask, this.o.offers);
  }
}

function symbolsOf(ctx: WsContext, names: readonly string[]): Market[] | string {
  const feed = legacyState(ctx).feed;
  const out: Market[] = [];
  for (const n of names) {
    const m = feed.market(n);
    if (m === undefined) return n;
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

function serve(ctx: WsContext, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, names: string[], multi: boolean): void {
  if (names.length === 0) return refuseUpgrade(socket, 400, 'InvalidSymbol', "name at least one symbol: '?symbols=btcusd,ethusd'");
  const markets = symbolsOf(ctx, names);
  if (typeof markets === 'string') return refuseUpgrade(socket, 400, 'InvalidSymbol', `unknown symbol '${markets.slice(0, 40)}'`);
  const st = legacyState(ctx);
  const o = v1Options(url);
  acceptUpgrade(ctx, req, socket, head, (conn) => void new V1Connection(st, conn, markets, o, multi));
}

const V1_PREFIX = '/v1/marketdata/';

export const V1_MARKETDATA_ROUTE: UpgradeRoute = {
  match: (pathname) => pathname.startsWith(V1_PREFIX) && pathname.length > V1_PREFIX.length,
  init: (ctx) => void legacyState(ctx),
  upgrade(ctx, req, socket, head, url) {
    let symbol = url.pathname.slice(V1_PREFIX.length);
    try {
      symbol = decodeURIComponent(symbol).replace(/\/$/, '');
    } catch {
      return refuseUpgrade(socket, 400, 'InvalidSymbol', 'the symbol is not valid URL text');
    }
    serve(ctx, req, socket, head, url, [symbol], false);
  },
};

export const V1_MULTIMARKETDATA_ROUTE: UpgradeRoute = {
  match: (pathname) => pathname === '/v1/multimarketdata' || pathname === '/v1/multimarketdata/',
  init: (ctx) => void legacyState(ctx),
  upgrade(ctx, req, socket, head, url) {
    serve(ctx, req, socket, head, url, list(url, 'symbols'), true);
  },
};
