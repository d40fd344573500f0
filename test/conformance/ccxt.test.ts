/**
 * ccxt (unmodified, npm `ccxt` 4.5.x, class `gemini`) against a running Pollux.
 *
 * What the client sends and expects is written up in docs/clients.md; in short: private calls are
 * POST with X-GEMINI-APIKEY/PAYLOAD/SIGNATURE, `Content-Type: text/plain`, a JSON copy of the
 * parameters as the body, and a millisecond nonce as a *string*; the API key must contain
 * "account" (ccxt refuses master keys itself). Responses go through gemini.parseOrder /
 * parseTrade / parseBalance (node_modules/ccxt/js/src/gemini.js).
 *
 * Configuration used (all of it documented ccxt options, no patching):
 * - urls.api.{public,private,web,webExchange} = Pollux's base URL (no trailing slash: sign()
 *   appends '/' + path);
 * - options.fetchCurrencies.webApiEnable = false: loadMarkets() would otherwise first scrape
 *   https://exchange.gemini.com for currencies (fetchCurrenciesFromWeb);
 * - options.fetchMarketsFromAPI.fetchDetailsForAllSymbols = true: markets from /v1/symbols plus
 *   one /v1/symbols/details/{symbol} each — without it ccxt knows no precision and createOrder
 *   fails in amountToPrecision ("numPrecisionDigits should not be undefined");
 * - rateLimit 10 ms (default 100; public calls cost 5x) to keep the suite fast. The throttle is
 *   kept on: it also spaces the millisecond nonces, which must strictly increase per key.
 *
 * Each scenario makes its own two funded accounts, so every balance below is exact.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import ccxt, { type Order, type Trade } from 'ccxt';
import type { Market as PolluxMarket } from '../../src/domain/symbols.js';
import { MAKER_BPS, TAKER_BPS, eventually, startPollux, type Pollux, type TestKey } from './harness.js';

type Gemini = InstanceType<typeof ccxt.gemini>;

let px: Pollux;
/** ccxt markets as loadMarkets() builds them from a correct /v1/symbols/details (see marketsFromConfig) */
let markets: ReturnType<Gemini['parseMarket']>[];

function client(key: TestKey, extra: Record<string, unknown> = {}): Gemini {
  return new ccxt.gemini({
    apiKey: key.key,
    secret: key.secret,
    rateLimit: 10,
    urls: { api: { public: px.url, private: px.url, web: px.url, webExchange: px.url } },
    options: {
      fetchCurrencies: { webApiEnable: false },
      fetchMarketsFromAPI: { fetchDetailsForAllSymbols: true },
    },
    ...extra,
  });
}

/** a client with markets pre-loaded (so scenarios do not depend on the public endpoints) */
function trader(key: TestKey): Gemini {
  const ex = client(key);
  ex.setMarkets(markets);
  return ex;
}

/** the /v1/symbols/details object Gemini sends for a spot market, as ccxt reads it */
function detailsOf(m: PolluxMarket): Record<string, unknown> {
  return {
    symbol: m.symbol.toUpperCase(),
    base_currency: m.base,
    quote_currency: m.quote,
    tick_size: Number(m.tickSize),
    quote_increment: Number(m.quoteIncrement),
    min_order_size: m.minOrderSize,
    status: m.initialStatus,
    wrap_enabled: false,
  };
}

function marketsFromConfig(ex: Gemini): ReturnType<Gemini['parseMarket']>[] {
  return px.exchange.markets.map((m) => ex.parseMarket(detailsOf(m)));
}

interface Pair {
  maker: Gemini;
  taker: Gemini;
  makerAccount: string;
  takerAccount: string;
}

async function pair(makerFunds: Record<string, string>, takerFunds: Record<string, string>): Promise<Pair> {
  const m = await px.newAccount(makerFunds);
  const t = await px.newAccount(takerFunds);
  return { maker: trader(m.key), taker: trader(t.key), makerAccount: m.account, takerAccount: t.account };
}

function balanceOf(b: Awaited<ReturnType<Gemini['fetchBalance']>>, code: string): { free: number; used: number; total: number } {
  const x = b[code] as { free?: number; used?: number; total?: number } | undefined;
  assert.ok(x !== undefined, `balance has ${code}`);
  return { free: x.free ?? NaN, used: x.used ?? NaN, total: x.total ?? NaN };
}

