/**
 * The messages between WorkerJournal (main thread) and journal-worker.ts (the writing thread).
 *
 * Owns: the message shapes and the shared flag the main thread blocks on in `close`.
 * Invariants: message ids grow by one per write message; the worker answers them in order with
 * `durable` (up to an id) or `failed` (from an id on); every value is a primitive or a flat array
 * of primitives, so a message costs one cheap structured clone.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Plan, SqlValue, StatementDef } from './write-plan.js';

export interface WorkerInit {
  /** the database file (it exists; its tables were created by the main thread) */
  path: string;
  walPath: string;
  /** replies go here (the main thread can read it synchronously while it waits in close) */
  port: MessagePort;
  /** Int32Array over it: [SHARED_READY] = 1 once the connection is open; [SHARED_CLOSED] = 0 while running, CLOSED_DONE / CLOSED_EXITED after */
  shared: SharedArrayBuffer;
  /** tests only: URL of a module whose default export runs before every fdatasync (may block or throw) */
  fsyncHook?: string;
  hookData?: unknown;
}

export const SHARED_CLOSED = 0;
export const SHARED_READY = 1;
export const SHARED_SLOTS = 2;
export const CLOSED_DONE = 1;
export const CLOSED_EXITED = 2;

/** one batch (possibly empty) and the asides handed over with it */
export interface WriteMessage {
  t: 'w';
  id: number;
  /** journal rows, flat: seq, time, body, seq, time, body, ... */
  rows: SqlValue[];
  /** the batch's projection rows (same transaction) */
  plan: Plan;
  /** asides, written after the batch in their own transaction (not fatal) */
  after: Plan | null;
  /** statements defined since the previous message */
  defs?: StatementDef[];
}

export type ToWorker = WriteMessage | { t: 'close' };

export type FromWorker =
  | { t: 'durable'; upTo: number; syncs: number; writeMs: number; syncMs: number }
  | { t: 'failed'; at: number; what: 'write' | 'fsync'; message: string; code?: string }
  | { t: 'warn'; message: string }
  | { t: 'closed' };
