/**
 * Trading over the current WebSocket API: order.place / order.cancel / cancel_all /
 * cancel_session behave as their REST counterparts (same commands, same outcomes, same
 * rejections from the one catalogue), roles, and cancelOnDisconnect.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, signedHeaders, sleep, startServer, type Client, type Trader, type WsServer } from './harness.js';

let srv: WsServer;
let mm: Trader;
let viaRest: Trader;
let viaWs: Trader;
let ws: Client;

const FUNDS = { USD: '10000', BTC: '10' };

before(async () => {
  srv = await startServer();
  mm = await srv.trader('Market Maker', { USD: '1000000', BTC: '1000' });
  viaRest = await srv.trader('Rest Trader', FUNDS);
  viaWs = await srv.trader('Ws Trader', FUNDS);
  ws = await connect(srv.wsUrl, { headers: signedHeaders(viaWs.key) });
});
after(async () => {
  await ws.close();
  await srv.close();
});

/** the same liquidity before each order: asks 100 x1, 101 x1; bids 99 x1 */
async function freshBook(): Promise<void> {
  for (const t of [mm, viaRest, viaWs]) await t.rest.post('/v1/order/cancel/all', {});
  for (const [side, price] of [['sell', '100.00'], ['sell', '101.00'], ['buy', '99.00']]) {
    const r = await mm.rest.post('/v1/order/new', { symbol: 'btcusd', side, type: 'exchange limit', amount: '1', price });
    assert.equal(r.status, 200, r.text);
  }
}

interface Case {
  name: string;
  rest: Record<string, unknown>;
  ws: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'limit that rests', rest: { side: 'buy', type: 'exchange limit', amount: '0.5', price: '98.00' }, ws: { side: 'BUY', type: 'LIMIT', quantity: '0.5', price: '98.00' } },
  { name: 'limit that partly fills and rests', rest: { side: 'buy', type: 'exchange limit', amount: '1.5', price: '100.00' }, ws: { side: 'buy', type: 'limit', quantity: '1.5', price: '100.00', timeInForce: 'GTC' } },
  { name: 'IOC', rest: { side: 'buy', type: 'exchange limit', amount: '1.5', price: '100.00', options: ['immediate-or-cancel'] }, ws: { side: 'BUY', type: 'LIMIT', quantity: '1.5', price: '100.00', timeInForce: 'IOC' } },
  { name: 'FOK', rest: { side: 'buy', type: 'exchange limit', amount: '3', price: '101.00', options: ['fill-or-kill'] }, ws: { side: 'BUY', type: 'LIMIT', quantity: '3', price: '101.00', timeInForce: 'FOK' } },
  { name: 'MOC', rest: { side: 'buy', type: 'exchange limit', amount: '1', price: '100.00', options: ['maker-or-cancel'] }, ws: { side: 'BUY', type: 'LIMIT', quantity: '1', price: '100.00', timeInForce: 'MOC' } },
  { name: 'makerOrCancel flag', rest: { side: 'sell', type: 'exchange limit', amount: '1', price: '99.00', options: ['maker-or-cancel'] }, ws: { side: 'SELL', type: 'LIMIT', quantity: '1', price: '99.00', makerOrCancel: true } },
  { name: 'market', rest: { side: 'buy', type: 'exchange market', amount: '1.5' }, ws: { side: 'BUY', type: 'MARKET', quantity: '1.5' } },
  { name: 'stop limit', rest: { side: 'sell', type: 'exchange stop limit', amount: '1', price: '90.00', stop_price: '95.00' }, ws: { side: 'SELL', type: 'LIMIT', quantity: '1', price: '90.00', stopPrice: '95.00' } },
  { name: 'client order id', rest: { side: 'buy', type: 'exchange limit', amount: '0.1', price: '50.00', client_order_id: 'abc' }, ws: { side: 'BUY', type: 'LIMIT', quantity: '0.1', price: '50.00', clientOrderId: 'abc' } },
  { name: 'insufficient funds', rest: { side: 'buy', type: 'exchange limit', amount: '500', price: '98.00' }, ws: { side: 'BUY', type: 'LIMIT', quantity: '500', price: '98.00' } },
  { name: 'bad price', rest: { side: 'buy', type: 'exchange limit', amount: '1', price: '98.001' }, ws: { side: 'BUY', type: 'LIMIT', quantity: '1', price: '98.001' } },
  { name: 'bad side', rest: { side: 'up', type: 'exchange limit', amount: '1', price: '98.00' }, ws: { side: 'UP', type: 'LIMIT', quantity: '1', price: '98.00' } },
  { name: 'bad type', rest: { side: 'buy', type: 'iceberg', amount: '1', price: '98.00' }, ws: { side: 'BUY', type: 'iceberg', quantity: '1', price: '98.00' } },
  { name: 'unknown symbol', rest: { symbol: 'zzzusd', side: 'buy', type: 'exchange limit', amount: '1', price: '98.00' }, ws: { symbol: 'zzzusd', side: 'BUY', type: 'LIMIT', quantity: '1', price: '98.00' } },
  { name: 'stop with IOC', rest: { side: 'sell', type: 'exchange stop limit', amount: '1', price: '90.00', stop_price: '95.00', options: ['immediate-or-cancel'] }, ws: { side: 'SELL', type: 'LIMIT', quantity: '1', price: '90.00', stopPrice: '95.00', timeInForce: 'IOC' } },
];


