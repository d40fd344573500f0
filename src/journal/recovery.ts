/**
 * Recovery: open an exchange store (journal + snapshots + engine + sequencer) from a directory,
 * rebuilding the engine from the newest valid snapshot plus the journal tail after it.
 *
 * Owns: start-up order and the checks that make a restart trustworthy.
 * Invariants:
 * - a snapshot is used only if the state it imports to hashes to its stored hash and it is not
 *   ahead of the journal; otherwise the next older one is tried (and the skip is reported), down
 *   to a replay from an empty engine;
 * - the replayed tail must be exactly seqs snapshotSeq+1 .. lastSeq with no gap, and every
 *   journaled command must be accepted again on replay (anything else is divergence: refuse to
 *   start rather than run on a state that differs from the one acknowledged);
 * - restart cost is O(snapshot + tail), never O(history): rows are read by primary key range;
 * - the projection (history) is not re-run on replay: it committed with the journal rows;
 * - everything here reads on this thread's connection before the journal writes anything (with
 *   the worker writer, the worker only writes what is handed to it after recovery).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Market } from '../domain/symbols.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { importState, type EngineSnapshot } from '../engine/snapshot.js';
import { SystemClock, type Clock } from '../app/clock.js';
import { Sequencer } from '../app/sequencer.js';
import { stateHash } from '../app/state-hash.js';
import { decodeCommand } from './codec.js';
import type { Projection, StoreJournal } from './journal-api.js';
import { openDatabase, SqliteJournal, type ProjectionHook, type SqliteDatabase } from './sqlite-journal.js';
import { WorkerJournal, type WorkerJournalOptions } from './worker-journal.js';
import { PeriodicSnapshots, SnapshotStore, type SnapshotInfo } from './snapshots.js';

export const DB_FILE = 'pollux.db';
export const DEFAULT_SNAPSHOT_EVERY = 10_000;

export interface StoreOptions {
  /** directory holding `pollux.db` (created if missing); or give `path` */
  dataDir?: string;
  path?: string;
  markets: readonly Market[];
  engineOptions?: Omit<EngineOptions, 'markets'>;
  /** periodic snapshot after this many commands (default 10,000; 0 = only on request), but never
   *  more often than once per (open orders + accounts) commands — see snapshots.ts */
  snapshotEvery?: number;
  /** how many snapshots to keep (default 3) */
  keepSnapshots?: number;
  /**
   * who writes the journal: 'thread' (default here; this thread, libuv's pool fsyncs) or 'worker'
   * (a worker thread writes and fsyncs; a file database only: ':memory:' always uses 'thread')
   */
  writer?: JournalWriterKind;
  /** worker tuning and test hooks (writer 'worker') */
  workerOptions?: Pick<WorkerJournalOptions, 'fsyncHook' | 'hookData' | 'closeTimeoutMs'>;
  /** projection rows (history, accounts, nonces) built for each batch and written in its transaction */
  project?: Projection;
  /** a hook run on the connection inside each batch transaction (tests; in-thread writer only) */
  onCommit?: ProjectionHook;
  /** runs once on the open database before recovery (e.g. to create projection tables and define their statements) */
  onOpen?: (db: SqliteDatabase, journal: StoreJournal) => void;
  clock?: Clock;
  /** called if the sequencer halts on a fatal error */
  onHalt?: (err: Error) => void;
  warn?: (msg: string) => void;
}

export type JournalWriterKind = 'thread' | 'worker';

export interface RecoveryReport {
  /** seq of the snapshot the engine was loaded from (0 = empty engine) */
  snapshotSeq: number;
  /** journal commands replayed after it */
  replayed: number;
  lastSeq: number;
  ms: number;
  skippedSnapshots: { seq: number; reason: string }[];
}

export interface ExchangeStore {
  readonly path: string;
  readonly engine: Engine;
  readonly sequencer: Sequencer;
  readonly journal: StoreJournal;
  readonly snapshots: SnapshotStore;
  readonly recovery: RecoveryReport;
  /** flush the journal, then snapshot the current state */
  snapshot(): SnapshotInfo;
  stateHash(): string;
  /** flush pending commands (acknowledging them), stop the sequencer, close the database */
  close(): void;
}

export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

export function storePath(opts: { dataDir?: string; path?: string }): string {
  if (opts.path !== undefined) return opts.path;
  if (opts.dataDir === undefined) throw new Error('give dataDir or path');
  mkdirSync(opts.dataDir, { recursive: true });
  return join(opts.dataDir, DB_FILE);
}

/** Apply journal rows after `afterSeq` to `engine`, checking contiguity and acceptance. */
export function replayJournal(engine: Engine, journal: Pick<StoreJournal, 'rowsAfter'>, afterSeq: number): { lastSeq: number; lastTime: number; replayed: number } {
  let expect = afterSeq + 1;
  let lastTime = 0;
  for (const row of journal.rowsAfter(afterSeq)) {
    if (row.seq !== expect) throw new RecoveryError(`journal gap: expected seq ${expect}, found ${row.seq}`);
    const cmd = decodeCommand(row);
    let r;
    try {
      r = engine.apply(cmd);
    } catch (e) {
      throw new RecoveryError(`engine threw replaying seq ${row.seq}: ${(e as Error).message}`, { cause: e });
    }
    if (!r.ok) throw new RecoveryError(`divergence: journaled seq ${row.seq} (${cmd.type}) rejected on replay: ${r.rejection.code}`);
    lastTime = row.time;
    expect++;
  }
  return { lastSeq: expect - 1, lastTime, replayed: expect - 1 - afterSeq };
}

