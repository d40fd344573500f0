/**
 * Journal, sequencer, snapshots and recovery: group commit, durable-before-ack, gap-free seqs,
 * rejections not journaled, snapshot + tail replay == full replay, restart cost ~ state, halting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadMarkets } from '../../src/app/markets-config.js';
import { VirtualClock, type Clock } from '../../src/app/clock.js';
import { Sequencer, SequencerHaltedError, type Submitted } from '../../src/app/sequencer.js';
import type { CommandBody } from '../../src/engine/commands.js';
import { Engine } from '../../src/engine/engine.js';
import { decodeCommand, encodeCommand } from '../../src/journal/codec.js';
import { openExchangeStore, replayFromScratch, type ExchangeStore, type StoreOptions } from '../../src/journal/recovery.js';
import { openDatabase, SqliteJournal, type CommittedEntry } from '../../src/journal/sqlite-journal.js';
import { Workload } from '../recovery/workload.js';

const markets = loadMarkets();

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-journal-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function open(dir: string, extra: Partial<StoreOptions> = {}): ExchangeStore {
  return openExchangeStore({ dataDir: dir, markets, clock: new VirtualClock(1_700_000_000_000), snapshotEvery: 0, ...extra });
}

const account = (a: string): CommandBody => ({ type: 'CreateAccount', account: a });

/** run `n` workload commands with `concurrency` submitters; returns acknowledged seqs */
async function drive(store: ExchangeStore, w: Workload, n: number, concurrency = 16): Promise<number[]> {
  const acked: number[] = [];
  for (const c of w.setup()) {
    const r = await store.sequencer.submit(c);
    if (r.ok) acked.push(r.seq);
  }
  let left = n;
  const worker = async () => {
    while (left-- > 0) {
      const r = await store.sequencer.submit(w.next());
      if (r.ok) {
        w.observe(r.events);
        acked.push(r.seq);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return acked;
}

function journalSeqs(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], { seq: number }>('SELECT seq FROM journal ORDER BY seq').all().map((r) => r.seq);
  } finally {
    db.close();
  }
}

test('group commit: same-tick appends go in one transaction; promises resolve only after commit', withDir(async (dir) => {
  const batches: number[][] = [];
  let settled = 0;
  const store = open(dir, {
    onCommit: (db, batch) => {
      assert.equal(db.inTransaction, true);
      const earlier = batches.reduce((n, b) => n + b.length, 0);
      assert.equal(settled, earlier, 'no promise of this batch resolved before its transaction');
      batches.push(batch.map((e) => e.cmd.seq));
    },
  });
  const reader = new Database(store.path, { readonly: true });
  try {
    const count = () => reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM journal').get()!.n;
    const ps = Array.from({ length: 10 }, (_, i) =>
      store.sequencer.submit(account(`a${i}`)).then((r) => {
        settled++;
        assert.ok(count() >= 10, 'the row is visible to another connection when acknowledged');
        return r;
      }),
    );
    assert.equal(count(), 0, 'nothing written synchronously');
    const rs = await Promise.all(ps);
    assert.deepEqual(batches, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    assert.deepEqual(rs.map((r) => (r.ok ? r.seq : -1)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(store.journal.stats.batches, 1);

    // a second tick is a second batch
    await Promise.all([store.sequencer.submit(account('b1')), store.sequencer.submit(account('b2'))]);
    assert.deepEqual(batches[1], [11, 12]);
  } finally {
    reader.close();
    store.close();
  }
}));

test('concurrent submitters: seqs contiguous, every ack durable, rejections not journaled', withDir(async (dir) => {
  const store = open(dir);
  const reader = new Database(store.path, { readonly: true });
  const has = reader.prepare<[number], { seq: number }>('SELECT seq FROM journal WHERE seq = ?');
  let rejected = 0;
  let notDurable = 0;
  const w = new Workload(7);
  try {
    for (const c of w.setup()) await store.sequencer.submit(c);
    const worker = async () => {
      for (let i = 0; i < 100; i++) {
        const r = await store.sequencer.submit(w.next());
        if (!r.ok) rejected++;
        else {
          w.observe(r.events);
          if (has.get(r.seq) === undefined) notDurable++;
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    assert.equal(notDurable, 0);
    assert.ok(rejected > 0, 'the workload produces rejections');
    const seqs = journalSeqs(store.path);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
    assert.equal(seqs.length, store.sequencer.lastSeq);
    assert.equal(seqs.length + rejected, w.setup().length + 2000);
    assert.ok(store.journal.stats.maxBatch > 1, 'concurrent submitters share batches');
  } finally {
    reader.close();
    store.close();
  }
}));

test('a rejection resolves at once, consumes no seq, and is not journaled', withDir(async (dir) => {
  const store = open(dir);
  try {
    const a = store.sequencer.submit(account('x'));
    const b = await store.sequencer.submit(account('x')); // rejected against the pending state
    assert.equal(b.ok, false);
    assert.equal(b.ok === false && b.rejection.code, 'AccountExists');
    const c = await store.sequencer.submit(account('y'));
    assert.deepEqual([(await a).ok && (await a as Extract<Submitted, { ok: true }>).seq, c.ok && c.seq], [1, 2]);
    assert.deepEqual(journalSeqs(store.path), [1, 2]);
  } finally {
    store.close();
  }
}));

test('times come from the clock and never go backwards; the engine sees the decoded command', async () => {
  const journal = new SqliteJournal(new Database(':memory:'));
  const engine = new Engine({ markets });
  let t = 5000;
  const clock: Clock = { now: () => t };
  const seen: unknown[] = [];
  const spy = { apply: (c: Parameters<Engine['apply']>[0]) => (seen.push(c), engine.apply(c)) };
  const seq = new Sequencer({ engine: spy, journal, clock, lastSeq: 0 });
  const r1 = await seq.submit({ type: 'CreateAccount', account: 'a', makerBps: undefined });
  t = 4000; // clock steps back
  const r2 = await seq.submit(account('b'));
  assert.equal(r1.time, 5000);
  assert.equal(r2.time, 5000);
  assert.deepEqual(seen[0], { type: 'CreateAccount', account: 'a', seq: 1, time: 5000 });
  assert.deepEqual(decodeCommand(encodeCommand(seen[1] as never)), seen[1]);
  journal.close();
});

test('committed-batch listeners see every accepted command once, in order, after commit', withDir(async (dir) => {
  const store = open(dir);
  const got: number[] = [];
  const off = store.sequencer.onCommitted((batch: readonly CommittedEntry[]) => {
    for (const e of batch) got.push(e.cmd.seq);
  });
  try {
    await drive(store, new Workload(3), 300);
    assert.deepEqual(got, Array.from({ length: store.sequencer.lastSeq }, (_, i) => i + 1));
    off();
  } finally {
    store.close();
  }
}));

test('snapshot + tail replay gives the same state hash as a full replay', withDir(async (dir) => {
  let store = open(dir, { snapshotEvery: 500 });
  await drive(store, new Workload(11), 3000);
  const hash = store.stateHash();
  const lastSeq = store.sequencer.lastSeq;
  assert.ok(store.snapshots.list().length > 0, 'periodic snapshots were taken');
  assert.ok(store.snapshots.list().length <= 3, 'only the last few are kept');
  store.close();

  store = open(dir, { snapshotEvery: 500 });
  try {
    const rec = store.recovery;
    assert.deepEqual(rec.skippedSnapshots, []);
    assert.ok(rec.snapshotSeq > 0);
    assert.equal(rec.lastSeq, lastSeq);
    assert.equal(rec.replayed, lastSeq - rec.snapshotSeq);
    assert.equal(store.stateHash(), hash);
    assert.equal(replayFromScratch(store.path, markets).hash, hash);
    // and it carries on from the right seq
    const r = await store.sequencer.submit(account('after-restart'));
    assert.equal(r.ok && r.seq, lastSeq + 1);
  } finally {
    store.close();
  }
}));

test('restart cost follows state, not history: after a snapshot only the tail is replayed', withDir(async (dir) => {
  let store = open(dir);
  const w = new Workload(5);
  await drive(store, w, 4000);
  for (const a of w.accounts) await store.sequencer.submit({ type: 'CancelAllOrders', account: a });
  const snap = store.snapshot();
  assert.equal(snap.seq, store.sequencer.lastSeq);
  for (let i = 0; i < 25; i++) await store.sequencer.submit(account(`tail${i}`));
  const hash = store.stateHash();
  const total = store.sequencer.lastSeq;
  store.close();

  store = open(dir);
  try {
    assert.equal(store.recovery.snapshotSeq, snap.seq);
    assert.equal(store.recovery.replayed, 25, `replayed only the tail, not ${total} commands`);
    assert.equal(store.stateHash(), hash);
  } finally {
    store.close();
  }
}));

test('a snapshot whose hash does not match is skipped; recovery falls back and still agrees', withDir(async (dir) => {
  let store = open(dir);
  await drive(store, new Workload(9), 500);
  const s1 = store.snapshot();
  await drive(store, new Workload(10), 200);
  const s2 = store.snapshot();
  const hash = store.stateHash();
  store.close();
  const db = new Database(join(dir, 'pollux.db'));
  db.prepare('UPDATE snapshots SET hash = ? WHERE seq = ?').run('0'.repeat(64), s2.seq);
  db.close();

  const warnings: string[] = [];
  store = open(dir, { warn: (m) => warnings.push(m) });
  try {
    assert.equal(store.recovery.snapshotSeq, s1.seq);
    assert.equal(store.recovery.skippedSnapshots.length, 1);
    assert.equal(warnings.length, 1);
    assert.equal(store.stateHash(), hash);
  } finally {
    store.close();
  }
}));

test('a journal write failure halts the sequencer; nothing more is accepted or snapshotted', withDir(async (dir) => {
  let fail = false;
  const store = open(dir, {
    snapshotEvery: 1,
    onCommit: () => {
      if (fail) throw new Error('disk on fire');
    },
  });
  try {
    await store.sequencer.submit(account('a'));
    const snaps = store.snapshots.list().length;
    fail = true;
    const p1 = store.sequencer.submit(account('b'));
    const p2 = store.sequencer.submit(account('c'));
    await assert.rejects(p1, SequencerHaltedError);
    await assert.rejects(p2, SequencerHaltedError);
    assert.ok(store.sequencer.halted !== null);
    fail = false;
    await assert.rejects(store.sequencer.submit(account('d')), SequencerHaltedError);
    assert.deepEqual(journalSeqs(store.path), [1], 'the failed batch rolled back');
    assert.equal(store.snapshots.list().length, snaps);
  } finally {
    store.close();
  }
}));

test('an engine that throws halts the sequencer', async () => {
  const journal = new SqliteJournal(new Database(':memory:'));
  const halts: Error[] = [];
  const engine = new Engine({ markets });
  let boom = false;
  const seq = new Sequencer({
    engine: { apply: (c) => (boom ? (() => { throw new Error('bug'); })() : engine.apply(c)) },
    journal,
    clock: new VirtualClock(),
    lastSeq: 0,
    onHalt: (e) => halts.push(e),
  });
  const ok = seq.submit(account('a'));
  boom = true;
  await assert.rejects(seq.submit(account('b')), SequencerHaltedError);
  boom = false;
  await assert.rejects(seq.submit(account('c')), SequencerHaltedError);
  const r = await ok; // accepted before the bug: still committed and acknowledged
  assert.equal(r.ok && r.seq, 1);
  assert.equal(halts.length, 1);
  assert.equal(journal.lastSeq(), 1);
  journal.close();
});

test('a command JSON cannot carry is refused without halting', withDir(async (dir) => {
  const store = open(dir);
  try {
    await assert.rejects(store.sequencer.submit({ type: 'Deposit', account: 'a', currency: 'USD', amount: 1n } as unknown as CommandBody));
    await assert.rejects(store.sequencer.submit({ type: 'Nope' } as unknown as CommandBody));
    assert.equal(store.sequencer.halted, null);
    const r = await store.sequencer.submit(account('a'));
    assert.equal(r.ok && r.seq, 1);
  } finally {
    store.close();
  }
}));

test('VirtualClock moves only when told, never backwards; the sequencer stamps its time', withDir(async (dir) => {
  const clock = new VirtualClock(1000);
  assert.equal(clock.now(), 1000);
  assert.equal(clock.advance(5), 1005);
  clock.set(2000);
  assert.throws(() => clock.set(1999), RangeError);
  assert.throws(() => clock.advance(-1), RangeError);
  const store = open(dir, { clock });
  try {
    const r1 = await store.sequencer.submit(account('a'));
    clock.advance(250);
    const r2 = await store.sequencer.submit(account('b'));
    assert.deepEqual([r1.time, r2.time], [2000, 2250]);
    store.close();
    const again = open(dir);
    try {
      assert.equal(again.journal.last()?.time, 2250);
    } finally {
      again.close();
    }
  } finally {
    store.close();
  }
}));

test('pipelined fsync: a batch is acknowledged (and seen by onCommitted) only after an fsync started after its commit', withDir(async (dir) => {
  const store = open(dir);
  const j = store.journal;
  /** per seq: WAL fsyncs started when its batch committed */
  const syncsAtCommit = new Map<number, number>();
  const durableSeen: number[] = [];
  const violations: string[] = [];
  j.onWritten((batch) => {
    for (const e of batch) syncsAtCommit.set(e.cmd.seq, j.stats.syncs);
  });
  j.onCommitted((batch) => {
    for (const e of batch) {
      const at = syncsAtCommit.get(e.cmd.seq);
      if (at === undefined) violations.push(`seq ${e.cmd.seq} durable before it was written`);
      else if (j.stats.syncs <= at) violations.push(`seq ${e.cmd.seq} durable with no fsync started after its commit`);
      durableSeen.push(e.cmd.seq);
    }
  });
  const w = new Workload(21);
  try {
    const acked = await drive(store, w, 1500, 40);
    for (const s of acked) {
      const at = syncsAtCommit.get(s);
      assert.ok(at !== undefined, `acked seq ${s} was written`);
    }
    assert.deepEqual(violations, []);
    assert.deepEqual(durableSeen, Array.from({ length: store.sequencer.lastSeq }, (_, i) => i + 1), 'durable in seq order, once each');
    assert.ok(j.stats.syncs >= 1 && j.stats.syncs <= j.stats.batches, 'at most one fsync per batch');
  } finally {
    store.close();
  }
}));

test('the WAL we fsync is the file SQLite writes, across checkpoints and WAL restarts', withDir(async (dir) => {
  const store = open(dir);
  store.journal.db.pragma('wal_autocheckpoint = 20'); // checkpoint (and restart the WAL) often
  try {
    await drive(store, new Workload(4), 2000, 16);
    const id = store.journal.walIdentity();
    assert.ok(id !== undefined, 'the WAL descriptor is open');
    assert.equal(id.ours, id.path, 'same inode');
    assert.ok(store.journal.stats.syncs > 0);
  } finally {
    store.close();
  }
}));

test('close makes committed but not yet synced batches durable and acknowledges them; held commands are refused', withDir(async (dir) => {
  const store = open(dir);
  const ps = [store.sequencer.submit(account('c1')), store.sequencer.submit(account('c2'))];
  store.journal.flush(); // committed now; its fsync is in flight
  assert.equal(store.journal.holding, true);
  const c3 = store.sequencer.submit(account('c3')); // held: never applied
  store.close(); // fsyncs synchronously, acknowledges c1 and c2
  const rs = await Promise.all(ps);
  assert.deepEqual(rs.map((r) => r.ok && r.seq), [1, 2]);
  await assert.rejects(c3, SequencerHaltedError);
  assert.deepEqual(journalSeqs(join(dir, 'pollux.db')), [1, 2]);
}));

test('a failed WAL fsync fails the journal: its batch is not acknowledged and the sequencer halts', withDir(async (dir) => {
  let calls = 0;
  const journal = new SqliteJournal(openDatabase(join(dir, 'j.db')), {
    fdatasync: (fd, cb) => (++calls === 1 ? fdatasync(fd, cb) : setTimeout(() => cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })), 1)),
  });
  const committed: number[] = [];
  journal.onCommitted((b) => committed.push(...b.map((e) => e.cmd.seq)));
  const seq = new Sequencer({ engine: new Engine({ markets }), journal, clock: new VirtualClock(1), lastSeq: 0 });
  try {
    const r1 = await seq.submit(account('a'));
    assert.equal(r1.ok && r1.seq, 1);
    await assert.rejects(seq.submit(account('b')), SequencerHaltedError);
    assert.ok(journal.failed !== null);
    assert.ok(seq.halted !== null);
    await assert.rejects(seq.submit(account('c')), SequencerHaltedError);
    assert.deepEqual(committed, [1], 'listeners never saw the batch whose fsync failed');
  } finally {
    journal.close();
  }
}));

test('while an fsync runs, new commands are held (not applied); they are applied and committed together when it ends', withDir(async (dir) => {
  const release: (() => void)[] = [];
  const journal = new SqliteJournal(openDatabase(join(dir, 'j.db')), {
    fdatasync: (fd, cb) => release.push(() => fdatasync(fd, cb)),
  });
  const seq = new Sequencer({ engine: new Engine({ markets }), journal, clock: new VirtualClock(1), lastSeq: 0 });
  const order: string[] = [];
  const tickOver = () => new Promise((r) => setImmediate(r));
  try {
    const a = seq.submit(account('a')).then(() => order.push('a'));
    await tickOver();
    assert.equal(journal.stats.batches, 1);
    assert.equal(release.length, 1, 'a is committed and its fsync started');
    const b = seq.submit(account('b')).then(() => order.push('b'));
    await tickOver();
    const c = seq.submit(account('c')).then(() => order.push('c'));
    await tickOver();
    assert.equal(journal.stats.batches, 1, 'b and c wait for the fsync in flight');
    assert.equal(seq.lastSeq, 1, 'and are not applied yet');
    assert.deepEqual(order, []);
    release.shift()!();
    await a;
    assert.deepEqual(order, ['a'], 'b and c are not durable yet');
    await tickOver();
    assert.equal(journal.stats.batches, 2, 'b and c committed as one batch');
    assert.equal(release.length, 1);
    release.shift()!();
    await Promise.all([b, c]);
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.equal(journal.stats.syncs, 2);
  } finally {
    journal.close();
  }
}));

test('a durable-batch listener sees the engine exactly at its batch end, under concurrent load', withDir(async (dir) => {
  const store = open(dir);
  const ahead: string[] = [];
  store.sequencer.onCommitted((batch) => {
    const end = batch[batch.length - 1]!.cmd.seq;
    if (store.sequencer.lastSeq !== end) ahead.push(`batch ending at ${end} seen with the engine at ${store.sequencer.lastSeq}`);
  });
  const w = new Workload(8);
  try {
    for (const c of w.setup()) await store.sequencer.submit(c);
    // submitters that wake at scattered times, so that commands arrive while fsyncs run
    let left = 1500;
    let i = 0;
    const worker = async () => {
      while (left-- > 0) {
        await new Promise((r) => setTimeout(r, i++ % 3));
        const r = await store.sequencer.submit(w.next());
        if (r.ok) w.observe(r.events);
      }
    };
    await Promise.all(Array.from({ length: 30 }, worker));
    assert.ok(store.journal.stats.batches > 10);
    assert.deepEqual(ahead, []);
  } finally {
    store.close();
  }
}));
