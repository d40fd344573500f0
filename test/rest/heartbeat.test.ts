/**
 * Require-heartbeat over HTTP with a VirtualClock: a silent session's orders are cancelled with
 * reason HeartbeatTimeout once 30 s pass without a private request; heartbeats (or any private
 * request) keep them alive; other keys' orders are untouched; master keys never time out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertOk } from './assert-error.js';
import type { GeminiClient } from './client.js';
import { eventually, startServer, type TestServer } from './harness.js';

let s: TestServer;

before(async () => {
  s = await startServer();
});
after(() => s.close());

function buy(c: GeminiClient, price: string, extra: Record<string, unknown> = {}) {
  return c.post('/v1/order/new', { symbol: 'btcusd', amount: '0.1', price, side: 'buy', type: 'exchange limit', ...extra });
}

/** the order's status, read with a key that is not under test (reads never touch other keys) */
async function status(reader: GeminiClient, id: string, extra: Record<string, unknown> = {}) {
  const r = await reader.post('/v1/order/status', { order_id: id, ...extra });
  assertOk(r);
  return r.body;
}

async function cancelledEventually(reader: GeminiClient, id: string, extra: Record<string, unknown> = {}) {
  return eventually(async () => {
    const r = await reader.post('/v1/order/status', { order_id: id, ...extra });
    return r.status === 200 && r.body.is_cancelled === true ? r.body : undefined;
  });
}

describe('require heartbeat', () => {
  test('heartbeats at 20 s and 40 s keep an order alive; at 71 s it is cancelled; another key is untouched', async () => {
    const hb = await s.trader('Heart', { USD: '100000' }, { requireHeartbeat: true });
    const plain = s.key({ account: hb.account });
    const t0 = s.clock.now();
    const mine = await buy(hb.client, '1000.00');
    const theirs = await buy(plain.client, '1001.00');
    assertOk(mine);
    assertOk(theirs);

    s.clock.set(t0 + 20_000);
    assert.deepEqual((await hb.client.post('/v1/heartbeat')).body, { result: 'ok' });
    s.clock.set(t0 + 40_000);
    assert.deepEqual((await hb.client.post('/v1/heartbeat')).body, { result: 'ok' });
    s.clock.set(t0 + 69_000);
    assert.equal((await status(plain.client, mine.body.order_id)).is_live, true);

    s.clock.set(t0 + 71_000);
    const cancelled = await cancelledEventually(plain.client, mine.body.order_id);
    assert.equal(cancelled.reason, 'HeartbeatTimeout');
    assert.equal(cancelled.is_live, false);
    const other = await status(plain.client, theirs.body.order_id);
    assert.equal(other.is_live, true);
    assert.equal(other.is_cancelled, false);

    // the session keeps working; a new order is watched again
    const again = await buy(hb.client, '999.00');
    assert.equal(again.body.is_live, true);
    s.clock.advance(31_000);
    assert.equal((await cancelledEventually(plain.client, again.body.order_id)).reason, 'HeartbeatTimeout');
    assertOk(await plain.client.post('/v1/order/cancel/all'));
  });

  test('any private request resets the timer', async () => {
    const hb = await s.trader('Pulse', { USD: '100000' }, { requireHeartbeat: true });
    const reader = s.key({ account: hb.account, roles: ['Auditor'] });
    const t0 = s.clock.now();
    const o = await buy(hb.client, '1000.00');
    s.clock.set(t0 + 25_000);
    assertOk(await hb.client.post('/v1/balances'));
    s.clock.set(t0 + 50_000);
    assertOk(await hb.client.post('/v1/orders'));
    s.clock.set(t0 + 79_000);
    assert.equal((await status(reader.client, o.body.order_id)).is_live, true);
    s.clock.set(t0 + 81_000);
    assert.equal((await cancelledEventually(reader.client, o.body.order_id)).reason, 'HeartbeatTimeout');
  });

  test('master keys never time out', async () => {
    const acct = await s.trader('Steady', { USD: '100000' });
    const master = s.key({ scope: 'master', roles: ['Trader'], requireHeartbeat: true });
    const o = await buy(master.client, '1000.00', { account: acct.account });
    assertOk(o);
    s.clock.advance(120_000);
    await new Promise((r) => setTimeout(r, 30));
    const st = await status(acct.client, o.body.order_id);
    assert.equal(st.is_live, true);
    assert.equal(st.is_cancelled, false);
  });
});
