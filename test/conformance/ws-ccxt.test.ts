/**
 * ccxt pro (unmodified, npm `ccxt` 4.5.x, class `pro.gemini`) against Pollux's legacy WebSocket
 * APIs: watchOrderBook, watchTrades, watchOHLCV (all /v2/marketdata) and watchOrders
 * (/v1/order/events, REST-signed upgrade), after orders and trades placed through the exchange.
 *
 * Server: test/ws/legacy's harness (Exchange.open on a temp dir, virtual clock, Fastify,
 * registerRest + attachWebSockets, port 0). Client configuration, all documented ccxt options:
 * urls.api.ws = ws://127.0.0.1:<port> (ccxt appends /v2/marketdata and /v1/order/events),
 * urls.api.{public,private,web,webExchange} = Pollux's REST; markets are loaded once from
 * Pollux's /v1/symbols and /v1/symbols/details (fetchDetailsForAllSymbols, web scrape off) and
 * handed to the other clients with setMarkets;
 * rateLimit 10 ms; `loadHttpProxyAgent()` once per client, which ccxt requires before it opens a
 * plain ws:// URL (it throws NotSupported naming that method otherwise). Nothing leaves 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import ccxt from 'ccxt';
import { amountText, priceText } from '../../src/api/rest/render.js';
import { startWsServer, type Trader, type WsServer } from '../ws/legacy/harness.js';

type ProGemini = InstanceType<typeof ccxt.pro.gemini>;

let s: WsServer;
let maker: Trader;
let taker: Trader;
const clients: ProGemini[] = [];
/** markets as the first client loaded them from Pollux's REST; later clients reuse them */
let markets: ProGemini['markets'] | undefined;

async function pro(key?: { key: string; secret: string }): Promise<ProGemini> {
  const ex = new ccxt.pro.gemini({
    ...(key !== undefined ? { apiKey: key.key, secret: key.secret } : {}),
    rateLimit: 10,
    urls: { api: { public: s.url, private: s.url, web: s.url, webExchange: s.url, ws: s.wsUrl } },
    options: { fetchCurrencies: { webApiEnable: false }, fetchMarketsFromAPI: { fetchDetailsForAllSymbols: true } },
  });
  clients.push(ex);
  // ccxt refuses plain ws:// URLs until this is called (its error message says so); wss:// would not need it
  await ex.loadHttpProxyAgent();
  if (markets === undefined) markets = await ex.loadMarkets();
  else ex.setMarkets(Object.values(markets));
  return ex;
}

/**
 * call `watch` until `done` accepts its result. Each call resolves on the next update only, so
 * `peek` (ccxt's cached state) is checked first: an update that arrived between two calls is not
 * waited for again.
 */
async function watchUntil<T>(watch: () => Promise<T>, done: (v: T) => boolean, ms = 5000, what = 'update', peek?: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const cached = peek?.();
    if (cached !== undefined && done(cached)) return cached;
    const left = end - Date.now();
    if (left <= 0) throw new Error(`timed out waiting for ${what}`);
    let timer: NodeJS.Timeout | undefined;
    const v = await Promise.race([
      watch(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), left);
      }),
    ]).finally(() => clearTimeout(timer));
    if (done(v)) return v;
  }
}

