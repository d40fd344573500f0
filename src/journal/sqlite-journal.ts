/**
 * The SQLite journal: the durable, gap-free list of accepted commands, with group commit.
 *
 * Owns: the `journal` table (seq INTEGER PRIMARY KEY, time, body TEXT) of one SQLite database
 * opened in WAL mode with synchronous=FULL, and the batching of appends.
 * Invariants:
 * - appended seqs are exactly lastSeq+1, lastSeq+2, ... (checked on append; the primary key also
 *   stops a second writer from interleaving);
 * - appends made in the same tick are written by ONE transaction (flush scheduled with
 *   setImmediate), so one fsync covers the whole batch; the projection hook `onCommit(db, batch)`
 *   runs inside that transaction, so a projection (history) commits or rolls back with it;
 * - an append's promise resolves only after its batch committed; then, synchronously and in order,
 *   commit listeners see the batch (market data, snapshots) before any promise continuation runs;
 * - a failed batch write marks the journal `failed`: that batch's promises reject and every later
 *   append is refused. There is no retry: the engine already applied those commands, so the only
 *   safe continuation is a restart from disk.
 * Known limits: one writing process per database (not enforced beyond the primary key).
 */
import Database from 'better-sqlite3';
import type { Command } from '../engine/commands.js';
import type { Event } from '../engine/events.js';
import type { JournalRow } from './codec.js';

export type SqliteDatabase = Database.Database;

export interface CommittedEntry {
  cmd: Command;
  events: Event[];
}

/** Runs inside the batch's transaction; throwing rolls the batch back and fails the journal. */
export type ProjectionHook = (db: SqliteDatabase, batch: readonly CommittedEntry[]) => void;
/** Runs after the batch committed; errors are reported and otherwise ignored. */
export type CommitListener = (batch: readonly CommittedEntry[]) => void;

/** What the sequencer needs from a journal (SQLite here; Postgres later). */
export interface JournalWriter {
  append(row: JournalRow, entry: CommittedEntry): Promise<void>;
  /** set once a write failed; the journal accepts nothing afterwards */
  readonly failed: Error | null;
  onCommitted(fn: CommitListener): () => void;
}

export interface SqliteJournalOptions {
  onCommit?: ProjectionHook;
  /** where listener errors go (default console.error) */
  onListenerError?: (err: unknown) => void;
}

interface Pending {
  row: JournalRow;
  entry: CommittedEntry;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class JournalFailedError extends Error {
  override name = 'JournalFailedError';
}

export function openDatabase(path: string, opts: { fileMustExist?: boolean } = {}): SqliteDatabase {
  const db = new Database(path, { fileMustExist: opts.fileMustExist === true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode !== 'wal' && path !== ':memory:') throw new Error(`could not put ${path} in WAL mode (got ${mode})`);
  return db;
}

export class SqliteJournal implements JournalWriter {
  readonly db: SqliteDatabase;
  /** batches written and commands in them, since open */
  readonly stats = { batches: 0, commands: 0, maxBatch: 0 };
  private pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private _failed: Error | null = null;
  private lastAppended: number;
  private readonly listeners: CommitListener[] = [];
  private readonly onCommit: ProjectionHook | undefined;
  private readonly onListenerError: (err: unknown) => void;
  private readonly writeTx: (batch: Pending[]) => void;
  private readonly stmtRange: Database.Statement<[number], JournalRow>;

  static open(path: string, opts: SqliteJournalOptions = {}): SqliteJournal {
    return new SqliteJournal(openDatabase(path), opts);
  }

  constructor(db: SqliteDatabase, opts: SqliteJournalOptions = {}) {
    this.db = db;
    this.onCommit = opts.onCommit;
    this.onListenerError = opts.onListenerError ?? ((e) => console.error('pollux: commit listener failed:', e));
    db.exec('CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, body TEXT NOT NULL)');
    const insert = db.prepare<[number, number, string]>('INSERT INTO journal (seq, time, body) VALUES (?, ?, ?)');
    this.writeTx = db.transaction((batch: Pending[]) => {
      for (const p of batch) insert.run(p.row.seq, p.row.time, p.row.body);
      if (this.onCommit !== undefined) this.onCommit(db, batch.map((p) => p.entry));
    });
    this.stmtRange = db.prepare<[number], JournalRow>('SELECT seq, time, body FROM journal WHERE seq > ? ORDER BY seq');
    this.lastAppended = this.lastSeq();
  }

  get failed(): Error | null {
    return this._failed;
  }

  /** highest committed seq (0 when empty) */
  lastSeq(): number {
    return this.last()?.seq ?? 0;
  }

  /** the last committed row's seq and time */
  last(): { seq: number; time: number } | undefined {
    return this.db.prepare<[], { seq: number; time: number }>('SELECT seq, time FROM journal ORDER BY seq DESC LIMIT 1').get();
  }

  firstSeq(): number {
    return this.db.prepare<[], { seq: number }>('SELECT seq FROM journal ORDER BY seq LIMIT 1').get()?.seq ?? 0;
  }

  /** committed rows with seq > afterSeq, in order (do not append while iterating) */
  rowsAfter(afterSeq: number): IterableIterator<JournalRow> {
    return this.stmtRange.iterate(afterSeq);
  }

  onCommitted(fn: CommitListener): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
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
        setImmediate(() => this.flush());
      }
    });
  }

  /** Write the pending batch now (also what the scheduled flush does). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.writeTx(batch);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this._failed = err;
      for (const p of batch) p.reject(new JournalFailedError(`journal write failed: ${err.message}`, { cause: err }));
      return;
    }
    this.stats.batches++;
    this.stats.commands += batch.length;
    if (batch.length > this.stats.maxBatch) this.stats.maxBatch = batch.length;
    const entries = batch.map((p) => p.entry);
    for (const l of [...this.listeners]) {
      try {
        l(entries);
      } catch (e) {
        this.onListenerError(e);
      }
    }
    for (const p of batch) p.resolve();
  }

  /** Flush what is pending, then close the database. Later appends are refused. */
  close(): void {
    if (this.closed) return;
    if (this._failed === null) this.flush();
    this.closed = true;
    this.db.close();
  }
}