function loadSnapshot(
  store: SnapshotStore,
  engineOpts: EngineOptions,
  journalLast: number,
  skipped: RecoveryReport['skippedSnapshots'],
): { engine: Engine; seq: number } | undefined {
  for (const info of store.list()) {
    if (info.seq > journalLast) {
      skipped.push({ seq: info.seq, reason: `ahead of the journal (last seq ${journalLast})` });
      continue;
    }
    try {
      const snap = store.load(info.seq)!;
      const engine = importState(engineOpts, JSON.parse(snap.state) as EngineSnapshot);
      const h = stateHash(engine);
      if (h !== snap.hash) {
        skipped.push({ seq: info.seq, reason: `hash mismatch: stored ${snap.hash}, imported state hashes to ${h}` });
        continue;
      }
      return { engine, seq: info.seq };
    } catch (e) {
      skipped.push({ seq: info.seq, reason: `unreadable: ${(e as Error).message}` });
    }
  }
  return undefined;
}

export function openExchangeStore(opts: StoreOptions): ExchangeStore {
  const t0 = performance.now();
  const path = storePath(opts);
  const warn = opts.warn ?? ((m: string) => console.warn(`pollux: ${m}`));
  const engineOpts: EngineOptions = { ...opts.engineOptions, markets: opts.markets };
  const db = openDatabase(path);
  let journal: StoreJournal;
  try {
    if (opts.writer === 'worker' && !db.memory) {
      if (opts.onCommit !== undefined) throw new Error('an onCommit hook needs the in-thread journal writer');
      journal = new WorkerJournal(db, { ...opts.workerOptions, project: opts.project, warn });
    } else journal = new SqliteJournal(db, { onCommit: opts.onCommit, project: opts.project });
  } catch (e) {
    db.close();
    throw e;
  }
  try {
    const snapshots = new SnapshotStore(db, journal, opts.keepSnapshots ?? 3);
    opts.onOpen?.(db, journal);
    const skipped: RecoveryReport['skippedSnapshots'] = [];
    const last = journal.last();
    const loaded = loadSnapshot(snapshots, engineOpts, last?.seq ?? 0, skipped);
    for (const s of skipped) warn(`skipped snapshot at seq ${s.seq}: ${s.reason}`);
    const engine = loaded?.engine ?? new Engine(engineOpts);
    const snapshotSeq = loaded?.seq ?? 0;
    const tail = replayJournal(engine, journal, snapshotSeq);
    if (tail.lastSeq !== (last?.seq ?? 0)) throw new RecoveryError(`replay ended at seq ${tail.lastSeq}, journal ends at ${last?.seq}`);

    const sequencer = new Sequencer({
      engine,
      journal,
      clock: opts.clock ?? new SystemClock(),
      lastSeq: tail.lastSeq,
      lastTime: last?.time ?? 0,
      onHalt: opts.onHalt,
    });
    const every = opts.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    const periodic = new PeriodicSnapshots({
      store: snapshots,
      engine,
      every,
      lastSnapshotSeq: snapshotSeq,
      stateSize: () => engine.state.orders.size + engine.state.accounts.size,
      stateSeq: () => (sequencer.halted === null ? sequencer.lastSeq : null),
    });
    journal.onWritten(periodic.afterBatch); // at commit, while the engine is exactly at the batch end
    if (every > 0 && tail.replayed >= every) {
      try {
        periodic.take(tail.lastSeq); // so the next restart does not replay this tail again
      } catch (e) {
        warn(`snapshot after recovery failed: ${(e as Error).message}`);
      }
    }

    const recovery: RecoveryReport = { snapshotSeq, replayed: tail.replayed, lastSeq: tail.lastSeq, ms: performance.now() - t0, skippedSnapshots: skipped };
    return {
      path,
      engine,
      sequencer,
      journal,
      snapshots,
      recovery,
      snapshot() {
        journal.flush();
        if (journal.failed !== null) throw new Error('cannot snapshot: the journal failed', { cause: journal.failed });
        return periodic.take(sequencer.lastSeq);
      },
      stateHash: () => stateHash(engine),
      close() {
        journal.flush();
        sequencer.close();
        journal.close();
      },
    };
  } catch (e) {
    journal.close();
    throw e;
  }
}

/** Replay a whole journal into a fresh engine (tests compare its hash with a recovered one). */
export function replayFromScratch(path: string, markets: readonly Market[], engineOptions?: Omit<EngineOptions, 'markets'>): { engine: Engine; lastSeq: number; hash: string } {
  const journal = new SqliteJournal(openDatabase(path, { fileMustExist: true }));
  try {
    const engine = new Engine({ ...engineOptions, markets });
    const { lastSeq } = replayJournal(engine, journal, 0);
    return { engine, lastSeq, hash: stateHash(engine) };
  } finally {
    journal.close();
  }
}
