/**
 * The admin HTTP API: bearer-token auth, every operation, Gemini-shaped errors, and the virtual
 * clock (including a require-heartbeat deadline fired by advancing it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { ADMIN_ROUTES } from '../../src/api/admin/routes.js';
import { admin } from '../server/support.js';

const TOKEN = 'test-admin-token';
let s: RunningServer;
let dir: string;
const call = (method: 'GET' | 'POST', path: string, body?: unknown) => admin(s.url, TOKEN, method, path, body);

function assertError(r: { status: number; body: any }, status: number, reason: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.result, 'error');
  assert.equal(r.body.reason, reason);
  assert.equal(typeof r.body.message, 'string');
  assert.ok(r.body.message.length > 0);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pollux-admin-'));
  s = await startServer({ port: 0, dataDir: dir, adminToken: TOKEN, clock: 'virtual', heartbeatTimeoutMs: 30_000 });
});
after(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every admin route needs the bearer token (401 otherwise)', async () => {
  for (const r of ADMIN_ROUTES) {
    const path = `/admin${r.path.replace(':account', 'primary').replace(':symbol', 'btcusd')}`;
    assertError(await admin(s.url, null, r.method, path, r.method === 'POST' ? {} : undefined), 401, 'Unauthorized');
    assertError(await admin(s.url, 'wrong', r.method, path, r.method === 'POST' ? {} : undefined), 401, 'Unauthorized');
  }
  assertError(await admin(s.url, null, 'GET', '/admin/'), 401, 'Unauthorized');
  const res = await fetch(new URL('/admin/accounts', s.url), { headers: { authorization: `Basic ${TOKEN}` } });
  assert.equal(res.status, 401);
});

test('GET /admin/ lists the routes; unknown routes and bad JSON are errors in Gemini shape', async () => {
  const r = await call('GET', '/admin/');
  assert.equal(r.status, 200);
  assert.equal(r.body.routes.length, ADMIN_ROUTES.length);
  assertError(await call('GET', '/admin/nope'), 404, 'NotFound');
  assertError(await call('POST', '/admin/accounts', '{not json'), 400, 'InvalidJson');
  assertError(await call('POST', '/admin/accounts', '[1,2]'), 400, 'InvalidJson');
});

test('accounts: list, create with funds and keys, duplicates and bad specs change nothing', async () => {
  const list = await call('GET', '/admin/accounts');
  assert.deepEqual(list.body.map((a: any) => a.account), ['primary', 'secondary']);
  assert.deepEqual(Object.keys(list.body[0]).sort(), ['account', 'created', 'makerBps', 'name', 'takerBps', 'type']);

  const made = await call('POST', '/admin/accounts', { name: 'My Secondary Account', type: 'custody', makerBps: 5, takerBps: 15, funds: { USD: '1000.50', btc: 1 }, keys: [{ roles: ['Trader', 'FundManager'], requireHeartbeat: true }] });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.equal(made.body.account, 'my-secondary-account');
  assert.equal(made.body.type, 'custody');
  assert.equal(made.body.makerBps, 5);
  assert.deepEqual(made.body.balances.map((b: any) => [b.currency, b.amount]), [['USD', '1000.5'], ['BTC', '1']]);
  assert.equal(made.body.keys.length, 1);
  assert.deepEqual(made.body.keys[0].roles, ['Trader', 'FundManager']);
  assert.equal(made.body.keys[0].requireHeartbeat, true);

  const plain = await call('POST', '/admin/accounts', { name: 'Plain' });
  assert.equal(plain.body.keys.length, 1, 'a Trader key by default');
  assert.deepEqual(plain.body.keys[0].roles, ['Trader']);
  assert.equal((await call('POST', '/admin/accounts', { name: 'Keyless', keys: [] })).body.keys.length, 0);

  assertError(await call('POST', '/admin/accounts', { name: 'Primary' }), 400, 'ConflictingAccountName');
  assertError(await call('POST', '/admin/accounts', {}), 400, 'MissingName');
  assertError(await call('POST', '/admin/accounts', { name: 'Bad Money', funds: { XYZ: '1' } }), 400, 'InvalidCurrency');
  assertError(await call('POST', '/admin/accounts', { name: 'Bad Money', funds: { USD: '-1' } }), 400, 'InvalidAmount');
  assertError(await call('POST', '/admin/accounts', { name: 'Bad Money', keys: [{ roles: ['Boss'] }] }), 400, 'InvalidRoles');
  assertError(await call('POST', '/admin/accounts', { name: 'Bad Money', type: 'margin' }), 400, 'InvalidAccountType');
  assertError(await call('POST', '/admin/accounts', { name: 'Bad Money', makerBps: 5000 }), 400, 'InvalidFees');
  const names = (await call('GET', '/admin/accounts')).body.map((a: any) => a.account);
  assert.ok(!names.includes('bad-money'), 'a refused spec creates nothing');
});

test('keys: account and master keys, roles and flags, listing with a filter', async () => {
  const k = await call('POST', '/admin/keys', { account: 'secondary', roles: ['Auditor'], timeNonce: true, label: 'audit' });
  assert.equal(k.status, 200);
  assert.match(k.body.key, /^account-/);
  assert.equal(k.body.account, 'secondary');
  assert.equal(k.body.scope, 'account');
  assert.deepEqual(k.body.roles, ['Auditor']);
  assert.equal(k.body.timeNonce, true);
  assert.equal(k.body.requireHeartbeat, false);
  assert.equal(k.body.label, 'audit');
  const hb = await call('POST', '/admin/keys', { account: 'primary', requireHeartbeat: true });
  assert.deepEqual(hb.body.roles, ['Trader'], 'Trader by default');
  assert.equal(hb.body.requireHeartbeat, true);
  const m = await call('POST', '/admin/keys', { master: true, roles: ['Administrator', 'FundManager'] });
  assert.match(m.body.key, /^master-/);
  assert.equal(m.body.account, null);
  assert.equal((await call('POST', '/admin/keys', { scope: 'master', roles: 'Trader,FundManager' })).body.roles.length, 2);

  assertError(await call('POST', '/admin/keys', { account: 'primary', roles: ['Administrator'] }), 400, 'InvalidRequest');
  assertError(await call('POST', '/admin/keys', { account: 'primary', roles: ['Auditor', 'Trader'] }), 400, 'InvalidRequest');
  assertError(await call('POST', '/admin/keys', { account: 'nobody' }), 400, 'InvalidAccountName');
  assertError(await call('POST', '/admin/keys', {}), 400, 'MissingAccountName');
  assertError(await call('POST', '/admin/keys', { account: 'primary', requireHeartbeat: 'yes' }), 400, 'InvalidRequest');

  const all = (await call('GET', '/admin/keys')).body;
  const secondary = (await call('GET', '/admin/keys?account=secondary')).body;
  assert.ok(all.length > secondary.length);
  assert.ok(secondary.every((x: any) => x.account === 'secondary'));
  assert.ok(secondary.some((x: any) => x.key === k.body.key && x.secret === k.body.secret));
  assertError(await call('GET', '/admin/keys?account=nobody'), 400, 'InvalidAccountName');
});

test('deposit, withdraw and balances', async () => {
  const d = await call('POST', '/admin/accounts/secondary/deposit', { currency: 'eth', amount: '0.000001' });
  assert.equal(d.status, 200);
  assert.deepEqual(d.body, { account: 'secondary', currency: 'ETH', amount: '0.000001', balance: { type: 'exchange', currency: 'ETH', amount: '20000.000001', available: '20000.000001', availableForWithdrawal: '20000.000001' } });
  const w = await call('POST', '/admin/accounts/secondary/withdraw', { currency: 'ETH', amount: 0.5 });
  assert.equal(w.body.balance.amount, '19999.500001');
  const b = await call('GET', '/admin/accounts/secondary/balances');
  assert.equal(b.status, 200);
  assert.equal(b.body.find((x: any) => x.currency === 'ETH').amount, '19999.500001');
  assert.deepEqual(Object.keys(b.body[0]).sort(), ['amount', 'available', 'availableForWithdrawal', 'currency', 'type']);

  assertError(await call('POST', '/admin/accounts/secondary/withdraw', { currency: 'USD', amount: '100000.01' }), 406, 'InsufficientFunds');
  assertError(await call('POST', '/admin/accounts/secondary/deposit', { currency: 'USD', amount: 'lots' }), 400, 'InvalidAmount');
  assertError(await call('POST', '/admin/accounts/secondary/deposit', { currency: 'USD', amount: '0' }), 400, 'InvalidAmount');
  assertError(await call('POST', '/admin/accounts/secondary/deposit', { currency: 'XYZ', amount: '1' }), 400, 'InvalidCurrency');
  assertError(await call('POST', '/admin/accounts/nobody/deposit', { currency: 'USD', amount: '1' }), 400, 'InvalidAccountName');
  assertError(await call('GET', '/admin/accounts/nobody/balances'), 400, 'InvalidAccountName');
});

test('market status and fees', async () => {
  const ms = await call('GET', '/admin/markets');
  assert.ok(ms.body.some((m: any) => m.symbol === 'btcusd' && m.status === 'open'));
  const set = await call('POST', '/admin/markets/ETHUSD/status', { status: 'limit_only' });
  assert.deepEqual(set.body, { symbol: 'ethusd', base: 'ETH', quote: 'USD', status: 'limit_only' });
  assert.equal(s.exchange.engine.market('ethusd')!.status, 'limit_only');
  await call('POST', '/admin/markets/ethusd/status', { status: 'open' });
  assertError(await call('POST', '/admin/markets/ethusd/status', { status: 'sideways' }), 400, 'InvalidMarketStatus');
  assertError(await call('POST', '/admin/markets/nosuch/status', { status: 'open' }), 400, 'InvalidSymbol');

  const f = await call('POST', '/admin/accounts/secondary/fees', { makerBps: 0, takerBps: 25 });
  assert.equal(f.body.makerBps, 0);
  assert.equal(f.body.takerBps, 25);
  assert.equal(s.exchange.engine.account('secondary')!.takerBps, 25);
  assertError(await call('POST', '/admin/accounts/secondary/fees', { makerBps: -1, takerBps: 25 }), 400, 'InvalidFees');
  assertError(await call('POST', '/admin/accounts/secondary/fees', { makerBps: 1 }), 400, 'InvalidFees');
});

test('virtual clock: get, advance, set; advancing fires a require-heartbeat deadline', async () => {
  const c0 = (await call('GET', '/admin/clock')).body;
  assert.equal(c0.type, 'virtual');
  assert.equal(c0.iso, new Date(c0.time).toISOString());

  // an order resting under the require-heartbeat key of "primary"
  const hb = s.info().accounts.find((a) => a.account === 'primary')!.keys.find((k) => k.requireHeartbeat)!;
  const placed = await s.exchange.submit({ type: 'PlaceOrder', account: 'primary', session: hb.key, symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.01', price: '100.00', options: [] });
  assert.ok(placed.ok);
  s.exchange.touch(s.exchange.keys.get(hb.key)!);
  assert.equal(s.exchange.engine.openOrders('primary').length, 1);

  const a1 = await call('POST', '/admin/clock/advance', { ms: 10_000 });
  assert.equal(a1.body.time, c0.time + 10_000);
  assert.equal(s.exchange.engine.openOrders('primary').length, 1, 'not yet');
  const a2 = await call('POST', '/admin/clock/advance', { ms: '20001' });
  assert.equal(a2.body.time, c0.time + 30_001);
  assert.equal(s.exchange.engine.openOrders('primary').length, 0, 'cancelled on heartbeat timeout');

  const iso = new Date(c0.time + 86_400_000).toISOString();
  const st = await call('POST', '/admin/clock/set', { time: iso });
  assert.equal(st.body.time, c0.time + 86_400_000);
  assert.equal((await call('POST', '/admin/clock/set', { time: c0.time + 86_400_001 })).body.time, c0.time + 86_400_001);
  assertError(await call('POST', '/admin/clock/set', { time: c0.time }), 400, 'InvalidTime');
  assertError(await call('POST', '/admin/clock/set', { time: 'tomorrow' }), 400, 'InvalidTime');
  assertError(await call('POST', '/admin/clock/advance', { ms: -5 }), 400, 'InvalidTime');
  assertError(await call('POST', '/admin/clock/advance', {}), 400, 'InvalidTime');
});

test('on the system clock, moving time is a 409', async () => {
  const d = mkdtempSync(join(tmpdir(), 'pollux-admin-sys-'));
  const sys = await startServer({ port: 0, dataDir: d, adminToken: TOKEN });
  try {
    const g = await admin(sys.url, TOKEN, 'GET', '/admin/clock');
    assert.equal(g.body.type, 'system');
    assert.ok(Math.abs(g.body.time - Date.now()) < 60_000);
    assertError(await admin(sys.url, TOKEN, 'POST', '/admin/clock/advance', { ms: 1 }), 409, 'ClockNotVirtual');
    assertError(await admin(sys.url, TOKEN, 'POST', '/admin/clock/set', { time: Date.now() + 1000 }), 409, 'ClockNotVirtual');
  } finally {
    await sys.close();
    rmSync(d, { recursive: true, force: true });
  }
});
