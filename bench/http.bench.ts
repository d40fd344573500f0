/**
 * HTTP benchmark: signed, durable order entry over Gemini's REST API against a bare Fastify
 * hello-world, both measured the same way with autocannon from this (driver) process while each
 * server runs in its own child process.
 *
 *   (a) hello-world: Fastify `GET /` -> {"hello":"world"}, 127.0.0.1, port 0.
 *   (b) Pollux: the server from src/ (default durable journal: SQLite WAL with group commit) on a
 *       fresh temp data dir, N funded accounts each with its own Trader key; every connection uses
 *       its own key, strictly increasing nonces, and alternates a pre-signed resting
 *       /v1/order/new with /v1/order/cancel of that order (see http/gemini.ts for the signing
 *       details: the cancel needs the order id from the response, so it is signed at request time
 *       and that cost is measured).
 * Both runs: 50 keep-alive connections, pipelining 1, a warm-up run, then a fixed-duration run.
 * Latency percentiles are computed from every response's own time (sub-millisecond), not from
 * autocannon's whole-millisecond histogram (printed alongside for reference).
 *
 * Run: npm run bench:http
 * Env: BENCH_SECONDS (measured run, default 10), BENCH_WARMUP (default 3), BENCH_CONNECTIONS
 * (default 50), BENCH_DIR (where the Pollux data dir is created, default the OS temp dir),
 * BENCH_PRESIGN (pre-signed orders per connection; default from the hello-world rate),
 * BENCH_IDLE_WAIT (seconds to wait, before each server's runs, for other processes to use < 10 % of
 * the CPUs; default 60, 0 = don't), BENCH_ROUNDS (rounds of hello-world then Pollux, each with fresh
 * servers; medians are reported; default 1), BENCH_POLLUX_NODE_ARGS (extra node flags for the Pollux
 * child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", for diagnosis).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerChild } from './http/children.js';
import { GeminiWorkload, type BenchKey } from './http/gemini.js';
import { waitForQuiet } from './http/cpu.js';
import { fsyncProbe } from './http/fsync-probe.js';
import { runLoad, type LoadResult } from './http/load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BASE_DIR = process.env.BENCH_DIR ?? tmpdir();
const IDLE_WAIT = Number(process.env.BENCH_IDLE_WAIT ?? 60);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
/** extra node flags for the Pollux child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (diagnosis only) */
const POLLUX_NODE_ARGS = (process.env.BENCH_POLLUX_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TARGET_RATIO = 0.7;
const TARGET_P99_MS = 10;

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(here(`../../node_modules/${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  acP50: number;
  acP99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** server CPU, % of one core, and other processes' CPU, % of one core, during the run */
  serverCpu: number;
  othersCpu: number;
  /** responses per CPU-second of the server process */
  perCpuS: number;
}

function row(name: string, r: LoadResult): Row {
  const [p50, p99] = r.all.percentiles([50, 99]);
  return {
    name, rps: r.rps, p50: p50!, p99: p99!, acP50: r.result.latency.p50, acP99: r.result.latency.p99,
    total: r.result.requests.total, non2xx: r.result.non2xx, errors: r.result.errors, timeouts: r.result.timeouts,
    serverCpu: r.cpu.server, othersCpu: r.cpu.others, perCpuS: r.rps / (r.cpu.server / 100),
  };
}

function printRun(name: string, r: LoadResult): void {
  const x = row(name, r);
  console.log(
    `  ${name}: ${int(x.rps)} req/s (${int(x.total)} responses in ${r.result.duration} s), latency p50 ${f3(x.p50)} ms, p99 ${f3(x.p99)} ms, ` +
      `mean ${f3(r.all.mean())} ms [autocannon histogram: p50 ${x.acP50} ms, p99 ${x.acP99} ms]; ` +
      `status ${JSON.stringify(r.result.statusCodeStats)}, non-2xx ${x.non2xx}, errors ${x.errors}, timeouts ${x.timeouts}`,
  );
  const c = r.cpu;
  console.log(`    CPU (% of one core): driver ${f1(c.driver)}, server ${f1(c.server)}, other processes ${f1(c.others)}; machine ${f1(c.machine)} % busy`);
}

async function quiet(serverPid: number): Promise<void> {
  if (IDLE_WAIT <= 0) return;
  const q = await waitForQuiet(serverPid, IDLE_WAIT);
  console.log(`  other processes used ${f1(q.othersPct)} % of the CPUs just before the runs (waited ${f1(q.waitedS)} s for < 10 %)`);
}

async function helloWorld(): Promise<LoadResult> {
  const { child, ready } = await ServerChild.start('hello-world', here('./http/hello-server.js'));
  try {
    const url = `http://127.0.0.1:${String(ready.port)}/`;
    const serverPid = Number(ready.pid);
    console.log(`\n(a) Fastify hello-world, child pid ${String(ready.pid)}, ${url}`);
    await quiet(serverPid);
    if (WARMUP > 0) printRun('warm-up', await runLoad({ url, serverPid, connections: CONNECTIONS, seconds: WARMUP, method: 'GET' }));
    const r = await runLoad({ url, serverPid, connections: CONNECTIONS, seconds: SECONDS, method: 'GET' });
    printRun('measured', r);
    return r;
  } finally {
    await child.stop();
  }
}

interface PolluxOutcome {
  run: LoadResult;
  wl: GeminiWorkload;
  entry: string;
  journal: { batches: number; commands: number; maxBatch: number };
  openBefore: number;
  openAfter: number;
  rssMB: number;
}

async function pollux(helloRps: number): Promise<PolluxOutcome> {
  const dataDir = mkdtempSync(join(BASE_DIR, 'pollux-http-bench-'));
  const t0 = performance.now();
  const { child, ready } = await ServerChild.start('pollux', here('./http/pollux-server.js'), [dataDir, String(CONNECTIONS)], 120_000, POLLUX_NODE_ARGS);
  try {
    const keys = ready.keys as BenchKey[];
    const url = `http://127.0.0.1:${String(ready.port)}`;
    console.log(
      `\n(b) Pollux via ${String(ready.entry)}, child pid ${String(ready.pid)}, ${url}, data dir ${dataDir}; ` +
        `${keys.length} accounts funded and keyed in ${f1(performance.now() - t0)} ms (incl. start-up)`,
    );
    // enough pre-signed orders that no connection runs out: at most one order per two requests,
    // and Pollux will not beat hello-world by 25 %
    const perConn =
      process.env.BENCH_PRESIGN !== undefined
        ? Number(process.env.BENCH_PRESIGN)
        : Math.ceil((helloRps * (WARMUP + SECONDS + 2) * 1.25) / 2 / CONNECTIONS) + 16;
    const wl = new GeminiWorkload(keys, perConn);
    console.log(`  pre-signed ${int(wl.presigned)} /v1/order/new requests (${perConn} per connection) in ${int(wl.presignMs)} ms`);
    await quiet(Number(ready.pid));
    const spec = { url, serverPid: Number(ready.pid), connections: CONNECTIONS, setupClient: wl.setupClient, kindOf: wl.kindOf };
    if (WARMUP > 0) {
      printRun('warm-up', await runLoad({ ...spec, seconds: WARMUP }));
      await new Promise((r) => setTimeout(r, 300)); // let the warm-up's last in-flight requests finish
      wl.resetStats();
    }
    const before = (await child.ask({ type: 'stats' }, 'stats')) as unknown as { journal: PolluxOutcome['journal']; openOrders: number };
    const run = await runLoad({ ...spec, seconds: SECONDS });
    printRun('measured', run);
    await new Promise((r) => setTimeout(r, 300));
    const after = (await child.ask({ type: 'stats' }, 'stats')) as unknown as { journal: PolluxOutcome['journal']; openOrders: number; rssMB: number };
    const journal = {
      batches: after.journal.batches - before.journal.batches,
      commands: after.journal.commands - before.journal.commands,
      maxBatch: after.journal.maxBatch,
    };
    return { run, wl, entry: String(ready.entry), journal, openBefore: before.openOrders, openAfter: after.openOrders, rssMB: after.rssMB };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuModel(),
    nproc: availableParallelism(),
    memGB: Math.round(totalmem() / 2 ** 30),
    kernel: `${process.platform} ${release()}`,
    autocannon: pkgVersion('autocannon'),
    fastify: pkgVersion('fastify'),
  };
  console.log('HTTP benchmark: signed durable order entry vs Fastify hello-world');
  console.log(
    `date ${machine.date}; node ${machine.node}; CPU ${machine.cpu}; nproc ${machine.nproc}; ${machine.memGB} GB; ${machine.kernel}; ` +
      `autocannon ${machine.autocannon}; fastify ${machine.fastify}`,
  );
  console.log(`${CONNECTIONS} keep-alive connections, pipelining 1, warm-up ${WARMUP} s, measured ${SECONDS} s; servers in child processes, autocannon in this one`);
  const la = loadavg();
  const fs = fsyncProbe(BASE_DIR);
  console.log(`load average before start ${la.map((x) => x.toFixed(2)).join(' ')}; disk under ${BASE_DIR}: write 4 KiB + fdatasync p50 ${f2(fs.p50)} ms, p99 ${f2(fs.p99)} ms`);

  const rounds: { hw: Row; p: Row; ok: boolean }[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    if (ROUNDS > 1) console.log(`\n=== round ${n} of ${ROUNDS}`);
    const hello = await helloWorld();
    const hw = row('Fastify hello-world (`GET /`)', hello);
    let px: PolluxOutcome;
    try {
      px = await pollux(hw.rps);
    } catch (e) {
      console.error(`\nPollux run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
      return;
    }
    const p = row('Pollux signed new+cancel (durable)', px.run);
    rounds.push({ hw, p, ok: reportPollux(px, p) });
  }

  const med = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  console.log('\nResults' + (ROUNDS > 1 ? ` (${ROUNDS} rounds; each round: hello-world, then Pollux)` : ''));
  console.log('| round | server | req/s | p50 ms | p99 ms | responses | non-2xx | errors | timeouts | server CPU (% of a core) | other processes CPU (% of a core) | req per server CPU-s |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  rounds.forEach((r, i) => {
    for (const x of [r.hw, r.p]) {
      console.log(
        `| ${i + 1} | ${x.name} | ${int(x.rps)} | ${f3(x.p50)} | ${f3(x.p99)} | ${int(x.total)} | ${x.non2xx} | ${x.errors} | ${x.timeouts} | ` +
          `${f1(x.serverCpu)} | ${f1(x.othersCpu)} | ${int(x.perCpuS)} |`,
      );
    }
  });
  // a round is "quiet" when other processes used < 10 % of the machine during both measured runs
  const nproc = availableParallelism();
  const quietRounds = rounds.filter((r) => r.hw.othersCpu / nproc < 10 && r.p.othersCpu / nproc < 10);
  const summarise = (set: typeof rounds, label: string): void => {
    const hwRps = med(set.map((r) => r.hw.rps));
    const pRps = med(set.map((r) => r.p.rps));
    const pP99 = med(set.map((r) => r.p.p99));
    const ratio = pRps / hwRps;
    const cpuRatio = med(set.map((r) => r.p.perCpuS)) / med(set.map((r) => r.hw.perCpuS));
    console.log(`\n${label}:`);
    console.log(`  hello-world ${int(hwRps)} req/s (p50 ${f3(med(set.map((r) => r.hw.p50)))} ms, p99 ${f3(med(set.map((r) => r.hw.p99)))} ms)`);
    console.log(`  Pollux      ${int(pRps)} req/s (p50 ${f3(med(set.map((r) => r.p.p50)))} ms, p99 ${f3(pP99)} ms)`);
    console.log(`  Pollux / hello-world: ${(ratio * 100).toFixed(1)} % of the hello-world rate (by requests per server CPU-second: ${(cpuRatio * 100).toFixed(1)} %)`);
    console.log(`  target rate  >= ${TARGET_RATIO * 100} % of hello-world: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'} (${(ratio * 100).toFixed(1)} %)`);
    console.log(`  target p99   < ${TARGET_P99_MS} ms: ${pP99 < TARGET_P99_MS ? 'MET' : 'NOT MET'} (${f3(pP99)} ms)`);
  };
  const many = rounds.length > 1;
  summarise(rounds, many ? `median of all ${rounds.length} rounds` : 'summary');
  if (quietRounds.length === 0) console.log('\n(no round was quiet: other processes used >= 10 % of the machine during a measured run in every round)');
  else if (quietRounds.length < rounds.length) {
    summarise(quietRounds, `median of the ${quietRounds.length} quiet round(s) (${quietRounds.map((r) => rounds.indexOf(r) + 1).join(', ')}: other processes < 10 % of the machine in both runs)`);
  }
  console.log(`\nresponses all 200 and as expected: ${rounds.every((r) => r.ok) ? 'yes' : 'NO'}`);
}

/** print the Pollux run's checks; true when every response was a 200 of the expected shape */
function reportPollux(px: PolluxOutcome, p: Row): boolean {
  const st = px.wl.stats;
  const byKind = [...px.run.byKind.entries()].map(([k, s]) => {
    const [a, b] = s.percentiles([50, 99]);
    return `${k === 'new' ? '/v1/order/new' : k === 'cancel' ? '/v1/order/cancel' : k} n=${int(s.n)} p50 ${f3(a!)} ms p99 ${f3(b!)} ms`;
  });
  console.log(`  per endpoint: ${byKind.join('; ')}`);
  console.log(
    `  checks: new 200+order_id ${int(st.newOk)}, new failed ${st.newBad}; cancel 200+is_cancelled ${int(st.cancelOk)}, ` +
      `cancel 200 but not cancelled ${st.cancelNotCancelled}, cancel failed ${st.cancelBad}, cancels skipped ${st.cancelSkipped}; ` +
      `open orders before/after the measured run ${px.openBefore}/${px.openAfter} (a run may leave ≤ 1 per connection resting: ` +
      `the one placed or being cancelled when autocannon stopped); late-signed orders ${st.lateSigned}`,
  );
  const signUs = st.cancelSigned === 0 ? NaN : Number(st.cancelSignNs) / st.cancelSigned / 1000;
  console.log(
    `  cancel signing at request time (driver side): ${int(st.cancelSigned)} cancels, ${f2(signUs)} µs each, ` +
      `${f1(Number(st.cancelSignNs) / 1e6)} ms in total over ${px.run.result.duration} s`,
  );
  console.log(
    `  journal during the measured run: ${int(px.journal.commands)} commands in ${int(px.journal.batches)} batches ` +
      `(${f1(px.journal.commands / px.journal.batches)} per batch = per fsync; largest batch since start ${px.journal.maxBatch}); server RSS ${px.rssMB} MB`,
  );
  if (st.failures.length > 0) {
    console.log(`  first ${st.failures.length} failed responses:`);
    for (const fl of st.failures) console.log(`    ${fl.kind} -> ${fl.status} ${fl.body}\n      payload ${JSON.stringify(fl.payload)}`);
  }
  return p.non2xx === 0 && p.errors === 0 && p.timeouts === 0 && st.newBad + st.cancelBad + st.cancelNotCancelled === 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
