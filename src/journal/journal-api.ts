/**
 * What the rest of Pollux sees of a journal, whichever thread writes it: the sequencer's
 * `JournalWriter` contract and the store-level `StoreJournal` (reads, projections, asides,
 * close), implemented by the in-thread `SqliteJournal` and by `WorkerJournal`.
 *
 * Owns: the shared types, the journal table's schema and reads, and the listener lists.
 * Invariants (both writers keep them; each module header says how):
 * - append seqs are exactly lastSeq+1, lastSeq+2, ...;
 * - an append's promise resolves, and `onCommitted` listeners see its batch, only after an
 *   fdatasync of the WAL that started after the batch's transaction committed; batches become
 *   durable in seq order; listeners run synchronously, in order, before any promise continuation;
 * - `holding` is true from the moment a batch is committed (in-thread) or handed to the worker
 *   until its durable listeners ran; the sequencer then holds new commands, so the engine is
 *   exactly at the batch's last seq when those listeners (and `onWritten` listeners) run;
 * - `failed` is set once and for all by a failed write or fsync (or a dead worker): the affected
 *   promises reject and every later append is refused.
 */
import type Database from 'better-sqlite3';
import type { Command } from '../engine/commands.js';
import type { Event } from '../engine/events.js';
import type { JournalRow } from './codec.js';
import type { Plan, PlanStatements } from './write-plan.js';

export type SqliteDatabase = Database.Database;

export interface CommittedEntry {
  cmd: Command;
  events: Event[];
}

/** Runs after the batch was written (onWritten) or became durable (onCommitted); errors are reported and otherwise ignored. */
export type CommitListener = (batch: readonly CommittedEntry[]) => void;

/**
 * Puts a batch's projection rows (history, accounts, key nonces) into `plan`, on the main thread,
 * while the engine is at the batch's last seq; the plan is written in the batch's transaction.
 * Throwing fails the journal (nothing of the batch is written).
 */
export type Projection = (batch: readonly CommittedEntry[], plan: Plan) => void;

/** What the sequencer needs from a journal. */
export interface JournalWriter {
  append(row: JournalRow, entry: CommittedEntry): Promise<void>;
  /** set once a write failed; the journal accepts nothing afterwards */
  readonly failed: Error | null;
  onCommitted(fn: CommitListener): () => void;
  /**
   * true while a batch waits for its fsync (or its durable listeners are running): the
   * sequencer then holds new commands back, so that when those listeners run the engine is
   * exactly at the batch's last seq
   */
  readonly holding: boolean;
  /** the (one) function called when `holding` turns false */
  onReady(fn: () => void): void;
}

export interface JournalStats {
  /** batches written (handed to the worker), commands in them, largest batch, WAL fsyncs done */
  batches: number;
  commands: number;
  maxBatch: number;
  syncs: number;
  /** time spent in batch transactions and in WAL fsyncs (ms, summed; on the writing thread) */
  writeMs: number;
  syncMs: number;
}

/** A journal as the exchange store uses it. */
export interface StoreJournal extends JournalWriter, PlanStatements {
  /** 'thread': written on this thread; 'worker': written by a worker thread */
  readonly writer: 'thread' | 'worker';
  /** this thread's connection: every read; the writing one too for the in-thread journal */
  readonly db: SqliteDatabase;
  readonly stats: JournalStats;
  /** nothing pending and nothing waiting for an fsync */
  readonly idle: boolean;
  lastSeq(): number;
  last(): { seq: number; time: number } | undefined;
  firstSeq(): number;
  rowsAfter(afterSeq: number): IterableIterator<JournalRow>;
  /** listeners run when a batch is written (in-thread) or handed over (worker), engine at its end */
  onWritten(fn: CommitListener): () => void;
  /**
   * Rows outside any batch (snapshots, idle nonce flushes): written in their own transaction after
   * everything handed over before; a failure is reported, not fatal. In-thread: written now with
   * synchronous=FULL. From an `onWritten` listener they travel with that batch.
   */
  writeAside(plan: Plan): void;
  /** write what is pending now (its promises still wait for the fsync) */
  flush(): void;
  /** flush, make everything durable, acknowledge it, stop writing and close the connection(s) */
  close(): void;
  /** the WAL inode SQLite names and the one fsynced (in-thread only; tests) */
  walIdentity(): { path: number; ours: number } | undefined;
}

export class JournalFailedError extends Error {
  override name = 'JournalFailedError';
}

export const JOURNAL_SCHEMA = 'CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, body TEXT NOT NULL)';
export const JOURNAL_INSERT = 'INSERT INTO journal (seq, time, body) VALUES (?, ?, ?)';

/** The journal table's reads, on one connection. */
export class JournalReads {
  private readonly stmtRange;
  private readonly stmtLast;
  private readonly stmtFirst;

  constructor(db: SqliteDatabase) {
    db.exec(JOURNAL_SCHEMA);
    this.stmtRange = db.prepare<[number], JournalRow>('SELECT seq, time, body FROM journal WHERE seq > ? ORDER BY seq');
    this.stmtLast = db.prepare<[], { seq: number; time: number }>('SELECT seq, time FROM journal ORDER BY seq DESC LIMIT 1');
    this.stmtFirst = db.prepare<[], { seq: number }>('SELECT seq FROM journal ORDER BY seq LIMIT 1');
  }

  last(): { seq: number; time: number } | undefined {
    return this.stmtLast.get();
  }

  firstSeq(): number {
    return this.stmtFirst.get()?.seq ?? 0;
  }

  rowsAfter(afterSeq: number): IterableIterator<JournalRow> {
    return this.stmtRange.iterate(afterSeq);
  }
}

/** A list of listeners called synchronously in order; a throwing listener is reported, not fatal. */
export class Listeners {
  private readonly list: CommitListener[] = [];

  constructor(private readonly onError: (err: unknown) => void) {}

  add(fn: CommitListener): () => void {
    this.list.push(fn);
    return () => {
      const i = this.list.indexOf(fn);
      if (i >= 0) this.list.splice(i, 1);
    };
  }

  get size(): number {
    return this.list.length;
  }

  notify(entries: readonly CommittedEntry[]): void {
    const list = this.list;
    if (list.length === 0) return;
    for (const l of list.length === 1 ? list : [...list]) {
      try {
        l(entries);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}

/** The read side both writers share: the committed journal rows, through their `reads`. */
export abstract class JournalReadSide {
  protected abstract readonly reads: JournalReads;

  /** highest committed seq (0 when empty) */
  lastSeq(): number {
    return this.last()?.seq ?? 0;
  }

  /** the last committed row's seq and time */
  last(): { seq: number; time: number } | undefined {
    return this.reads.last();
  }

  firstSeq(): number {
    return this.reads.firstSeq();
  }

  /** committed rows with seq > afterSeq, in order (do not append while iterating) */
  rowsAfter(afterSeq: number): IterableIterator<JournalRow> {
    return this.reads.rowsAfter(afterSeq);
  }
}
