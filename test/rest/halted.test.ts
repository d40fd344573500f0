/**
 * A genuine internal failure (the sequencer halted) is the only 5xx: Gemini-shaped 500 `System`
 * with no internal detail in the message. Runs on its own exchange, since a halt is permanent.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertOk } from './assert-error.js';
import { startServer, type TestServer, type Trader } from './harness.js';

let s: TestServer;
let t: Trader;

before(async () => {
  s = await startServer();
  t = await s.trader('Halt', { USD: '1000' });
});
after(() => s.close());

test('orders after a sequencer halt get 500 System; reads keep working', async () => {
  s.exchange.store.sequencer.halt(new Error('disk on fire at /secret/path'));
  const r = await t.client.post('/v1/order/new', { symbol: 'btcusd', amount: '0.001', price: '10.00', side: 'buy', type: 'exchange limit' });
  assertError(r, 500, 'System');
  assert.doesNotMatch(r.text, /fire|secret|sequencer/);
  assertOk(await t.client.post('/v1/balances'));
});
