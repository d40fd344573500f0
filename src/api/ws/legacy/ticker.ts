/**
 * The heartbeat tick shared by every legacy connection of one route (Gemini: every 5 s).
 *
 * Owns: when heartbeats are due. Time comes from the exchange clock, the same one that stamps
 * commands: a VirtualClock ticks as it is moved (one tick per move that reaches the next 5 s
 * boundary, however far it jumps — heartbeats are liveness, not a count of elapsed periods), a
 * real clock by a timer. So tests advance the clock instead of waiting.
 * Invariants: listeners run synchronously, in subscription order; `stop` ends the timer or the
 * clock subscription; a listener that throws does not stop the others.
 */
import { VirtualClock, type Clock } from '../../../app/clock.js';

export const HEARTBEAT_MS = 5_000;

export class Ticker {
  private readonly listeners = new Set<(now: number) => void>();
  private stopFn: (() => void) | undefined;
  private next: number;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number = HEARTBEAT_MS,
  ) {
    this.next = clock.now() + everyMs;
  }

  /** be called on every tick; returns an unsubscribe function */
  add(fn: (now: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    if (this.stopFn !== undefined) return;
    const clock = this.clock;
    if (clock instanceof VirtualClock) {
      this.next = clock.now() + this.everyMs;
      this.stopFn = clock.onChange((now) => {
        if (now < this.next) return;
        this.next = now + this.everyMs;
        this.tick(now);
      });
    } else {
      const t = setInterval(() => this.tick(clock.now()), this.everyMs);
      t.unref();
      this.stopFn = () => clearInterval(t);
    }
  }

  stop(): void {
    this.stopFn?.();
    this.stopFn = undefined;
  }

  private tick(now: number): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(now);
      } catch {
        // one broken connection must not silence the others
      }
    }
  }
}
