/**
 * A test hook for the journal worker (WorkerJournalOptions.fsyncHook): runs in the worker before
 * each WAL fdatasync, steered by the test through a shared Int32Array (see `FsyncGate`):
 * counts calls, optionally waits for a permit per fsync, throws an injected EIO from the Nth call,
 * or ends the worker thread (a crash) from the Nth call.
 */
export const CALLS = 0;
export const GATED = 1;
export const PERMITS = 2;
export const FAIL_FROM = 3;
export const EXIT_FROM = 4;
const SLOTS = 5;

export default function beforeFsync(data: unknown): void {
  const s = new Int32Array(data as SharedArrayBuffer);
  const n = Atomics.add(s, CALLS, 1) + 1;
  Atomics.notify(s, CALLS);
  const exitFrom = Atomics.load(s, EXIT_FROM);
  if (exitFrom !== 0 && n >= exitFrom) process.exit(3);
  const failFrom = Atomics.load(s, FAIL_FROM);
  if (failFrom !== 0 && n >= failFrom) throw Object.assign(new Error('EIO: i/o error (injected)'), { code: 'EIO' });
  if (Atomics.load(s, GATED) === 0) return;
  for (;;) {
    const p = Atomics.load(s, PERMITS);
    if (p > 0) {
      if (Atomics.compareExchange(s, PERMITS, p, p - 1) === p) return;
      continue;
    }
    Atomics.wait(s, PERMITS, 0, 1000);
  }
}

/** the test's side of the hook */
export class FsyncGate {
  readonly buffer = new SharedArrayBuffer(4 * SLOTS);
  private readonly s = new Int32Array(this.buffer);
  static readonly url = new URL('./fsync-gate.js', import.meta.url).href;

  constructor(opts: { gated?: boolean; failFrom?: number; exitFrom?: number } = {}) {
    if (opts.gated === true) this.s[GATED] = 1;
    if (opts.failFrom !== undefined) this.s[FAIL_FROM] = opts.failFrom;
    if (opts.exitFrom !== undefined) this.s[EXIT_FROM] = opts.exitFrom;
  }

  get calls(): number {
    return Atomics.load(this.s, CALLS);
  }

  /** let one more fsync through */
  permit(n = 1): void {
    Atomics.add(this.s, PERMITS, n);
    Atomics.notify(this.s, PERMITS);
  }

  /** stop gating (and release a waiting fsync) */
  open(): void {
    Atomics.store(this.s, GATED, 0);
    this.permit(1_000_000);
  }

  failFrom(n: number): void {
    Atomics.store(this.s, FAIL_FROM, n);
  }

  /** resolves once the worker has called the hook `n` times (polls; fails after `ms`) */
  async reached(n: number, ms = 10_000): Promise<void> {
    const t0 = Date.now();
    while (this.calls < n) {
      if (Date.now() - t0 > ms) throw new Error(`fsync hook called ${this.calls} times, waited for ${n}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}
