/**
 * Live responses of every implemented private endpoint, validated against the trimmed Gemini
 * response schemas in test/fixtures/gemini-schemas (see its README for what was trimmed and the
 * documented defects that were fixed). Every error reply met on the way is checked against
 * error.json. A first suite proves the tiny validator catches what it should.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Reply } from './client.js';
import { startServer, type Keyed, type TestServer, type Trader } from './harness.js';
import { validate, type Schema } from './schema-validator.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/gemini-schemas/', import.meta.url));
const schemas = new Map<string, Schema>();
function schema(name: string): Schema {
  let s = schemas.get(name);
  if (s === undefined) schemas.set(name, (s = JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as Schema));
  return s;
}

function conforms(name: string, r: Reply): void {
  const which = r.status === 200 ? name : 'error';
  const problems = validate(schema(which), r.body);
  assert.deepEqual(problems, [], `${name} (${r.status}) against ${which}.json:\n${problems.join('\n')}\nbody: ${r.text}`);
}

describe('the validator', () => {
  const s: Schema = {
    type: 'object',
    properties: { a: { type: 'string', enum: ['x', 'y'] }, n: { type: 'integer' }, list: { type: 'array', items: { type: 'number' } } },
    required: ['a'],
    additionalProperties: false,
  };
  test('accepts a matching value', () => assert.deepEqual(validate(s, { a: 'x', n: 3, list: [1, 2.5] }), []));
  test('reports wrong types, missing and extra fields, enum misses', () => {
    assert.equal(validate(s, { a: 'x', n: 1.5 }).length, 1);
    assert.equal(validate(s, { n: 1 }).length, 1);
    assert.equal(validate(s, { a: 'z' }).length, 1);
    assert.equal(validate(s, { a: 'x', extra: 1 }).length, 1);
    assert.equal(validate(s, { a: 'x', list: ['1'] }).length, 1);
    assert.equal(validate(s, [1]).length, 1);
    assert.equal(validate({ type: ['string', 'integer'] }, 5).length, 0);
    assert.equal(validate({ type: ['string', 'integer'] }, true).length, 1);
  });
  test('oneOf needs exactly one match', () => {
    const one: Schema = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    assert.deepEqual(validate(one, 'a'), []);
    assert.equal(validate(one, true).length > 0, true);
    assert.equal(validate({ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 1).length, 1);
  });
});

describe('live responses conform to the reference schemas', () => {
  let s: TestServer;
  let alice: Trader;
  let bob: Trader;
  let master: Keyed;

  before(async () => {
    s = await startServer();
    alice = await s.trader('Alice', { USD: '1000000', BTC: '10' });
    bob = await s.trader('Bob', { USD: '1000000', BTC: '10' });
    master = s.key({ scope: 'master', roles: ['Trader', 'FundManager', 'Administrator'] });
  });
  after(() => s.close());

  const order = (t: Trader, p: Record<string, unknown>) =>
    t.client.post('/v1/order/new', { symbol: 'btcusd', type: 'exchange limit', ...p });

  test('every endpoint', async () => {
    const seen = new Set<string>();
    const check = (name: string, r: Reply): Reply => {
      seen.add(`${name}:${r.status === 200 ? 'ok' : 'error'}`);
      conforms(name, r);
      return r;
    };

    // order entry: resting (with client id), filled, IOC-cancelled, market, stop-limit, rejected
    const resting = check('order-new', await order(alice, { side: 'buy', amount: '1', price: '20000', client_order_id: 'cid-1' }));
    check('order-new', await order(bob, { side: 'sell', amount: '0.25', price: '20000.00' }));
    check('order-new', await order(bob, { side: 'sell', amount: '2', price: '20500.00', options: ['immediate-or-cancel'] }));
    check('order-new', await order(bob, { side: 'sell', amount: '1', price: '21000.00' }));
    check('order-new', await alice.client.post('/v1/order/new', { symbol: 'btcusd', side: 'buy', amount: '0.1', type: 'exchange market' }));
    const stop = check('order-new', await order(alice, { side: 'sell', amount: '0.1', price: '15000.00', stop_price: '16000.00', type: 'exchange stop limit' }));
    check('order-new', await order(alice, { side: 'buy', amount: '1000', price: '20000.00' }));

    // reads
    for (const p of [{ order_id: resting.body.order_id, include_trades: true }, { client_order_id: 'cid-1' }, { order_id: stop.body.order_id }, { order_id: 424242 }]) {
      check('order-status', await alice.client.post('/v1/order/status', p));
    }
    const active = check('orders', await alice.client.post('/v1/orders'));
    assert.ok(active.body.length >= 2);
    check('mytrades', await alice.client.post('/v1/mytrades'));
    check('mytrades', await bob.client.post('/v1/mytrades', { symbol: 'btcusd', limit_trades: 10 }));
    check('tradevolume', await alice.client.post('/v1/tradevolume'));
    check('tradevolume', await master.client.post('/v1/tradevolume', { account: alice.account }));
    check('notionalvolume', await alice.client.post('/v1/notionalvolume'));

    // cancels
    const cancelled = check('order-cancel', await alice.client.post('/v1/order/cancel', { order_id: resting.body.order_id }));
    check('order-cancel', await alice.client.post('/v1/order/cancel', { order_id: cancelled.body.order_id }));
    check('order-cancel', await alice.client.post('/v1/order/cancel', { order_id: 1 }));
    check('order-status', await alice.client.post('/v1/order/status', { order_id: resting.body.order_id, include_trades: true }));
    check('order-cancel-session', await alice.client.post('/v1/order/cancel/session'));
    check('order-cancel-all', await bob.client.post('/v1/order/cancel/all'));
    check('order-cancel-all', await bob.client.post('/v1/order/cancel/all'));
    const history = check('orders-history', await alice.client.post('/v1/orders/history'));
    assert.ok(history.body.length >= 3);
    check('orders-history', await bob.client.post('/v1/orders/history', { limit_orders: 1 }));
    check('orders', await alice.client.post('/v1/orders'));

    // session and account
    check('heartbeat', await alice.client.post('/v1/heartbeat'));
    check('balances', await alice.client.post('/v1/balances'));
    check('balances', await master.client.post('/v1/balances', { account: bob.account }));
    const notional = await alice.client.post('/v1/notionalbalances/usd');
    check('notionalbalances', notional);
    assert.ok(Array.isArray(notional.body) && notional.body.length > 0, 'alice holds something');
    check('roles', await alice.client.post('/v1/roles'));
    check('roles', await master.client.post('/v1/roles'));
    check('account', await alice.client.post('/v1/account'));
    check('account', await master.client.post('/v1/account', { account: bob.account }));
    check('wrap', await alice.client.post('/v1/wrap/GUSDUSD', { amount: '1', side: 'buy' }));

    // assorted failures
    check('balances', await master.client.post('/v1/balances'));
    check('heartbeat', await alice.client.post('/v1/heartbeat', {}, { nonce: 1 }));
    check('heartbeat', await alice.client.post('/v1/nowhere'));

    for (const name of ['order-new', 'order-cancel', 'order-cancel-all', 'order-cancel-session', 'order-status', 'orders', 'orders-history', 'mytrades', 'tradevolume', 'notionalvolume', 'heartbeat', 'balances', 'notionalbalances', 'roles', 'account']) {
      assert.ok(seen.has(`${name}:ok`), `no successful ${name} response was checked`);
    }
    assert.ok(seen.has('wrap:error'));
  });
});
