/**
 * The journal written by a worker thread: the main thread keeps the `JournalWriter` contract the
 * sequencer uses, while journal-worker.ts owns the writing connection, runs the batch transactions
 * and fsyncs the WAL.
 *
 * Owns: batching appends on the main thread, handing each batch over as one message (journal rows
 * and projection rows as flat arrays of primitives; statements are defined here and mirrored in
 * the worker), and turning the worker's "durable up to message N" into resolved promises and
 * `onCommitted` calls. Reads use this thread's own connection (`db`).
 * Invariants:
 * - appended seqs are exactly lastSeq+1, ... (checked on append; the primary key checks again);
 * - a batch is whatever was appended in one tick, or what the sequencer held while the previous
 *   batch was with the worker (handed over as soon as that one is durable, before the replies to
 *   it are written, so the worker's transaction runs while this thread writes them); batches are
 *   handed over one at a time (`flush` and `close` may hand over more; the worker writes them in
 *   order). Its projection rows are built here, at
 *   hand-over, and `onWritten` listeners (snapshots) run then too: the sequencer holds new
 *   commands while the journal is `holding` (from hand-over until the batch's durable listeners
 *   ran), so the engine is exactly at the batch's last seq at both moments;
 * - durable before acknowledged: an append's promise resolves, and `onCommitted` listeners see its
 *   batch, only when the worker reported it durable, which it does only after an fdatasync of the
 *   WAL that started after the batch's transaction committed (journal-worker.ts). So the durability
 *   argument of sqlite-journal.ts holds unchanged: same transactions, same WAL, same fsync, only
 *   on another thread. Batches become durable in order; listeners run synchronously, in order,
 *   before any promise continuation. After an ack the batch is committed, so a read on `db` sees it;
 * - a failed write or fsync reported by the worker, or the worker dying, marks the journal
 *   `failed`: every batch not yet durable rejects, and every later append is refused;
 * - `close` hands over what is pending, asks the worker to finish, and blocks (Atomics.wait on a
 *   shared flag, bounded) until it has written, synced and closed its connection; it then reads
 *   the worker's last replies synchronously, acknowledges what they cover and fails what they do not.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { resolve } from 'node:path';
import type { JournalRow } from './codec.js';
import {
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
import { walPathOf } from './wal-file.js';
import type { Plan, SqlValue, StatementDef } from './write-plan.js';
import { CLOSED_DONE, SHARED_CLOSED, SHARED_READY, SHARED_SLOTS, type FromWorker, type WorkerInit, type WriteMessage } from './worker-protocol.js';

export interface WorkerJournalOptions {
  project?: Projection;
  /** where listener errors go (default console.error) */
  onListenerError?: (err: unknown) => void;
  /** where the worker's non-fatal warnings go (a failed snapshot write; default console.warn) */
  warn?: (msg: string) => void;
  /** tests: URL of a module whose default export runs in the worker before each fdatasync */
  fsyncHook?: string;
  /** passed to that function (e.g. a SharedArrayBuffer the test controls) */
  hookData?: unknown;
  /** how long `close` waits for the worker (default 30 s) */
  closeTimeoutMs?: number;
}

interface Pending {
  row: JournalRow;
  entry: CommittedEntry;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** a message with the worker, not yet reported durable */
interface InFlight {
  id: number;
  entries: CommittedEntry[] | null;
  pending: Pending[] | null;
}

export class WorkerJournal extends JournalReadSide implements StoreJournal {
  readonly writer = 'worker';
  readonly db: SqliteDatabase;
  /** batches handed over, commands in them, largest batch, WAL fsyncs the worker did */
  readonly stats: JournalStats = { batches: 0, commands: 0, maxBatch: 0, syncs: 0, writeMs: 0, syncMs: 0 };
  private pending: Pending[] = [];
  private scheduled = false;
  private closing = false;
  private closed = false;
  private _failed: Error | null = null;
  private lastAppended: number;
  private readonly listeners: Listeners;
  private readonly writtenListeners: Listeners;
  private readonly project: Projection | undefined;
  private readonly warn: (msg: string) => void;
  protected readonly reads: JournalReads;
  private readonly defs: StatementDef[] = [];
  private sentDefs = 0;
  /** aside rows waiting for the next message */
  private asides: Plan = [];
  private inFlight: InFlight[] = [];
  private batchesInFlight = 0;
  private nextId = 1;
  /** durable listeners are running */
  private delivering = false;
  /** onWritten listeners are running (their asides travel with the batch) */
  private handingOver = false;
  private ready: (() => void) | undefined;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly shared: Int32Array;
  private workerGone = false;
  private readonly closeTimeoutMs: number;