function idOf(o: Order): string {
  assert.equal(typeof o.id, 'string', 'an order has an id');
  return o.id!;
}

function reasonOf(o: Order): unknown {
  return (o.info as Record<string, unknown>)['reason'];
}

before(async () => {
  px = await startPollux('ccxt');
  markets = marketsFromConfig(new ccxt.gemini({}));
});

afterEach(async () => {
  await px.clearBooks();
});

after(async () => {
  await px?.close();
});

describe('ccxt gemini: configuration and markets', () => {
  it('every URL ccxt can use points at Pollux', () => {
    const ex = client({ key: 'account-x', secret: 'x' });
    const api = ex.urls['api'] as Record<string, string>;
    for (const [name, u] of Object.entries(api)) assert.equal(u, px.url, `urls.api.${name}`);
  });

  it('loadMarkets() builds spot markets from /v1/symbols and /v1/symbols/details/{symbol}', async () => {
    const ex = client({ key: 'account-x', secret: 'x' });
    const loaded = await ex.loadMarkets();
    assert.ok(ex.last_request_url?.startsWith(`${px.url}/v1/symbols/details/`), `last request went to Pollux: ${ex.last_request_url}`);
    const want = new Map(markets.map((m) => [m!.symbol, m!]));
    // ccxt turns a details object carrying `contract_price_currency` into a perpetual swap
    // ("BTC/USD:USD", contractSize = quote_increment): a spot market must not send it.
    assert.deepEqual(Object.keys(loaded).sort(), [...want.keys()].sort(), 'spot symbols BASE/QUOTE, one per Pollux market');
    for (const [symbol, m] of Object.entries(loaded)) {
      const w = want.get(symbol)!;
      assert.ok(m !== undefined);
      assert.equal(m.id, w.id, `${symbol} id`);
      assert.equal(m.type, 'spot', `${symbol} type`);
      assert.equal(m.spot, true);
      assert.equal(m.base, w.base);
      assert.equal(m.quote, w.quote);
      assert.equal(m.active, true, `${symbol} active`);
      assert.deepEqual(m.precision, w.precision, `${symbol} precision (amount = tick_size, price = quote_increment)`);
      assert.equal(m.limits.amount?.min, w.limits.amount?.min, `${symbol} min_order_size`);
    }
    assert.deepEqual(loaded['BTC/USD']!.precision, { amount: 1e-8, price: 0.01 });
  });
});

