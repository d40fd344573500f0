/**
 * The journal's writing thread (a worker_threads Worker started by WorkerJournal).
 *
 * Owns: the one writing connection to the database, the batch transactions, and the fdatasync of
 * the `-wal` file that makes them durable.
 * Invariants:
 * - messages are written in the order they were posted; each batch message is ONE transaction
 *   (journal rows, then its projection plan), its asides (snapshots, nonce flushes) a second one
 *   right after, whose failure is reported and not fatal;
 * - "durable up to message N" is posted only after an fdatasync of the WAL that started after the
 *   transactions of every message up to N had committed; messages queued meanwhile are written
 *   first and covered by the same fsync (group commit across messages);
 * - a failed batch write first makes what was committed before it durable (it is whole in the
 *   WAL) and then reports the failure from that message on; a failed fsync reports it from the
 *   first message it should have covered. After either, nothing more is written;
 * - on `close`: everything queued is written and synced, the connection and the descriptor are
 *   closed, `closed` is posted and the shared flag set (the main thread may be blocked on it).
 * The connection runs with synchronous=NORMAL for all its writes: every one of them is followed by
 * our fsync before anything depending on it is acknowledged; SQLite still syncs around checkpoints.
 */
import { closeSync, fdatasyncSync } from 'node:fs';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { JOURNAL_INSERT } from './journal-api.js';
import { openWal } from './wal-file.js';
import { PlanRunner, type Plan, type SqlValue } from './write-plan.js';
import type { FromWorker, ToWorker, WorkerInit, WriteMessage } from './worker-protocol.js';
import { CLOSED_DONE, CLOSED_EXITED, SHARED_CLOSED, SHARED_READY } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = init.port;
const shared = new Int32Array(init.shared);
const signalClosed = (how: number): void => {
  if (Atomics.compareExchange(shared, SHARED_CLOSED, 0, how) === 0) Atomics.notify(shared, SHARED_CLOSED);
  Atomics.notify(shared, SHARED_READY); // a main thread still waiting for the start wakes up too
};
process.on('exit', () => signalClosed(CLOSED_EXITED));

/** tests: runs before every fdatasync (may block or throw) */
const beforeSync: ((data: unknown) => void) | undefined =
  init.fsyncHook === undefined ? undefined : ((await import(init.fsyncHook)) as { default: (data: unknown) => void }).default;

const db = new Database(init.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const plans = new PlanRunner(db);
const insert = db.prepare<[SqlValue, SqlValue, SqlValue]>(JOURNAL_INSERT);
const writeBatch = db.transaction((rows: readonly SqlValue[], plan: Plan) => {
  for (let i = 0; i < rows.length; i += 3) insert.run(rows[i]!, rows[i + 1]!, rows[i + 2]!);
  plans.apply(plan);
});
const writeAside = db.transaction((plan: Plan) => plans.apply(plan));

let walFd = -1;
let syncs = 0;
let writeMs = 0;
let syncMs = 0;
let failed = false;
let closing = false;
/** first written message not yet covered by an fsync (0: none), and the last written one */
let firstUnsynced = 0;
let lastWritten = 0;

function reply(m: FromWorker): void {
  port.postMessage(m);
}

function fail(at: number, e: unknown, what: 'write' | 'fsync'): void {
  failed = true;
  const err = e instanceof Error ? e : new Error(String(e));
  reply({ t: 'failed', at, what, message: err.message, code: (err as NodeJS.ErrnoException).code });
}

function write(m: WriteMessage): void {
  if (m.defs !== undefined) plans.addDefs(m.defs);
  if (failed) return;
  const t0 = performance.now();
  try {
    if (m.rows.length > 0 || m.plan.length > 0) writeBatch(m.rows, m.plan);
  } catch (e) {
    syncWritten(); // what committed before this batch is whole in the WAL: make it durable first
    if (!failed) fail(m.id, e, 'write');
    return;
  }
  if (m.after !== null && m.after.length > 0) {
    try {
      writeAside(m.after);
    } catch (e) {
      reply({ t: 'warn', message: `journal worker: aside write failed: ${(e as Error).message}` });
    }
  }
  writeMs += performance.now() - t0;
  if (firstUnsynced === 0) firstUnsynced = m.id;
  lastWritten = m.id;
}

/** fsync the WAL for everything written since the last fsync and report it durable */
function syncWritten(): void {
  if (firstUnsynced === 0 || failed) return;
  const from = firstUnsynced;
  firstUnsynced = 0;
  const t0 = performance.now();
  try {
    if (beforeSync !== undefined) beforeSync(init.hookData);
    if (walFd < 0) walFd = openWal(init.walPath);
    fdatasyncSync(walFd);
  } catch (e) {
    fail(from, e, 'fsync'); // nothing written since the last good fsync can be trusted
    return;
  }
  syncs++;
  syncMs += performance.now() - t0;
  reply({ t: 'durable', upTo: lastWritten, syncs, writeMs, syncMs });
}

function handle(m: ToWorker): void {
  if (m.t === 'w') write(m);
  else closing = true;
}

function finish(): void {
  try {
    if (walFd >= 0) closeSync(walFd);
    walFd = -1;
    db.close();
  } catch (e) {
    reply({ t: 'warn', message: `journal worker: close: ${(e as Error).message}` });
  }
  reply({ t: 'closed' });
  signalClosed(CLOSED_DONE);
  port.close();
}

port.on('message', (first: ToWorker) => {
  try {
    handle(first);
    // write whatever else is queued before paying for one fsync that covers it all
    for (let r = receiveMessageOnPort(port); r !== undefined; r = receiveMessageOnPort(port)) handle(r.message as ToWorker);
    syncWritten();
  } catch (e) {
    if (!failed) fail(firstUnsynced === 0 ? lastWritten + 1 : firstUnsynced, e, 'write');
  }
  if (closing) finish();
});
Atomics.store(shared, SHARED_READY, 1);
Atomics.notify(shared, SHARED_READY);