  constructor(db: SqliteDatabase, opts: WorkerJournalOptions = {}) {
    super();
    const walPath = walPathOf(db);
    if (walPath === null) throw new Error('the journal worker needs a file database in WAL mode');
    this.db = db;
    this.project = opts.project;
    const onListenerError = opts.onListenerError ?? ((e: unknown) => console.error('pollux: commit listener failed:', e));
    this.listeners = new Listeners(onListenerError);
    this.writtenListeners = new Listeners(onListenerError);
    this.warn = opts.warn ?? ((m) => console.warn(`pollux: ${m}`));
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 30_000;
    this.reads = new JournalReads(db);
    this.lastAppended = this.lastSeq();
    const { port1, port2 } = new MessageChannel();
    const sab = new SharedArrayBuffer(4 * SHARED_SLOTS);
    this.shared = new Int32Array(sab);
    const init: WorkerInit = { path: resolve(db.name), walPath, port: port2, shared: sab, fsyncHook: opts.fsyncHook, hookData: opts.hookData };
    this.worker = new Worker(new URL('./journal-worker.js', import.meta.url), { workerData: init, transferList: [port2] });
    this.worker.unref(); // kept alive only while something is in flight (keepAlive)
    this.worker.on('error', (e) => this.workerDied(e));
    this.worker.on('exit', (code) => this.workerDied(new Error(`the journal worker exited (code ${code})`)));
    this.port = port1;
    this.port.on('message', (m: FromWorker) => this.onMessage(m));
    this.port.unref();
    // wait (bounded) until the worker has its connection, so the first batch does not wait for
    // the thread to start, and a worker that cannot start fails the open instead of the first append
    const deadline = Date.now() + 10_000;
    while (Atomics.load(this.shared, SHARED_READY) === 0 && Atomics.load(this.shared, SHARED_CLOSED) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.shared, SHARED_READY, 0, Math.min(left, 200));
    }
    if (Atomics.load(this.shared, SHARED_READY) === 0) {
      void this.worker.terminate();
      this.port.close();
      throw new Error('the journal worker did not start');
    }
  }

  get failed(): Error | null {
    return this._failed;
  }

  define(sql: string, arity: number): number {
    if (!Number.isInteger(arity) || arity < 0) throw new RangeError(`bad arity ${arity}`);
    this.defs.push({ sql, arity });
    return this.defs.length - 1;
  }

  get holding(): boolean {
    return this.batchesInFlight > 0 || this.delivering;
  }

  get idle(): boolean {
    return this.pending.length === 0 && !this.holding;
  }

  onReady(fn: () => void): void {
    this.ready = fn;
  }

  onCommitted(fn: CommitListener): () => void {
    return this.listeners.add(fn);
  }

  /** Listen to batches when they are handed to the worker, the engine exactly at their last seq. */
  onWritten(fn: CommitListener): () => void {
    return this.writtenListeners.add(fn);
  }

  walIdentity(): undefined {
    return undefined;
  }