describe('ccxt gemini: limit order lifecycle between two accounts', () => {
  it('place, fetch, list, partly fill, trades with fees, balances, cancel', async () => {
    const { maker, taker } = await pair({ BTC: '2' }, { USD: '100000' });

    // place (resting limit sell)
    const placedAt = px.now();
    const sell = await maker.createOrder('BTC/USD', 'limit', 'sell', 1, 30000, { clientOrderId: 'ccxt-sell-1' });
    assert.match(idOf(sell), /^\d+$/);
    assert.equal(sell.status, 'open');
    assert.equal(sell.symbol, 'BTC/USD');
    assert.equal(sell.type, 'limit');
    assert.equal(sell.side, 'sell');
    assert.equal(sell.price, 30000);
    assert.equal(sell.amount, 1);
    assert.equal(sell.filled, 0);
    assert.equal(sell.remaining, 1);
    assert.equal(sell.clientOrderId, 'ccxt-sell-1');
    assert.equal(sell.timeInForce, 'GTC');
    assert.equal(sell.postOnly, false);
    assert.equal(sell.timestamp, placedAt, 'timestampms is the exchange time of placement');
    assert.equal((sell.info as Record<string, unknown>)['type'], 'exchange limit');

    // status
    const st = await maker.fetchOrder(idOf(sell));
    assert.equal(st.id, idOf(sell));
    assert.equal(st.status, 'open');
    assert.equal(st.symbol, 'BTC/USD');
    assert.equal(st.remaining, 1);
    assert.equal(st.clientOrderId, 'ccxt-sell-1');

    // open orders
    const open = await maker.fetchOpenOrders('BTC/USD');
    assert.deepEqual(open.map((o) => idOf(o)), [idOf(sell)]);
    assert.equal(open[0]!.status, 'open');
    assert.deepEqual((await taker.fetchOpenOrders()).map((o) => idOf(o)), [], 'the other account sees none of them');

    let mb = await maker.fetchBalance();
    assert.deepEqual(balanceOf(mb, 'BTC'), { free: 1, used: 1, total: 2 });

    // cross: the taker buys 0.4 of it
    const buy = await taker.createOrder('BTC/USD', 'limit', 'buy', 0.4, 30000);
    assert.equal(buy.status, 'closed');
    assert.equal(buy.filled, 0.4);
    assert.equal(buy.remaining, 0);
    assert.equal(buy.average, 30000);
    assert.equal(buy.cost, 12000);
    assert.match(buy.clientOrderId ?? '', /^\d+$/, 'ccxt sends a millisecond client_order_id by default; it comes back');

    const partly = await maker.fetchOrder(idOf(sell), 'BTC/USD');
    assert.equal(partly.status, 'open');
    assert.equal(partly.filled, 0.4);
    assert.equal(partly.remaining, 0.6);
    assert.equal(partly.average, 30000);

    // trades with fees: 12000 USD notional, taker 35 bps = 42 USD, maker 10 bps = 12 USD
    const tt = await taker.fetchMyTrades('BTC/USD');
    assert.equal(tt.length, 1);
    checkTrade(tt[0]!, { side: 'buy', order: idOf(buy), amount: 0.4, price: 30000, cost: 12000, fee: (12000 * TAKER_BPS) / 10000 });
    assert.equal((tt[0]!.info as Record<string, unknown>)['aggressor'], true);
    const mt = await maker.fetchMyTrades('BTC/USD');
    assert.equal(mt.length, 1);
    checkTrade(mt[0]!, { side: 'sell', order: idOf(sell), amount: 0.4, price: 30000, cost: 12000, fee: (12000 * MAKER_BPS) / 10000 });
    assert.equal((mt[0]!.info as Record<string, unknown>)['aggressor'], false);
    assert.equal((mt[0]!.info as Record<string, unknown>)['client_order_id'], 'ccxt-sell-1');
    assert.deepEqual(await maker.fetchMyTrades('ETH/USD'), [], 'symbol filter');

    // balances after fees, exact
    const tb = await taker.fetchBalance();
    assert.deepEqual(balanceOf(tb, 'USD'), { free: 87958, used: 0, total: 87958 });
    assert.deepEqual(balanceOf(tb, 'BTC'), { free: 0.4, used: 0, total: 0.4 });
    mb = await maker.fetchBalance();
    assert.deepEqual(balanceOf(mb, 'USD'), { free: 11988, used: 0, total: 11988 });
    assert.deepEqual(balanceOf(mb, 'BTC'), { free: 1, used: 0.6, total: 1.6 });

    // cancel the rest
    const cancelled = await maker.cancelOrder(idOf(sell));
    assert.equal(cancelled.id, idOf(sell));
    assert.equal(cancelled.status, 'canceled');
    assert.equal(cancelled.filled, 0.4);
    assert.equal(cancelled.remaining, 0.6);
    assert.equal(reasonOf(cancelled), 'Requested');
    assert.deepEqual(await maker.fetchOpenOrders('BTC/USD'), []);
    mb = await maker.fetchBalance();
    assert.deepEqual(balanceOf(mb, 'BTC'), { free: 1.6, used: 0, total: 1.6 });

    // cancelling a closed order succeeds without effect; its status stays readable
    const again = await maker.cancelOrder(idOf(sell));
    assert.equal(again.status, 'canceled');
    assert.equal(again.filled, 0.4);
    const final = await maker.fetchOrder(idOf(sell));
    assert.equal(final.status, 'canceled');
    assert.equal(final.filled, 0.4);
    const done = await taker.fetchOrder(idOf(buy));
    assert.equal(done.status, 'closed');
    assert.equal(done.filled, 0.4);
    // ccxt has no fetchClosedOrders for gemini; its generic request() signs any private path
    const history = (await maker.request('v1/orders/history', 'private', 'POST', { symbol: 'btcusd' })) as Record<string, unknown>[];
    const closed = maker.parseOrders(history);
    assert.deepEqual(closed.map((o) => [o.id, o.status, o.filled]), [[idOf(sell), 'canceled', 0.4]]);
    assert.ok(Array.isArray(history[0]!['trades']), '/v1/orders/history includes trades');

    // fee schedule from /v1/notionalvolume
    const fees = await taker.fetchTradingFees();
    assert.equal(fees['BTC/USD']?.maker, MAKER_BPS / 10000);
    assert.equal(fees['BTC/USD']?.taker, TAKER_BPS / 10000);
  });
});

