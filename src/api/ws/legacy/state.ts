/**
 * What the legacy routes of one server share: the feed, the heartbeat ticker, the candle hubs,
 * and the order-event hub.
 *
 * Owns: creating them once per WebSocket context (a process may run several servers, e.g. in
 * tests, so nothing here is module-global) and tearing them down with the server (ctx.closers).
 * Invariants: created during the router's `init`, i.e. at server start, before any client can
 * submit a command — the feed must attach to the journal when nothing is in flight.
 */
import type { Exchange } from '../../../app/exchange.js';
import type { WsContext } from '../route.js';
import { feedOf, type Feed } from '../feed/index.js';
import { CandleHubs } from './candles.js';
import { OrderEventHub } from './order-hub.js';
import { Ticker } from './ticker.js';

export interface LegacyState {
  readonly exchange: Exchange;
  readonly feed: Feed;
  readonly ticker: Ticker;
  readonly candles: CandleHubs;
  readonly orders: OrderEventHub;
}

const states = new WeakMap<WsContext, LegacyState>();

export function legacyState(ctx: WsContext): LegacyState {
  let s = states.get(ctx);
  if (s === undefined) {
    const feed = feedOf(ctx.exchange);
    const ticker = new Ticker(ctx.exchange.clock);
    ticker.start();
    const orders = new OrderEventHub(ctx.exchange, feed);
    s = { exchange: ctx.exchange, feed, ticker, candles: new CandleHubs(ctx.exchange), orders };
    ctx.closers.push(() => {
      ticker.stop();
      orders.stop();
    });
    states.set(ctx, s);
  }
  return s;
}
