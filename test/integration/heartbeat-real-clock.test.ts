/**
 * SLOW INTEGRATION TEST (real clock): require-heartbeat with the system clock and a shortened
 * timeout, through signed HTTP, as a client would see it. The virtual-clock tests in test/rest/
 * prove the exact 30-second rules; this one proves the real timer path fires on its own.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startExchange, type RunningExchange } from '../../src/index.js';
import { GeminiClient } from '../rest/client.js';

const TIMEOUT_MS = 800;
let ex: RunningExchange;
let hb: GeminiClient;
let plain: GeminiClient;

before(async () => {
  ex = await startExchange({
    clock: 'system',
    heartbeatTimeoutMs: TIMEOUT_MS,
    accounts: [
      { name: 'Hb', funds: { USD: '100000' }, keys: [{ requireHeartbeat: true }] },
      { name: 'Plain', funds: { USD: '100000' }, keys: [{}] },
    ],
  });
  const k1 = ex.accounts[0]!.keys[0]!;
  const k2 = ex.accounts[1]!.keys[0]!;
  assert.equal(k1.requireHeartbeat, true);
  hb = new GeminiClient(ex.url, k1.key, k1.secret);
  plain = new GeminiClient(ex.url, k2.key, k2.secret);
});

after(async () => {
  await ex.close();
});

const order = { symbol: 'btcusd', amount: '0.01', price: '100.00', side: 'buy', type: 'exchange limit' };

test('real clock: heartbeats keep orders alive; silence past the timeout cancels them with HeartbeatTimeout', async () => {
  const placed = await hb.post('/v1/order/new', order);
  assert.equal(placed.status, 200, placed.text);
  const other = await plain.post('/v1/order/new', order);
  assert.equal(other.status, 200, other.text);

  // keep it alive for more than two timeouts with heartbeats every quarter timeout
  const until = Date.now() + TIMEOUT_MS * 2.5;
  while (Date.now() < until) {
    assert.equal((await hb.post('/v1/heartbeat')).status, 200);
    await sleep(TIMEOUT_MS / 4);
  }
  let st = await hb.post('/v1/order/status', { order_id: placed.body.order_id });
  assert.equal(st.body.is_live, true, 'heartbeats keep the order alive');

  // go silent: the exchange's own timer must cancel it
  await sleep(TIMEOUT_MS * 2.5);
  st = await hb.post('/v1/order/status', { order_id: placed.body.order_id });
  assert.equal(st.body.is_live, false);
  assert.equal(st.body.is_cancelled, true);
  assert.equal(st.body.reason, 'HeartbeatTimeout');

  const st2 = await plain.post('/v1/order/status', { order_id: other.body.order_id });
  assert.equal(st2.body.is_live, true, 'a key without the flag is never timed out');
});