function checkTrade(t: Trade, w: { side: string; order: string; amount: number; price: number; cost: number; fee: number }): void {
  assert.equal(t.symbol, 'BTC/USD');
  assert.equal(t.side, w.side);
  assert.equal(t.order, w.order);
  assert.equal(t.amount, w.amount);
  assert.equal(t.price, w.price);
  assert.equal(t.cost, w.cost);
  assert.match(String(t.id), /^\d+$/);
  assert.equal(typeof t.timestamp, 'number');
  assert.deepEqual(t.fee, { cost: w.fee, currency: 'USD' });
}

describe('ccxt gemini: time in force', () => {
  it('IOC fills what it can, FOK fills all or nothing, post-only never takes', async () => {
    const { maker, taker } = await pair({ BTC: '5' }, { USD: '100000' });

    await maker.createOrder('BTC/USD', 'limit', 'sell', 1, 30000);
    const ioc = await taker.createOrder('BTC/USD', 'limit', 'buy', 1.5, 30000, { timeInForce: 'IOC' });
    assert.equal(ioc.status, 'canceled');
    assert.equal(ioc.timeInForce, 'IOC');
    assert.equal(ioc.filled, 1);
    assert.equal(ioc.remaining, 0.5);
    assert.equal(reasonOf(ioc), 'ImmediateOrCancelWouldPost');
    assert.deepEqual((ioc.info as Record<string, unknown>)['options'], ['immediate-or-cancel']);

    await maker.createOrder('BTC/USD', 'limit', 'sell', 0.5, 31000);
    const fokKilled = await taker.createOrder('BTC/USD', 'limit', 'buy', 1, 31000, { timeInForce: 'FOK' });
    assert.equal(fokKilled.status, 'canceled');
    assert.equal(fokKilled.timeInForce, 'FOK');
    assert.equal(fokKilled.filled, 0);
    assert.equal(reasonOf(fokKilled), 'FillOrKillWouldNotFill');
    const fokFilled = await taker.createOrder('BTC/USD', 'limit', 'buy', 0.5, 31000, { timeInForce: 'FOK' });
    assert.equal(fokFilled.status, 'closed');
    assert.equal(fokFilled.filled, 0.5);

    await maker.createOrder('BTC/USD', 'limit', 'sell', 0.5, 32000);
    const poTaken = await taker.createOrder('BTC/USD', 'limit', 'buy', 0.1, 32000, { postOnly: true });
    assert.equal(poTaken.status, 'canceled');
    assert.equal(poTaken.postOnly, true);
    assert.equal(poTaken.timeInForce, 'PO');
    assert.equal(poTaken.filled, 0);
    assert.equal(reasonOf(poTaken), 'MakerOrCancelWouldTake');
    const poRests = await taker.createOrder('BTC/USD', 'limit', 'buy', 0.1, 31000, { timeInForce: 'PO' });
    assert.equal(poRests.status, 'open');
    assert.equal(poRests.postOnly, true);

    // taker: paid 30000 + 105 fee (IOC) and 15500 + 54.25 (FOK); 3100 x 1.0035 = 3110.85 held by the resting buy
    const tb = await taker.fetchBalance();
    assert.deepEqual(balanceOf(tb, 'USD'), { free: 51229.9, used: 3110.85, total: 54340.75 });
    assert.deepEqual(balanceOf(tb, 'BTC'), { free: 1.5, used: 0, total: 1.5 });
    const fees = (await taker.fetchMyTrades('BTC/USD')).map((t) => t.fee?.cost).sort((a, b) => (a ?? 0) - (b ?? 0));
    assert.deepEqual(fees, [54.25, 105]);
    // maker: received 30000 - 30 and 15500 - 15.5; 0.5 BTC still offered at 32000
    const mb = await maker.fetchBalance();
    assert.deepEqual(balanceOf(mb, 'USD'), { free: 45454.5, used: 0, total: 45454.5 });
    assert.deepEqual(balanceOf(mb, 'BTC'), { free: 3, used: 0.5, total: 3.5 });
  });
});