  append(row: JournalRow, entry: CommittedEntry): Promise<void> {
    if (this._failed !== null) return Promise.reject(new JournalFailedError('journal failed earlier', { cause: this._failed }));
    if (this.closing) return Promise.reject(new JournalFailedError('journal is closed'));
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

  /** the scheduled flush: one batch with the worker at a time; what arrives meanwhile is the next */
  private readonly tick = (): void => {
    this.scheduled = false;
    if (this.batchesInFlight === 0) this.flush();
  };

  /** Hand what is pending to the worker now (its promises resolve when the worker made it durable). */
  flush(): void {
    this.scheduled = false;
    if (this.closed || this._failed !== null) return;
    if (this.pending.length === 0) {
      if (this.asides.length > 0) this.post([], [], null);
      return;
    }
    const batch = this.pending;
    this.pending = [];
    const n = batch.length;
    const entries = new Array<CommittedEntry>(n);
    const rows = new Array<SqlValue>(n * 3);
    for (let i = 0; i < n; i++) {
      const p = batch[i]!;
      entries[i] = p.entry;
      rows[3 * i] = p.row.seq;
      rows[3 * i + 1] = p.row.time;
      rows[3 * i + 2] = p.row.body;
    }
    const plan: Plan = [];
    try {
      this.project?.(entries, plan);
    } catch (e) {
      this.fail(e, [{ id: 0, entries, pending: batch }]);
      return;
    }
    this.stats.batches++;
    this.stats.commands += n;
    if (n > this.stats.maxBatch) this.stats.maxBatch = n;
    this.handingOver = true;
    try {
      this.writtenListeners.notify(entries);
    } finally {
      this.handingOver = false;
    }
    this.post(rows, plan, { id: 0, entries, pending: batch });
  }

  /** Rows outside any batch: sent now (or with the batch being handed over), written after it. */
  writeAside(plan: Plan): void {
    if (plan.length === 0) return;
    if (this.closed) throw new JournalFailedError('journal is closed');
    if (this._failed !== null) return;
    for (const v of plan) this.asides.push(v);
    if (!this.handingOver) this.post([], [], null);
  }

  private post(rows: SqlValue[], plan: Plan, batch: InFlight | null): void {
    const id = this.nextId++;
    const msg: WriteMessage = { t: 'w', id, rows, plan, after: this.asides.length > 0 ? this.asides : null };
    this.asides = [];
    if (this.sentDefs < this.defs.length) {
      msg.defs = this.defs.slice(this.sentDefs);
      this.sentDefs = this.defs.length;
    }
    this.port.postMessage(msg);
    if (this.inFlight.length === 0) this.keepAlive(true);
    this.inFlight.push({ id, entries: batch?.entries ?? null, pending: batch?.pending ?? null });
    if (batch !== null) this.batchesInFlight++;
  }

  private onMessage(m: FromWorker): void {
    if (m.t === 'durable') {
      this.stats.writeMs = m.writeMs;
      this.stats.syncMs = m.syncMs;
      this.durable(m.upTo, m.syncs);
    }
    else if (m.t === 'failed') {
      const err = Object.assign(new Error(`${m.what === 'fsync' ? 'WAL fsync' : 'batch write'} failed in the journal worker: ${m.message}`), { code: m.code });
      this.failInFlight(err);
    } else if (m.t === 'warn') this.warn(m.message);
  }

  private durable(upTo: number, syncs: number): void {
    this.stats.syncs = syncs;
    let k = 0;
    while (k < this.inFlight.length && this.inFlight[k]!.id <= upTo) k++;
    if (k === 0) return;
    const done = this.inFlight.slice(0, k);
    this.inFlight = this.inFlight.slice(k);
    if (this.inFlight.length === 0) this.keepAlive(false);
    this.delivering = true;
    try {
      for (const d of done) {
        if (d.entries === null) continue;
        this.batchesInFlight--;
        this.listeners.notify(d.entries);
        for (const p of d.pending!) p.resolve();
      }
    } finally {
      this.delivering = false;
    }
    if (this.closing) return;
    // the sequencer now applies what it held back (appending it), and that batch goes to the
    // worker at once: the worker writes it while this thread sends the replies of the batch just
    // made durable (their promise continuations run after this returns)
    if (!this.holding && this.ready !== undefined) this.ready();
    if (this.pending.length > 0 && this.batchesInFlight === 0) this.flush();
  }

  private workerDied(e: Error): void {
    if (this.workerGone) return;
    this.workerGone = true;
    if (this.closed) return;
    this.failInFlight(e);
  }

  private failInFlight(e: Error): void {
    const lost = this.inFlight;
    this.inFlight = [];
    this.batchesInFlight = 0;
    this.keepAlive(false);
    this.fail(e, lost);
  }

  /** the process stays up while something is with the worker (for its reply, or its exit event) */
  private keepAlive(on: boolean): void {
    if (on) {
      this.port.ref();
      this.worker.ref();
    } else {
      this.port.unref();
      this.worker.unref();
    }
  }

  /**
   * Hand over what is pending, let the worker write and sync everything and close its connection
   * (this thread blocks until it did, at most `closeTimeoutMs`), acknowledge what it made durable,
   * fail the rest, then close this thread's connection.
   */
  close(): void {
    if (this.closing) return;
    this.flush();
    if (this.asides.length > 0 && this._failed === null) this.post([], [], null);
    this.closing = true;
    if (!this.workerGone) {
      this.port.postMessage({ t: 'close' });
      const deadline = Date.now() + this.closeTimeoutMs;
      for (;;) {
        if (Atomics.load(this.shared, SHARED_CLOSED) !== 0) break;
        const left = deadline - Date.now();
        if (left <= 0) break;
        Atomics.wait(this.shared, SHARED_CLOSED, 0, Math.min(left, 1000));
      }
      for (let r = receiveMessageOnPort(this.port); r !== undefined; r = receiveMessageOnPort(this.port)) this.onMessage(r.message as FromWorker);
    }
    this.closed = true;
    if (this.inFlight.length > 0) this.failInFlight(new Error('the journal worker stopped before making these commands durable'));
    this.port.close();
    if (Atomics.load(this.shared, SHARED_CLOSED) !== CLOSED_DONE) void this.worker.terminate();
    this.db.close();
  }

  /** Fail the journal: reject the given messages' batches and whatever is pending. */
  private fail(e: unknown, lost: InFlight[]): void {
    const err = e instanceof Error ? e : new Error(String(e));
    if (this._failed === null) this._failed = err;
    const pend = this.pending;
    this.pending = [];
    const why = () => new JournalFailedError(`journal write failed: ${err.message}`, { cause: err });
    for (const b of lost) if (b.pending !== null) for (const p of b.pending) p.reject(why());
    for (const p of pend) p.reject(why());
  }
}
