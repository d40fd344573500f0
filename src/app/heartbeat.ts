/**
 * Require-heartbeat deadlines.
 *
 * Owns: for each key created with "require heartbeat", the time by which the exchange must hear
 * from it again (last private request + timeout, 30 s by default). When a deadline passes and the
 * key has open orders, `expire(key)` is called — the Exchange turns that into an `ExpireSession`
 * command through the sequencer, so the cancels are journaled like any other.
 * Invariants: only account-scoped keys with the flag are tracked (master keys never time out); a
 * deadline fires at most once per silence; time comes from the injected clock (a VirtualClock
 * fires deadlines as it is advanced, a real clock is polled).
 */
import { VirtualClock, type Clock } from './clock.js';
import type { ApiKey } from './keys.js';

export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 30_000;

export interface HeartbeatOptions {
  clock: Clock;
  timeoutMs: number;
  /** does this session (API key) have open orders? */
  hasOpenOrders(key: string): boolean;
  expire(key: string): void;
}

export class HeartbeatMonitor {
  private readonly deadlines = new Map<string, number>();
  private stopFn: (() => void) | undefined;

  constructor(private readonly opts: HeartbeatOptions) {}

  static applies(k: ApiKey): boolean {
    return k.requireHeartbeat && k.scope === 'account';
  }

  /** a private request from `k` arrived at `now` */
  touch(k: ApiKey, now: number): void {
    if (HeartbeatMonitor.applies(k)) this.deadlines.set(k.key, now + this.opts.timeoutMs);
  }

  /** deadline of a key, if it is being watched */
  deadline(key: string): number | undefined {
    return this.deadlines.get(key);
  }

  /** fire every deadline that has passed at `now` */
  check(now: number): void {
    for (const [key, dl] of this.deadlines) {
      if (now < dl) continue;
      this.deadlines.delete(key);
      if (this.opts.hasOpenOrders(key)) this.opts.expire(key);
    }
  }

  /** after a restart: rebuild deadlines from the last time each key was seen, firing overdue ones */
  restore(keys: Iterable<ApiKey>, lastSeen: (key: string) => number | undefined, now: number): void {
    for (const k of keys) {
      if (!HeartbeatMonitor.applies(k)) continue;
      const seen = lastSeen(k.key);
      // a key never seen since it was created counts from its creation
      this.deadlines.set(k.key, (seen ?? k.created) + this.opts.timeoutMs);
    }
    this.check(now);
  }

  start(): void {
    if (this.stopFn !== undefined) return;
    const clock = this.opts.clock;
    if (clock instanceof VirtualClock) {
      this.stopFn = clock.onChange((now) => this.check(now));
    } else {
      const every = Math.max(10, Math.min(1000, Math.floor(this.opts.timeoutMs / 10)));
      const t = setInterval(() => this.check(clock.now()), every);
      t.unref();
      this.stopFn = () => clearInterval(t);
    }
  }

  stop(): void {
    this.stopFn?.();
    this.stopFn = undefined;
  }
}
