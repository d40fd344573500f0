/**
 * The shared market-data and order-event feed of the WebSocket APIs (see feed.ts for the API and
 * its invariants, types.ts for what it publishes, outbox.ts for the slow-consumer rule).
 *
 * Typical use by a WebSocket API:
 *   const feed = feedOf(ctx.exchange);               // in the route's init (server start)
 *   const off = feed.onBook('btcusd', (d) => ...);   // diffs with U/u after this moment
 *   const snap = feed.snapshot('btcusd', 50);        // same tick: snap.lastUpdateId + 1 === next U
 *   ...on close: off();
 */
export { Feed, feedOf, type FeedOptions, type FeedSource, type Unsubscribe } from './feed.js';
export { Outbox, DEFAULT_MAX_BUFFERED, SLOW_CONSUMER_CLOSE_CODE, SLOW_CONSUMER_REASON } from './outbox.js';
export { level } from './digest.js';
export type * from './types.js';
