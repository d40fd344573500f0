/**
 * Shared by every process of the WebSocket benchmark: clocks, the latency stamp carried in the
 * trade quantity, the trade frame's wire shape, latency histograms and the child-process helper.
 *
 * Clocks. Two stamps are compared against the receive time:
 * - the monotonic stamp (`monoUs`): CLOCK_MONOTONIC, which `process.hrtime` reads, is one clock
 *   for every process on the machine, so a µs value taken in one process can be subtracted from
 *   one taken in another. Each process maps `performance.now()` (cheap) onto it once at start.
 * - the wall clock (`realMs`): `Date.now()` is what Pollux's sequencer stamps commands with (`E`,
 *   whole ms); receivers read it with sub-ms resolution through `performance.now()` plus an offset
 *   calibrated on a `Date.now()` tick edge.
 *
 * The monotonic stamp travels in the trade's quantity: `q = 1 + (µs mod 10^8) * 1e-8` (btcusd
 * takes 8 decimals), so the value comes back in every `btcusd@trade` frame's `q` without any
 * side channel; it wraps every 100 s, far above any latency seen.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

// ---- clocks ----

function calibrateMonoOffset(): number {
  // bracket performance.now() between two hrtime reads; keep the tightest of 50 samples (the first
  // calls of either are slow, which would otherwise skew the offset by a millisecond or more)
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 50; i++) {
    const a = Number(process.hrtime.bigint()) / 1000;
    const p = performance.now() * 1000;
    const b = Number(process.hrtime.bigint()) / 1000;
    if (b - a < best) {
      best = b - a;
      offset = (a + b) / 2 - p;
    }
  }
  return offset;
}

const MONO_OFFSET_US = calibrateMonoOffset();

/** CLOCK_MONOTONIC in µs (comparable across processes on one machine) */
export function monoUs(): number {
  return performance.now() * 1000 + MONO_OFFSET_US;
}

function calibrateRealOffset(): number {
  // Date.now() is whole ms: find moments it ticks, bracketed by performance.now() reads just before
  // and after; the tick is inside the bracket. Keep the tightest bracket of up to 8 ticks (≤ ~10 ms
  // of spinning), so a preemption during one sample does not skew the offset.
  for (let i = 0; i < 10; i++) performance.now();
  let best = Infinity;
  let offset = Date.now() - performance.now();
  const t0 = performance.now();
  let ticks = 0;
  let prevP = performance.now();
  let prevD = Date.now();
  while (ticks < 8 && performance.now() - t0 < 50) {
    const p = performance.now();
    const d = Date.now();
    if (d !== prevD) {
      ticks++;
      if (p - prevP < best) {
        best = p - prevP;
        offset = d - (p + prevP) / 2;
      }
    }
    prevP = p;
    prevD = d;
  }
  return offset;
}

const REAL_OFFSET_MS = calibrateRealOffset();

/** the wall clock in ms with sub-ms resolution */
export function realMs(): number {
  return performance.now() + REAL_OFFSET_MS;
}

// ---- the stamp in the quantity ----

export const STAMP_MOD = 100_000_000;

/** quantity text carrying `us` (trailing zeros trimmed, as Pollux prints amounts) */
export function stampQty(us: number): string {
  const x = Math.floor(us) % STAMP_MOD;
  return `1.${String(x).padStart(8, '0')}`.replace(/\.?0+$/, '');
}

/** µs elapsed since the stamp in quantity `q`, or NaN when `q` carries none */
export function stampAge(q: string, nowUs: number): number {
  const x = Math.round(Number(q) * STAMP_MOD) - STAMP_MOD;
  if (!(x >= 0 && x < STAMP_MOD)) return NaN;
  let d = (Math.floor(nowUs) % STAMP_MOD) - x;
  if (d < 0) d += STAMP_MOD;
  return d;
}

/**
 * A trade frame exactly as Pollux's current API writes it (src/api/ws/current/frames.ts
 * `tradeFrame`): what the raw baseline broadcasts, so both runs carry frames of the same shape and
 * size and the receivers treat them identically.
 */
export function tradeFrameLike(timeMs: number, tid: number, price: string, qty: string, buyerMaker: boolean): string {
  const ns = `${timeMs}000000`;
  return `{"e":"trade","E":${ns},"s":"btcusd","t":${tid},"p":"${price}","q":"${qty}","T":${ns},"m":${buyerMaker}}`;
}

// ---- histograms ----

const BUCKET_US = 10;
const BUCKETS = 100_000; // 10 µs buckets up to 1 s
const MAX_OVER = 1_000_000;

