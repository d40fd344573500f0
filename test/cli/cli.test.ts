/**
 * The `pollux` management commands: against a running exchange (by --url, by env, and found
 * through its --data-dir lock) and directly on a stopped data dir. Most cases run the CLI
 * in-process (`run(argv, io)`, fast); a few spawn the built `pollux` to prove the process
 * boundary (exit status, stdout/stderr, env).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Exchange } from '../../src/app/exchange.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { runCli, runCliHere, tempDir } from '../server/support.js';

const TOKEN = 'cli-test-token';
let s: RunningServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pollux-cli-'));
  s = await startServer({ port: 0, dataDir: dir, adminToken: TOKEN, clock: 'virtual' });
});
after(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const remote = () => ['--url', s.url, '--admin-token', TOKEN, '--json'];

async function ok(args: string[], env?: NodeJS.ProcessEnv): Promise<any> {
  const r = await runCliHere(args, env);
  assert.equal(r.code, 0, `pollux ${args.join(' ')}: ${r.stderr}`);
  return args.includes('--json') ? r.json() : r.stdout;
}

test('the pollux process: --help, usage errors exit 2, a remote command exits 0 with JSON', async () => {
  const [help, usage, remoteList] = await Promise.all([
    runCli(['--help']),
    runCli(['deposit', 'primary', 'USD']),
    runCli(['accounts', 'list', '--json'], { env: { POLLUX_URL: s.url, POLLUX_ADMIN_TOKEN: TOKEN } }),
  ]);
  assert.equal(help.code, 0);
  for (const w of ['pollux start', 'accounts create', 'keys create', 'deposit', 'withdraw', 'balances', 'market status', 'clock advance', 'POLLUX_PORT']) assert.ok(help.stdout.includes(w), w);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^pollux: usage: pollux deposit <account> <currency> <amount>/);
  assert.equal(remoteList.code, 0, remoteList.stderr);
  assert.deepEqual(remoteList.json().map((a: any) => a.account), ['primary', 'secondary']);
});

test('usage errors (exit 2): unknown command, unknown flag, a flag the command does not take, arity', async () => {
  for (const args of [['frobnicate'], ['balances', 'primary', '--colour'], ['balances', 'primary', '--fund', 'USD=1'], ['balances'], ['keys', 'create'], ['clock', 'advance', 'soon'], ['accounts', 'create', 'X', '--fund', 'USD']]) {
    const r = await runCliHere(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^pollux: /);
  }
  assert.match((await runCliHere(['--version'])).stdout, /^\d+\.\d+\.\d+\n$/);
});

test('against a running exchange with --url: every command, JSON out', async () => {
  assert.deepEqual((await ok(['accounts', 'list', ...remote()])).map((a: any) => a.account), ['primary', 'secondary']);
  const keys = await ok(['keys', 'list', '--account', 'primary', ...remote()]);
  assert.ok(keys.length >= 2 && keys.every((k: any) => k.account === 'primary' && k.secret.length === 28));
  assert.equal((await ok(['balances', 'secondary', ...remote()])).find((b: any) => b.currency === 'USD').amount, '100000');
  assert.ok((await ok(['market', 'status', ...remote()])).some((m: any) => m.symbol === 'btcusd'));
  assert.equal((await ok(['clock', 'get', ...remote()])).type, 'virtual');

  const created = await ok(['accounts', 'create', 'Desk Two', '--fund', 'USD=250', '--fund', 'btc=0.5', '--maker-bps', '5', '--taker-bps', '20', '--role', 'Trader,FundManager', ...remote()]);
  assert.equal(created.account, 'desk-two');
  assert.equal(created.makerBps, 5);
  assert.deepEqual(created.balances.map((b: any) => [b.currency, b.amount]), [['USD', '250'], ['BTC', '0.5']]);
  assert.deepEqual(created.keys[0].roles, ['Trader', 'FundManager']);
  assert.ok(s.exchange.keys.get(created.keys[0].key), 'the running exchange has the key');

  assert.equal((await ok(['deposit', 'desk-two', 'USD', '100', ...remote()])).balance.amount, '350');
  assert.equal((await ok(['withdraw', 'desk-two', 'USD', '50', ...remote()])).balance.amount, '300');
  const key = await ok(['keys', 'create', '--account', 'desk-two', '--role', 'Trader', '--role', 'FundManager', '--heartbeat', '--label', 'bot', ...remote()]);
  assert.deepEqual([key.roles, key.requireHeartbeat, key.label], [['Trader', 'FundManager'], true, 'bot']);
  assert.match((await ok(['keys', 'create', '--master', '--role', 'Administrator', ...remote()])).key, /^master-/);
  assert.equal((await ok(['market', 'status', 'ltcusd', 'post_only', ...remote()])).status, 'post_only');
  assert.equal(s.exchange.engine.market('ltcusd')!.status, 'post_only');
  assert.equal((await ok(['fees', 'desk-two', '1', '2', ...remote()])).takerBps, 2);

  const t0 = s.exchange.clock.now();
  assert.equal((await ok(['clock', 'advance', '90s', ...remote()])).time, t0 + 90_000);
  assert.equal((await ok(['clock', 'set', new Date(t0 + 3_600_000).toISOString(), ...remote()])).time, t0 + 3_600_000);
});

test('human output: tables and summaries', async () => {
  const rm = ['--url', s.url, '--admin-token', TOKEN];
  assert.match(await ok(['accounts', 'list', ...rm]), /^ACCOUNT\s+NAME\s+TYPE\s+MAKER\s+TAKER\s+CREATED\n-+/);
  assert.match(await ok(['balances', 'primary', ...rm]), /^CURRENCY\s+AMOUNT\s+AVAILABLE\n[- ]+\nUSD\s+100000\s+100000\n/);
  assert.match(await ok(['deposit', 'primary', 'BTC', '1', ...rm]), /^deposited 1 BTC to primary; BTC balance now 1001 \(available 1001\)\n$/);
  assert.match(await ok(['keys', 'create', '--account', 'primary', '--time-nonce', ...rm]), /^key +account-\w{20}\nsecret +\w{28}\naccount +primary\nroles +Trader\nflags +timeNonce\n$/);
  assert.match(await ok(['market', 'status', 'btcusd', ...rm]), /btcusd\s+BTC\s+USD\s+open/);
  assert.match(await ok(['clock', 'get', ...rm]), /^\d{4}-\d\d-\d\dT.*Z {2}\(\d+ ms since the epoch, virtual clock\)\n$/);
});

test('errors from the exchange exit 1 with the reason (JSON on stdout with --json)', async () => {
  const poor = await runCliHere(['withdraw', 'primary', 'USD', '1000000000', ...remote()]);
  assert.equal(poor.code, 1);
  assert.deepEqual(poor.json(), { result: 'error', reason: 'InsufficientFunds', message: 'Insufficient funds' });
  assert.match(poor.stderr, /^pollux: Insufficient funds\n$/);
  const nobody = await runCliHere(['balances', 'nobody', ...remote()]);
  assert.equal(nobody.code, 1);
  assert.equal(nobody.json().reason, 'InvalidAccountName');
  const wrong = await runCliHere(['accounts', 'list', '--url', s.url, '--admin-token', 'wrong']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /wrong admin token/);
  const unreachable = await runCliHere(['accounts', 'list', '--url', 'http://127.0.0.1:9', '--admin-token', 'x']);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /cannot reach the exchange/);
  assert.equal((await runCliHere(['accounts', 'list', '--url', s.url])).code, 2, '--url without a token');
});

test('env vars, and a running server found through --data-dir (its lock file)', async () => {
  assert.equal((await ok(['deposit', 'primary', 'ETH', '1', '--json'], { POLLUX_URL: s.url, POLLUX_ADMIN_TOKEN: TOKEN })).balance.amount, '20001');
  assert.equal((await ok(['deposit', 'primary', 'ETH', '1', '--data-dir', dir, '--json'])).balance.amount, '20002');
  assert.match(await ok(['balances', 'primary'], { POLLUX_DATA_DIR: dir }), /\nETH\s+20002\s+20002\n/);
});

test('on a stopped data dir: the command opens it, acts, and closes it', async (t) => {
  const stopped = tempDir(t);
  const boot = await startServer({ port: 0, dataDir: stopped, seed: 'stopped' });
  await boot.close();

  // one real process on the stopped dir
  const dep = await runCli(['deposit', 'secondary', 'SOL', '12.5', '--data-dir', stopped, '--json']);
  assert.equal(dep.code, 0, dep.stderr);
  assert.equal(dep.json().balance.amount, '10012.5');

  const acct = await ok(['accounts', 'create', 'Offline', '--no-key', '--fund', 'USD=1', '--data-dir', stopped, '--json']);
  assert.equal(acct.keys.length, 0);
  const key = await ok(['keys', 'create', '--account', 'offline', '--time-nonce', '--data-dir', stopped, '--json']);
  assert.ok((await ok(['keys', 'list', '--data-dir', stopped])).includes(key.key));
  assert.equal((await ok(['market', 'status', 'btcusd', 'closed', '--data-dir', stopped, '--json'])).status, 'closed');
  const clock = await runCliHere(['clock', 'advance', '1s', '--data-dir', stopped]);
  assert.equal(clock.code, 1);
  assert.match(clock.stderr, /the clock belongs to a running exchange/);

  const ex = Exchange.open({ dataDir: stopped });
  try {
    assert.equal(ex.engine.account('secondary')!.balances.get('SOL')!.total, 10012_500000000000000000n);
    assert.ok(ex.engine.account('offline'));
    assert.ok(ex.keys.list().some((k) => k.key === key.key && k.timeNonce));
    assert.equal(ex.engine.market('btcusd')!.status, 'closed');
  } finally {
    ex.close();
  }

  const nowhere = await runCliHere(['accounts', 'list', '--data-dir', join(stopped, 'nope')]);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.stderr, /no exchange in/);
});
