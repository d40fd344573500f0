/**
 * startServer / startExchange: first-start accounts and keys, the banner, --seed, restarts, the
 * data-dir lock, explicit accounts, and a virtual clock that survives a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startExchange } from '../../src/index.js';
import { startServer } from '../../src/server/server.js';
import { renderStartInfo } from '../../src/server/info.js';
import { DataDirLockedError, LOCK_FILE } from '../../src/server/lock.js';
import { runOp } from '../../src/api/admin/ops.js';
import { admin, tempDir } from './support.js';

test('a first start creates funded sandbox accounts with keys and prints them all', async (t) => {
  const dir = tempDir(t);
  const s = await startServer({ port: 0, dataDir: dir });
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.wsUrl, `${s.url.replace('http', 'ws')}/`);
    assert.equal(s.adminUrl, `${s.url}/admin/`);
    assert.ok(s.port > 0);
    assert.ok(existsSync(join(dir, LOCK_FILE)), 'the data dir is locked while running');
    const info = s.info();
    assert.deepEqual(info.accounts.map((a) => a.account), ['primary', 'secondary']);
    for (const a of info.accounts) {
      assert.equal(a.balances.USD, '100000');
      assert.equal(a.balances.BTC, '1000');
      assert.equal(a.balances.ETH, '20000');
      assert.ok(Object.keys(a.balances).length >= 5, 'other listed currencies are funded too');
      assert.ok(a.keys.length >= 1);
      for (const k of a.keys) {
        assert.match(k.key, /^account-[1-9A-Za-z]{20}$/);
        assert.match(k.secret, /^[1-9A-Za-z]{28}$/);
        assert.equal(k.account, a.account);
        assert.deepEqual(k.roles, ['Trader']);
      }
    }
    const heartbeat = info.accounts.flatMap((a) => a.keys).filter((k) => k.requireHeartbeat);
    assert.equal(heartbeat.length, 1, 'one require-heartbeat key');
    assert.equal(info.masterKeys.length, 1);
    assert.match(info.masterKeys[0]!.key, /^master-/);
    assert.ok(info.masterKeys[0]!.roles.includes('Administrator'));

    const text = renderStartInfo(info);
    for (const needle of [s.url, s.wsUrl, s.adminUrl, s.adminToken, dir, 'primary', 'secondary', 'requireHeartbeat', ...info.accounts.flatMap((a) => a.keys.flatMap((k) => [k.key, k.secret]))]) {
      assert.ok(text.includes(needle), `banner shows ${needle}`);
    }
    // Fastify serves: the admin API answers with the printed token
    const r = await admin(s.url, s.adminToken, 'GET', '/admin/accounts');
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 2);
  } finally {
    await s.close();
  }
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'the lock is released on close');
  await s.close(); // idempotent
});

test('--seed gives the same keys (and admin token) on two fresh data dirs; another seed does not', async (t) => {
  const keysOf = async (seed: string) => {
    const s = await startServer({ port: 0, dataDir: tempDir(t), seed });
    try {
      const info = s.info();
      return { token: s.adminToken, keys: [...info.accounts.flatMap((a) => a.keys), ...info.masterKeys].map((k) => `${k.key}:${k.secret}:${k.roles}:${k.requireHeartbeat}`) };
    } finally {
      await s.close();
    }
  };
  const a = await keysOf('alpha');
  const b = await keysOf('alpha');
  const c = await keysOf('beta');
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.keys, c.keys);
  assert.notEqual(a.token, c.token);
});

test('a restart keeps accounts, keys and balances and does not fund anyone twice', async (t) => {
  const dir = tempDir(t);
  const first = await startServer({ port: 0, dataDir: dir });
  let before;
  try {
    assert.equal(first.bootstrap.firstStart, true);
    await runOp(first.exchange, 'deposit', { account: 'primary', currency: 'BTC', amount: '0.12345678' });
    await runOp(first.exchange, 'accounts.create', { name: 'Extra Desk', funds: { USD: '5' } });
    await runOp(first.exchange, 'keys.create', { account: 'secondary', roles: ['Auditor'], timeNonce: true });
    before = first.info();
  } finally {
    await first.close();
  }
  const second = await startServer({ port: 0, dataDir: dir });
  try {
    assert.equal(second.bootstrap.firstStart, false);
    assert.equal(second.bootstrap.created.length, 0);
    const after = second.info();
    assert.deepEqual(after.accounts, before.accounts);
    assert.deepEqual(after.masterKeys, before.masterKeys);
    const primary = after.accounts.find((a) => a.account === 'primary')!;
    assert.equal(primary.balances.BTC, '1000.12345678');
    assert.equal(primary.balances.USD, '100000');
    assert.equal(after.accounts.find((a) => a.account === 'extra-desk')!.balances.USD, '5');
    assert.ok(after.accounts.find((a) => a.account === 'secondary')!.keys.some((k) => k.roles[0] === 'Auditor' && k.timeNonce));
  } finally {
    await second.close();
  }
});

test('a data dir serves one exchange at a time', async (t) => {
  const dir = tempDir(t);
  const s = await startServer({ port: 0, dataDir: dir });
  try {
    await assert.rejects(startServer({ port: 0, dataDir: dir }), (e: unknown) => e instanceof DataDirLockedError && e.message.includes(s.url));
  } finally {
    await s.close();
  }
  const again = await startServer({ port: 0, dataDir: dir });
  await again.close();
});

test('a port in use fails the start cleanly and leaves the data dir unlocked', async (t) => {
  const dir = tempDir(t);
  const s = await startServer({ port: 0, dataDir: tempDir(t) });
  try {
    await assert.rejects(startServer({ port: s.port, dataDir: dir }), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
  } finally {
    await s.close();
  }
});

test('startExchange: temp data dir, explicit accounts, helpers, virtual clock, cleanup on close', async () => {
  const ex = await startExchange({
    clock: 'virtual',
    seed: 'embedded',
    accounts: [{ name: 'Maker Bot', funds: { USD: '1000', BTC: '2' }, keys: [{ roles: ['Trader'] }, { roles: ['Trader'], requireHeartbeat: true }] }, { name: 'Taker', account: 'taker' }],
  });
  try {
    assert.deepEqual(ex.accounts.map((a) => a.account), ['maker-bot', 'taker']);
    assert.deepEqual(ex.accounts[0]!.balances, { USD: '1000', BTC: '2' });
    assert.equal(ex.accounts[0]!.keys.length, 2);
    assert.equal(ex.accounts[1]!.keys.length, 1, 'one Trader key by default');
    assert.equal(ex.masterKeys.length, 1);
    assert.ok(existsSync(ex.dataDir));
    assert.match(ex.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    assert.equal((await ex.deposit('taker', 'usd', 250)).amount, '250');
    assert.equal((await ex.withdraw('taker', 'USD', '50')).available, '200');
    assert.deepEqual((await ex.balances('taker')).map((b) => [b.currency, b.amount]), [['USD', '200']]);
    const key = await ex.createKey({ account: 'taker', roles: ['FundManager'], label: 'funds' });
    assert.equal(key.account, 'taker');
    const master = await ex.createKey({ master: true, roles: ['Auditor'] });
    assert.match(master.key, /^master-/);
    const made = await ex.createAccount({ name: 'Late', funds: { ETH: '3' } });
    assert.equal(made.balances[0]!.amount, '3');
    assert.equal((await ex.setMarketStatus('BTCUSD', 'cancel_only')).status, 'cancel_only');
    assert.equal((await ex.setFees('taker', 0, 20)).takerBps, 20);
    await assert.rejects(ex.deposit('nobody', 'USD', 1), { reason: 'InvalidAccountName' });

    assert.equal(ex.clock.virtual, true);
    const t0 = ex.clock.now();
    assert.equal(ex.clock.advance(31_000), t0 + 31_000);
    assert.equal(ex.clock.set(new Date(t0 + 60_000)), t0 + 60_000);
    assert.throws(() => ex.clock.set(t0), { reason: 'InvalidTime' });
  } finally {
    await ex.close();
  }
  assert.ok(!existsSync(ex.dataDir), 'the temp data dir is removed');

  const sys = await startExchange();
  try {
    assert.equal(sys.clock.virtual, false);
    assert.throws(() => sys.clock.advance(1), { status: 409, reason: 'ClockNotVirtual' });
    assert.deepEqual(sys.accounts.map((a) => a.account), ['primary', 'secondary']);
  } finally {
    await sys.close();
  }
});

test('a virtual clock restarts no earlier than the last journaled time', async (t) => {
  const dir = tempDir(t);
  const first = await startServer({ port: 0, dataDir: dir, clock: 'virtual' });
  const ahead = first.clock.now() + 3_600_000;
  try {
    runOp(first.exchange, 'clock.set', { time: ahead });
    await runOp(first.exchange, 'deposit', { account: 'primary', currency: 'USD', amount: '1' });
  } finally {
    await first.close();
  }
  const second = await startServer({ port: 0, dataDir: dir, clock: 'virtual' });
  try {
    assert.ok(second.clock.now() >= ahead);
  } finally {
    await second.close();
  }
});

test('logging is off by default and goes to the given stream at the given level', async (t) => {
  const { PassThrough } = await import('node:stream');
  const stream = new PassThrough();
  let logged = '';
  stream.on('data', (d: Buffer) => (logged += d.toString()));
  const s = await startServer({ port: 0, dataDir: tempDir(t), logLevel: 'info', logStream: stream, adminToken: 'x' });
  try {
    await admin(s.url, 'x', 'GET', '/admin/clock');
    assert.match(logged, /"msg":"incoming request"/);
    assert.match(logged, /\/admin\/clock/);
  } finally {
    await s.close();
  }
  const quiet = await startServer({ port: 0, dataDir: tempDir(t) });
  try {
    const level = (quiet.app.log as { level?: string }).level;
    assert.ok(level === undefined || level === 'silent', `logging off by default (level ${level})`);
  } finally {
    await quiet.close();
  }
});

test('the printed URL and keys work with Gemini REST; admin and Gemini paths keep their own errors', async () => {
  const { createHmac } = await import('node:crypto');
  const ex = await startExchange({ seed: 'rest' });
  try {
    const k = ex.accounts[0]!.keys[0]!;
    const payload = Buffer.from(JSON.stringify({ request: '/v1/balances', nonce: Date.now() })).toString('base64');
    const res = await fetch(`${ex.url}/v1/balances`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-GEMINI-APIKEY': k.key, 'X-GEMINI-PAYLOAD': payload, 'X-GEMINI-SIGNATURE': createHmac('sha384', k.secret).update(payload).digest('hex') },
    });
    assert.equal(res.status, 200);
    const balances = (await res.json()) as { currency: string; amount: string }[];
    assert.equal(balances.find((b) => b.currency === 'USD')?.amount, '100000');
    const symbols = await fetch(`${ex.url}/v1/symbols`);
    assert.equal(symbols.status, 200);
    const geminiMissing = await fetch(`${ex.url}/v1/nope`);
    assert.equal(geminiMissing.status, 404);
    assert.equal(((await geminiMissing.json()) as { reason: string }).reason, 'EndpointNotFound');
    const adminMissing = await admin(ex.url, ex.adminToken, 'GET', '/admin/nope');
    assert.equal(adminMissing.body.reason, 'NotFound');
  } finally {
    await ex.close();
  }
});
