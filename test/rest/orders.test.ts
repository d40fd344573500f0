/**
 * The order lifecycle over real HTTP between two accounts: place, status, list, cross, fees,
 * balances, cancel (and cancel of a closed order), IOC/FOK/MOC/self-cross outcomes, market and
 * stop-limit orders, cancel all/session, history, my trades, volumes, engine rejections.
 * The steps share one exchange and run in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, assertOk } from './assert-error.js';
import type { GeminiClient } from './client.js';
import { startServer, T0, type Keyed, type TestServer, type Trader } from './harness.js';

let s: TestServer;
let alice: Trader;
let alice2: Keyed;
let bob: Trader;

const ORDER_KEYS = [
  'order_id', 'id', 'symbol', 'exchange', 'avg_execution_price', 'side', 'type', 'timestamp', 'timestampms',
  'is_live', 'is_cancelled', 'is_hidden', 'was_forced', 'executed_amount', 'remaining_amount',
];

function limit(c: GeminiClient, side: string, amount: string, price: string, extra: Record<string, unknown> = {}) {
  return c.post('/v1/order/new', { symbol: 'btcusd', amount, price, side, type: 'exchange limit', ...extra });
}

async function balance(c: GeminiClient, currency: string): Promise<{ amount: string; available: string }> {
  const r = await c.post('/v1/balances');
  assertOk(r);
  return r.body.find((b: { currency: string }) => b.currency === currency);
}

/** [amount, available] of one currency */
async function amounts(c: GeminiClient, currency: string): Promise<[string, string]> {
  const b = await balance(c, currency);
  return [b.amount, b.available];
}

before(async () => {
  s = await startServer();
  alice = await s.trader('Alice', { USD: '100000', BTC: '5' });
  alice2 = s.key({ account: alice.account });
  bob = await s.trader('Bob', { USD: '100000', BTC: '10' });
});
after(() => s.close());

