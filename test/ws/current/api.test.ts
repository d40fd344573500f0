/**
 * The current WebSocket API over real connections: handshake authentication, every utility
 * method, the envelope and bad frames.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, refused, signedHeaders, startServer, type Trader, type WsServer } from './harness.js';

let srv: WsServer;
let alice: Trader;

before(async () => {
  srv = await startServer();
  alice = await srv.trader('Alice', { USD: '100000', BTC: '10' });
});
after(async () => srv.close());

describe('handshake', () => {
  test('anonymous connections get market data only', async () => {
    const c = await connect(srv.wsUrl);
    const info = await c.request('conninfo');
    assert.equal(info.status, 200);
    assert.equal(info.result.authenticated, false);
    const r = await c.request('subscribe', ['orders@account']);
    assert.deepEqual(r, { id: r.id, status: 401, error: { code: -1002, msg: r.error.msg } });
    assert.match(r.error.msg, /^Authentication required/);
    const o = await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', price: '1.00', quantity: '1' });
    assert.equal(o.status, 401);
    assert.equal(o.error.code, -1002);
    await c.close();
  });

  test('signed upgrade (nonce in seconds, ms or ns) authenticates as the account key', async () => {
    const sec = Math.floor(Date.now() / 1000);
    for (const nonce of [String(sec), String(Date.now()), `${Date.now()}000000`]) {
      const c = await connect(srv.wsUrl, { headers: signedHeaders(alice.key, nonce) });
      const info = await c.request('conninfo');
      assert.equal(info.result.authenticated, true, nonce);
      assert.equal(info.result.account, alice.account);
      assert.equal(info.result.apiKey, alice.key.key);
      await c.close();
    }
  });

  test('a REST-style JSON payload with the same nonce is accepted too', async () => {
    const nonce = String(Math.floor(Date.now() / 1000));
    const h = signedHeaders(alice.key, nonce);
    const payload = Buffer.from(JSON.stringify({ request: '/', nonce })).toString('base64');
    const { createHmac } = await import('node:crypto');
    const c = await connect(srv.wsUrl, {
      headers: { ...h, 'X-GEMINI-PAYLOAD': payload, 'X-GEMINI-SIGNATURE': createHmac('sha384', alice.key.secret).update(payload).digest('hex') },
    });
    assert.equal((await c.request('conninfo')).result.authenticated, true);
    await c.close();
  });

  test('bad authentication is refused with 401 on the raw socket', async () => {
    const good = signedHeaders(alice.key);
    const cases: [string, Record<string, string>, string][] = [
      ['wrong signature', { ...good, 'X-GEMINI-SIGNATURE': 'ab'.repeat(48) }, 'InvalidSignature'],
      ['unknown key', { ...good, 'X-GEMINI-APIKEY': 'account-nosuchkey' }, 'InvalidSignature'],
      ['missing signature', { 'X-GEMINI-APIKEY': good['X-GEMINI-APIKEY']!, 'X-GEMINI-NONCE': good['X-GEMINI-NONCE']!, 'X-GEMINI-PAYLOAD': good['X-GEMINI-PAYLOAD']! }, 'MissingSignatureHeader'],
      ['missing payload', { 'X-GEMINI-APIKEY': good['X-GEMINI-APIKEY']!, 'X-GEMINI-SIGNATURE': good['X-GEMINI-SIGNATURE']! }, 'MissingPayloadHeader'],
      ['missing key', { 'X-GEMINI-PAYLOAD': good['X-GEMINI-PAYLOAD']! }, 'MissingApikeyHeader'],
      ['stale nonce', signedHeaders(alice.key, String(Math.floor(Date.now() / 1000) - 120)), 'InvalidNonce'],
      ['nonce header differs from payload', { ...good, 'X-GEMINI-NONCE': String(Number(good['X-GEMINI-NONCE']) + 1) }, 'InvalidNonce'],
      ['OAuth', { Authorization: 'Bearer abc' }, 'InvalidSignature'],
    ];
    for (const [name, headers, reason] of cases) {
      const r = await refused(srv.wsUrl, { headers });
      assert.equal(r.status, 401, name);
      assert.equal(r.body.result, 'error', name);
      assert.equal(r.body.reason, reason, name);
      assert.equal(typeof r.body.message, 'string');
    }
  });

  test('master keys are refused with 401', async () => {
    const master = srv.exchange.createKey({ scope: 'master', roles: ['Trader'] });
    const r = await refused(srv.wsUrl, { headers: signedHeaders(master) });
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'NotGroupApiCompatible');
  });

  test('bad URL parameters are refused with 400; other paths with 404', async () => {
    assert.equal((await refused(srv.wsUrl, { query: 'snapshot=lots' })).status, 400);
    assert.equal((await refused(srv.wsUrl, { query: 'cancelOnDisconnect=maybe' })).status, 400);
    const r = await refused(srv.wsUrl, { path: '/v3/nothing' });
    assert.equal(r.status, 404);
  });

  test('the upgrade touches the key (require-heartbeat) and so does every request', async () => {
    const hb = srv.exchange.createKey({ account: alice.account, requireHeartbeat: true });
    const c = await connect(srv.wsUrl, { headers: signedHeaders(hb) });
    const t0 = srv.exchange.keys.seen(hb.key);
    assert.equal(t0, srv.clock.now());
    srv.clock.advance(1000);
    await c.request('ping');
    assert.equal(srv.exchange.keys.seen(hb.key), srv.clock.now());
    await c.close();
  });
});

describe('methods', () => {
  test('ping, time, conninfo; method names are case-insensitive; ids echo as sent', async () => {
    const c = await connect(srv.wsUrl);
    assert.deepEqual(await c.request('ping', undefined, 7), { id: 7, status: 200, result: {} });
    assert.deepEqual(await c.request('PING', undefined, 'x'), { id: 'x', status: 200, result: {} });
    assert.deepEqual(await c.request('time', undefined, 1), { id: 1, status: 200, result: srv.clock.now() });
    const info = await c.request('ConnInfo');
    assert.ok(Array.isArray(info.result.rateLimits));
    assert.equal(info.result.cancelOnDisconnect, false);
    await c.close();
  });

  test('subscribe / list_subscriptions / unsubscribe', async () => {
    const c = await connect(srv.wsUrl);
    assert.deepEqual(await c.request('SUBSCRIBE', ['BTCUSD@bookTicker', 'btcusd@trade', 'ethusd@depth5@100ms', 'btcusd@depth'], 1), { id: 1, status: 200, result: null });
    assert.deepEqual((await c.request('list_subscriptions')).result, ['btcusd@bookTicker', 'btcusd@trade', 'ethusd@depth5@100ms', 'btcusd@depth']);
    assert.equal((await c.request('unsubscribe', ['btcusd@trade', 'nosuch@stream', 'ethusd@trade'])).status, 200);
    assert.deepEqual((await c.request('LIST_SUBSCRIPTIONS')).result, ['btcusd@bookTicker', 'ethusd@depth5@100ms', 'btcusd@depth']);
    // the object form is refused, as on Gemini
    const obj = await c.request('subscribe', { streams: ['btcusd@trade'] });
    assert.equal(obj.status, 400);
    assert.equal(obj.error.code, -1013);
    // one bad name refuses the whole request
    const bad = await c.request('subscribe', ['btcusd@trade', 'btcusd@nonsense']);
    assert.equal(bad.error.code, -1013);
    const sym = await c.request('subscribe', ['zzzusd@trade']);
    assert.equal(sym.error.code, -1013);
    assert.equal(sym.error.reason, 'InvalidSymbol');
    assert.ok(!(await c.request('list_subscriptions')).result.includes('btcusd@trade'));
    await c.close();
  });

  test('depth: snapshot with lastUpdateId, limit rules', async () => {
    const bob = await srv.trader('Bob', { USD: '100000', BTC: '10' });
    for (const [side, price] of [['buy', '100.00'], ['buy', '99.00'], ['sell', '101.00']] as const) {
      const r = await bob.rest.post('/v1/order/new', { symbol: 'btcusd', side, type: 'exchange limit', amount: '0.5', price });
      assert.equal(r.status, 200, r.text);
    }
    const c = await connect(srv.wsUrl);
    const d = await c.request('depth', { symbol: 'BTCUSD', limit: 1 });
    assert.equal(d.status, 200);
    assert.deepEqual(d.result.bids, [['100.00', '0.5']]);
    assert.deepEqual(d.result.asks, [['101.00', '0.5']]);
    assert.ok(Number.isSafeInteger(d.result.lastUpdateId) && d.result.lastUpdateId > 0);
    assert.ok(d.result.lastUpdateId <= srv.exchange.store.sequencer.lastSeq, 'update ids grow at most one per command');
    const all = await c.request('depth', { symbol: 'btcusd' });
    assert.deepEqual(all.result.bids, [['100.00', '0.5'], ['99.00', '0.5']]);
    for (const limit of [0, 5001, 'x', 1.5]) assert.equal((await c.request('depth', { symbol: 'btcusd', limit })).error.code, -1013, String(limit));
    const unknown = await c.request('depth', { symbol: 'nosuch' });
    assert.equal(unknown.error.reason, 'InvalidSymbol');
    assert.equal((await c.request('depth', ['btcusd'])).error.code, -1013);
    await bob.rest.post('/v1/order/cancel/all', {});
    await c.close();
  });
});

describe('bad frames', () => {
  test('not JSON, not an object, no method, unknown method, oversize: error replies, connection stays up', async () => {
    const c = await connect(srv.wsUrl);
    const cases: [string, number][] = [
      ['not json', -1100],
      ['[1,2]', -1100],
      ['"text"', -1100],
      ['{"id":5}', -1100],
      ['{"id":6,"method":42}', -1100],
      ['{"id":7,"method":"order.explode"}', -1020],
      [JSON.stringify({ id: 8, method: 'ping', pad: 'x'.repeat(20_000) }), -1100],
    ];
    for (const [text, code] of cases) {
      const from = c.frames.length;
      c.sendRaw(text);
      const f = await c.next((x) => 'error' in x, 2000, from);
      assert.equal(f.error.code, code, text.slice(0, 40));
      assert.equal(f.status, 400);
      // an oversize frame is not parsed, so its id is unknown (null)
      assert.equal(f.id, text.startsWith('{"id":') && text.length < 1000 ? Number(text.slice(6, 7)) : null);
    }
    c.ws.send(Buffer.from('{"id":"bin","method":"ping"}'), { binary: true });
    assert.deepEqual(await c.next((x) => x['id'] === 'bin'), { id: 'bin', status: 200, result: {} });
    assert.deepEqual(await c.request('ping', undefined, 9), { id: 9, status: 200, result: {} });
    await c.close();
  });

  test('order.* with bad params answer -1013 or a catalogue rejection, never crash', async () => {
    const c = await connect(srv.wsUrl, { headers: signedHeaders(alice.key) });
    assert.equal((await c.request('order.place', ['btcusd'])).error.code, -1013);
    assert.equal((await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', price: '1.00', quantity: '1', timeInForce: 'DAY' })).error.code, -1013);
    const noQty = await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', price: '1.00' });
    assert.equal(noQty.error.code, -2010);
    assert.equal(noQty.error.reason, 'InvalidQuantity');
    assert.equal((await c.request('order.cancel', {})).error.code, -1013);
    assert.equal((await c.request('order.cancel', { orderId: { x: 1 } })).error.reason, 'OrderNotFound');
    assert.equal((await c.request('order.cancel_all', { symbol: 'nosuch' })).error.reason, 'InvalidSymbol');
    assert.deepEqual(await c.request('ping', undefined, 10), { id: 10, status: 200, result: {} });
    await c.close();
  });
});
