/**
 * Snapshots: the engine's canonical state at a seq, stored beside the journal, so that a restart
 * costs O(state + journal tail) instead of O(history).
 *
 * Owns: the `snapshots` table (seq INTEGER PRIMARY KEY, hash, state TEXT, created_at, bytes) and the
 * periodic policy: at a batch boundary once N commands passed since the last snapshot — and at
 * least as many commands as the state has entries (open orders + accounts), so that the
 * synchronous snapshot cost (O(state)) amortizes to O(1) per command while the journal tail a
 * restart replays stays O(max(N, state)). Keep the last K.
 * Invariants: a stored snapshot is the state after applying exactly journal seqs 1..seq, and `hash`
 * is sha256 of its `state` text (= the state hash). Snapshots are taken synchronously on the main
 * thread right after a batch was committed (in-thread journal) or handed to the journal's worker —
 * moments when the in-memory engine is exactly at the batch's last seq — and never after the
 * sequencer halted (the engine may then be corrupt). Their rows are written by the journal's
 * writer after that batch, in the same WAL, so a snapshot never survives a crash its batch did not.
 * A snapshot is an optimisation: failing to write one is reported, not fatal.
 */
import type { Engine } from '../engine/engine.js';
import { hashText, stateText } from '../app/state-hash.js';
import type { CommittedEntry, SqliteDatabase, StoreJournal } from './journal-api.js';

export interface SnapshotInfo {
  seq: number;
  hash: string;
  createdAt: number;
  bytes: number;
}

export interface StoredSnapshot extends SnapshotInfo {
  state: string;
}

export class SnapshotStore {
  private readonly db: SqliteDatabase;
  private readonly journal: Pick<StoreJournal, 'define' | 'writeAside'>;
  private readonly insert: number;
  private readonly prune: number;
  readonly keep: number;

  /** `db` for reads; the rows are written by `journal` as an aside (after the batch being handed over) */
  constructor(db: SqliteDatabase, journal: Pick<StoreJournal, 'define' | 'writeAside'>, keep = 3) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be >= 1, got ${keep}`);
    this.db = db;
    this.journal = journal;
    this.keep = keep;
    db.exec('CREATE TABLE IF NOT EXISTS snapshots (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL, bytes INTEGER NOT NULL)');
    this.insert = journal.define('INSERT OR REPLACE INTO snapshots (seq, hash, state, created_at, bytes) VALUES (?, ?, ?, ?, ?)', 5);
    this.prune = journal.define('DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)', 1);
  }

  /**
   * Store (or replace) the snapshot at `seq` and drop all but the newest `keep`. In-thread it is
   * written (durably) before this returns; with the journal's worker it is written after the
   * batch being handed over (or everything handed over before), in the same WAL.
   */
  save(seq: number, hash: string, state: string): SnapshotInfo {
    const createdAt = Date.now();
    const bytes = Buffer.byteLength(state);
    this.journal.writeAside([this.insert, seq, hash, state, createdAt, bytes, this.prune, this.keep]);
    return { seq, hash, createdAt, bytes };
  }

  /** newest first */
  list(): SnapshotInfo[] {
    return this.db
      .prepare<[], SnapshotInfo>('SELECT seq, hash, created_at AS createdAt, bytes FROM snapshots ORDER BY seq DESC')
      .all();
  }

  load(seq: number): StoredSnapshot | undefined {
    return this.db
      .prepare<[number], StoredSnapshot>('SELECT seq, hash, state, created_at AS createdAt, bytes FROM snapshots WHERE seq = ?')
      .get(seq);
  }
}

export interface PeriodicSnapshotOptions {
  store: SnapshotStore;
  engine: Engine;
  /** take one when this many commands were committed since the last; 0 = never automatically */
  every: number;
  /** seq of the newest existing snapshot (0 if none) */
  lastSnapshotSeq: number;
  /** entries in the state (open orders + accounts); a snapshot waits at least this many commands */
  stateSize?: () => number;
  /** the seq the engine state is at, or null when it must not be snapshotted (sequencer halted) */
  stateSeq: () => number | null;
  onError?: (err: unknown) => void;
}

export class PeriodicSnapshots {
  private readonly o: PeriodicSnapshotOptions;
  private last: number;
  /** time the most recent snapshot took (export + hash + write), ms */
  lastDurationMs = 0;

  constructor(o: PeriodicSnapshotOptions) {
    if (!Number.isInteger(o.every) || o.every < 0) throw new RangeError(`snapshotEvery must be an integer >= 0, got ${o.every}`);
    this.o = o;
    this.last = o.lastSnapshotSeq;
  }

  get lastSnapshotSeq(): number {
    return this.last;
  }

  /** a commit listener: call after each committed batch */
  readonly afterBatch = (batch: readonly CommittedEntry[]): void => {
    const end = batch[batch.length - 1];
    if (this.o.every === 0 || end === undefined || this.o.stateSeq() === null) return;
    const since = end.cmd.seq - this.last;
    if (since < this.o.every || since < (this.o.stateSize?.() ?? 0)) return;
    try {
      this.take(end.cmd.seq);
    } catch (e) {
      (this.o.onError ?? ((err) => console.error('pollux: snapshot failed:', err)))(e);
    }
  };

  /** Snapshot the engine now; `seq` must be the seq its state is at. Throws if it is not. */
  take(seq: number): SnapshotInfo {
    const at = this.o.stateSeq();
    if (at === null) throw new Error('refusing to snapshot: the sequencer has halted');
    if (at !== seq) throw new Error(`refusing to snapshot: engine is at seq ${at}, not ${seq}`);
    const t0 = performance.now();
    const text = stateText(this.o.engine);
    const info = this.o.store.save(seq, hashText(text), text);
    this.last = seq;
    this.lastDurationMs = performance.now() - t0;
    return info;
  }
}