/** REST's order object in the socket's terms */
function fromRest(o: any): Record<string, unknown> {
  const executed = Number(o.executed_amount);
  const status = o.is_cancelled ? 'CANCELED' : executed >= Number(o.original_amount) ? 'FILLED' : executed > 0 ? 'PARTIALLY_FILLED' : 'NEW';
  return { side: o.side.toUpperCase(), price: o.price, stopPrice: o.stop_price, origQty: o.original_amount, executedQty: o.executed_amount, status, reason: o.reason, clientOrderId: o.client_order_id };
}

function fromWs(r: any): Record<string, unknown> {
  return { side: r.side, price: r.price, stopPrice: r.stopPrice, origQty: r.origQty, executedQty: r.executedQty, status: r.status, reason: r.reason, clientOrderId: r.clientOrderId };
}

describe('order.place equals /v1/order/new', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      await freshBook();
      const r = await viaRest.rest.post('/v1/order/new', { symbol: 'btcusd', ...c.rest });
      await freshBook();
      const w = await ws.request('order.place', { symbol: 'btcusd', ...c.ws });
      if (r.status !== 200) {
        assert.equal(w.status, r.status, `${c.name}: status`);
        assert.equal(w.error.reason, r.body.reason);
        assert.equal(w.error.msg, r.body.message);
        assert.equal(w.error.code, -2010);
        return;
      }
      assert.equal(w.status, 200, JSON.stringify(w));
      assert.deepEqual(fromWs(w.result), fromRest(r.body));
      assert.equal(w.result.symbol, 'BTCUSD');
      assert.equal(typeof w.result.orderId, 'number');
    });
  }
  test('a fill reports the quote quantity exactly', async () => {
    await freshBook();
    const w = await ws.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '1.5', price: '101.00', timeInForce: 'IOC' });
    assert.equal(w.result.executedQty, '1.5');
    assert.equal(w.result.cumulativeQuoteQty, '150.50');
    assert.equal(w.result.status, 'FILLED');
  });
});

describe('cancels equal REST', () => {
  test('order.cancel: by id, by clientOrderId, again (final state), foreign order (OrderNotFound)', async () => {
    await freshBook();
    const a = (await ws.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '0.2', price: '90.00' })).result;
    const b = (await ws.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '0.2', price: '91.00', clientOrderId: 'cid-b' })).result;
    const ca = await ws.request('order.cancel', { orderId: a.orderId });
    assert.equal(ca.result.status, 'CANCELED');
    assert.equal(ca.result.reason, 'Requested');
    const cb = await ws.request('order.cancel', { clientOrderId: 'cid-b' });
    assert.equal(cb.result.orderId, b.orderId);
    assert.equal(cb.result.status, 'CANCELED');
    // again: final state, 200, as REST
    const again = await ws.request('order.cancel', { orderId: String(a.orderId) });
    assert.equal(again.status, 200);
    assert.deepEqual(again.result, ca.result);
    const restAgain = await viaWs.rest.post('/v1/order/cancel', { order_id: a.orderId });
    assert.equal(restAgain.status, 200);
    assert.equal(restAgain.body.is_cancelled, true);
    const byCid = await ws.request('order.cancel', { clientOrderId: 'cid-b' });
    assert.equal(byCid.result.orderId, b.orderId);
    // another account's order
    const mmOrder = (await mm.rest.post('/v1/order/new', { symbol: 'btcusd', side: 'buy', type: 'exchange limit', amount: '1', price: '10.00' })).body;
    const foreign = await ws.request('order.cancel', { orderId: mmOrder.order_id });
    const restForeign = await viaWs.rest.post('/v1/order/cancel', { order_id: mmOrder.order_id });
    assert.equal(foreign.status, restForeign.status);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.error.reason, restForeign.body.reason);
    assert.equal(foreign.error.code, -2011);
    assert.equal((await ws.request('order.cancel', { clientOrderId: 'never' })).error.reason, 'OrderNotFound');
  });

  test('order.cancel_all (all, one symbol) and order.cancel_session', async () => {
    await freshBook();
    const place = async (symbol: string, price: string) => (await ws.request('order.place', { symbol, side: 'BUY', type: 'LIMIT', quantity: '0.01', price })).result.orderId as number;
    const e1 = await place('ethusd', '10.00');
    const b1 = await place('btcusd', '10.00');
    const b2 = await place('btcusd', '11.00');
    const one = await ws.request('order.cancel_all', { symbol: 'ETHUSD' });
    assert.deepEqual(one.result, { cancelledOrders: [e1] });
    // an order of the account placed with another key: cancel_session leaves it, cancel_all takes it
    const other = srv.exchange.createKey({ account: viaWs.account });
    const { GeminiClient } = await import('../../rest/client.js');
    const o = (await new GeminiClient(srv.url, other.key, other.secret).post('/v1/order/new', { symbol: 'btcusd', side: 'buy', type: 'exchange limit', amount: '0.01', price: '12.00' })).body;
    const sess = await ws.request('order.cancel_session');
    assert.deepEqual(sess.result, { cancelledOrders: [b1, b2] });
    const all = await ws.request('order.cancel_all', {});
    assert.deepEqual(all.result, { cancelledOrders: [Number(o.order_id)] });
    assert.deepEqual((await ws.request('order.cancel_all')).result, { cancelledOrders: [] });
  });
});

