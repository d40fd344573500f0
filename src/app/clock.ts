/**
 * Clocks: where the sequencer gets `time` (ms since the epoch) for the commands it stamps.
 *
 * Owns: the one place the exchange reads wall-clock time. The engine never reads a clock; time
 * reaches it inside commands.
 * Invariants: `VirtualClock` moves only when told (`set`/`advance`) and never backwards, so tests
 * and replays are deterministic. `SystemClock` is `Date.now()` and may jump backwards (NTP); the
 * sequencer, not the clock, keeps stamped times non-decreasing.
 */

export interface Clock {
  /** milliseconds since the Unix epoch */
  now(): number;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

export class VirtualClock implements Clock {
  private t: number;
  private readonly listeners = new Set<(now: number) => void>();

  constructor(start = 0) {
    VirtualClock.check(start);
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** jump to `t` (must not be earlier than now) */
  set(t: number): void {
    VirtualClock.check(t);
    if (t < this.t) throw new RangeError(`VirtualClock cannot go back from ${this.t} to ${t}`);
    this.t = t;
    for (const fn of this.listeners) fn(t);
  }

  /** be told every time the clock moves (e.g. to fire heartbeat deadlines); returns an unsubscribe */
  onChange(fn: (now: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** move forward by `ms` (>= 0); returns the new time */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`VirtualClock.advance needs ms >= 0, got ${ms}`);
    this.set(this.t + ms);
    return this.t;
  }

  private static check(t: number): void {
    if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`clock time must be a non-negative integer ms, got ${t}`);
  }
}
