/**
 * The journal written by a worker thread: acknowledgements only after the worker's WAL fsync,
 * commands held while a batch is with the worker, order under load, failures (write, fsync, a
 * dead worker) halting the sequencer, close, snapshots and restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadMarkets } from '../../src/app/markets-config.js';
import { VirtualClock } from '../../src/app/clock.js';
import { SequencerHaltedError, type Submitted } from '../../src/app/sequencer.js';
import type { CommandBody } from '../../src/engine/commands.js';
import { openExchangeStore, replayFromScratch, type ExchangeStore, type StoreOptions } from '../../src/journal/recovery.js';
import { FsyncGate } from '../support/fsync-gate.js';
import { Workload } from '../recovery/workload.js';

const markets = loadMarkets();
const account = (a: string): CommandBody => ({ type: 'CreateAccount', account: a });
const tickOver = () => new Promise((r) => setImmediate(r));

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-wjournal-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function open(dir: string, extra: Partial<StoreOptions> = {}, gate?: FsyncGate): ExchangeStore {
  return openExchangeStore({
    dataDir: dir,
    markets,
    clock: new VirtualClock(1_700_000_000_000),
    snapshotEvery: 0,
    writer: 'worker',
    workerOptions: gate === undefined ? undefined : { fsyncHook: FsyncGate.url, hookData: gate.buffer },
    ...extra,
  });
}

function journalSeqs(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], { seq: number }>('SELECT seq FROM journal ORDER BY seq').all().map((r) => r.seq);
  } finally {
    db.close();
  }
}

/** `n` workload commands from `concurrency` submitters; returns the acknowledged seqs */
async function drive(store: ExchangeStore, w: Workload, n: number, concurrency = 16, onAck?: (seq: number) => void): Promise<number[]> {
  const acked: number[] = [];
  for (const c of w.setup()) {
    const r = await store.sequencer.submit(c);
    if (r.ok) acked.push(r.seq);
  }
  let left = n;
  const submitter = async () => {
    while (left-- > 0) {
      const r = await store.sequencer.submit(w.next());
      if (r.ok) {
        w.observe(r.events);
        acked.push(r.seq);
        onAck?.(r.seq);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, submitter));
  return acked;
}

test('worker: a file store uses it; an in-memory one and onCommit hooks stay on this thread', withDir(async (dir) => {
  const store = open(dir);
  try {
    assert.equal(store.journal.writer, 'worker');
  } finally {
    store.close();
  }
  const mem = openExchangeStore({ path: ':memory:', markets, writer: 'worker' });
  try {
    assert.equal(mem.journal.writer, 'thread');
  } finally {
    mem.close();
  }
  assert.throws(() => open(join(dir, 'other'), { onCommit: () => undefined }), /in-thread/);
}));

test('worker: an ack (and onCommitted) comes only after the worker fsync; new commands are held meanwhile', withDir(async (dir) => {
  const gate = new FsyncGate({ gated: true });
  const store = open(dir, {}, gate);
  const reader = new Database(store.path, { readonly: true });
  const count = () => reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM journal').get()!.n;
  const durable: number[] = [];
  store.journal.onCommitted((b) => durable.push(...b.map((e) => e.cmd.seq)));
  const order: string[] = [];
  try {
    const a = store.sequencer.submit(account('a')).then((r) => (order.push('a'), r));
    const a2 = store.sequencer.submit(account('a2')).then((r) => (order.push('a2'), r));
    await gate.reached(1); // the worker committed a and a2 and waits in its fsync
    assert.equal(count(), 2, 'committed (visible to another connection)');
    assert.equal(store.journal.holding, true);
    const b = store.sequencer.submit(account('b')).then((r) => (order.push('b'), r));
    for (let i = 0; i < 5; i++) await tickOver();
    assert.deepEqual(order, [], 'nothing acknowledged before the fsync');
    assert.deepEqual(durable, []);
    assert.equal(store.sequencer.lastSeq, 2, 'b is held, not applied');
    assert.equal(store.journal.stats.batches, 1);
    gate.permit();
    const [ra, ra2] = await Promise.all([a, a2]);
    assert.deepEqual([ra.ok && ra.seq, ra2.ok && ra2.seq], [1, 2]);
    assert.deepEqual(durable, [1, 2]);
    await gate.reached(2); // b's batch, in its own fsync
    assert.deepEqual(order, ['a', 'a2'], 'b waits for its own fsync');
    gate.permit();
    const rb = await b;
    assert.equal(rb.ok && rb.seq, 3);
    assert.deepEqual(durable, [1, 2, 3]);
    assert.equal(store.journal.stats.syncs, 2);
  } finally {
    gate.open();
    reader.close();
    store.close();
  }
}));

test('worker: under concurrent load seqs are contiguous, durable in order, visible when acked, listeners see the batch end', withDir(async (dir) => {
  const store = open(dir);
  const reader = new Database(store.path, { readonly: true });
  const has = reader.prepare<[number], { seq: number }>('SELECT seq FROM journal WHERE seq = ?');
  const durable: number[] = [];
  const problems: string[] = [];
  const writtenAtSyncs = new Map<number, number>();
  store.journal.onWritten((batch) => {
    for (const e of batch) writtenAtSyncs.set(e.cmd.seq, store.journal.stats.syncs);
  });
  store.sequencer.onCommitted((batch) => {
    const end = batch[batch.length - 1]!.cmd.seq;
    if (store.sequencer.lastSeq !== end) problems.push(`batch ending at ${end} seen with the engine at ${store.sequencer.lastSeq}`);
    for (const e of batch) {
      durable.push(e.cmd.seq);
      if (!(store.journal.stats.syncs > (writtenAtSyncs.get(e.cmd.seq) ?? Infinity))) problems.push(`seq ${e.cmd.seq} durable without an fsync after its hand-over`);
    }
  });
  try {
    let invisible = 0;
    const acked = await drive(store, new Workload(31), 2000, 32, (s) => {
      if (has.get(s) === undefined) invisible++;
    });
    assert.equal(invisible, 0, 'an acknowledged command is visible to a reader');
    assert.deepEqual(problems, []);
    assert.deepEqual(durable, Array.from({ length: store.sequencer.lastSeq }, (_, i) => i + 1));
    assert.ok(acked.length > 0);
    assert.ok(store.journal.stats.maxBatch > 1, 'batches hold several commands');
    assert.ok(store.journal.stats.syncs <= store.journal.stats.batches + 1);
    const seqs = journalSeqs(store.path);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
  } finally {
    reader.close();
    store.close();
  }
}));

test('worker: a failed WAL fsync fails the journal; its batch is never acknowledged and the sequencer halts', withDir(async (dir) => {
  const gate = new FsyncGate();
  const store = open(dir, {}, gate);
  const durable: number[] = [];
  store.journal.onCommitted((b) => durable.push(...b.map((e) => e.cmd.seq)));
  try {
    const r1 = await store.sequencer.submit(account('a'));
    assert.equal(r1.ok && r1.seq, 1);
    gate.failFrom(gate.calls + 1);
    await assert.rejects(store.sequencer.submit(account('b')), SequencerHaltedError);
    assert.ok(store.journal.failed !== null);
    assert.match(store.journal.failed!.message, /fsync/);
    assert.ok(store.sequencer.halted !== null);
    await assert.rejects(store.sequencer.submit(account('c')), SequencerHaltedError);
    assert.deepEqual(durable, [1], 'listeners never saw the batch whose fsync failed');
  } finally {
    store.close();
  }
}));

test('worker: a failed batch write rolls the batch back, fails the journal and halts the sequencer', withDir(async (dir) => {
  let stmt = -1;
  let fail = false;
  const store = open(dir, {
    onOpen: (db, journal) => {
      db.exec('CREATE TABLE IF NOT EXISTS once (x INTEGER PRIMARY KEY)');
      stmt = journal.define('INSERT INTO once (x) VALUES (?)', 1);
    },
    project: (_batch, plan) => {
      if (fail) plan.push(stmt, 7, stmt, 7); // the second row breaks the primary key
    },
  });
  try {
    await store.sequencer.submit(account('a'));
    fail = true;
    const p1 = store.sequencer.submit(account('b'));
    const p2 = store.sequencer.submit(account('c'));
    await assert.rejects(p1, SequencerHaltedError);
    await assert.rejects(p2, SequencerHaltedError);
    assert.match(String(store.journal.failed?.message), /UNIQUE|PRIMARY KEY/);
    fail = false;
    await assert.rejects(store.sequencer.submit(account('d')), SequencerHaltedError);
  } finally {
    store.close();
  }
  assert.deepEqual(journalSeqs(join(dir, 'pollux.db')), [1], 'the failed batch rolled back');
}));

test('worker: a worker that dies fails the journal and halts the sequencer', withDir(async (dir) => {
  const gate = new FsyncGate({ exitFrom: 2 });
  const halts: Error[] = [];
  const store = open(dir, { onHalt: (e) => halts.push(e) }, gate);
  try {
    const r1 = await store.sequencer.submit(account('a'));
    assert.equal(r1.ok && r1.seq, 1);
    await assert.rejects(store.sequencer.submit(account('b')), SequencerHaltedError);
    assert.match(String(store.journal.failed?.message), /exited/);
    assert.equal(halts.length, 1);
  } finally {
    store.close(); // does not wait for a worker that is gone
  }
}));

test('worker: close hands over, syncs and acknowledges what is pending; held commands are refused', withDir(async (dir) => {
  const store = open(dir);
  const ps: Promise<Submitted>[] = [store.sequencer.submit(account('c1')), store.sequencer.submit(account('c2'))];
  store.journal.flush(); // with the worker now
  assert.equal(store.journal.holding, true);
  const c3 = store.sequencer.submit(account('c3')); // held: never applied
  const c4 = store.sequencer.submit(account('c4'));
  store.close(); // blocks until the worker wrote, synced and closed
  const rs = await Promise.all(ps);
  assert.deepEqual(rs.map((r) => r.ok && r.seq), [1, 2]);
  await assert.rejects(c3, SequencerHaltedError);
  await assert.rejects(c4, SequencerHaltedError);
  assert.deepEqual(journalSeqs(join(dir, 'pollux.db')), [1, 2]);
  assert.throws(() => store.journal.writeAside([0]), /closed/);
}));

test('worker: close with commands not yet handed over writes them too', withDir(async (dir) => {
  const store = open(dir);
  const ps = [store.sequencer.submit(account('x1')), store.sequencer.submit(account('x2'))];
  store.close(); // before the scheduled flush ran
  assert.deepEqual((await Promise.all(ps)).map((r) => r.ok && r.seq), [1, 2]);
  assert.deepEqual(journalSeqs(join(dir, 'pollux.db')), [1, 2]);
}));

test('worker: snapshots are written after their batch; restart from snapshot + tail equals a full replay', withDir(async (dir) => {
  let store = open(dir, { snapshotEvery: 400 });
  await drive(store, new Workload(12), 2500);
  const manual = store.snapshot();
  assert.equal(manual.seq, store.sequencer.lastSeq);
  const hash = store.stateHash();
  const lastSeq = store.sequencer.lastSeq;
  store.close();

  store = open(dir, { snapshotEvery: 400 });
  try {
    assert.deepEqual(store.recovery.skippedSnapshots, []);
    assert.equal(store.recovery.snapshotSeq, manual.seq);
    assert.equal(store.recovery.replayed, 0);
    assert.ok(store.snapshots.list().length > 1, 'periodic snapshots were written too');
    assert.ok(store.snapshots.list().length <= 3, 'only the last few are kept');
    assert.equal(store.stateHash(), hash);
    assert.equal(replayFromScratch(store.path, markets).hash, hash);
    const r = await store.sequencer.submit(account('after-restart'));
    assert.equal(r.ok && r.seq, lastSeq + 1);
  } finally {
    store.close();
  }
}));

test('worker: key nonces reach the database by the idle timer and on close; a restart keeps them', withDir(async (dir) => {
  const { Exchange } = await import('../../src/app/exchange.js');
  let ex = Exchange.open({ dataDir: dir, clock: new VirtualClock(1_700_000_000_000), seed: 'nonces', journalWriter: 'worker' });
  assert.equal(ex.store.journal.writer, 'worker');
  await ex.createAccount({ name: 'Nonce' });
  const k = ex.createKey({ account: 'nonce' });
  assert.equal(ex.keys.useNonce(k, 100, 0).ok, true);
  const reader = new Database(join(dir, 'pollux.db'), { readonly: true });
  try {
    const stored = () => reader.prepare<[string], { last_nonce: string | null }>('SELECT last_nonce FROM api_key_state WHERE key = ?').get(k.key)?.last_nonce;
    for (let i = 0; i < 200 && stored() !== '100'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(stored(), '100', 'the idle timer had the worker write the nonce');
    assert.equal(ex.keys.useNonce(k, 101, 0).ok, true);
  } finally {
    reader.close();
    ex.close(); // writes 101
  }
  ex = Exchange.open({ dataDir: dir, clock: new VirtualClock(1_700_000_000_000), seed: 'nonces', journalWriter: 'worker' });
  try {
    const again = ex.keys.get(k.key)!;
    assert.equal(ex.keys.useNonce(again, 101, 0).ok, false, 'the nonce written on close survived');
    assert.equal(ex.keys.useNonce(again, 102, 0).ok, true);
  } finally {
    ex.close();
  }
}));