describe('order lifecycle', () => {
  let a1 = '';

  test('a resting limit order (sent with Gemini sample\'s type "limit")', async () => {
    const r = await alice.client.post('/v1/order/new', { symbol: 'BTCUSD', amount: '1', price: '30000', side: 'buy', type: 'limit', client_order_id: 'a-1' }, { body: 'copy', contentType: 'application/json' });
    assertOk(r);
    a1 = r.body.order_id;
    assert.match(a1, /^\d+$/);
    assert.deepEqual(r.body, {
      order_id: a1, id: a1, symbol: 'btcusd', exchange: 'gemini', avg_execution_price: '0.00', side: 'buy', type: 'exchange limit',
      timestamp: String(T0 / 1000), timestampms: T0, is_live: true, is_cancelled: false, is_hidden: false, was_forced: false,
      executed_amount: '0', remaining_amount: '1', client_order_id: 'a-1', options: [], price: '30000.00', original_amount: '1',
    });
    assert.deepEqual(Object.keys(r.body).slice(0, ORDER_KEYS.length), ORDER_KEYS);
    assert.deepEqual(await amounts(alice.client, 'USD'), ['100000', '69895']); // hold: 30000 x 1.0035
  });

  test('status by order_id and by client_order_id; active orders', async () => {
    const byId = await alice.client.post('/v1/order/status', { order_id: Number(a1) });
    const byIdText = await alice.client.post('/v1/order/status', { order_id: a1 });
    const byCid = await alice.client.post('/v1/order/status', { client_order_id: 'a-1' });
    assertOk(byId);
    assert.deepEqual(byIdText.body, byId.body);
    assert.deepEqual(byCid.body, byId.body);
    assert.equal(byId.body.trades, undefined);
    const withTrades = await alice.client.post('/v1/order/status', { order_id: a1, include_trades: true });
    assert.deepEqual(withTrades.body.trades, []);
    const active = await alice.client.post('/v1/orders');
    assert.deepEqual(active.body, [byId.body]);
    assert.deepEqual((await alice.client.post('/v1/orders', { symbol: 'ethusd' })).body, []);
    assertError(await bob.client.post('/v1/order/status', { order_id: a1 }), 404, 'OrderNotFound');
    assertError(await alice.client.post('/v1/order/status', { order_id: a1, client_order_id: 'a-1' }), 400, 'InvalidParameter');
    assertError(await alice.client.post('/v1/order/status', {}), 400, 'MissingOrderField');
    assertError(await alice.client.post('/v1/order/status', { client_order_id: 'nope' }), 404, 'OrderNotFound');
  });

  test('a crossing order fills at the maker price, fees on both sides', async () => {
    s.clock.advance(1000);
    const r = await limit(bob.client, 'sell', '0.4', '29000.00');
    assertOk(r);
    assert.equal(r.body.executed_amount, '0.4');
    assert.equal(r.body.remaining_amount, '0');
    assert.equal(r.body.avg_execution_price, '30000.00');
    assert.equal(r.body.price, '29000.00');
    assert.equal(r.body.is_live, false);
    assert.equal(r.body.is_cancelled, false);
    assert.equal(r.body.reason, undefined);

    const st = await alice.client.post('/v1/order/status', { order_id: a1, include_trades: 'true' });
    assert.equal(st.body.executed_amount, '0.4');
    assert.equal(st.body.remaining_amount, '0.6');
    assert.equal(st.body.avg_execution_price, '30000.00');
    assert.equal(st.body.is_live, true);
    assert.equal(st.body.trades.length, 1);
    const t = st.body.trades[0];
    assert.deepEqual(t, {
      price: '30000.00', amount: '0.4', timestamp: (T0 + 1000) / 1000, timestampms: T0 + 1000, type: 'Buy', aggressor: false,
      fee_currency: 'USD', fee_amount: '12.00', tid: t.tid, order_id: a1, exchange: 'gemini',
    });
    assert.equal(typeof t.tid, 'number');

    const mine = await alice.client.post('/v1/mytrades', { symbol: 'btcusd' });
    assert.deepEqual(mine.body, [{
      price: '30000.00', amount: '0.4', timestamp: (T0 + 1000) / 1000, timestampms: T0 + 1000, type: 'Buy', aggressor: false,
      fee_currency: 'USD', fee_amount: '12.00', tid: t.tid, order_id: a1, client_order_id: 'a-1', exchange: 'gemini',
      is_auction_fill: false, is_clearing_fill: false, symbol: 'BTCUSD',
    }]);
    const theirs = await bob.client.post('/v1/mytrades');
    assert.equal(theirs.body.length, 1);
    assert.equal(theirs.body[0].type, 'Sell');
    assert.equal(theirs.body[0].aggressor, true);
    assert.equal(theirs.body[0].fee_amount, '42.00'); // 12000 x 35 bps
    assert.equal(theirs.body[0].order_id, r.body.order_id);
    assert.equal('client_order_id' in theirs.body[0], false);

    // balances after fees
    assert.deepEqual(await amounts(alice.client, 'USD'), ['87988', '69925']);
    assert.equal((await balance(alice.client, 'BTC')).amount, '5.4');
    assert.equal((await balance(bob.client, 'USD')).amount, '111958');
    assert.equal((await balance(bob.client, 'BTC')).available, '9.6');
  });

  test('cancel; cancelling again returns the final state (200)', async () => {
    s.clock.advance(1000);
    const c = await alice.client.post('/v1/order/cancel', { order_id: Number(a1) });
    assertOk(c);
    assert.equal(c.body.is_cancelled, true);
    assert.equal(c.body.is_live, false);
    assert.equal(c.body.reason, 'Requested');
    assert.equal(c.body.executed_amount, '0.4');
    assert.equal(c.body.remaining_amount, '0.6');
    const again = await alice.client.post('/v1/order/cancel', { order_id: a1 });
    assertOk(again);
    assert.deepEqual(again.body, c.body);
    const st = await alice.client.post('/v1/order/status', { client_order_id: 'a-1' });
    assert.deepEqual(st.body, c.body);
    assert.deepEqual(await amounts(alice.client, 'USD'), ['87988', '87988']);
    assertError(await bob.client.post('/v1/order/cancel', { order_id: a1 }), 404, 'OrderNotFound');
    assertError(await alice.client.post('/v1/order/cancel', { order_id: 987654321 }), 404, 'OrderNotFound');
    assertError(await alice.client.post('/v1/order/cancel', { order_id: 'abc' }), 404, 'OrderNotFound');
    assertError(await alice.client.post('/v1/order/cancel', {}), 400, 'MissingOrderField');
  });

  test('immediate-or-cancel, fill-or-kill, maker-or-cancel, self-cross: 200 with is_cancelled and reason', async () => {
    s.clock.advance(1000);
    assertOk(await limit(alice.client, 'sell', '1', '31000.00'));
    const ioc = await limit(bob.client, 'buy', '2', '31000.00', { options: ['immediate-or-cancel'] });
    assertOk(ioc);
    assert.equal(ioc.body.is_cancelled, true);
    assert.equal(ioc.body.reason, 'ImmediateOrCancelWouldPost');
    assert.equal(ioc.body.executed_amount, '1');
    assert.equal(ioc.body.remaining_amount, '1');
    assert.deepEqual(ioc.body.options, ['immediate-or-cancel']);

    assertOk(await limit(alice.client, 'sell', '1', '31500.00'));
    const fok = await limit(bob.client, 'buy', '2', '31500.00', { options: ['fill-or-kill'] });
    assert.equal(fok.body.reason, 'FillOrKillWouldNotFill');
    assert.equal(fok.body.executed_amount, '0');
    assert.equal(fok.body.is_live, false);

    const moc = await limit(bob.client, 'buy', '0.5', '31500.00', { options: ['maker-or-cancel'] });
    assert.equal(moc.body.reason, 'MakerOrCancelWouldTake');
    assert.equal(moc.body.is_cancelled, true);
    const mocRests = await limit(bob.client, 'buy', '0.5', '31000.00', { options: ['maker-or-cancel'] });
    assert.equal(mocRests.body.is_live, true);
    assert.equal(mocRests.body.is_cancelled, false);

    const self = await limit(alice.client, 'buy', '0.1', '31500.00');
    assertOk(self);
    assert.equal(self.body.reason, 'SelfCrossPrevented');
    assert.equal(self.body.is_cancelled, true);
    assert.equal(self.body.executed_amount, '0');
  });

  test('market and stop-limit orders render as Gemini shows them', async () => {
    s.clock.advance(1000);
    const mkt = await bob.client.post('/v1/order/new', { symbol: 'btcusd', amount: '0.2', side: 'buy', type: 'exchange market' });
    assertOk(mkt);
    assert.equal(mkt.body.type, 'market buy');
    assert.equal('price' in mkt.body, false);
    assert.equal(mkt.body.executed_amount, '0.2');
    assert.equal(mkt.body.avg_execution_price, '31500.00');

    const stop = await alice.client.post('/v1/order/new', { symbol: 'btcusd', amount: '0.1', price: '25000.00', stop_price: '26000', side: 'sell', type: 'exchange stop limit' });
    assertOk(stop);
    assert.equal(stop.body.type, 'stop-limit');
    assert.equal(stop.body.stop_price, '26000.00');
    assert.equal(stop.body.price, '25000.00');
    assert.equal(stop.body.is_live, true);
  });

  test('engine rejections come back with the catalogue reason and status', async () => {
    const base = { symbol: 'btcusd', amount: '1', price: '30000.00', side: 'buy', type: 'exchange limit' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ amount: '100' }, 406, 'InsufficientFunds'],
      [{ price: '30000.001' }, 400, 'InvalidPrice'],
      [{ price: undefined }, 400, 'InvalidPrice'],
      [{ amount: '0' }, 400, 'InvalidQuantity'],
      [{ amount: undefined }, 400, 'InvalidQuantity'],
      [{ side: 'up' }, 400, 'InvalidSide'],
      [{ type: 'stop' }, 400, 'InvalidOrderType'],
      [{ type: undefined }, 400, 'InvalidOrderType'],
      [{ symbol: 'xyzusd' }, 400, 'InvalidSymbol'],
      [{ symbol: undefined }, 400, 'InvalidSymbol'],
      [{ options: 'maker-or-cancel' }, 400, 'OptionsMustBeArray'],
      [{ options: ['maker-or-cancel', 'fill-or-kill'] }, 400, 'ConflictingOptions'],
      [{ options: ['hidden'] }, 400, 'UnsupportedOption'],
      [{ client_order_id: 123 }, 400, 'ClientOrderIdMustBeString'],
      [{ client_order_id: 'x'.repeat(101) }, 400, 'ClientOrderIdTooLong'],
      [{ type: 'exchange stop limit', stop_price: '40000.00' }, 400, 'InvalidStopPriceBuy'],
    ];
    for (const [change, status, reason] of cases) {
      const p: Record<string, unknown> = { ...base, ...change };
      for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
      assertError(await alice.client.post('/v1/order/new', p), status, reason);
    }
  });

  test('active orders, cancel session, cancel all', async () => {
    s.clock.advance(1000);
    const other = await limit(alice2.client, 'buy', '0.01', '1000.00');
    const active = await alice.client.post('/v1/orders');
    assert.deepEqual(active.body.map((o: { type: string }) => o.type), ['exchange limit', 'stop-limit', 'exchange limit']);
    assert.equal(active.body[0].order_id, other.body.order_id);
    assert.equal(active.body[2].remaining_amount, '0.8'); // the 31500 ask after the market buy
    const ids = active.body.map((o: { order_id: string }) => Number(o.order_id));

    const session = await alice.client.post('/v1/order/cancel/session');
    assert.deepEqual(session.body, { result: 'ok', details: { cancelledOrders: [ids[2], ids[1]], cancelRejects: [] } });
    const all = await alice.client.post('/v1/order/cancel/all');
    assert.deepEqual(all.body, { result: 'ok', details: { cancelledOrders: [ids[0]], cancelRejects: [] } });
    assert.deepEqual((await alice.client.post('/v1/order/cancel/all')).body, { result: 'ok', details: { cancelledOrders: [], cancelRejects: [] } });
    assert.deepEqual((await alice.client.post('/v1/orders')).body, []);
  });

  test('order history: newest first, with trades, filters and limits', async () => {
    const h = await alice.client.post('/v1/orders/history');
    assertOk(h);
    assert.ok(h.body.length >= 6);
    for (const o of h.body) {
      assert.equal(o.is_live, false);
      assert.ok(Array.isArray(o.trades));
    }
    const times = h.body.map((o: { timestampms: number }) => o.timestampms);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const a1 = h.body.find((o: { client_order_id?: string }) => o.client_order_id === 'a-1');
    assert.equal(a1.trades.length, 1);
    assert.equal(a1.reason, 'Requested');
    assert.equal((await alice.client.post('/v1/orders/history', { limit_orders: 2 })).body.length, 2);
    assert.deepEqual((await alice.client.post('/v1/orders/history', { symbol: 'ethusd' })).body, []);
    const since = await alice.client.post('/v1/orders/history', { timestamp: (T0 + 4000) / 1000 });
    const sinceMs = await alice.client.post('/v1/orders/history', { timestamp: String(T0 + 4000) });
    assert.deepEqual(since.body, sinceMs.body);
    assert.ok(since.body.length > 0 && since.body.every((o: { timestampms: number }) => o.timestampms >= T0 + 4000));
    assertError(await alice.client.post('/v1/orders/history', { timestamp: 'yesterday' }), 400, 'InvalidTimestampInPayload');
    assertError(await alice.client.post('/v1/orders/history', { limit_orders: 'many' }), 400, 'InvalidParameter');
    assertError(await alice.client.post('/v1/orders/history', { symbol: 'nope' }), 400, 'InvalidSymbol');
  });

  test('my trades: limits and timestamps (s or ms)', async () => {
    const all = await alice.client.post('/v1/mytrades');
    assert.equal(all.body.length, 3);
    assert.deepEqual(all.body.map((t: { price: string }) => t.price), ['31500.00', '31000.00', '30000.00']);
    assert.deepEqual(all.body.map((t: { fee_amount: string }) => t.fee_amount), ['6.30', '31.00', '12.00']);
    assert.equal((await alice.client.post('/v1/mytrades', { limit_trades: 1 })).body[0].price, '31500.00');
    const s1 = await alice.client.post('/v1/mytrades', { timestamp: (T0 + 3000) / 1000, limit_trades: '500' });
    const s2 = await alice.client.post('/v1/mytrades', { timestamp: T0 + 3000 });
    assert.deepEqual(s1.body, s2.body);
    assert.equal(s1.body.length, 2);
    assert.deepEqual((await alice.client.post('/v1/mytrades', { symbol: 'ethusd' })).body, []);
    assertError(await alice.client.post('/v1/mytrades', { limit_trades: 0 }), 400, 'InvalidParameter');
  });

  test('trade volume and notional volume', async () => {
    const tv = await alice.client.post('/v1/tradevolume');
    assertOk(tv);
    assert.deepEqual(tv.body, [[{
      symbol: 'btcusd', base_currency: 'BTC', notional_currency: 'USD', data_date: '2025-06-02',
      total_volume_base: 1.6, maker_buy_sell_ratio: 1 / 3,
      buy_maker_base: 0.4, buy_maker_notional: 12000, buy_maker_count: 1,
      sell_maker_base: 1.2, sell_maker_notional: 37300, sell_maker_count: 2,
      buy_taker_base: 0, buy_taker_notional: 0, buy_taker_count: 0,
      sell_taker_base: 0, sell_taker_notional: 0, sell_taker_count: 0,
    }]]);
    const carol = await s.trader('Carol');
    assert.deepEqual((await carol.client.post('/v1/tradevolume')).body, [[]]);

    const nv = await alice.client.post('/v1/notionalvolume', { symbol: 'btcusd' });
    assertOk(nv);
    assert.deepEqual(nv.body, {
      web_maker_fee_bps: 10, web_taker_fee_bps: 35, web_auction_fee_bps: 10,
      api_maker_fee_bps: 10, api_taker_fee_bps: 35, api_auction_fee_bps: 10,
      fix_maker_fee_bps: 10, fix_taker_fee_bps: 35, fix_auction_fee_bps: 10,
      notional_30d_volume: 49300, api_notional_30d_volume: 49300,
      last_updated_ms: s.clock.now(), date: '2025-06-02',
      notional_1d_volume: [{ date: '2025-06-02', notional_volume: 49300 }],
    });
    const dave = await s.trader('Dave', {}, {}, { makerBps: 0, takerBps: 20 });
    const dnv = await dave.client.post('/v1/notionalvolume');
    assert.equal(dnv.body.api_maker_fee_bps, 0);
    assert.equal(dnv.body.api_taker_fee_bps, 20);
    assert.equal(dnv.body.notional_30d_volume, 0);
    assert.deepEqual(dnv.body.notional_1d_volume, []);
    assertError(await alice.client.post('/v1/notionalvolume', { symbol: 'nope' }), 400, 'InvalidSymbol');
  });
});

