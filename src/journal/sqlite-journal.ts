/**
 * The SQLite journal: the durable, gap-free list of accepted commands, with pipelined group
 * commit (the batch fsync runs off the event loop). This is the in-thread writer (the batch
 * transaction runs on this thread); worker-journal.ts + journal-worker.ts run the very same
 * transactions and fsync on a worker thread, and the argument below covers both (see there).
 *
 * Owns: the `journal` table (seq INTEGER PRIMARY KEY, time, body TEXT) of one SQLite database
 * opened in WAL mode, the batching of appends, and the fsync of the `-wal` file that makes a
 * batch durable.
 * Invariants:
 * - appended seqs are exactly lastSeq+1, lastSeq+2, ... (checked on append; the primary key also
 *   stops a second writer from interleaving);
 * - appends are written by ONE transaction per batch: those of one tick (flush scheduled with
 *   setImmediate), or, while an fsync runs, everything appended until it ends and in the poll
 *   phase after; the projection rows (`project(batch, plan)`: history, accounts, nonces; and the
 *   test hook `onCommit(db, batch)`) are written inside that transaction, so a projection
 *   commits or rolls back with it; `onWritten` listeners (snapshots) run right after it, while
 *   the engine is exactly at the batch's last seq; `writeAside` rows (snapshots, idle nonce
 *   flushes) are their own transaction, with synchronous=FULL;
 * - durable before acknowledged: an append's promise resolves, and `onCommitted` listeners
 *   (market data, WebSocket, order events) see its batch, only after an fdatasync of the WAL file
 *   that STARTED after the batch's transaction had committed has completed. Batches become
 *   durable in seq order; listeners run synchronously, in order, before any promise continuation;
 * - a failed batch write or fsync marks the journal `failed`: the promises of that batch (for an
 *   fsync, of every batch committed since the last good fsync) reject and every later append is
 *   refused. There is no retry: the engine already applied those commands, so the only safe
 *   continuation is a restart from disk.
 *
 * Why this is durable (the batch transaction runs with `synchronous=NORMAL`; every other write on
 * the connection keeps the default `synchronous=FULL`):
 * - in WAL mode a COMMIT only appends the changed pages (frames, the last one marked as a commit)
 *   to the `-wal` file with write(); NORMAL skips the fsync that FULL does at that point. The
 *   database file itself is written only by checkpoints, and SQLite fsyncs the WAL before a
 *   checkpoint copies it and the database file after, before the WAL can be reset and reused;
 *   after a reset it fsyncs the new WAL header before the first frame goes after it;
 * - fsync works on the file (the inode), whatever descriptor it is called through, and covers
 *   every write() that completed before it started. We keep our own descriptor on the `-wal`
 *   file. SQLite never deletes or renames the WAL while a connection holds the database open
 *   ("the WAL file exists for as long as any database connection has the database open",
 *   sqlite.org/wal.html): it is overwritten from the start after a checkpoint, or truncated, in
 *   place, and only the last connection to close deletes it, after a checkpoint. So our
 *   descriptor is on the same inode for the connection's lifetime (a test checks this across
 *   checkpoints), and `close` syncs through it before closing the connection;
 * - on restart SQLite replays the WAL's valid frames up to the last commit frame whose checksum
 *   chain is intact: a synced batch and everything before it (earlier frames of the same WAL, or
 *   pages already checkpointed into the synced database file) are there; an unsynced later batch
 *   is either whole or absent, never half (it was never acknowledged);
 * - the WAL file's directory entry is fsynced once when we first open the file, so a freshly
 *   created WAL cannot vanish with a power cut.
 * While batch N syncs in libuv's thread pool the event loop keeps reading, parsing and
 * authenticating requests; the sequencer holds their commands back (`holding`) until N's durable
 * listeners ran — so listeners that read the engine (WebSocket feed digests) see exactly the state
 * after N — then applies them, and they are committed as batch N+1 after that poll phase.
 * With the worker writer the same holds, fact for fact: the worker's connection is another
 * connection to the same database and WAL file, so it writes the same frames, its COMMIT is the
 * same write() into the WAL, its own descriptor on the WAL is on the same inode (the main thread's
 * read connection stays open, so the WAL is not deleted before the worker closes), and it reports
 * a batch durable only after an fdatasync that it started after that batch's COMMIT returned.
 * Known limits: one writing process per database (not enforced beyond the primary key). Reads on
 * the same connection (history queries) can see a batch that is committed but not yet durable,
 * just as the engine's in-memory state runs ahead of the journal. An in-memory database is not
 * durable and is acknowledged right after its commit.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, statSync, close as fsClose } from 'node:fs';
import Database from 'better-sqlite3';
import type { JournalRow } from './codec.js';
import {
  JOURNAL_INSERT,
  JournalFailedError,
  JournalReadSide,
  JournalReads,
  Listeners,
  type CommitListener,
  type CommittedEntry,
  type JournalStats,
  type Projection,
  type SqliteDatabase,
  type StoreJournal,
} from './journal-api.js';
import { openWal, walPathOf } from './wal-file.js';
import { PlanRunner, type Plan } from './write-plan.js';

export { JournalFailedError };
export type { CommitListener, CommittedEntry, JournalWriter, Projection, SqliteDatabase, StoreJournal } from './journal-api.js';

/** Runs inside the batch's transaction; throwing rolls the batch back and fails the journal. */
export type ProjectionHook = (db: SqliteDatabase, batch: readonly CommittedEntry[]) => void;

