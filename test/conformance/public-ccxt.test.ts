/**
 * ccxt (unmodified, npm `ccxt` 4.5.x, class `gemini`) reading Pollux's public market data:
 * fetchMarkets, fetchTicker (v1, and v1+v2), fetchTickers, fetchOrderBook, fetchTrades,
 * fetchOHLCV, after trades made through the engine.
 *
 * Server: test/rest's harness (Exchange.open on a temp dir with a virtual clock, Fastify,
 * registerRest, port 0). Client configuration, all documented ccxt options:
 * - urls.api.{public,private,web,webExchange} = Pollux, so even a scraping attempt would stay local;
 * - options.fetchMarketsMethod = 'fetch_markets_from_api' (ccxt's default; the alternative scrapes
 *   Gemini's documentation page), options.fetchCurrencies.webApiEnable = false (loadMarkets would
 *   otherwise scrape exchange.gemini.com for currencies);
 * - options.fetchMarketsFromAPI.fetchDetailsForAllSymbols = true in the "details" client: one
 *   /v1/symbols/details/{symbol} per market, which gives ccxt precisions and minimums;
 * - rateLimit 10 ms to keep the suite fast.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ccxt from 'ccxt';
import { startServer, T0, type TestServer } from '../rest/harness.js';
import { place, richAccount, trade } from '../rest-public/support.js';

type Gemini = InstanceType<typeof ccxt.gemini>;
const HOUR = 3_600_000;

let s: TestServer;

function client(options: Record<string, unknown> = {}): Gemini {
  return new ccxt.gemini({
    rateLimit: 10,
    urls: { api: { public: s.url, private: s.url, web: s.url, webExchange: s.url } },
    options: {
      fetchMarketsMethod: 'fetch_markets_from_api',
      fetchCurrencies: { webApiEnable: false },
      ...options,
    },
  });
}

const detailed = () => client({ fetchMarketsFromAPI: { fetchDetailsForAllSymbols: true } });
/** one client with markets loaded, reused where a fresh one proves nothing more */
let shared: Gemini;

before(async () => {
  s = await startServer();
  const ex = s.exchange;
  const a = await richAccount(ex, 'alice');
  const b = await richAccount(ex, 'bob');
  await trade(ex, a, b, 'btcusd', 'buy', '0.5', '30000'); // 12:00
  s.clock.advance(HOUR);
  await trade(ex, a, b, 'btcusd', 'sell', '0.25', '30100'); // 13:00
  s.clock.advance(HOUR);
  await trade(ex, b, a, 'btcusd', 'buy', '1.5', '29900.5'); // 14:00
  await place(ex, a, 'btcusd', 'buy', '0.1', '29000');
  await place(ex, b, 'btcusd', 'buy', '0.2', '29000');
  await place(ex, a, 'btcusd', 'buy', '0.3', '28999.99');
  await place(ex, a, 'btcusd', 'sell', '1', '31000');
  await place(ex, b, 'btcusd', 'sell', '2', '31000.01');
  await trade(ex, a, b, 'ethbtc', 'buy', '2', '0.05');
  s.clock.advance(10 * 60_000); // 14:10
  shared = detailed();
  await shared.loadMarkets();
});
after(() => s.close());

