/**
 * Crash recovery: kill -9 a process under load, restart from its directory, and prove that
 * nothing acknowledged was lost and that the recovered state is exactly a replay of the journal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadMarkets } from '../../src/app/markets-config.js';
import { openExchangeStore, replayFromScratch } from '../../src/journal/recovery.js';
import { mulberry32 } from './workload.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const markets = loadMarkets();

const MIN_ACKS = 100;

/**
 * Run the child; SIGKILL it `killAfterMs` after it reported `ready` (or, on a slow machine, once
 * it acknowledged MIN_ACKS commands, whichever is later). Returns the acknowledged seqs.
 */
function runAndKill(dir: string, seed: number, killAfterMs: number, writer: string): Promise<{ acked: number[]; stderr: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(seed), '250', writer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let due = false;
    const acks = () => out.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    const failsafe = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (timer === undefined && out.includes('ready\n')) timer = setTimeout(() => (due = true), killAfterMs);
      if (due && acks().length >= MIN_ACKS) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(failsafe);
      if (timer !== undefined) clearTimeout(timer);
      resolve({ acked: acks(), stderr, signal });
    });
  });
}

// the child's journal is written on its main thread or by its worker thread
for (const [seed, base, writer] of [[101, 120, 'thread'], [202, 280, 'thread'], [303, 450, 'thread'], [404, 150, 'worker'], [505, 330, 'worker']] as const) {
  test(`kill -9 under load (seed ${seed}, ${writer} writer): acknowledged commands survive, state equals a full replay`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-crash-'));
    try {
      const rand = mulberry32(seed);
      const killAfter = base + Math.floor(rand() * 100);
      const { acked, stderr, signal } = await runAndKill(dir, seed, killAfter, writer);
      assert.equal(signal, 'SIGKILL', `child died on its own: ${stderr}`);
      assert.ok(acked.length >= MIN_ACKS, `the child acknowledged only ${acked.length} commands before the kill`);

      const store = openExchangeStore({ dataDir: dir, markets, snapshotEvery: 250 });
      let hash: string;
      let lastSeq: number;
      try {
        const rec = store.recovery;
        assert.deepEqual(rec.skippedSnapshots, []);
        lastSeq = rec.lastSeq;
        const db = new Database(store.path, { readonly: true });
        const has = db.prepare<[number], { seq: number }>('SELECT seq FROM journal WHERE seq = ?');
        const lost = acked.filter((s) => has.get(s) === undefined);
        db.close();
        assert.deepEqual(lost, [], 'every acknowledged seq is in the journal');
        assert.ok(lastSeq >= Math.max(...acked));
        hash = store.stateHash();
        t.diagnostic(`killed ~${killAfter} ms after ready: ${acked.length} acked, journal at ${lastSeq}, ` +
          `recovered from snapshot ${rec.snapshotSeq} + ${rec.replayed} replayed in ${rec.ms.toFixed(1)} ms`);
      } finally {
        store.close();
      }

      const full = replayFromScratch(join(dir, 'pollux.db'), markets);
      assert.equal(full.lastSeq, lastSeq);
      assert.equal(full.hash, hash, 'recovered state == full replay of the journal');

      const again = openExchangeStore({ dataDir: dir, markets, snapshotEvery: 250 });
      try {
        assert.equal(again.recovery.lastSeq, lastSeq);
        assert.equal(again.stateHash(), hash, 'a second restart gives the same hash');
        const r = await again.sequencer.submit({ type: 'CreateAccount', account: 'after-crash' });
        assert.equal(r.ok && r.seq, lastSeq + 1, 'seqs carry on without a gap');
      } finally {
        again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
