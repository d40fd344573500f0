/**
 * The public market-data endpoints over real HTTP, against trades made through the engine. Every
 * reply (success or error) is checked against the trimmed Gemini schemas by `get` (support.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../rest/assert-error.js';
import { request } from '../rest/client.js';
import { startServer, T0, type TestServer } from '../rest/harness.js';
import { get, place, richAccount, trade } from './support.js';

const HOUR = 3_600_000;

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

describe('reference data', () => {
  test('/v1/symbols lists every market, lower case, sorted', async () => {
    const r = await g('/v1/symbols', 'public-symbols');
    const want = s.exchange.markets.map((m) => m.symbol).sort();
    assert.deepEqual(r.body, want);
    assert.ok(want.includes('btcusd'));
  });

  test('/v1/symbols/details in any letter case, with the live status', async () => {
    for (const sym of ['btcusd', 'BTCUSD', 'BtcUsd']) {
      const r = await g(`/v1/symbols/details/${sym}`, 'public-symbol-details');
      assert.deepEqual(r.body, {
        symbol: 'BTCUSD',
        base_currency: 'BTC',
        quote_currency: 'USD',
        tick_size: 1e-8,
        quote_increment: 0.01,
        min_order_size: '0.00001',
        status: 'open',
        wrap_enabled: false,
        product_type: 'spot',
        contract_type: 'vanilla',
        contract_price_currency: null,
      });
    }
    assert.match((await request(`${s.url}/v1/symbols/details/btcusd`, {})).text, /"tick_size":1e-8,"quote_increment":0\.01,/);
    for (const m of s.exchange.markets) {
      const r = await g(`/v1/symbols/details/${m.symbol}`, 'public-symbol-details');
      assert.equal(r.body.tick_size, Number(m.tickSize));
      assert.equal(r.body.quote_increment, Number(m.quoteIncrement));
      assert.equal(r.body.min_order_size, m.minOrderSize);
    }
    const set = await s.exchange.submit({ type: 'SetMarketStatus', symbol: 'ltcusd', status: 'cancel_only' });
    assert.ok(set.ok);
    assert.equal((await g('/v1/symbols/details/LTCUSD', 'public-symbol-details')).body.status, 'cancel_only');
    await s.exchange.submit({ type: 'SetMarketStatus', symbol: 'ltcusd', status: 'open' });
  });

  test('/v1/network/:token for traded tokens; fiat and unknown tokens are 404 UnsupportedNetwork', async () => {
    assert.deepEqual((await g('/v1/network/btc', 'public-network')).body, { token: 'BTC', network: ['bitcoin'] });
    assert.deepEqual((await g('/v1/network/ETH', 'public-network')).body, { token: 'ETH', network: ['ethereum'] });
    for (const t of ['usd', 'nope', '__proto__', 'constructor']) assertError(await g(`/v1/network/${t}`, 'public-network'), 404, 'UnsupportedNetwork');
  });

  test('/v1/feepromos: none', async () => {
    assert.deepEqual((await g('/v1/feepromos', 'public-feepromos')).body, { symbols: [] });
  });

  test('an unknown symbol is 400 InvalidSymbol on every symbol route', async () => {
    const paths = [
      '/v1/symbols/details/xyzusd',
      '/v1/pubticker/xyzusd',
      '/v2/ticker/xyzusd',
      '/v2/candles/xyzusd/1m',
      '/v2/candles/xyzusd/bogus',
      '/v1/book/xyzusd',
      '/v1/trades/xyzusd',
      '/v1/auction/xyzusd',
      '/v1/auction/xyzusd/history',
      `/v1/book/${'x'.repeat(90)}`,
    ];
    for (const p of paths) assertError(await g(p, 'error'), 400, 'InvalidSymbol');
    const r = await g(`/v1/pubticker/${'y'.repeat(99)}`, 'error');
    assert.ok(r.body.message.length < 120, 'long input is not echoed whole');
  });
});

describe('books, trades, tickers and candles after trades', () => {
  const t1 = T0; // 12:00
  before(async () => {
    const ex = s.exchange;
    await trade(ex, a, b, 'btcusd', 'buy', '0.5', '30000'); // 12:00 buy 0.5 @ 30000
    s.clock.advance(HOUR);
    await trade(ex, a, b, 'btcusd', 'sell', '0.25', '30100'); // 13:00 sell 0.25 @ 30100
    s.clock.advance(HOUR + 60_000);
    await trade(ex, b, a, 'btcusd', 'buy', '1.5', '29900.5'); // 14:01 buy 1.5 @ 29900.50
    // resting book: bids 29000 (0.1 + 0.2), 28999.99 (0.3); asks 31000 (1), 31000.01 (2)
    await place(ex, a, 'btcusd', 'buy', '0.1', '29000');
    await place(ex, b, 'btcusd', 'buy', '0.2', '29000');
    await place(ex, a, 'btcusd', 'buy', '0.3', '28999.99');
    await place(ex, a, 'btcusd', 'sell', '1', '31000');
    await place(ex, b, 'btcusd', 'sell', '2', '31000.01');
    s.clock.advance(30_000); // 14:01:30
  });

  test('/v1/pubticker: best bid and ask, last price, exact 24-hour volumes, timestamp ms', async () => {
    const r = await g('/v1/pubticker/BTCUSD', 'public-pubticker');
    assert.deepEqual(r.body, {
      bid: '29000.00',
      ask: '31000.00',
      last: '29900.50',
      volume: { BTC: '2.25', USD: '67375.75', timestamp: s.clock.now() },
    });
    // 0.5 x 30000 + 0.25 x 30100 + 1.5 x 29900.50 = 15000 + 7525 + 44850.75
    const empty = await g('/v1/pubticker/dogeusd', 'public-pubticker');
    assert.deepEqual(empty.body, { bid: null, ask: null, last: null, volume: { DOGE: '0', USD: '0', timestamp: s.clock.now() } });
  });

  test('/v2/ticker: 24-hour open/high/low/close, hourly closes newest first', async () => {
    const r = await g('/v2/ticker/btcusd', 'public-ticker-v2');
    assert.deepEqual(r.body, {
      symbol: 'BTCUSD',
      open: '30000.00',
      high: '30100.00',
      low: '29900.50',
      close: '29900.50',
      changes: ['29900.5', '30100', '30000'],
      bid: '29000.00',
      ask: '31000.00',
    });
    const empty = await g('/v2/ticker/ETHBTC', 'public-ticker-v2');
    assert.deepEqual(empty.body, { symbol: 'ETHBTC', open: null, high: null, low: null, close: null, changes: [], bid: null, ask: null });
  });

  test('/v1/pricefeed: every pair, last price, 24-hour change as a 4-decimal fraction', async () => {
    const r = await g('/v1/pricefeed', 'public-pricefeed');
    assert.equal(r.body.length, s.exchange.markets.length);
    const btc = r.body.find((p: { pair: string }) => p.pair === 'BTCUSD');
    // (29900.50 - 30000) / 30000 = -0.0033166... -> -0.0033
    assert.deepEqual(btc, { pair: 'BTCUSD', price: '29900.50', percentChange24h: '-0.0033' });
    assert.deepEqual(
      r.body.find((p: { pair: string }) => p.pair === 'SOLUSD'),
      { pair: 'SOLUSD', price: null, percentChange24h: null },
    );
  });

  test('/v1/book: aggregated levels best first, strings, default and explicit limits', async () => {
    const stamp = String(Math.floor(s.clock.now() / 1000));
    const r = await g('/v1/book/btcusd', 'public-book');
    assert.deepEqual(r.body, {
      bids: [
        { price: '29000.00', amount: '0.3', timestamp: stamp },
        { price: '28999.99', amount: '0.3', timestamp: stamp },
      ],
      asks: [
        { price: '31000.00', amount: '1', timestamp: stamp },
        { price: '31000.01', amount: '2', timestamp: stamp },
      ],
    });
    const one = await g('/v1/book/BTCUSD?limit_bids=1&limit_asks=0', 'public-book');
    assert.equal(one.body.bids.length, 1);
    assert.equal(one.body.asks.length, 2);
    const none = await g('/v1/book/ethusd', 'public-book');
    assert.deepEqual(none.body, { bids: [], asks: [] });
    for (const q of ['limit_bids=-1', 'limit_asks=1.5', 'limit_bids=abc', 'limit_asks=1e3', `limit_bids=${'9'.repeat(20)}`]) {
      assertError(await g(`/v1/book/btcusd?${q}`, 'public-book'), 400, 'InvalidParameter');
    }
  });

  test('/v1/book: 50 levels by default, 0 for the whole side', async () => {
    const ex = s.exchange;
    for (let i = 0; i < 60; i++) await place(ex, a, 'ltcusd', 'buy', '0.01', (50 + i / 100).toFixed(2));
    const dflt = await g('/v1/book/ltcusd', 'public-book');
    assert.equal(dflt.body.bids.length, 50);
    assert.equal(dflt.body.bids[0].price, '50.59');
    assert.equal(dflt.body.bids[49].price, '50.10');
    assert.equal((await g('/v1/book/ltcusd?limit_bids=0', 'public-book')).body.bids.length, 60);
    assert.equal((await g('/v1/book/ltcusd?limit_bids=3', 'public-book')).body.bids.length, 3);
  });

  test('/v1/trades: newest first, taker side as type, seconds and ms', async () => {
    const r = await g('/v1/trades/btcusd', 'public-trades');
    assert.equal(r.body.length, 3);
    const [x, y, z] = r.body;
    assert.deepEqual(
      [x, y, z].map((t: Record<string, unknown>) => [t.price, t.amount, t.type, t.timestampms, t.timestamp, t.exchange]),
      [
        ['29900.50', '1.5', 'buy', t1 + 2 * HOUR + 60_000, (t1 + 2 * HOUR + 60_000) / 1000, 'gemini'],
        ['30100.00', '0.25', 'sell', t1 + HOUR, (t1 + HOUR) / 1000, 'gemini'],
        ['30000.00', '0.5', 'buy', t1, t1 / 1000, 'gemini'],
      ],
    );
    assert.ok(x.tid > y.tid && y.tid > z.tid);
    assert.ok(!('broken' in x));
  });

  test('/v1/trades: timestamp/since in s or ms (exclusive), since_tid, limit_trades, include_breaks', async () => {
    const all = (await g('/v1/trades/btcusd', 'public-trades')).body as { tid: number; timestampms: number }[];
    const tids = (path: string) => g(path, 'public-trades').then((r) => r.body.map((t: { tid: number }) => t.tid));
    assert.deepEqual(await tids(`/v1/trades/btcusd?timestamp=${t1}`), [all[0]!.tid, all[1]!.tid]);
    assert.deepEqual(await tids(`/v1/trades/btcusd?timestamp=${t1 / 1000}`), [all[0]!.tid, all[1]!.tid]);
    assert.deepEqual(await tids(`/v1/trades/btcusd?since=${t1 + HOUR}`), [all[0]!.tid]);
    assert.deepEqual(await tids(`/v1/trades/btcusd?since_tid=0&limit_trades=2`), [all[1]!.tid, all[2]!.tid]);
    assert.deepEqual(await tids(`/v1/trades/btcusd?since_tid=${all[2]!.tid}&timestamp=${t1 + 5 * HOUR}`), [all[0]!.tid, all[1]!.tid]);
    assert.deepEqual(await tids('/v1/trades/btcusd?limit_trades=1'), [all[0]!.tid]);
    assert.deepEqual(await tids('/v1/trades/btcusd?limit_trades=0'), []);
    const br = await g('/v1/trades/btcusd?include_breaks=true&limit_trades=1', 'public-trades');
    assert.equal(br.body[0].broken, false);
    assert.equal((await g('/v1/trades/btcusd?include_breaks=1', 'public-trades')).body[2].broken, false);
    for (const q of ['timestamp=abc', 'since=-5', 'timestamp=1.5']) assertError(await g(`/v1/trades/btcusd?${q}`, 'public-trades'), 400, 'InvalidTimestampInPayload');
    for (const q of ['limit_trades=-1', 'limit_trades=x', 'since_tid=abc']) assertError(await g(`/v1/trades/btcusd?${q}`, 'public-trades'), 400, 'InvalidParameter');
  });

  test('/v1/trades: at most 500 rows', async () => {
    const ex = s.exchange;
    await Promise.all(Array.from({ length: 520 }, () => place(ex, a, 'dogeusd', 'sell', '1', '0.1')));
    await place(ex, b, 'dogeusd', 'buy', '520', '0.1');
    assert.equal((await g('/v1/trades/dogeusd?limit_trades=1000', 'public-trades')).body.length, 500);
    assert.equal((await g('/v1/trades/dogeusd', 'public-trades')).body.length, 50);
    const ticker = await g('/v1/pubticker/dogeusd', 'public-pubticker');
    assert.deepEqual(ticker.body.volume, { DOGE: '520', USD: '52', timestamp: s.clock.now() });
  });

  test('/v2/candles: every time frame and alias, numbers, newest first, gaps flat', async () => {
    const hr = await g('/v2/candles/btcusd/1hr', 'public-candles');
    assert.deepEqual(hr.body, [
      [t1 + 2 * HOUR, 29900.5, 29900.5, 29900.5, 29900.5, 1.5],
      [t1 + HOUR, 30100, 30100, 30100, 30100, 0.25],
      [t1, 30000, 30000, 30000, 30000, 0.5],
    ]);
    assert.deepEqual((await g('/v2/candles/BTCUSD/1h', 'public-candles')).body, hr.body);
    const day = await g('/v2/candles/btcusd/1day', 'public-candles');
    assert.deepEqual(day.body, [[Date.UTC(2025, 5, 2), 30000, 30100, 29900.5, 29900.5, 2.25]]);
    assert.deepEqual((await g('/v2/candles/btcusd/1d', 'public-candles')).body, day.body);
    const m1 = await g('/v2/candles/btcusd/1m', 'public-candles');
    assert.equal(m1.body.length, 2 * 60 + 2); // 12:00 .. 14:01
    assert.deepEqual(m1.body[1], [t1 + 2 * HOUR, 30100, 30100, 30100, 30100, 0]);
    for (const f of ['5m', '15m', '30m', '6hr', '6h']) {
      const r = await g(`/v2/candles/btcusd/${f}`, 'public-candles');
      assert.ok(r.body.length >= 1, f);
      assert.equal(r.body[0][4], 29900.5, f);
    }
    assert.deepEqual((await g('/v2/candles/solusd/1m', 'public-candles')).body, []);
    for (const f of ['2m', '1H', 'hour', '1hour', '__proto__']) assertError(await g(`/v2/candles/btcusd/${f}`, 'public-candles'), 400, 'InvalidParameter');
  });
});

describe('products Pollux does not list, and routing', () => {
  test('perpetual-swap endpoints: 400 InvalidSymbol for spot and unknown symbols alike', async () => {
    const paths = [
      '/v1/fundingamount/btcusd',
      '/v1/fundingamount/BTCGUSDPERP',
      '/v1/nextfundingtimestamp/btcgusdperp',
      '/v1/fundingamountreport/records.xlsx?symbol=BTCGUSDPERP&numRows=10',
      '/v1/fundingamountreport/records.xlsx',
      '/v1/riskstats/BTCGUSDPERP',
      '/v1/perpetuals/fundingrates/btcgusdperp',
      '/v2/derivatives/candles/BTCGUSDPERP/1m',
      '/v2/derivatives/candles/btcusd/1m',
    ];
    for (const p of paths) assertError(await g(p, 'error'), 400, 'InvalidSymbol');
  });

  test('prediction-market volume: Gemini\'s "no data" replies', async () => {
    for (const p of ['/v1/prediction-markets/volume/2026-01-15', '/v1/prediction-markets/volume/2026-01-15/hourly']) {
      const r = await g(p, 'public-prediction-error');
      assert.equal(r.status, 404);
      assert.equal(r.body.error, 'NOT_FOUND');
    }
    for (const d of ['2026-13-01', '2026-02-30', 'yesterday', '20260115']) {
      const r = await g(`/v1/prediction-markets/volume/${d}`, 'public-prediction-error');
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'BAD_REQUEST');
    }
  });

  test('auctions and staking rates: nothing to report', async () => {
    assert.deepEqual((await g('/v1/auction/btcusd', 'public-auction')).body, {});
    assert.deepEqual((await g('/v1/auction/BTCUSD/history', 'public-auction-history')).body, []);
    assert.deepEqual((await g('/v1/staking/rates', 'public-staking-rates')).body, {});
  });

  test('unknown paths and wrong methods are still 404 EndpointNotFound', async () => {
    for (const p of ['/v1/nope', '/v1/symbols/', '/v1/book', '/v2/candles/btcusd', '/v1/pubticker/btcusd/extra', '/v3/ticker/btcusd']) {
      assertError(await g(p, 'error'), 404, 'EndpointNotFound');
    }
    assertError(await request(`${s.url}/v1/symbols`, { method: 'POST', body: '{}' }), 404, 'EndpointNotFound');
    assertError(await request(`${s.url}/v1/order/new`, { method: 'GET' }), 404, 'EndpointNotFound');
  });

  test('public routes ignore credentials and bodies they do not need', async () => {
    const r = await request(`${s.url}/v1/pubticker/btcusd`, {
      method: 'GET',
      headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache', 'X-GEMINI-APIKEY': 'whatever' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.last, '29900.50');
  });
});

describe('cost per request', () => {
  test('tickers, price feed and candles never read the history store; a book reads only the levels it returns', async () => {
    const history = s.exchange.history as unknown as Record<string, unknown>;
    const book = s.exchange.engine.book('btcusd')!;
    const saved = new Map<string, unknown>();
    const historyCalls: string[] = [];
    for (const [k, v] of Object.entries(history)) {
      if (typeof v !== 'function' || k === 'onCommit') continue;
      saved.set(k, v);
      history[k] = (...args: unknown[]) => {
        historyCalls.push(k);
        return (v as (...a: unknown[]) => unknown)(...args);
      };
    }
    const depthLimits: number[] = [];
    const depth = book.depth.bind(book);
    book.depth = (side, limit) => {
      depthLimits.push(limit);
      return depth(side, limit);
    };
    book.scan = () => assert.fail('a public read walked the book order by order');
    try {
      for (const p of ['/v1/pubticker/btcusd', '/v2/ticker/btcusd', '/v1/pricefeed', '/v2/candles/btcusd/1m', '/v2/candles/btcusd/1day']) {
        assert.equal((await request(s.url + p, {})).status, 200, p);
      }
      assert.deepEqual(historyCalls, [], 'no history reads');
      s.clock.advance(1000); // a new second: no cached book reply can be reused
      await g('/v1/book/btcusd?limit_bids=1&limit_asks=2', 'public-book');
      await g('/v1/book/btcusd', 'public-book');
      assert.deepEqual(depthLimits, [1, 2, 50, 50]);
      await g('/v1/trades/btcusd?limit_trades=2', 'public-trades');
      assert.deepEqual(historyCalls, ['tradesBySymbol'], 'trades: one indexed query');
    } finally {
      for (const [k, v] of saved) history[k] = v;
      delete (book as unknown as Record<string, unknown>)['depth'];
      delete (book as unknown as Record<string, unknown>)['scan'];
    }
  });
});