describe('ccxt gemini: stop-limit orders', () => {
  it('triggerPrice sends "exchange stop limit" with stop_price; the order waits, then triggers', async () => {
    const { maker, taker } = await pair({ BTC: '2' }, { USD: '100000' });
    const stop = await maker.createOrder('BTC/USD', 'limit', 'sell', 0.5, 28900, { triggerPrice: 29000 });
    const info = stop.info as Record<string, unknown>;
    assert.equal(info['type'], 'stop-limit', 'Gemini answers type "stop-limit"');
    assert.equal(stop.type, 'stop-limit', 'ccxt passes an unknown type through');
    assert.equal(Number(info['stop_price']), 29000);
    assert.equal(stop.triggerPrice, undefined, 'ccxt parseOrder does not read stop_price');
    assert.equal(stop.status, 'open');
    assert.deepEqual((await maker.fetchOpenOrders('BTC/USD')).map(idOf), [idOf(stop)]);

    // a trade at 29000 triggers it; it then rests as a limit sell at 28900 and is taken at once by the resting bid
    await taker.createOrder('BTC/USD', 'limit', 'buy', 0.5, 29000);
    await maker.createOrder('BTC/USD', 'limit', 'sell', 0.1, 29000);
    const after = await eventually(async () => {
      const o = await maker.fetchOrder(idOf(stop));
      return o.status !== 'open' || (o.filled ?? 0) > 0 ? o : undefined;
    }, 2000, 'stop trigger');
    assert.equal(after.filled, 0.4, 'filled against what was left of the bid at 29000');
    assert.equal(after.average, 29000);
  });
});

describe('ccxt gemini: heartbeat, cancel session, cancel all', () => {
  it('a require-heartbeat key keeps its orders while it talks, loses them when silent', async () => {
    const m = await px.newAccount({ BTC: '1' });
    const plain = trader(m.key);
    const hb = trader(await px.newKey(m.account, { requireHeartbeat: true }));

    const o1 = await hb.createOrder('BTC/USD', 'limit', 'sell', 0.1, 40000);
    const o2 = await hb.createOrder('BTC/USD', 'limit', 'sell', 0.1, 40001);
    const o3 = await plain.createOrder('BTC/USD', 'limit', 'sell', 0.1, 40002);

    px.advance(20_000);
    assert.deepEqual(await hb.privatePostV1Heartbeat(), { result: 'ok' });
    px.advance(20_000); // 40 s since the orders, 20 s since the heartbeat
    assert.equal((await plain.fetchOrder(idOf(o1))).status, 'open', 'the heartbeat kept the session alive');

    // cancel session: only this key's orders
    const cs = (await hb.privatePostV1OrderCancelSession()) as { result: string; details: { cancelledOrders: unknown[]; cancelRejects: unknown[] } };
    assert.equal(cs.result, 'ok');
    assert.deepEqual([...cs.details.cancelledOrders].map(Number).sort(), [Number(idOf(o1)), Number(idOf(o2))].sort());
    assert.deepEqual(cs.details.cancelRejects, []);
    assert.deepEqual((await plain.fetchOpenOrders('BTC/USD')).map((o) => idOf(o)), [idOf(o3)]);

    // silence: 31 s without a request from the heartbeat key cancels its orders
    const o4 = await hb.createOrder('BTC/USD', 'limit', 'sell', 0.1, 40003);
    px.advance(31_000);
    const expired = await eventually(async () => {
      const o = await plain.fetchOrder(idOf(o4));
      return o.status === 'canceled' ? o : undefined;
    }, 3000, 'heartbeat expiry');
    assert.equal(reasonOf(expired), 'HeartbeatTimeout');
    assert.equal((await plain.fetchOrder(idOf(o3))).status, 'open', 'orders of other sessions stay');

    // cancel all: every order of the account, whatever the session
    const o5 = await plain.createOrder('BTC/USD', 'limit', 'sell', 0.1, 40004);
    const ca = (await plain.privatePostV1OrderCancelAll()) as { result: string; details: { cancelledOrders: unknown[]; cancelRejects: unknown[] } };
    assert.equal(ca.result, 'ok');
    assert.deepEqual([...ca.details.cancelledOrders].map(Number).sort(), [Number(idOf(o3)), Number(idOf(o5))].sort());
    assert.deepEqual(await plain.fetchOpenOrders(), []);
    assert.deepEqual(balanceOf(await plain.fetchBalance(), 'BTC'), { free: 1, used: 0, total: 1 });
  });
});

