/**
 * One autocannon run with our own latency record: every response's time (ms, sub-ms precision,
 * from autocannon's own hrtime stamps) is kept per request kind, so p50/p99 are exact rather than
 * autocannon's whole-millisecond histogram buckets.
 */
import autocannon, { type Client, type Options, type Result } from 'autocannon';
import { cpuMeter, type CpuUse } from './cpu.js';

/** a growable list of float samples */
export class Samples {
  private buf = new Float64Array(1 << 16);
  n = 0;
  push(v: number): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = v;
  }
  /** nearest-rank percentiles, p in [0, 100] */
  percentiles(ps: readonly number[]): number[] {
    const s = this.buf.slice(0, this.n).sort();
    return ps.map((p) => (this.n === 0 ? NaN : s[Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1))]!));
  }
  mean(): number {
    let t = 0;
    for (let i = 0; i < this.n; i++) t += this.buf[i]!;
    return this.n === 0 ? NaN : t / this.n;
  }
}

export interface LoadSpec {
  url: string;
  /** the server's pid, for CPU accounting */
  serverPid: number;
  connections: number;
  seconds: number;
  /** static request (hello-world) */
  method?: string;
  path?: string;
  /** per-connection request set-up (Pollux) */
  setupClient?: (client: Client) => void;
  /** which kind the response just received on `client` was (for per-kind latencies) */
  kindOf?: (client: Client) => string;
  /** checks every response body; a false counts as a mismatch (`result.mismatches`) */
  verifyBody?: (body: string) => boolean;
}

/** latency figures of a run, in ms (Samples, or a driver's own percentiles) */
export interface Latencies {
  percentiles(ps: readonly number[]): number[];
  mean(): number;
}

/** what the report reads of a run's totals (autocannon's Result, or wrk's figures in that shape) */
export type RunStats = Pick<Result, 'duration' | 'errors' | 'timeouts' | 'mismatches' | 'non2xx' | 'statusCodeStats'> & {
  requests: { total: number };
  latency: { p50: number; p99: number };
};

export interface LoadResult {
  result: RunStats;
  /** completed responses / run duration */
  rps: number;
  /** all responses (any status) */
  all: Latencies;
  /** 2xx responses only */
  ok: Latencies;
  byKind: Map<string, Samples>;
  cpu: CpuUse;
  /** which load generator produced it (absent: autocannon) */
  driver?: 'wrk';
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const all = new Samples();
  const ok = new Samples();
  const byKind = new Map<string, Samples>();
  const opts: Options = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.seconds,
    timeout: 10,
    method: spec.method,
  };
  if (spec.verifyBody !== undefined) opts.verifyBody = spec.verifyBody;
  if (spec.setupClient !== undefined) {
    opts.setupClient = spec.setupClient;
    // a placeholder; each client replaces it with its own requests in setupClient
    opts.requests = [{ method: 'POST', path: '/' }];
  }
  return new Promise((resolve, reject) => {
    const meter = cpuMeter(spec.serverPid);
    const inst = autocannon(opts, (err, result) => {
      const cpu = meter();
      if (err !== null) return reject(err);
      resolve({ result, rps: result.requests.total / result.duration, all, ok, byKind, cpu });
    });
    inst.on('response', (client: Client, status: number, _bytes: number, ms: number) => {
      all.push(ms);
      if (status >= 200 && status < 300) ok.push(ms);
      if (spec.kindOf !== undefined) {
        const k = spec.kindOf(client);
        let s = byKind.get(k);
        if (s === undefined) byKind.set(k, (s = new Samples()));
        s.push(ms);
      }
    });
  });
}