export interface SqliteJournalOptions {
  /** a hook on the connection itself (tests); the exchange uses `project` */
  onCommit?: ProjectionHook;
  /** projection rows built on this thread and written in the batch's transaction */
  project?: Projection;
  /** where listener errors go (default console.error) */
  onListenerError?: (err: unknown) => void;
  /** the asynchronous fdatasync (default node:fs fdatasync; tests inject failures and delays) */
  fdatasync?: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void;
}

interface Pending {
  row: JournalRow;
  entry: CommittedEntry;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** a committed transaction waiting for (or covered by) an fsync */
interface Batch {
  entries: CommittedEntry[];
  pending: Pending[];
}

export function openDatabase(path: string, opts: { fileMustExist?: boolean } = {}): SqliteDatabase {
  const db = new Database(path, { fileMustExist: opts.fileMustExist === true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode !== 'wal' && path !== ':memory:') throw new Error(`could not put ${path} in WAL mode (got ${mode})`);
  return db;
}

export class SqliteJournal extends JournalReadSide implements StoreJournal {
  readonly writer = 'thread';
  readonly db: SqliteDatabase;
  /** since open: commit transactions (batches), commands in them, largest batch, WAL fsyncs */
  readonly stats: JournalStats = { batches: 0, commands: 0, maxBatch: 0, syncs: 0, writeMs: 0, syncMs: 0 };
  private pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private _failed: Error | null = null;
  private lastAppended: number;
  private readonly listeners: Listeners;
  private readonly writtenListeners: Listeners;
  private readonly onCommit: ProjectionHook | undefined;
  private readonly project: Projection | undefined;
  private readonly onListenerError: (err: unknown) => void;
  private readonly plans: PlanRunner;
  protected readonly reads: JournalReads;
  private readonly writeTx: (batch: Pending[], entries: CommittedEntry[]) => void;
  private readonly asideTx: (plan: Plan) => void;
  /** path of the -wal file, or null when the database is not a file in WAL mode */
  private readonly walPath: string | null;
  private walFd = -1;
  /** committed, not yet covered by a started fsync */
  private unsynced: Batch[] = [];
  /** covered by the fsync in flight (null when none is) */
  private syncing: Batch[] | null = null;
  private readonly afterSync = (err: NodeJS.ErrnoException | null): void => this.synced(err);
  /** durable listeners of a batch are running */
  private delivering = false;
  private ready: (() => void) | undefined;
  private readonly fdatasync: NonNullable<SqliteJournalOptions['fdatasync']>;

  static open(path: string, opts: SqliteJournalOptions = {}): SqliteJournal {
    return new SqliteJournal(openDatabase(path), opts);
  }

  constructor(db: SqliteDatabase, opts: SqliteJournalOptions = {}) {
    super();
    this.db = db;
    this.onCommit = opts.onCommit;
    this.project = opts.project;
    this.onListenerError = opts.onListenerError ?? ((e) => console.error('pollux: commit listener failed:', e));
    this.listeners = new Listeners(this.onListenerError);
    this.writtenListeners = new Listeners(this.onListenerError);
    this.fdatasync = opts.fdatasync ?? fdatasync;
    this.reads = new JournalReads(db);
    this.plans = new PlanRunner(db);
    const insert = db.prepare<[number, number, string]>(JOURNAL_INSERT);
    this.writeTx = db.transaction((batch: Pending[], entries: CommittedEntry[]) => {
      for (const p of batch) insert.run(p.row.seq, p.row.time, p.row.body);
      if (this.onCommit !== undefined) this.onCommit(db, entries);
      if (this.project !== undefined) {
        const plan: Plan = [];
        this.project(entries, plan);
        this.plans.apply(plan);
      }
    });
    this.asideTx = db.transaction((plan: Plan) => this.plans.apply(plan));
    this.walPath = walPathOf(db);
    this.lastAppended = this.lastSeq();
  }

  get failed(): Error | null {
    return this._failed;
  }

  define(sql: string, arity: number): number {
    return this.plans.define(sql, arity);
  }

  get holding(): boolean {
    return this.syncing !== null || this.unsynced.length > 0 || this.delivering;
  }

  /** nothing pending, nothing waiting for an fsync: no batch is about to be committed */
  get idle(): boolean {
    return this.pending.length === 0 && !this.holding;
  }

  onReady(fn: () => void): void {
    this.ready = fn;
  }

  /** Listen to durable batches (after their fsync), synchronously, in seq order. */
  onCommitted(fn: CommitListener): () => void {
    return this.listeners.add(fn);
  }

  /**
   * Listen to batches right after their transaction committed, before they are durable, while
   * the in-memory state is exactly at the batch's last seq (used for snapshots, which are stored
   * in the same WAL after the batch and so can never survive a crash the batch did not).
   */
  onWritten(fn: CommitListener): () => void {
    return this.writtenListeners.add(fn);
  }

  /** Write `plan` now in its own transaction (synchronous=FULL: durable when this returns). */
  writeAside(plan: Plan): void {
    if (plan.length === 0) return;
    if (this.closed) throw new JournalFailedError('journal is closed');
    this.asideTx(plan);
  }

  append(row: JournalRow, entry: CommittedEntry): Promise<void> {
    if (this._failed !== null) return Promise.reject(new JournalFailedError('journal failed earlier', { cause: this._failed }));
    if (this.closed) return Promise.reject(new JournalFailedError('journal is closed'));
    if (row.seq !== this.lastAppended + 1) throw new Error(`journal append out of order: seq ${row.seq} after ${this.lastAppended}`);
    this.lastAppended = row.seq;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, entry, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.tick);
      }
    });
  }

  /**
   * The scheduled flush: while an fsync is in flight, appends keep accumulating and are committed
   * as one batch when it completes (its fsync could not start earlier anyway), so a batch is
   * whatever arrived during one fsync: fewer, larger transactions for the same latency.
   */
  private readonly tick = (): void => {
    this.scheduled = false;
    if (this.syncing === null) this.flush();
  };

  /**
   * Commit the pending batch now (also what the scheduled flush does) and start its fsync if
   * none is in flight. Its promises resolve when that fsync completes (or in `close`).
   */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed || this._failed !== null) return;
    const batch = this.pending;
    this.pending = [];
    const entries = new Array<CommittedEntry>(batch.length);
    for (let i = 0; i < batch.length; i++) entries[i] = batch[i]!.entry;
    const t0 = performance.now();
    try {
      if (this.walPath === null) this.writeTx(batch, entries);
      else {
        this.db.exec('PRAGMA synchronous = NORMAL');
        try {
          this.writeTx(batch, entries);
        } finally {
          this.db.exec('PRAGMA synchronous = FULL');
        }
      }
    } catch (e) {
      this.fail(e, [{ entries, pending: batch }]);
      return;
    }
    this.stats.writeMs += performance.now() - t0;
    this.stats.batches++;
    this.stats.commands += batch.length;
    if (batch.length > this.stats.maxBatch) this.stats.maxBatch = batch.length;
    this.writtenListeners.notify(entries);
    const b: Batch = { entries, pending: batch };
    if (this.walPath === null) {
      this.delivering = true;
      try {
        this.durable(b);
      } finally {
        this.delivering = false;
      }
      if (this.ready !== undefined) this.ready();
      return;
    }
    this.unsynced.push(b);
    if (this.syncing === null) this.startSync();
  }

  /** Commit what is pending, make everything committed durable (synchronously), then close the database. */
  close(): void {
    if (this.closed) return;
    this.flush();
    const waiting = [...(this.syncing ?? []), ...this.unsynced];
    this.unsynced = [];
    this.syncing = null; // the callback of an fsync still in flight finds nothing to do
    this.closed = true;
    if (waiting.length > 0) {
      let ok = true;
      try {
        this.syncWalNow();
      } catch (e) {
        ok = false;
        this.fail(e, waiting);
      }
      if (ok) for (const b of waiting) this.durable(b);
    }
    if (this.walFd >= 0 && this.stats.syncs === this.syncsDone) {
      closeSync(this.walFd);
      this.walFd = -1;
    }
    this.db.close();
  }

  /** fsyncs completed (the callback of each started one has run) */
  private syncsDone = 0;

  private startSync(): void {
    let fd: number;
    try {
      fd = this.walDescriptor();
    } catch (e) {
      const lost = this.unsynced;
      this.unsynced = [];
      this.fail(e, lost);
      return;
    }
    this.syncing = this.unsynced;
    this.unsynced = [];
    this.stats.syncs++;
    this.syncStarted = performance.now();
    this.fdatasync(fd, this.afterSync);
  }

  private syncStarted = 0;

  private synced(err: NodeJS.ErrnoException | null): void {
    this.syncsDone++;
    this.stats.syncMs += performance.now() - this.syncStarted;
    if (this.closed) {
      if (this.walFd >= 0 && this.stats.syncs === this.syncsDone) {
        fsClose(this.walFd, () => undefined);
        this.walFd = -1;
      }
      return;
    }
    const covered = this.syncing ?? [];
    this.syncing = null;
    if (err !== null) {
      // after a failed fsync nothing written since the last good one can be trusted
      const lost = [...covered, ...this.unsynced];
      this.unsynced = [];
      this.fail(err, lost);
      return;
    }
    if (this.unsynced.length > 0) this.startSync();
    else if (this.pending.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.tick);
    }
    this.delivering = true;
    try {
      for (const b of covered) this.durable(b);
    } finally {
      this.delivering = false;
    }
    // the sequencer now applies what it held back; those appends are committed after this poll
    // phase (setImmediate), together with whatever else the phase reads
    if (!this.holding && !this.closed && this.ready !== undefined) this.ready();
  }

  /**
   * Our descriptor on the -wal file, opened (and its directory synced) on first use. SQLite keeps
   * the WAL's inode while the connection is open (see the header), so it is not re-checked per sync.
   */
  private walDescriptor(): number {
    if (this.walFd < 0) this.walFd = openWal(this.walPath!);
    return this.walFd;
  }

  /** synchronous fsync of the WAL (on close) */
  private syncWalNow(): void {
    if (this.walPath === null) return;
    fdatasyncSync(this.walDescriptor());
  }

  /** the WAL file's inode as SQLite names it now, and the one our descriptor is on (tests) */
  walIdentity(): { path: number; ours: number } | undefined {
    if (this.walPath === null || this.walFd < 0) return undefined;
    return { path: statSync(this.walPath).ino, ours: fstatSync(this.walFd).ino };
  }

  private durable(b: Batch): void {
    this.listeners.notify(b.entries);
    for (const p of b.pending) p.resolve();
  }

  /**
   * Fail the journal: reject `batches` and whatever is pending. Batches committed before a failed
   * write are left to their fsync (they are whole in the WAL).
   */
  private fail(e: unknown, batches: Batch[]): void {
    const err = e instanceof Error ? e : new Error(String(e));
    if (this._failed === null) this._failed = err;
    const pend = this.pending;
    this.pending = [];
    const why = () => new JournalFailedError(`journal write failed: ${err.message}`, { cause: err });
    for (const b of batches) for (const p of b.pending) p.reject(why());
    for (const p of pend) p.reject(why());
  }
}