describe('ccxt gemini: public market data', () => {
  it('fetchOrderBook, fetchTrades and fetchTicker see the book and the last trade', async () => {
    const { maker, taker } = await pair({ BTC: '3' }, { USD: '100000' });
    await maker.createOrder('BTC/USD', 'limit', 'sell', 1, 30000);
    await maker.createOrder('BTC/USD', 'limit', 'sell', 0.5, 30100);
    const hit = await taker.createOrder('BTC/USD', 'limit', 'buy', 0.25, 30000);
    await taker.createOrder('BTC/USD', 'limit', 'buy', 0.3, 29900);
    const [mine] = await taker.fetchMyTrades('BTC/USD');
    assert.ok(mine !== undefined);
    const pub = trader({ key: 'account-public', secret: 'unused' });

    const ob = await pub.fetchOrderBook('BTC/USD');
    assert.equal(ob.symbol, 'BTC/USD');
    assert.deepEqual(ob.asks, [[30000, 0.75], [30100, 0.5]]);
    assert.deepEqual(ob.bids, [[29900, 0.3]]);
    const top = await pub.fetchOrderBook('BTC/USD', 1); // limit_bids=1&limit_asks=1
    assert.deepEqual(top.asks, [[30000, 0.75]]);

    const trades = await pub.fetchTrades('BTC/USD');
    const t = trades.find((x) => x.id === mine.id);
    assert.ok(t !== undefined, 'the public trade carries the same tid as the private one');
    assert.equal(t.symbol, 'BTC/USD');
    assert.equal(t.price, 30000);
    assert.equal(t.amount, 0.25);
    assert.equal(t.side, 'buy', "a public trade's type is the taker's side");
    assert.equal(t.timestamp, px.now());
    assert.equal(hit.status, 'closed');

    const tk = await pub.fetchTicker('BTC/USD');
    assert.equal(tk.symbol, 'BTC/USD');
    assert.equal(tk.bid, 29900);
    assert.equal(tk.ask, 30000);
    assert.equal(tk.last, 30000);
    assert.equal(typeof tk.timestamp, 'number', 'volume.timestamp');
    assert.ok((tk.baseVolume ?? 0) >= 0.25, 'volume.BTC');
    assert.ok((tk.quoteVolume ?? 0) >= 7500, 'volume.USD');
  });
});

describe('ccxt gemini: errors become ccxt exceptions', () => {
  it('InsufficientFunds, OrderNotFound, AuthenticationError, InvalidNonce', async () => {
    const { maker, taker } = await pair({ BTC: '1' }, { USD: '1000' });
    await assert.rejects(taker.createOrder('BTC/USD', 'limit', 'sell', 1, 30000), ccxt.InsufficientFunds);
    await assert.rejects(taker.createOrder('BTC/USD', 'limit', 'buy', 1, 30000), ccxt.InsufficientFunds);
    await assert.rejects(maker.cancelOrder('987654321012'), ccxt.OrderNotFound);
    await assert.rejects(maker.fetchOrder('987654321012'), ccxt.OrderNotFound);
    const theirs = await maker.createOrder('BTC/USD', 'limit', 'sell', 0.5, 30000);
    await assert.rejects(taker.fetchOrder(idOf(theirs)), ccxt.OrderNotFound, "another account's order is not found");
    await assert.rejects(taker.cancelOrder(idOf(theirs)), ccxt.OrderNotFound);

    const m = await px.newAccount({});
    const wrong = trader({ key: m.key.key, secret: `${m.key.secret}x` });
    await assert.rejects(wrong.fetchBalance(), ccxt.AuthenticationError, 'InvalidSignature');

    // ccxt's "nonce: seconds" option on an incremental key: two calls in one second reuse the nonce
    const secs = client(await px.newKey(m.account), { options: { nonce: 'seconds', fetchCurrencies: { webApiEnable: false } } });
    secs.setMarkets(markets);
    const results = await (async () => {
      const out: unknown[] = [];
      for (let i = 0; i < 3; i++) out.push(await secs.fetchBalance().then(() => 'ok', (e: unknown) => e));
      return out;
    })();
    assert.equal(results[0], 'ok');
    assert.ok(results.slice(1).some((r) => r instanceof ccxt.InvalidNonce), `a repeated seconds nonce is InvalidNonce: ${String(results)}`);
  });
});
