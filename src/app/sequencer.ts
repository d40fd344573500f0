/**
 * The sequencer: the single writer. Every state change passes through `submit`.
 *
 * Owns: stamping commands (`seq`, `time`), applying them to the engine, handing accepted ones to
 * the journal, and acknowledging them once durable.
 * Invariants:
 * - `seq` is consumed only by an accepted command, so journaled seqs are gap-free (lastSeq+1 ...);
 * - `time` comes from the clock and never decreases (a clock stepping back is clamped);
 * - the engine sees exactly the command a replay will see (the decoded journal row);
 * - an accepted command's promise resolves only after the journal batch holding it committed and
 *   was fsynced (durable before acknowledged; see sqlite-journal.ts); a rejection resolves at once
 *   and is not journaled;
 * - if the engine throws (a bug) or the journal fails, the sequencer halts for good: state in
 *   memory may differ from disk, so it accepts nothing more (restart recovers from disk);
 * - while the journal is `holding` (a committed batch awaits its fsync), new commands are held,
 *   unapplied and unstamped, and applied in arrival order once the batch's listeners ran; so a
 *   commit listener always sees the engine exactly at its batch's last seq. Held commands are
 *   refused if the sequencer halts or closes first.
 * Known limits: a rejection can reflect state of accepted commands not yet durable (they are in
 * the current batch, or in the previous one while its fsync runs); if the process dies before that
 * batch is durable, the rejection was based on state that never became durable.
 */
import type { Clock } from './clock.js';
import type { Command, CommandBody } from '../engine/commands.js';
import type { Result } from '../engine/engine.js';
import type { Event } from '../engine/events.js';
import type { Rejection } from '../engine/rejections.js';
import { decodeCommand, encodeBody, type JournalRow } from '../journal/codec.js';
import type { CommitListener, JournalWriter } from '../journal/sqlite-journal.js';

export type Submitted =
  | { ok: true; seq: number; time: number; events: Event[] }
  | { ok: false; rejection: Rejection; time: number };

/** the part of the engine the sequencer drives */
export interface Applier {
  apply(cmd: Command): Result;
}

export interface SequencerOptions {
  engine: Applier;
  journal: JournalWriter;
  clock: Clock;
  /** seq of the last command already applied to `engine` (0 for a fresh engine) */
  lastSeq: number;
  /** time of that command; stamped times never go below it */
  lastTime?: number;
  /** called once when the sequencer halts */
  onHalt?: (err: Error) => void;
}

export class SequencerHaltedError extends Error {
  override name = 'SequencerHaltedError';
}

export class Sequencer {
  private readonly engine: Applier;
  private readonly journal: JournalWriter;
  private readonly clock: Clock;
  private readonly onHalt: ((err: Error) => void) | undefined;
  private _lastSeq: number;
  private lastTime: number;
  private _halted: Error | null = null;
  /** commands that arrived while the journal was holding, not yet applied */
  private held: { body: CommandBody; resolve: (s: Submitted) => void; reject: (e: unknown) => void }[] = [];

  constructor(opts: SequencerOptions) {
    this.engine = opts.engine;
    this.journal = opts.journal;
    this.clock = opts.clock;
    this.onHalt = opts.onHalt;
    this._lastSeq = opts.lastSeq;
    this.lastTime = opts.lastTime ?? 0;
    this.journal.onReady(this.release);
  }

  /** seq of the last accepted command (applied; durable once its promise resolved) */
  get lastSeq(): number {
    return this._lastSeq;
  }

  /** why the sequencer stopped, or null while it runs */
  get halted(): Error | null {
    return this._halted;
  }

  /** Listen to committed batches, synchronously, in seq order. Returns an unsubscribe function. */
  onCommitted(fn: CommitListener): () => void {
    return this.journal.onCommitted(fn);
  }

  submit(body: CommandBody): Promise<Submitted> {
    if (this._halted === null && this.journal.failed !== null) this.halt(this.journal.failed);
    if (this._halted !== null) return Promise.reject(this.haltedError());
    if (this.held.length > 0 || this.journal.holding) {
      // a batch is waiting for its fsync: apply this after its listeners saw the engine
      return new Promise<Submitted>((resolve, reject) => this.held.push({ body, resolve, reject }));
    }
    return this.apply(body);
  }

  /** apply what was held back while the journal was holding, in arrival order */
  private readonly release = (): void => {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      if (this._halted === null && this.journal.failed !== null) this.halt(this.journal.failed);
      if (this._halted !== null) {
        h.reject(this.haltedError());
        continue;
      }
      if (this.journal.holding) {
        // something flushed the journal meanwhile: wait for the next release
        this.held = held.slice(i).concat(this.held);
        return;
      }
      this.apply(h.body).then(h.resolve, h.reject);
    }
  };

  private apply(body: CommandBody): Promise<Submitted> {
    const seq = this._lastSeq + 1;
    let time: number;
    let row: JournalRow;
    let cmd: Command;
    try {
      time = this.stampTime();
      row = { seq, time, body: encodeBody(body) };
      cmd = decodeCommand(row);
    } catch (e) {
      return Promise.reject(e); // the caller's mistake; nothing was touched
    }
    let result: Result;
    try {
      result = this.engine.apply(cmd);
    } catch (e) {
      this.halt(asError(e, `engine threw on seq ${seq}`));
      return Promise.reject(this.haltedError());
    }
    if (!result.ok) return Promise.resolve({ ok: false, rejection: result.rejection, time });
    this._lastSeq = seq;
    const events = result.events;
    let durable: Promise<void>;
    try {
      durable = this.journal.append(row, { cmd, events });
    } catch (e) {
      this.halt(asError(e, `journal append threw on seq ${seq}`));
      return Promise.reject(this.haltedError());
    }
    return durable.then(
      () => ({ ok: true, seq, time, events }),
      (e: unknown) => {
        this.halt(e instanceof Error ? e : asError(e, 'journal write failed'));
        throw this.haltedError();
      },
    );
  }

  /** Stop accepting commands for an orderly shutdown (does not call onHalt); held ones are refused. */
  close(): void {
    if (this._halted === null) this._halted = new Error('sequencer closed');
    this.refuseHeld();
  }

  /** Stop accepting commands after a fatal error. Idempotent; the first reason wins. */
  halt(reason: Error): void {
    if (this._halted !== null) return;
    this._halted = reason;
    this.refuseHeld();
    this.onHalt?.(reason);
  }

  private refuseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h.reject(this.haltedError());
  }

  private haltedError(): SequencerHaltedError {
    return new SequencerHaltedError(`sequencer halted: ${this._halted?.message}`, { cause: this._halted });
  }

  private stampTime(): number {
    const now = Math.floor(this.clock.now());
    if (!Number.isSafeInteger(now)) throw new RangeError(`clock returned ${now}`);
    if (now > this.lastTime) this.lastTime = now;
    return this.lastTime;
  }
}

function asError(e: unknown, context: string): Error {
  return new Error(`${context}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
