/**
 * Settings precedence (flags > env > config file > defaults) and errors that name their source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, resolveSettings } from '../../src/server/config.js';
import { tempDir } from './support.js';

test('defaults: 127.0.0.1:8080, ./data, system clock, no logging', () => {
  const s = resolveSettings({}, {}, '/work/here');
  assert.deepEqual(s, { port: 8080, host: '127.0.0.1', dataDir: '/work/here/data', clock: 'system' });
});

test('flags beat env, env beats the config file, the file beats defaults', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'conf'));
  const file = join(dir, 'conf', 'pollux.json');
  writeFileSync(file, JSON.stringify({ port: 1111, host: '0.0.0.0', dataDir: 'state', seed: 'file-seed', clock: 'virtual', heartbeatTimeoutMs: 5000, adminToken: 'file-token', logLevel: 'warn', accounts: [{ name: 'A' }], _comment: 'ignored' }));

  const fileOnly = resolveSettings({ config: file }, {}, dir);
  assert.deepEqual(fileOnly, { port: 1111, host: '0.0.0.0', dataDir: join(dir, 'conf', 'state'), seed: 'file-seed', clock: 'virtual', heartbeatTimeoutMs: 5000, adminToken: 'file-token', logLevel: 'warn', accounts: [{ name: 'A' }] });

  const env = { POLLUX_PORT: '2222', POLLUX_DATA_DIR: 'envdir', POLLUX_SEED: 'env-seed', POLLUX_ADMIN_TOKEN: 'env-token', POLLUX_CLOCK: 'system', POLLUX_CONFIG: file };
  const withEnv = resolveSettings({}, env, dir);
  assert.equal(withEnv.port, 2222);
  assert.equal(withEnv.dataDir, join(dir, 'envdir'), 'env paths are relative to the working directory');
  assert.equal(withEnv.seed, 'env-seed');
  assert.equal(withEnv.adminToken, 'env-token');
  assert.equal(withEnv.clock, 'system');
  assert.equal(withEnv.host, '0.0.0.0', 'from the file named by POLLUX_CONFIG');

  const withFlags = resolveSettings({ port: '0', 'data-dir': '/abs/flag', seed: 'flag-seed', 'admin-token': 'flag-token', clock: 'virtual', 'heartbeat-timeout': '100', host: 'localhost' }, env, dir);
  assert.equal(withFlags.port, 0);
  assert.equal(withFlags.dataDir, '/abs/flag');
  assert.equal(withFlags.seed, 'flag-seed');
  assert.equal(withFlags.adminToken, 'flag-token');
  assert.equal(withFlags.clock, 'virtual');
  assert.equal(withFlags.heartbeatTimeoutMs, 100);
  assert.equal(withFlags.host, 'localhost');
});

test('bad values are errors that say where they came from', (t) => {
  const dir = tempDir(t);
  const bad = (f: () => unknown, where: RegExp) => assert.throws(f, (e: unknown) => e instanceof ConfigError && where.test(e.message));
  bad(() => resolveSettings({ port: '80a' }, {}, dir), /^--port/);
  bad(() => resolveSettings({ port: '70000' }, {}, dir), /^--port/);
  bad(() => resolveSettings({}, { POLLUX_PORT: '-1' }, dir), /^POLLUX_PORT/);
  bad(() => resolveSettings({}, { POLLUX_CLOCK: 'fast' }, dir), /^POLLUX_CLOCK/);
  bad(() => resolveSettings({ 'heartbeat-timeout': '0' }, {}, dir), /^--heartbeat-timeout/);
  bad(() => resolveSettings({ 'log-level': 'loud' }, {}, dir), /^--log-level/);
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ prot: 1 }));
  bad(() => resolveSettings({ config: file }, {}, dir), /unknown setting "prot"/);
  writeFileSync(file, JSON.stringify({ clock: 3 }));
  bad(() => resolveSettings({ config: file }, {}, dir), /c\.json: clock/);
  writeFileSync(file, '{oops');
  bad(() => resolveSettings({ config: file }, {}, dir), /cannot read config file/);
  bad(() => resolveSettings({ config: join(dir, 'missing.json') }, {}, dir), /cannot read config file/);
});
