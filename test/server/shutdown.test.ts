/**
 * Graceful shutdown of `pollux start` run as a process: SIGTERM (and SIGINT) close the server,
 * flush the journal and exit 0; what was acknowledged before is there after a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE } from '../../src/server/lock.js';
import { admin, startCliServer, tempDir } from './support.js';

test('SIGTERM exits 0 with the journal flushed; a restart (then SIGINT) keeps the deposit', async (t) => {
  const dir = tempDir(t);
  const first = await startCliServer(['--port', '0', '--data-dir', dir, '--seed', 'shutdown']);
  let keys: string[];
  try {
    assert.equal(first.info.dataDir, dir);
    assert.deepEqual(first.info.accounts.map((a) => a.account), ['primary', 'secondary']);
    keys = first.info.accounts.flatMap((a) => a.keys.map((k) => k.key));
    const d = await admin(first.info.url, first.info.adminToken, 'POST', '/admin/accounts/primary/deposit', { currency: 'BTC', amount: '0.5' });
    assert.equal(d.status, 200);
    assert.equal(d.body.balance.amount, '1000.5');
  } finally {
    const exit = await first.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, first.stderr());
  }
  assert.match(first.stderr(), /SIGTERM, shutting down/);
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'the lock is released');

  const second = await startCliServer(['--port', '0', '--data-dir', dir]);
  try {
    const primary = second.info.accounts.find((a) => a.account === 'primary')!;
    assert.equal(primary.balances.BTC, '1000.5', 'the deposit survived, and nobody was funded twice');
    assert.deepEqual(second.info.accounts.flatMap((a) => a.keys.map((k) => k.key)), keys);
    assert.notEqual(second.info.adminToken, first.info.adminToken, 'a new token unless one is given (no seed this time)');
    const b = await admin(second.info.url, second.info.adminToken, 'GET', '/admin/accounts/primary/balances');
    assert.equal(b.body.find((x: any) => x.currency === 'BTC').amount, '1000.5');
  } finally {
    const exit = await second.stop('SIGINT');
    assert.deepEqual(exit, { code: 0, signal: null }, second.stderr());
  }
});
