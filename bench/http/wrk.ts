/**
 * A wrk (https://github.com/wg/wrk) run, shaped like an autocannon run (load.ts), for the public
 * reads and their hello-world baseline.
 *
 * Why: autocannon decodes every response body into a JavaScript string. With the 6 KB book
 * replies that made the driver, not the server, the bottleneck on a 2-vCPU machine (driver at
 * 95 % of a core, server at 79 %), so the figure measured autocannon. wrk is written in C and
 * costs a fraction of that per response, so the server is what limits the rate.
 * Every response is still checked (bench/http/wrk-check.lua: status 200, exact body length, same
 * text up to the first time stamp), and while wrk runs this process fetches the same URL every
 * `sampleEveryMs` and checks that body in full (`full`).
 * Driver CPU is this process plus wrk (a child, counted once it has been reaped).
 * wrk is optional: `wrkAvailable()` tells; the benchmark falls back to autocannon without it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuMeter } from './cpu.js';
import type { LoadResult } from './load.js';

const SCRIPT = fileURLToPath(new URL('../../../bench/http/wrk-check.lua', import.meta.url));

export function wrkVersion(): string | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined) return undefined;
  const m = /wrk (\S+)/.exec(`${r.stdout}${r.stderr}`);
  return m?.[1] ?? 'unknown';
}

export interface WrkSpec {
  url: string;
  serverPid: number;
  connections: number;
  seconds: number;
  /** every body must have exactly this many bytes and start with `prefix` */
  bytes: number;
  prefix: string;
  /** full check of one body; returns the problems (empty: fine) */
  full?: (body: string) => string[];
  sampleEveryMs?: number;
  /** where failed checks are reported (first 20 kept) */
  failures: string[];
}

interface WrkOut {
  requests: number;
  duration_us: number;
  checked: number;
  mismatches: number;
  non2xx: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
  mean_us: number;
}

export interface WrkResult extends LoadResult {
  /** bodies checked in full by the sampler during the run */
  sampled: number;
}

export function runWrk(spec: WrkSpec): Promise<WrkResult> {
  const args = ['-t', '1', '-c', String(spec.connections), '-d', `${spec.seconds}s`, '--timeout', '10s', '-s', SCRIPT, spec.url, '--', String(spec.bytes), spec.prefix];
  const fail = (why: string): void => {
    if (spec.failures.length < 20) spec.failures.push(why);
  };
  let sampled = 0;
  let sampling = true;
  const sampler = async (): Promise<void> => {
    while (sampling && spec.full !== undefined) {
      await new Promise((r) => setTimeout(r, spec.sampleEveryMs ?? 200));
      if (!sampling) break;
      try {
        const res = await fetch(spec.url);
        const body = await res.text();
        const p = res.status === 200 ? spec.full(body) : [`status ${res.status}`];
        sampled++;
        if (p.length > 0) fail(`sampled body: ${p.join('; ')}: ${body.slice(0, 300)}`);
      } catch (e) {
        fail(`sampled request failed: ${String(e)}`);
      }
    }
  };
  return new Promise((resolve, reject) => {
    const meter = cpuMeter(spec.serverPid, true);
    const sampling$ = sampler();
    execFile('wrk', args, { encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      sampling = false;
      const cpu = meter();
      void sampling$.then(() => {
        if (err !== null) return reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
        const line = stdout.split('\n').find((l) => l.startsWith('WRK-RESULT '));
        if (line === undefined) return reject(new Error(`wrk printed no result:\n${stdout}\n${stderr}`));
        const w = JSON.parse(line.slice('WRK-RESULT '.length)) as WrkOut;
        const bad = stdout.split('\n').find((l) => l.startsWith('WRK-FIRST-BAD '));
        if (bad !== undefined) fail(bad.slice('WRK-FIRST-BAD '.length));
        const duration = w.duration_us / 1e6;
        const p50 = w.p50_us / 1000;
        const p99 = w.p99_us / 1000;
        const socketErrors = w.connect + w.read + w.write;
        resolve({
          result: {
            duration,
            requests: { total: w.requests },
            latency: { p50, p99 },
            non2xx: w.non2xx,
            errors: socketErrors,
            timeouts: w.timeout,
            mismatches: w.mismatches,
            statusCodeStats: { [`checked by wrk-check.lua (${w.checked - w.mismatches} as expected)`]: { count: w.checked } },
          },
          rps: w.requests / duration,
          all: { percentiles: (ps) => ps.map((p) => (p === 50 ? p50 : p === 99 ? p99 : NaN)), mean: () => w.mean_us / 1000 },
          ok: { percentiles: () => [], mean: () => NaN },
          byKind: new Map(),
          cpu,
          driver: 'wrk',
          sampled,
        });
      });
    });
  });
}
