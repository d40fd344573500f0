/**
 * Private-request authentication over real HTTP: every failure reason and status, nonce rules,
 * roles, master keys and the `account` parameter, body and content-type variants, unknown paths.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodePayload, nextNonce, request, signPayload, type BodyMode } from './client.js';
import { assertError, assertOk } from './assert-error.js';
import { startServer, type TestServer, type Trader } from './harness.js';

let s: TestServer;
let alice: Trader;

before(async () => {
  s = await startServer();
  alice = await s.trader('Alice', { USD: '100000', BTC: '10' });
});
after(() => s.close());

describe('headers and signature', () => {
  test('each missing header has its own reason (400)', async () => {
    assertError(await alice.client.post('/v1/heartbeat', {}, { headers: { 'X-GEMINI-APIKEY': null } }), 400, 'MissingApikeyHeader');
    assertError(await alice.client.post('/v1/heartbeat', {}, { headers: { 'X-GEMINI-PAYLOAD': null } }), 400, 'MissingPayloadHeader');
    assertError(await alice.client.post('/v1/heartbeat', {}, { headers: { 'X-GEMINI-SIGNATURE': null } }), 400, 'MissingSignatureHeader');
    assertError(await alice.client.post('/v1/heartbeat', {}, { headers: { 'X-GEMINI-APIKEY': '' } }), 400, 'MissingApikeyHeader');
  });

  test('unknown key, wrong secret, malformed or upper-case signature', async () => {
    assertError(await alice.client.post('/v1/heartbeat', {}, { headers: { 'X-GEMINI-APIKEY': 'account-doesnotexist00000' } }), 400, 'InvalidSignature');
    assertError(await alice.client.post('/v1/heartbeat', {}, { secret: 'not-the-secret' }), 400, 'InvalidSignature');
    assertError(await alice.client.post('/v1/heartbeat', {}, { signature: 'zz' }), 400, 'InvalidSignature');
    const payloadText = encodePayload({ request: '/v1/heartbeat', nonce: nextNonce() });
    const upper = signPayload(alice.key.secret, payloadText).toUpperCase();
    assertOk(await alice.client.post('/v1/heartbeat', {}, { payloadText, signature: upper }));
  });

  test('a payload that is not base64 of a JSON object is InvalidJson', async () => {
    for (const payloadText of ['%%%not-base64', Buffer.from('not json').toString('base64'), Buffer.from('[1,2]').toString('base64'), Buffer.from('null').toString('base64')]) {
      assertError(await alice.client.post('/v1/heartbeat', {}, { payloadText }), 400, 'InvalidJson');
    }
  });

  test('request missing -> EndpointNotFound; different path -> EndpointMismatch', async () => {
    assertError(await alice.client.post('/v1/heartbeat', {}, { request: null }), 404, 'EndpointNotFound');
    assertError(await alice.client.post('/v1/heartbeat', {}, { request: '/v1/balances' }), 400, 'EndpointMismatch');
    assertError(await alice.client.post('/v1/balances', {}, { request: '/v1/balances/' }), 400, 'EndpointMismatch');
  });

  test('unknown paths and methods are 404 EndpointNotFound', async () => {
    assertError(await alice.client.post('/v1/nothing-here'), 404, 'EndpointNotFound');
    assertError(await request(`${s.url}/v1/balances`, { method: 'GET' }), 404, 'EndpointNotFound');
    assertError(await request(`${s.url}/v1/order/new`, { method: 'DELETE' }), 404, 'EndpointNotFound');
    assertError(await request(`${s.url}/`, { method: 'GET' }), 404, 'EndpointNotFound');
    assertError(await request(`${s.url}/v1/nothing`, { method: 'POST', body: '{bad json', headers: { 'content-type': 'application/json' } }), 404, 'EndpointNotFound');
    // a URL that cannot be decoded (shaped by the exported frameworkErrors server option)
    assertError(await request(`${s.url}/v1/%zz`, { method: 'POST' }), 404, 'EndpointNotFound');
    assertError(await request(`${s.url}/v1/wrap/%zz`, { method: 'POST' }), 404, 'EndpointNotFound');
  });
});

describe('nonces', () => {
  test('must increase per key; strings and integers both work', async () => {
    const n = nextNonce();
    assertOk(await alice.client.post('/v1/heartbeat', {}, { nonce: n }));
    assertError(await alice.client.post('/v1/heartbeat', {}, { nonce: n }), 400, 'InvalidNonce');
    assertError(await alice.client.post('/v1/heartbeat', {}, { nonce: String(n - 1) }), 400, 'InvalidNonce');
    assertOk(await alice.client.post('/v1/heartbeat', {}, { nonce: String(nextNonce()) }));
    assertOk(await alice.client.post('/v1/heartbeat', {}, { nonce: nextNonce() }));
  });

  test('missing and malformed nonces', async () => {
    assertError(await alice.client.post('/v1/heartbeat', {}, { nonce: null }), 400, 'MissingNonce');
    assertError(await alice.client.post('/v1/heartbeat', {}, { nonce: '' }), 400, 'MissingNonce');
    for (const nonce of ['abc', -5, 1.5, '12.5', { n: 1 }, [1]]) {
      assertError(await alice.client.post('/v1/heartbeat', {}, { nonce }), 400, 'InvalidNonce');
    }
  });

  test('nonces are per key', async () => {
    const other = s.key({ account: alice.account });
    const n = nextNonce();
    assertOk(await alice.client.post('/v1/heartbeat', {}, { nonce: n }));
    assertOk(await other.client.post('/v1/heartbeat', {}, { nonce: n }));
  });

  test('time-based keys: within 30 s of server time, in seconds or ms, in any order', async () => {
    const tk = s.key({ account: alice.account, timeNonce: true });
    // time-based nonces are checked against wall-clock time, not the (virtual) exchange clock
    s.clock.advance(60_000);
    const now = Date.now();
    assertOk(await tk.client.post('/v1/heartbeat', {}, { nonce: now }));
    assertOk(await tk.client.post('/v1/heartbeat', {}, { nonce: String(now - 20_000) }));
    assertOk(await tk.client.post('/v1/heartbeat', {}, { nonce: Math.floor(now / 1000) + 25 }));
    assertOk(await tk.client.post('/v1/heartbeat', {}, { nonce: String(Math.floor(now / 1000)) }));
    assertError(await tk.client.post('/v1/heartbeat', {}, { nonce: now - 31_000 }), 400, 'InvalidNonce');
    assertError(await tk.client.post('/v1/heartbeat', {}, { nonce: Math.floor(now / 1000) + 40 }), 400, 'InvalidNonce');
    // nanoseconds work too
    assertOk(await tk.client.post('/v1/heartbeat', {}, { nonce: `${BigInt(Date.now()) * 1_000_000n}` }));
  });
});

describe('roles', () => {
  test('an Auditor reads but cannot trade', async () => {
    const auditor = s.key({ account: alice.account, roles: ['Auditor'] });
    const r = await auditor.client.post('/v1/order/new', { symbol: 'btcusd', amount: '1', price: '100.00', side: 'buy', type: 'exchange limit' });
    assertError(r, 403, 'MissingRole');
    assert.match(r.body.message, /\[Trader\]/);
    assert.match(r.body.message, /\[Auditor\]/);
    assert.ok((r.body.message as string).includes(auditor.key.key));
    for (const path of ['/v1/order/cancel', '/v1/order/cancel/all', '/v1/order/cancel/session', '/v1/wrap/GUSDUSD']) {
      assertError(await auditor.client.post(path, { order_id: 1 }), 403, 'MissingRole');
    }
    for (const path of ['/v1/orders', '/v1/orders/history', '/v1/mytrades', '/v1/tradevolume', '/v1/notionalvolume', '/v1/balances', '/v1/heartbeat', '/v1/roles', '/v1/account']) {
      assertOk(await auditor.client.post(path));
    }
    assertError(await auditor.client.post('/v1/order/status', { order_id: 999999 }), 404, 'OrderNotFound');
  });

  test('a FundManager sees balances but not orders', async () => {
    const fm = s.key({ account: alice.account, roles: ['FundManager'] });
    assertOk(await fm.client.post('/v1/balances'));
    assertOk(await fm.client.post('/v1/heartbeat'));
    for (const path of ['/v1/orders', '/v1/order/status', '/v1/orders/history', '/v1/mytrades', '/v1/order/new', '/v1/tradevolume']) {
      assertError(await fm.client.post(path, { order_id: 1 }), 403, 'MissingRole');
    }
    const roles = await fm.client.post('/v1/roles');
    assert.deepEqual(roles.body, { isAuditor: false, isFundManager: true, isTrader: false });
  });

  test('Trader + FundManager roles', async () => {
    const both = s.key({ account: alice.account, roles: ['Trader', 'FundManager'] });
    assert.deepEqual((await both.client.post('/v1/roles')).body, { isAuditor: false, isFundManager: true, isTrader: true });
    assertOk(await both.client.post('/v1/orders'));
  });
});

describe('master keys and the account parameter', () => {
  test('master keys must name an existing account on account-level endpoints', async () => {
    const master = s.key({ scope: 'master', roles: ['Trader', 'Administrator'] });
    assertError(await master.client.post('/v1/balances'), 400, 'MissingAccounts');
    assertError(await master.client.post('/v1/order/new', { symbol: 'btcusd', amount: '1', price: '100.00', side: 'buy', type: 'exchange limit' }), 400, 'MissingAccounts');
    assertError(await master.client.post('/v1/balances', { account: 'no-such-account' }), 400, 'InvalidAccountName');
    assertError(await master.client.post('/v1/balances', { account: ['primary'] }), 400, 'InvalidAccountName');
    const bal = await master.client.post('/v1/balances', { account: alice.account });
    assertOk(bal);
    assert.equal(bal.body.find((b: { currency: string }) => b.currency === 'BTC').amount, '10');
    // not account-level: no account needed
    assertOk(await master.client.post('/v1/heartbeat'));
    const roles = await master.client.post('/v1/roles');
    assert.deepEqual(Object.keys(roles.body), ['counterparty_id', 'isAuditor', 'isFundManager', 'isTrader', 'isAccountAdmin']);
    assert.match(roles.body.counterparty_id, /^[A-Z]{8}$/);
    assert.equal(roles.body.isAccountAdmin, true);
    assert.equal(roles.body.isTrader, true);
    // orders placed by a master key land in the named account
    const o = await master.client.post('/v1/order/new', { account: alice.account, symbol: 'btcusd', amount: '0.5', price: '100.00', side: 'buy', type: 'exchange limit' });
    assertOk(o);
    const st = await alice.client.post('/v1/order/status', { order_id: o.body.order_id });
    assertOk(st);
    assert.equal(st.body.is_live, true);
    const acct = await master.client.post('/v1/account', { account: alice.account });
    assert.equal(acct.body.account.shortName, alice.account);
    // cancel/session with a master key: only its orders in the named account
    const cs = await master.client.post('/v1/order/cancel/session', { account: alice.account });
    assert.deepEqual(cs.body, { result: 'ok', details: { cancelledOrders: [Number(o.body.order_id)], cancelRejects: [] } });
  });

  test('account keys act for their own account only', async () => {
    const bob = await s.trader('Bob', { USD: '5' });
    assertOk(await alice.client.post('/v1/balances', { account: alice.account }));
    assertError(await alice.client.post('/v1/balances', { account: bob.account }), 400, 'InvalidAccountName');
    assertError(await alice.client.post('/v1/orders', { account: 'nobody' }), 400, 'InvalidAccountName');
  });
});

describe('bodies and content types', () => {
  const modes: BodyMode[] = ['none', 'empty', 'object', 'copy'];
  for (const contentType of ['text/plain', 'application/json', null, 'application/x-www-form-urlencoded']) {
    test(`every body with content type ${contentType ?? '(none)'}`, async () => {
      for (const body of modes) {
        const r = await alice.client.post('/v1/balances', {}, { body, contentType });
        assertOk(r);
        assert.ok(Array.isArray(r.body), `${body}: ${r.text}`);
      }
    });
  }

  test('the body is never parsed: invalid JSON and binary bodies are ignored', async () => {
    assertOk(await alice.client.post('/v1/heartbeat', {}, { headers: {} , contentType: 'application/json', body: 'none' }));
    const payloadText = encodePayload({ request: '/v1/heartbeat', nonce: nextNonce() });
    const r = await request(`${s.url}/v1/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gemini-apikey': alice.key.key, 'x-gemini-payload': payloadText, 'x-gemini-signature': signPayload(alice.key.secret, payloadText) },
      body: '{not json',
    });
    assertOk(r);
    assert.deepEqual(r.body, { result: 'ok' });
  });

  test('an oversize body is a Gemini-shaped 400', async () => {
    const payloadText = encodePayload({ request: '/v1/heartbeat', nonce: nextNonce() });
    const r = await request(`${s.url}/v1/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-gemini-apikey': alice.key.key, 'x-gemini-payload': payloadText, 'x-gemini-signature': signPayload(alice.key.secret, payloadText) },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    assertError(r, 400, 'InvalidJson');
  });
});

describe('heartbeat bookkeeping', () => {
  test('authenticated requests touch the key even when they then fail; unauthenticated ones do not', async () => {
    const k = s.key({ account: alice.account, requireHeartbeat: true });
    s.clock.advance(1000);
    assertError(await k.client.post('/v1/order/new', { symbol: 'nope' }), 400, 'InvalidSymbol');
    assert.equal(s.exchange.keys.seen(k.key.key), s.clock.now());
    assert.equal(s.exchange.heartbeats.deadline(k.key.key), s.clock.now() + s.exchange.heartbeatTimeoutMs);
    s.clock.advance(1000);
    assertError(await k.client.post('/v1/order/status', {}), 400, 'MissingOrderField');
    assert.equal(s.exchange.keys.seen(k.key.key), s.clock.now());
    const seen = s.clock.now();
    s.clock.advance(1000);
    assertError(await k.client.post('/v1/heartbeat', {}, { secret: 'wrong' }), 400, 'InvalidSignature');
    assertError(await k.client.post('/v1/heartbeat', {}, { nonce: 1 }), 400, 'InvalidNonce');
    assert.equal(s.exchange.keys.seen(k.key.key), seen);
  });
});

describe('modes of sending a payload', () => {
  test('bodies with each mode are accepted on an order too', async () => {
    const modes: BodyMode[] = ['none', 'empty', 'object', 'copy'];
    for (const body of modes) {
      const r = await alice.client.post('/v1/order/new', { symbol: 'btcusd', amount: '0.001', price: '10.00', side: 'buy', type: 'exchange limit' }, { body, contentType: 'application/json' });
      assertOk(r);
      assert.equal(r.body.is_live, true);
    }
    assertOk(await alice.client.post('/v1/order/cancel/all'));
  });
});