/** latency histogram: 10 µs buckets to 1 s, exact values above (bounded) */
export class Hist {
  counts = new Uint32Array(BUCKETS);
  over: number[] = [];
  n = 0;
  sum = 0;
  max = 0;
  lost = 0;

  add(us: number): void {
    if (!(us >= 0)) {
      this.lost++;
      return;
    }
    const b = Math.floor(us / BUCKET_US);
    if (b < BUCKETS) this.counts[b]!++;
    else if (this.over.length < MAX_OVER) this.over.push(us);
    else {
      this.lost++;
      return;
    }
    this.n++;
    this.sum += us;
    if (us > this.max) this.max = us;
  }

  toJSON(): HistData {
    const pairs: number[] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] !== 0) pairs.push(i, this.counts[i]!);
    return { pairs, over: this.over, n: this.n, sum: this.sum, max: this.max, lost: this.lost };
  }

  static merge(parts: HistData[]): Hist {
    const h = new Hist();
    for (const p of parts) {
      for (let i = 0; i < p.pairs.length; i += 2) h.counts[p.pairs[i]!]! += p.pairs[i + 1]!;
      for (const v of p.over) h.over.push(v);
      h.n += p.n;
      h.sum += p.sum;
      h.max = Math.max(h.max, p.max);
      h.lost += p.lost;
    }
    return h;
  }

  /** nearest-rank percentile in µs (bucket upper edge below 1 s, exact above); NaN when empty */
  percentile(p: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return (i + 1) * BUCKET_US;
    }
    const over = [...this.over].sort((a, b) => a - b);
    return over[Math.min(over.length - 1, rank - seen - 1)] ?? this.max;
  }

  mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }
}

export interface HistData {
  pairs: number[];
  over: number[];
  n: number;
  sum: number;
  max: number;
  lost: number;
}

// ---- machine ----

export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

// ---- child processes ----

export interface Msg {
  type: string;
  [k: string]: unknown;
}

/** a benchmark child process: messages over IPC, `ready` on start, `close` to stop */
export class Child {
  private readonly waiting = new Map<string, (m: Msg) => void>();
  private readonly listeners = new Map<string, (m: Msg) => void>();
  exited = false;
  exitCode: number | null = null;
  private readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (m: Msg) => {
      this.listeners.get(m.type)?.(m);
      const w = this.waiting.get(m.type) ?? (m.type === 'error' ? [...this.waiting.values()][0] : undefined);
      if (w !== undefined) w(m);
    });
    this.exit = new Promise((resolve) =>
      proc.on('exit', (code) => {
        this.exited = true;
        this.exitCode = code;
        for (const w of [...this.waiting.values()]) w({ type: 'exit', error: `${name} exited with code ${code}` });
        this.waiting.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  static async start(name: string, script: string, args: string[] = [], timeoutMs = 60_000, execArgv: string[] = []): Promise<{ child: Child; ready: Msg }> {
    const proc = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    const child = new Child(name, proc);
    try {
      const ready = await child.next('ready', timeoutMs);
      return { child, ready };
    } catch (e) {
      await child.stop(2000);
      throw e;
    }
  }

  /** call `fn` for every message of `type` (not consumed by `next`) */
  on(type: string, fn: (m: Msg) => void): void {
    this.listeners.set(type, fn);
  }

  next(type: string, timeoutMs = 60_000): Promise<Msg> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited (code ${this.exitCode})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(type);
        reject(new Error(`${this.name}: no '${type}' message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(type, (m) => {
        clearTimeout(timer);
        this.waiting.delete(type);
        if (m.type === 'error' || m.type === 'exit') reject(new Error(`${this.name}: ${String(m.error)}`));
        else resolve(m);
      });
    });
  }

  send(m: Msg): void {
    if (!this.exited && this.proc.connected) this.proc.send(m);
  }

  async ask(m: Msg, reply: string, timeoutMs = 60_000): Promise<Msg> {
    const p = this.next(reply, timeoutMs);
    this.send(m);
    return p;
  }

  /** ask the child to exit; SIGKILL it (this child only, by its handle) if it does not in time */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.exited) return;
    this.send({ type: 'close' });
    const t = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exit;
    clearTimeout(t);
  }
}

/** for child scripts: report a fatal error to the parent and exit */
export function childFail(e: unknown): never {
  const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  try {
    process.send?.({ type: 'error', error });
  } catch {
    // parent gone
  }
  console.error(error);
  process.exit(1);
}

/** for child scripts: exit when the parent goes away */
export function exitWithParent(): void {
  process.on('disconnect', () => process.exit(0));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