describe('ccxt gemini: public market data', () => {
  it('fetchMarkets with symbol details: spot markets with precisions and minimums', async () => {
    const ex = detailed();
    const markets = await ex.fetchMarkets();
    assert.equal(markets.length, s.exchange.markets.length);
    for (const m of s.exchange.markets) {
      const got = markets.find((x) => x?.id === m.symbol);
      assert.ok(got, m.symbol);
      assert.equal(got.symbol, `${m.base}/${m.quote}`);
      assert.equal(got.type, 'spot', `${m.symbol}: spot, not a swap`);
      assert.equal(got.spot, true);
      assert.equal(got.swap, false);
      assert.equal(got.active, true);
      assert.equal(got.precision.amount, Number(m.tickSize));
      assert.equal(got.precision.price, Number(m.quoteIncrement));
      assert.equal(got.limits.amount?.min, Number(m.minOrderSize));
    }
    assert.ok(ex.last_request_url?.startsWith(`${s.url}/v1/symbols/details/`), String(ex.last_request_url));
  });

  it('fetchMarkets from the symbol list alone (ccxt defaults)', async () => {
    const markets = await client().fetchMarkets();
    const symbols = markets.map((m) => m?.symbol).sort();
    assert.deepEqual(symbols, s.exchange.markets.map((m) => `${m.base}/${m.quote}`).sort());
  });

  it('fetchTicker (v1): bid, ask, last, 24-hour volumes, timestamp', async () => {
    const t = await shared.fetchTicker('BTC/USD');
    assert.equal(t.symbol, 'BTC/USD');
    assert.equal(t.bid, 29000);
    assert.equal(t.ask, 31000);
    assert.equal(t.last, 29900.5);
    assert.equal(t.close, 29900.5);
    assert.equal(t.baseVolume, 2.25);
    assert.equal(t.quoteVolume, 67375.75);
    assert.equal(t.timestamp, s.clock.now());
  });

  it('fetchTicker (v1 + v2): open, high, low from the 24-hour window', async () => {
    const t = await client({ fetchTickerMethod: 'fetchTickerV1AndV2', fetchMarketsFromAPI: { fetchDetailsForAllSymbols: true } }).fetchTicker('BTC/USD');
    assert.equal(t.open, 30000);
    assert.equal(t.high, 30100);
    assert.equal(t.low, 29900.5);
    assert.equal(t.last, 29900.5);
    assert.equal(t.bid, 29000);
  });

  it('fetchTickers (price feed): last prices of every traded pair', async () => {
    const ts = await shared.fetchTickers();
    assert.equal(ts['BTC/USD']?.last, 29900.5);
    assert.equal(ts['ETH/BTC']?.last, 0.05);
    assert.equal(ts['SOL/USD']?.last, undefined, 'never traded: no price');
  });

  it('fetchOrderBook: aggregated levels, best first, limited', async () => {
    const ex = shared;
    const ob = await ex.fetchOrderBook('BTC/USD');
    assert.deepEqual(ob.bids, [
      [29000, 0.3],
      [28999.99, 0.3],
    ]);
    assert.deepEqual(ob.asks, [
      [31000, 1],
      [31000.01, 2],
    ]);
    const one = await ex.fetchOrderBook('BTC/USD', 1);
    assert.deepEqual([one.bids, one.asks], [[[29000, 0.3]], [[31000, 1]]]);
  });

  it('fetchTrades: newest trades with side, price, amount, time; since and limit', async () => {
    const ex = shared;
    const all = await ex.fetchTrades('BTC/USD');
    // ccxt sorts ascending by time
    assert.deepEqual(
      all.map((t) => [t.side, t.price, t.amount, t.timestamp, t.symbol]),
      [
        ['buy', 30000, 0.5, T0, 'BTC/USD'],
        ['sell', 30100, 0.25, T0 + HOUR, 'BTC/USD'],
        ['buy', 29900.5, 1.5, T0 + 2 * HOUR, 'BTC/USD'],
      ],
    );
    assert.ok(all.every((t) => /^\d+$/.test(String(t.id))));
    const later = await ex.fetchTrades('BTC/USD', T0 + 1);
    assert.deepEqual(later.map((t) => t.price), [30100, 29900.5]);
    const last = await ex.fetchTrades('BTC/USD', undefined, 1);
    assert.deepEqual(last.map((t) => t.price), [29900.5]);
  });

  it('fetchOHLCV: hourly and daily candles, gaps flat', async () => {
    const ex = shared;
    const hours = await ex.fetchOHLCV('BTC/USD', '1h');
    assert.deepEqual(hours, [
      [T0, 30000, 30000, 30000, 30000, 0.5],
      [T0 + HOUR, 30100, 30100, 30100, 30100, 0.25],
      [T0 + 2 * HOUR, 29900.5, 29900.5, 29900.5, 29900.5, 1.5],
    ]);
    const days = await ex.fetchOHLCV('BTC/USD', '1d');
    assert.deepEqual(days, [[Date.UTC(2025, 5, 2), 30000, 30100, 29900.5, 29900.5, 2.25]]);
    const minutes = await ex.fetchOHLCV('BTC/USD', '1m');
    assert.equal(minutes.length, 2 * 60 + 11); // 12:00 .. 14:10
    assert.deepEqual(minutes.at(-1), [T0 + 2 * HOUR + 10 * 60_000, 29900.5, 29900.5, 29900.5, 29900.5, 0]);
    for (const tf of ['5m', '15m', '30m', '6h']) assert.equal((await ex.fetchOHLCV('BTC/USD', tf)).at(-1)?.[4], 29900.5, tf);
  });

  it('an unknown market is refused by ccxt itself; an unknown symbol on the wire maps to BadRequest', async () => {
    const ex = shared;
    await assert.rejects(ex.fetchTicker('NOPE/USD'), ccxt.BadSymbol);
    await assert.rejects(ex.publicGetV1PubtickerSymbol({ symbol: 'nopeusd' }), (e: unknown) => e instanceof ccxt.BadRequest && /invalid symbol/i.test(String(e)));
  });
});