describe('roles', () => {
  test('order.* needs the Trader role; an Auditor may read orders@account', async () => {
    const auditor = srv.exchange.createKey({ account: viaWs.account, roles: ['Auditor'] });
    const c = await connect(srv.wsUrl, { headers: signedHeaders(auditor) });
    const r = await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '1', price: '1.00' });
    assert.equal(r.status, 403);
    assert.equal(r.error.code, -1003);
    assert.equal((await c.request('order.cancel_session')).status, 403);
    assert.equal((await c.request('subscribe', ['orders@account', 'balances@account'])).status, 200);
    const fm = srv.exchange.createKey({ account: viaWs.account, roles: ['FundManager'] });
    const f = await connect(srv.wsUrl, { headers: signedHeaders(fm) });
    assert.equal((await f.request('subscribe', ['orders@account'])).status, 403);
    assert.equal((await f.request('subscribe', ['balances@account'])).status, 200);
    await c.close();
    await f.close();
  });
});

describe('cancelOnDisconnect', () => {
  async function openOrdersOf(session: string): Promise<number[]> {
    return [...srv.exchange.engine.state.orders.values()].filter((o) => o.session === session).map((o) => o.id);
  }
  async function until(fn: () => Promise<boolean>): Promise<void> {
    const end = Date.now() + 3000;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error('timed out');
      await sleep(10);
    }
  }

  for (const how of ['close', 'terminate'] as const) {
    test(`cancels the session's open orders when the socket ends (${how})`, async () => {
      const t = await srv.trader(`Cod ${how}`, FUNDS);
      const other = srv.exchange.createKey({ account: t.account });
      const c = await connect(srv.wsUrl, { headers: signedHeaders(t.key), query: 'cancelOnDisconnect=true' });
      assert.equal((await c.request('conninfo')).result.cancelOnDisconnect, true);
      await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '0.1', price: '10.00' });
      await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '0.1', price: '11.00' });
      await t.rest.post('/v1/order/new', { symbol: 'btcusd', side: 'buy', type: 'exchange limit', amount: '0.1', price: '12.00' }); // same key via REST
      const { GeminiClient } = await import('../../rest/client.js');
      const kept = (await new GeminiClient(srv.url, other.key, other.secret).post('/v1/order/new', { symbol: 'btcusd', side: 'buy', type: 'exchange limit', amount: '0.1', price: '13.00' })).body;
      const ids = await openOrdersOf(t.key.key);
      assert.equal(ids.length, 3);
      if (how === 'close') await c.close();
      else c.ws.terminate();
      await until(async () => (await openOrdersOf(t.key.key)).length === 0 && ids.every((id) => srv.exchange.history.closedOrder(id) !== undefined));
      for (const id of ids) assert.equal(srv.exchange.history.closedOrder(id)?.reason, 'Requested');
      assert.ok(srv.exchange.engine.order(Number(kept.order_id)) !== undefined, "another key's order stays");
    });
  }

  test('without the flag orders stay', async () => {
    const t = await srv.trader('No Cod', FUNDS);
    const c = await connect(srv.wsUrl, { headers: signedHeaders(t.key), query: 'cancelOnDisconnect=false' });
    await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', quantity: '0.1', price: '10.00' });
    await c.close();
    await sleep(100);
    assert.equal((await openOrdersOf(t.key.key)).length, 1);
  });
});