describe('account endpoints', () => {
  test('heartbeat', async () => {
    const r = await alice.client.post('/v1/heartbeat');
    assert.deepEqual(r.body, { result: 'ok' });
  });

  test('balances list every currency with string amounts', async () => {
    const r = await bob.client.post('/v1/balances');
    assertOk(r);
    const currencies = [...s.exchange.engine.state.currencies].sort();
    assert.deepEqual(r.body.map((b: { currency: string }) => b.currency), currencies);
    for (const b of r.body) {
      assert.deepEqual(Object.keys(b), ['type', 'currency', 'amount', 'available', 'availableForWithdrawal', '_timestamp']);
      assert.equal(b.type, 'exchange');
      for (const f of ['amount', 'available', 'availableForWithdrawal']) assert.match(b[f], /^\d+(\.\d+)?$/);
      assert.match(b._timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
    const eth = r.body.find((b: { currency: string }) => b.currency === 'ETH');
    assert.deepEqual([eth.amount, eth.available], ['0', '0']);
  });

  test('roles and account details', async () => {
    assert.deepEqual((await alice.client.post('/v1/roles')).body, { isAuditor: false, isFundManager: false, isTrader: true });
    const a = await alice.client.post('/v1/account');
    assert.deepEqual(a.body, { account: { accountName: 'Alice', shortName: 'alice', type: 'exchange', created: String(T0) }, users: [] });
  });

  test('wrap: no symbol is wrap-enabled', async () => {
    assertError(await alice.client.post('/v1/wrap/GUSDUSD', { amount: '1', side: 'buy' }), 400, 'InvalidSymbol');
    const r = await alice.client.post('/v1/wrap/BTCUSD', { amount: '1', side: 'buy' });
    assertError(r, 400, 'InvalidSymbol');
    assert.match(r.body.message, /BTCUSD/);
    assertError(await alice.client.post('/v1/wrap/BTCUSD', {}, { request: '/v1/wrap/GUSDUSD' }), 400, 'EndpointMismatch');
  });
});
