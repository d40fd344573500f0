/**
 * Cached public replies (src/api/rest/public/reply-cache.ts) over real HTTP: a repeated request
 * is served from the cache, byte for byte, and never shows a stale book, ticker or time stamp —
 * an order, a cancel, a trade or a new second makes the next reply fresh.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../rest/client.js';
import { startServer, type TestServer } from '../rest/harness.js';
import { get, place, richAccount, trade } from './support.js';

let s: TestServer;
let a: string;
let b: string;
const g = (path: string, schema: string) => get(s.url, path, schema);

before(async () => {
  s = await startServer();
  a = await richAccount(s.exchange, 'alice');
  b = await richAccount(s.exchange, 'bob');
});
after(() => s.close());

/** count the engine book's depth() calls for btcusd while `fn` runs */
async function depthCalls(fn: () => Promise<void>): Promise<number> {
  const book = s.exchange.engine.book('btcusd')!;
  const depth = book.depth.bind(book);
  let calls = 0;
  book.depth = (side, limit) => {
    calls++;
    return depth(side, limit);
  };
  try {
    await fn();
  } finally {
    delete (book as unknown as Record<string, unknown>)['depth'];
  }
  return calls;
}

describe('/v1/book replies are reused only while the book and the second are unchanged', () => {
  test('a repeat is served from the cache with identical bytes; an order, a cancel, a new second refresh it', async () => {
    await place(s.exchange, a, 'btcusd', 'buy', '0.5', '29000');
    let first = '';
    let again = '';
    const built = await depthCalls(async () => {
      first = (await g('/v1/book/btcusd?limit_bids=5&limit_asks=5', 'public-book')).text;
      again = (await g('/v1/book/btcusd?limit_bids=5&limit_asks=5', 'public-book')).text;
    });
    assert.equal(built, 2, 'one build (bids + asks) for two requests');
    assert.equal(again, first);
    // other limits are another entry, built from the same book
    const other = await g('/v1/book/btcusd?limit_bids=1&limit_asks=0', 'public-book');
    assert.deepEqual(other.body.bids.map((l: { price: string }) => l.price), ['29000.00']);

    // a new order in the same second shows at once
    await place(s.exchange, b, 'btcusd', 'buy', '0.25', '29000');
    const more = await g('/v1/book/btcusd?limit_bids=5&limit_asks=5', 'public-book');
    assert.equal(more.body.bids[0].amount, '0.75');
    const stamp = more.body.bids[0].timestamp;

    // a cancel shows at once
    const open = [...s.exchange.engine.state.orders.values()].find((o) => o.account === b)!;
    const r = await s.exchange.submit({ type: 'CancelOrder', account: b, orderId: String(open.id) });
    assert.ok(r.ok);
    const after = await g('/v1/book/btcusd?limit_bids=5&limit_asks=5', 'public-book');
    assert.equal(after.body.bids[0].amount, '0.5');
    assert.equal(after.body.bids[0].timestamp, stamp);

    // nothing changed but the second: the time stamp moves
    s.clock.advance(1000);
    const later = await g('/v1/book/btcusd?limit_bids=5&limit_asks=5', 'public-book');
    assert.equal(later.body.bids[0].timestamp, String(Number(stamp) + 1));
    assert.equal(later.body.bids[0].amount, '0.5');
  });
});

describe('/v1/pubticker replies follow trades and the clock', () => {
  test('a trade in the same millisecond shows in the next reply; a repeat is identical', async () => {
    const before = await g('/v1/pubticker/ethusd', 'public-pubticker');
    assert.equal(before.body.last, null);
    const repeat = await request(`${s.url}/v1/pubticker/ethusd`, {});
    assert.equal(repeat.text, before.text);
    await trade(s.exchange, a, b, 'ethusd', 'buy', '2', '2500');
    const now = await g('/v1/pubticker/ethusd', 'public-pubticker');
    assert.equal(now.body.last, '2500.00');
    assert.equal(now.body.volume.ETH, '2');
    assert.equal(now.body.volume.timestamp, s.clock.now());
    s.clock.advance(25);
    const later = await g('/v1/pubticker/ethusd', 'public-pubticker');
    assert.equal(later.body.volume.timestamp, s.clock.now());
  });
});