async function place(t: Trader, symbol: string, side: 'buy' | 'sell', amount: string, price: string): Promise<any> {
  const r = await t.client.post('/v1/order/new', { symbol, side, amount, price, type: 'exchange limit' });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

/** the engine's book as ccxt levels: [[price, amount], ...] best first */
function engineLevels(symbol: string, side: 'buy' | 'sell'): [number, number][] {
  const ms = s.exchange.engine.market(symbol)!;
  return ms.book.depth(side, 0).map((l) => [Number(priceText(l.price, ms.market)), Number(amountText(l.amount, ms.market))]);
}

/** ccxt's book side (an array subclass) as plain [price, amount] pairs */
function plain(side: ArrayLike<ArrayLike<unknown>>): [number, number][] {
  return Array.from(side, (l) => [Number(l[0]), Number(l[1])]);
}

before(async () => {
  s = await startWsServer('ccxt-ws');
  maker = await s.trader('ccxt ws maker', { USD: '10000000', BTC: '1000', ETH: '10000' });
  taker = await s.trader('ccxt ws taker', { USD: '10000000', BTC: '1000', ETH: '10000' });
});

// every scenario starts on empty books
afterEach(async () => {
  for (const t of [maker, taker]) await t.client.post('/v1/order/cancel/all');
});

after(async () => {
  for (const c of clients) await c.close();
  await s.close();
});

describe('ccxt pro gemini on the legacy WebSocket APIs', () => {
  it('watchOrderBook: the snapshot, then every change, equal to the engine book', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'btcusd', 'buy', '0.5', '29990.50');
    await place(maker, 'btcusd', 'sell', '2', '30010.00');
    const ex = await pro();
    const first = await ex.watchOrderBook('BTC/USD');
    assert.deepEqual(plain(first.bids), engineLevels('btcusd', 'buy'));
    assert.deepEqual(plain(first.asks), engineLevels('btcusd', 'sell'));
    assert.equal(first.symbol, 'BTC/USD');
    await place(maker, 'btcusd', 'sell', '1', '30005.00');
    await place(taker, 'btcusd', 'sell', '1.2', '29990.50'); // takes the 30000 bid and 0.2 of the next
    const after = await watchUntil(
      () => ex.watchOrderBook('BTC/USD'),
      (ob) => ob.bids.length === 1 && ob.asks.length === 2,
      5000,
      'the book after the trade',
      () => ex.orderbooks['BTC/USD'],
    );
    assert.deepEqual(plain(after.bids), [[29990.5, 0.3]]);
    assert.deepEqual(plain(after.bids), engineLevels('btcusd', 'buy'));
    assert.deepEqual(plain(after.asks), engineLevels('btcusd', 'sell'));
  });

  it('watchTrades: trades with price, amount, taker side and time', async () => {
    const ex = await pro();
    await ex.watchTrades('ETH/USD'); // the subscription's first message
    await place(maker, 'ethusd', 'sell', '3', '2000.00');
    await place(taker, 'ethusd', 'buy', '1.5', '2000.00');
    const trades = await watchUntil(() => ex.watchTrades('ETH/USD'), (ts) => ts.length > 0, 5000, 'a trade', () => ex.trades['ETH/USD']);
    const t = trades[trades.length - 1]!;
    assert.equal(t.symbol, 'ETH/USD');
    assert.equal(t.price, 2000);
    assert.equal(t.amount, 1.5);
    assert.equal(t.side, 'buy');
    assert.equal(t.timestamp, s.clock.now());
    assert.equal(typeof t.id, 'string');
    // a new watcher gets the recent trades in its first message
    const late = await pro();
    const recent = await late.watchTrades('ETH/USD');
    assert.equal(recent.length, 1);
    assert.equal(recent[0]!.id, t.id);
  });

  it('watchOHLCV: the candle of the current minute after trades', async () => {
    const ex = await pro();
    s.clock.advance(60_000); // a minute of its own (the hour still holds the 1.5 traded above)
    await place(maker, 'ethusd', 'sell', '1.5', '2000.00');
    await place(maker, 'ethusd', 'sell', '1', '2010.00');
    await place(taker, 'ethusd', 'buy', '2.5', '2010.00'); // 1.5 at 2000, 1 at 2010
    const minute = Math.floor(s.clock.now() / 60_000) * 60_000;
    const candles = await watchUntil(
      () => ex.watchOHLCV('ETH/USD', '1m'),
      (cs) => cs.some((c) => c[0] === minute && c[5] === 2.5),
      5000,
      'the candle',
      () => ex.ohlcvs['ETH/USD']?.['1m'],
    );
    assert.deepEqual(
      candles.find((c) => c[0] === minute),
      [minute, 2000, 2010, 2000, 2010, 2.5],
    );
    // the 1h frame is subscribed as candles_1hr and answered under that name
    const hours = await ex.watchOHLCV('ETH/USD', '1h');
    assert.ok(hours.some((c) => c[0] === Math.floor(s.clock.now() / 3_600_000) * 3_600_000 && c[5] === 4));
  });

  it('watchOrders: open, then filled, from the signed /v1/order/events stream', async () => {
    // its own key: ccxt's millisecond nonces would outrun the REST test client's on a shared key
    const ex = await pro(s.key({ account: taker.account }));
    const pending = watchUntil(() => ex.watchOrders('BTC/USD'), (os) => os.length > 0, 5000, 'the new order');
    // the upgrade happens inside watchOrders; give it a moment before the order exists
    await new Promise((r) => setTimeout(r, 100));
    const o = await place(taker, 'btcusd', 'buy', '0.5', '29000.00');
    const orders = await pending;
    const seen = orders.find((x) => x.id === o.order_id)!;
    assert.ok(seen, 'the order is reported');
    assert.equal(seen.status, 'open');
    assert.equal(seen.symbol, 'BTC/USD');
    assert.equal(seen.side, 'buy');
    assert.equal(seen.price, 29000);
    assert.equal(seen.amount, 0.5);
    assert.equal(seen.type, 'limit');
    await place(maker, 'btcusd', 'sell', '0.5', '29000.00');
    const filled = await watchUntil(
      () => ex.watchOrders('BTC/USD'),
      (os) => os.some((x) => x.id === o.order_id && x.status === 'closed' && x.filled === 0.5),
      5000,
      'the fill',
      () => ex.orders,
    );
    const done = filled.find((x) => x.id === o.order_id)!;
    assert.equal(done.remaining, 0);
    assert.equal(done.average, 29000);
  });

  it('watchOrderBookForSymbols, watchBidsAsks, watchTradesForSymbols: /v1/multimarketdata', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'btcusd', 'sell', '1', '30020.00'); // two levels: see the v1 initial-update rule
    await place(maker, 'ethusd', 'buy', '2', '1990.00');
    await place(maker, 'ethusd', 'buy', '1', '1980.00');
    await place(maker, 'ethusd', 'sell', '1', '2100.00');
    const ex = await pro();
    const books = await watchUntil(
      () => ex.watchOrderBookForSymbols(['BTC/USD', 'ETH/USD']),
      () => ex.orderbooks['BTC/USD'] !== undefined && ex.orderbooks['ETH/USD'] !== undefined,
      5000,
      'both books',
    );
    assert.ok(books);
    const tops = await ex.watchBidsAsks(['BTC/USD']);
    assert.equal(tops['BTC/USD']!.bid, 30000);
    assert.equal(tops['BTC/USD']!.ask, 30020);
    const trades = ex.watchTradesForSymbols(['BTC/USD', 'ETH/USD']);
    await new Promise((r) => setTimeout(r, 100)); // let the third connection open
    await place(taker, 'ethusd', 'sell', '0.5', '1990.00');
    await place(maker, 'btcusd', 'sell', '0.25', '30010.00');
    const got = await trades;
    assert.equal(got[0]!.symbol, 'ETH/USD');
    assert.equal(got[0]!.price, 1990);
    assert.equal(got[0]!.amount, 0.5);
    assert.equal(got[0]!.side, 'sell');
    const better = await watchUntil(() => ex.watchBidsAsks(['BTC/USD']), (t) => t['BTC/USD']!.ask === 30010, 5000, 'the new best ask', () => ex.bidsasks);
    assert.equal(better['BTC/USD']!.askVolume, 0.25);
    for (const sym of ['btcusd', 'ethusd'] as const) {
      const ccxtSym = sym === 'btcusd' ? 'BTC/USD' : 'ETH/USD';
      await watchUntil(
        () => ex.watchOrderBookForSymbols(['BTC/USD', 'ETH/USD']),
        () => JSON.stringify(plain(ex.orderbooks[ccxtSym]!.asks)) === JSON.stringify(engineLevels(sym, 'sell')) && JSON.stringify(plain(ex.orderbooks[ccxtSym]!.bids)) === JSON.stringify(engineLevels(sym, 'buy')),
        5000,
        `the ${sym} book`,
        () => ex.orderbooks[ccxtSym],
      );
    }
  });
});
