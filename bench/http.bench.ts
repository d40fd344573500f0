/**
 * HTTP benchmark: Pollux's REST API against a bare Fastify hello-world, all measured the same way
 * with autocannon from this (driver) process while each server runs in its own child process.
 *
 *   (a) hello-world: Fastify `GET /` -> {"hello":"world"}, 127.0.0.1, port 0.
 *   (b) Pollux order entry: the server from src/ (default durable journal: SQLite WAL with group
 *       commit) on a fresh temp data dir, N funded accounts each with its own Trader key; every
 *       connection uses its own key, strictly increasing nonces, and alternates a pre-signed
 *       resting /v1/order/new with /v1/order/cancel of that order (see http/gemini.ts for the
 *       signing details: the cancel needs the order id from the response, so it is signed at
 *       request time and that cost is measured).
 *   (c) Pollux public reads: another fresh Pollux whose btcusd book is first seeded through the
 *       programmatic API (http/book-seed.ts: 3 trades, then 10,000 resting orders over 500 price
 *       levels a side), then `GET /v1/book/btcusd?limit_bids=50&limit_asks=50` and
 *       `GET /v1/pubticker/btcusd`, one after the other, each with its own warm-up. Every body
 *       is checked cheaply (length and the part before the first time stamp equal a reference
 *       reply that was checked in full against the plan) and every 500th one in full.
 * Every run: 50 keep-alive connections, pipelining 1, a warm-up run, then a fixed-duration run.
 * Latency percentiles are computed from every response's own time (sub-millisecond), not from
 * autocannon's whole-millisecond histogram (printed alongside for reference). A round is (a), (b),
 * (c) with fresh servers; Pollux's rates are compared with the hello-world rate of the same round.
 *
 * Run: npm run bench:http
 * Env: BENCH_SECONDS (measured run, default 10), BENCH_WARMUP (default 3), BENCH_CONNECTIONS
 * (default 50), BENCH_DIR (where the Pollux data dir is created, default the OS temp dir),
 * BENCH_PRESIGN (pre-signed orders per connection; default from the hello-world rate),
 * BENCH_IDLE_WAIT (seconds to wait, before each server's or endpoint's runs, for other processes to
 * use < 10 % of the CPUs; default 60, 0 = don't), BENCH_ROUNDS (rounds, each with fresh servers;
 * medians are reported; default 1), BENCH_ONLY (`orders` or `public`: run only (b) or only (c);
 * `book` or `ticker`: (c) with that endpoint only; a comma list; hello-world always runs; default
 * all; also `-- --only X`), BENCH_BOOK_ORDERS (resting orders in
 * the seeded book, default 10000), BENCH_BOOK_LEVELS (price levels a side, default 500),
 * BENCH_POLLUX_NODE_ARGS (extra node flags for the Pollux children, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof", for diagnosis), BENCH_JOURNAL_WRITER (`worker` or `thread`: which
 * journal writer the Pollux children use, for A/B runs; default Pollux's default, the in-thread writer).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerChild } from './http/children.js';
import { GeminiWorkload, type BenchKey } from './http/gemini.js';
import { bookPlan, checkBook, checkTicker, type BookPlan } from './http/book-seed.js';
import { waitForQuiet } from './http/cpu.js';
import { fsyncProbe } from './http/fsync-probe.js';
import { runLoad, type LoadResult } from './http/load.js';
import { runWrk, wrkVersion } from './http/wrk.js';

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
/** public reads: at least this share of the hello-world rate of the same round */
const PUBLIC_TARGET_RATIO = 0.8;
const BOOK_ORDERS = Number(process.env.BENCH_BOOK_ORDERS ?? 10_000);
const BOOK_LEVELS = Number(process.env.BENCH_BOOK_LEVELS ?? 500);
const BOOK_LIMIT = 50;
/** every FULL_CHECK_EVERY-th public response is parsed and checked in full (the rest cheaply) */
const FULL_CHECK_EVERY = 500;
/**
 * The public reads (and their hello-world baseline) are driven by wrk when it is installed
 * (BENCH_PUBLIC_DRIVER=autocannon forces autocannon): see http/wrk.ts for why.
 */
const WRK = process.env.BENCH_PUBLIC_DRIVER === 'autocannon' ? undefined : wrkVersion();
const PUBLIC_DRIVER = WRK === undefined ? 'autocannon' : `wrk ${WRK}`;
/** with wrk, the driver process fetches and fully checks one body this often during a run */
const WRK_SAMPLE_MS = 100;

type Part = 'orders' | 'public';
/** BENCH_ONLY / --only: orders, public, or one public endpoint (book, ticker); a comma list; default all */
function onlyArg(): string[] {
  const i = process.argv.indexOf('--only');
  const v = (i >= 0 ? process.argv[i + 1] : process.env.BENCH_ONLY) ?? '';
  const xs = v === '' || v === 'all' ? ['orders', 'public'] : v.split(',').map((x) => x.trim());
  for (const x of xs) {
    if (!['orders', 'public', 'book', 'ticker'].includes(x)) throw new Error(`BENCH_ONLY / --only: expected orders, public, book, ticker or all, got '${v}'`);
  }
  return xs;
}
const ONLY = onlyArg();
const PARTS = new Set<Part>(ONLY.map((x) => (x === 'orders' ? 'orders' : 'public')));

interface PublicEndpointSpec {
  key: 'book' | 'ticker';
  name: string;
  path: string;
}
const PUBLIC_ENDPOINTS: readonly PublicEndpointSpec[] = [
  { key: 'book', name: `Pollux \`GET /v1/book/btcusd?limit_bids=${BOOK_LIMIT}&limit_asks=${BOOK_LIMIT}\``, path: `/v1/book/btcusd?limit_bids=${BOOK_LIMIT}&limit_asks=${BOOK_LIMIT}` },
  { key: 'ticker', name: 'Pollux `GET /v1/pubticker/btcusd`', path: '/v1/pubticker/btcusd' },
].filter((e) => ONLY.includes('public') || ONLY.includes(e.key)) as PublicEndpointSpec[];

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
  /** bodies that failed the check */
  mismatches: number;
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
    mismatches: r.result.mismatches, serverCpu: r.cpu.server, othersCpu: r.cpu.others, perCpuS: r.rps / (r.cpu.server / 100),
  };
}

function printRun(name: string, r: LoadResult): void {
  const x = row(name, r);
  console.log(
    `  ${name}: ${int(x.rps)} req/s (${int(x.total)} responses in ${r.result.duration} s), latency p50 ${f3(x.p50)} ms, p99 ${f3(x.p99)} ms, ` +
      `mean ${f3(r.all.mean())} ms${r.driver === 'wrk' ? ' [wrk percentiles]' : ` [autocannon histogram: p50 ${x.acP50} ms, p99 ${x.acP99} ms]`}; ` +
      `status ${JSON.stringify(r.result.statusCodeStats)}, non-2xx ${x.non2xx}, errors ${x.errors}, timeouts ${x.timeouts}, body mismatches ${x.mismatches}`,
  );
  const c = r.cpu;
  console.log(`    CPU (% of one core): driver ${f1(c.driver)}, server ${f1(c.server)}, other processes ${f1(c.others)}; machine ${f1(c.machine)} % busy`);
}

async function quiet(serverPid: number): Promise<void> {
  if (IDLE_WAIT <= 0) return;
  const q = await waitForQuiet(serverPid, IDLE_WAIT);
  console.log(`  other processes used ${f1(q.othersPct)} % of the CPUs just before the runs (waited ${f1(q.waitedS)} s for < 10 %)`);
}

const HELLO_BODY = '{"hello":"world"}';

/**
 * The hello-world baseline: with autocannon when order entry runs (or no wrk), and with wrk when
 * the public reads run on wrk, so each Pollux figure is compared with one taken by the same driver.
 */
async function helloWorld(): Promise<{ autocannon?: LoadResult; wrk?: LoadResult }> {
  const { child, ready } = await ServerChild.start('hello-world', here('./http/hello-server.js'));
  try {
    const url = `http://127.0.0.1:${String(ready.port)}/`;
    const serverPid = Number(ready.pid);
    console.log(`\n(a) Fastify hello-world, child pid ${String(ready.pid)}, ${url}`);
    const out: { autocannon?: LoadResult; wrk?: LoadResult } = {};
    if (PARTS.has('orders') || WRK === undefined) {
      await quiet(serverPid);
      // the body is checked as every Pollux body is, so the driver does comparable work per response
      const verifyBody = (b: string): boolean => b === HELLO_BODY;
      if (WARMUP > 0) printRun('warm-up', await runLoad({ url, serverPid, connections: CONNECTIONS, seconds: WARMUP, method: 'GET', verifyBody }));
      out.autocannon = await runLoad({ url, serverPid, connections: CONNECTIONS, seconds: SECONDS, method: 'GET', verifyBody });
      printRun('measured', out.autocannon);
    }
    if (PARTS.has('public') && WRK !== undefined) {
      await quiet(serverPid);
      const failures: string[] = [];
      const full = (b: string): string[] => (b === HELLO_BODY ? [] : ['not {"hello":"world"}']);
      const spec = { url, serverPid, connections: CONNECTIONS, bytes: HELLO_BODY.length, prefix: HELLO_BODY, full, sampleEveryMs: WRK_SAMPLE_MS, failures };
      if (WARMUP > 0) printRun('warm-up (wrk)', await runWrk({ ...spec, seconds: WARMUP }));
      out.wrk = await runWrk({ ...spec, seconds: SECONDS });
      printRun('measured (wrk)', out.wrk);
      if (failures.length > 0) {
        out.wrk.result.mismatches += failures.length;
        for (const f of failures) console.log(`    unexpected: ${f}`);
      }
    }
    return out;
  } finally {
    await child.stop();
  }
}

interface PolluxOutcome {
  run: LoadResult;
  wl: GeminiWorkload;
  entry: string;
  journal: { batches: number; commands: number; maxBatch: number; syncs: number; writeMs: number; syncMs: number };
  openBefore: number;
  openAfter: number;
  rssMB: number;
  /** server CPU during the measured run, ms: main thread, all threads (NaN when unknown) */
  cpuMs: { main: number; all: number };
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
    type Stats = { journal: PolluxOutcome['journal']; openOrders: number; rssMB: number; cpuTicks?: { main: number; all: number } };
    const before = (await child.ask({ type: 'stats' }, 'stats')) as unknown as Stats;
    const run = await runLoad({ ...spec, seconds: SECONDS });
    printRun('measured', run);
    await new Promise((r) => setTimeout(r, 300));
    const after = (await child.ask({ type: 'stats' }, 'stats')) as unknown as Stats;
    const journal = {
      batches: after.journal.batches - before.journal.batches,
      commands: after.journal.commands - before.journal.commands,
      maxBatch: after.journal.maxBatch,
      syncs: (after.journal.syncs ?? 0) - (before.journal.syncs ?? 0),
      writeMs: (after.journal.writeMs ?? NaN) - (before.journal.writeMs ?? NaN),
      syncMs: (after.journal.syncMs ?? NaN) - (before.journal.syncMs ?? NaN),
    };
    // ticks are 10 ms; the stats exchange and the 300 ms pause add a little idle time, not CPU
    const cpuMs = {
      main: ((after.cpuTicks?.main ?? NaN) - (before.cpuTicks?.main ?? NaN)) * 10,
      all: ((after.cpuTicks?.all ?? NaN) - (before.cpuTicks?.all ?? NaN)) * 10,
    };
    return { run, wl, entry: String(ready.entry), journal, openBefore: before.openOrders, openAfter: after.openOrders, rssMB: after.rssMB, cpuMs };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface PublicOutcome {
  runs: Map<PublicEndpointSpec['key'], LoadResult>;
  /** per endpoint: bodies checked in full during the runs, and the first failures */
  fullChecks: Map<PublicEndpointSpec['key'], number>;
  failures: string[];
  seeded: { ms: number; trades: number; resting: number; bidLevels: number; askLevels: number };
  openAfter: number;
  bodyBytes: Map<PublicEndpointSpec['key'], number>;
  rssMB: number;
}

/**
 * A reference reply, checked in full, and a cheap check for every body of the run: same length
 * (the only varying part, the time stamp, has a fixed width) and the same text up to the first
 * time stamp; every FULL_CHECK_EVERY-th body is also checked in full.
 */
async function bodyCheck(
  url: string,
  full: (body: string) => string[],
  stampAt: string,
  failures: string[],
): Promise<{ verify: (body: string) => boolean; fullChecks: () => number; bytes: number; prefix: string; full: (body: string) => string[] }> {
  const res = await fetch(url);
  const ref = await res.text();
  const problems = res.status === 200 ? full(ref) : [`status ${res.status}: ${ref.slice(0, 200)}`];
  if (problems.length > 0) throw new Error(`reference reply of ${url} is not as expected:\n  ${problems.join('\n  ')}`);
  const cut = ref.indexOf(stampAt);
  if (cut < 0) throw new Error(`reference reply of ${url} has no '${stampAt}'`);
  const prefix = ref.slice(0, cut);
  let n = 0;
  let checked = 0;
  const fail = (why: string, body: string): false => {
    if (failures.length < 20) failures.push(`${why}: ${body.slice(0, 300)}`);
    return false;
  };
  const verify = (body: string): boolean => {
    if (body.length !== ref.length) return fail(`length ${body.length}, expected ${ref.length}`, body);
    if (!body.startsWith(prefix)) return fail('differs from the reference before the first time stamp', body);
    if (++n % FULL_CHECK_EVERY === 0) {
      checked++;
      const p = full(body);
      if (p.length > 0) return fail(p.join('; '), body);
    }
    return true;
  };
  return { verify, fullChecks: () => checked, bytes: Buffer.byteLength(ref), prefix, full };
}

async function publicReads(): Promise<PublicOutcome> {
  const dataDir = mkdtempSync(join(BASE_DIR, 'pollux-http-bench-'));
  const t0 = performance.now();
  const { child, ready } = await ServerChild.start('pollux (public)', here('./http/pollux-server.js'), [dataDir, String(CONNECTIONS)], 120_000, POLLUX_NODE_ARGS);
  try {
    const base = `http://127.0.0.1:${String(ready.port)}`;
    const serverPid = Number(ready.pid);
    console.log(`\n(c) Pollux public reads via ${String(ready.entry)}, child pid ${String(ready.pid)}, ${base}, data dir ${dataDir}; started in ${f1(performance.now() - t0)} ms`);
    const seeded = (await child.ask({ type: 'seed-book', orders: BOOK_ORDERS, levels: BOOK_LEVELS }, 'seeded', 300_000)) as unknown as PublicOutcome['seeded'];
    console.log(
      `  btcusd seeded through exchange.submit in ${int(seeded.ms)} ms: ${seeded.trades} trades, then ${int(seeded.resting)} resting orders ` +
        `on ${seeded.bidLevels} bid and ${seeded.askLevels} ask levels`,
    );
    const plan: BookPlan = bookPlan(BOOK_ORDERS, BOOK_LEVELS, CONNECTIONS);
    if (seeded.resting !== BOOK_ORDERS || seeded.bidLevels !== plan.bids.length || seeded.askLevels !== plan.asks.length) {
      throw new Error(`the book holds ${seeded.resting} orders on ${seeded.bidLevels} + ${seeded.askLevels} levels, expected ${BOOK_ORDERS} on ${plan.bids.length} + ${plan.asks.length}`);
    }
    const failures: string[] = [];
    const runs = new Map<PublicEndpointSpec['key'], LoadResult>();
    const fullChecks = new Map<PublicEndpointSpec['key'], number>();
    const bodyBytes = new Map<PublicEndpointSpec['key'], number>();
    for (const ep of PUBLIC_ENDPOINTS) {
      const url = base + ep.path;
      const check =
        ep.key === 'book'
          ? await bodyCheck(url, (b) => checkBook(b, plan, BOOK_LIMIT), '"timestamp"', failures)
          : await bodyCheck(url, (b) => checkTicker(b, plan, 'BTC', 'USD'), '"timestamp"', failures);
      bodyBytes.set(ep.key, check.bytes);
      console.log(`  ${ep.name}: reference reply (${int(check.bytes)} bytes) as planned`);
      await quiet(serverPid);
      if (WRK !== undefined) {
        const spec = { url, serverPid, connections: CONNECTIONS, bytes: check.bytes, prefix: check.prefix, full: check.full, sampleEveryMs: WRK_SAMPLE_MS, failures };
        if (WARMUP > 0) printRun(`warm-up ${ep.key} (wrk)`, await runWrk({ ...spec, seconds: WARMUP }));
        const run = await runWrk({ ...spec, seconds: SECONDS });
        printRun(`measured ${ep.key} (wrk)`, run);
        runs.set(ep.key, run);
        fullChecks.set(ep.key, run.sampled);
        continue;
      }
      const spec = { url, serverPid, connections: CONNECTIONS, method: 'GET', verifyBody: check.verify };
      if (WARMUP > 0) printRun(`warm-up ${ep.key}`, await runLoad({ ...spec, seconds: WARMUP }));
      const before = check.fullChecks();
      const run = await runLoad({ ...spec, seconds: SECONDS });
      printRun(`measured ${ep.key}`, run);
      runs.set(ep.key, run);
      fullChecks.set(ep.key, check.fullChecks() - before);
    }
    await new Promise((r) => setTimeout(r, 300));
    const after = (await child.ask({ type: 'stats' }, 'stats')) as unknown as { openOrders: number; rssMB: number };
    return { runs, fullChecks, failures, seeded, openAfter: after.openOrders, bodyBytes, rssMB: after.rssMB };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** print the public run's checks; true when every response was a 200 of the expected content */
function reportPublic(po: PublicOutcome, rows: Row[]): boolean {
  for (const ep of PUBLIC_ENDPOINTS) {
    const how =
      WRK === undefined
        ? 'the rest by length and text before the first time stamp'
        : 'fetched alongside by the driver; every wrk response checked by status, length and text before the first time stamp';
    console.log(`  ${ep.key}: ${int(po.bodyBytes.get(ep.key) ?? NaN)}-byte bodies; ${int(po.fullChecks.get(ep.key) ?? 0)} checked in full during the measured run (${how})`);
  }
  console.log(`  open orders after the runs ${int(po.openAfter)} (expected ${int(BOOK_ORDERS)}: reads change nothing); server RSS ${po.rssMB} MB`);
  if (po.failures.length > 0) {
    console.log(`  first ${po.failures.length} unexpected bodies:`);
    for (const f of po.failures) console.log(`    ${f}`);
  }
  return po.openAfter === BOOK_ORDERS && po.failures.length === 0 && rows.every((x) => x.non2xx === 0 && x.errors === 0 && x.timeouts === 0 && x.mismatches === 0);
}

interface Round {
  /** hello-world as order entry's baseline (autocannon), or the only one */
  hw: Row;
  /** hello-world as the public reads' baseline, when they run on wrk */
  hwPublic?: Row;
  /** order entry (b), when run */
  p?: Row;
  /** public reads (c), when run, in PUBLIC_ENDPOINTS order */
  pub?: Row[];
  ok: boolean;
}

const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '-');

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
  const what = [PARTS.has('orders') ? 'signed durable order entry' : '', PARTS.has('public') ? 'public book and ticker reads' : ''].filter(Boolean).join(' and ');
  console.log(`HTTP benchmark: ${what} vs Fastify hello-world`);
  console.log(
    `date ${machine.date}; node ${machine.node}; CPU ${machine.cpu}; nproc ${machine.nproc}; ${machine.memGB} GB; ${machine.kernel}; ` +
      `autocannon ${machine.autocannon}; fastify ${machine.fastify}`,
  );
  console.log(
    `${CONNECTIONS} keep-alive connections, pipelining 1, warm-up ${WARMUP} s, measured ${SECONDS} s; servers in child processes; ` +
      `order entry driven by autocannon in this process${PARTS.has('public') ? `, public reads (and their hello-world) by ${PUBLIC_DRIVER}` : ''}`,
  );
  if (PARTS.has('public')) console.log(`public reads: btcusd book of ${int(BOOK_ORDERS)} resting orders over ${BOOK_LEVELS} levels a side; ${PUBLIC_ENDPOINTS.map((e) => e.path).join(', ')}`);
  const la = loadavg();
  console.log(`load average before start ${la.map((x) => x.toFixed(2)).join(' ')}`);
  if (PARTS.has('orders')) {
    const fs = fsyncProbe(BASE_DIR);
    console.log(`disk under ${BASE_DIR}: write 4 KiB + fdatasync p50 ${f2(fs.p50)} ms, p99 ${f2(fs.p99)} ms`);
  }

  const rounds: Round[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    if (ROUNDS > 1) console.log(`\n=== round ${n} of ${ROUNDS}`);
    const hello = await helloWorld();
    const base = (hello.autocannon ?? hello.wrk)!;
    const round: Round = { hw: row(`Fastify hello-world (\`GET /\`)${hello.autocannon ? '' : ', wrk'}`, base), ok: base.result.mismatches === 0 && base.result.non2xx === 0 };
    if (hello.autocannon !== undefined && hello.wrk !== undefined) {
      round.hwPublic = row('Fastify hello-world (`GET /`), wrk', hello.wrk);
      round.ok = round.ok && hello.wrk.result.mismatches === 0 && hello.wrk.result.non2xx === 0;
    }
    try {
      if (PARTS.has('orders')) {
        const px = await pollux(round.hw.rps);
        round.p = row('Pollux signed new+cancel (durable)', px.run);
        round.ok = reportPollux(px, round.p) && round.ok;
      }
      if (PARTS.has('public')) {
        const po = await publicReads();
        round.pub = PUBLIC_ENDPOINTS.map((ep) => row(ep.name, po.runs.get(ep.key)!));
        round.ok = reportPublic(po, round.pub) && round.ok;
      }
    } catch (e) {
      console.error(`\nPollux run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
      return;
    }
    rounds.push(round);
  }

  console.log('\nResults' + (ROUNDS > 1 ? ` (${ROUNDS} rounds; each round: hello-world, then ${[...PARTS].join(', then ')}, each with a fresh server)` : ''));
  console.log(
    '| round | server | req/s | vs hello-world | p50 ms | p99 ms | responses | non-2xx | errors | timeouts | server CPU (% of a core) | other processes CPU (% of a core) | req per server CPU-s |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  rounds.forEach((r, i) => {
    const pubBase = r.hwPublic ?? r.hw;
    for (const x of [r.hw, ...(r.p ? [r.p] : []), ...(r.hwPublic ? [r.hwPublic] : []), ...(r.pub ?? [])]) {
      const vs = x === r.hw || x === r.hwPublic ? '' : pct(x.rps / (r.pub?.includes(x) ? pubBase : r.hw).rps);
      console.log(
        `| ${i + 1} | ${x.name} | ${int(x.rps)} | ${vs} | ${f3(x.p50)} | ${f3(x.p99)} | ${int(x.total)} | ${x.non2xx} | ${x.errors} | ${x.timeouts} | ` +
          `${f1(x.serverCpu)} | ${f1(x.othersCpu)} | ${int(x.perCpuS)} |`,
      );
    }
  });
  // a round is "quiet" when other processes used < 10 % of the machine during all its measured runs
  const nproc = availableParallelism();
  const quietRun = (x: Row | undefined): boolean => x === undefined || x.othersCpu / nproc < 10;
  const isQuiet = (r: Round, parts: readonly ('orders' | 'public')[]): boolean =>
    (!parts.includes('orders') || (quietRun(r.hw) && quietRun(r.p))) &&
    (!parts.includes('public') || (quietRun(r.hwPublic ?? r.hw) && (r.pub ?? []).every(quietRun)));
  const many = rounds.length > 1;
  const quietNote = (set: Round[]): string => `${set.length} quiet round(s) (${set.map((r) => rounds.indexOf(r) + 1).join(', ')}: other processes < 10 % of the machine in every measured run counted)`;

  if (PARTS.has('orders')) {
    const summarise = (set: Round[], label: string): void => {
      const hwRps = med(set.map((r) => r.hw.rps));
      const pRps = med(set.map((r) => r.p!.rps));
      const pP99 = med(set.map((r) => r.p!.p99));
      const ratio = pRps / hwRps;
      const cpuRatio = med(set.map((r) => r.p!.perCpuS)) / med(set.map((r) => r.hw.perCpuS));
      console.log(`\n${label}:`);
      console.log(`  hello-world ${int(hwRps)} req/s (p50 ${f3(med(set.map((r) => r.hw.p50)))} ms, p99 ${f3(med(set.map((r) => r.hw.p99)))} ms)`);
      console.log(`  Pollux      ${int(pRps)} req/s (p50 ${f3(med(set.map((r) => r.p!.p50)))} ms, p99 ${f3(pP99)} ms)`);
      console.log(`  Pollux / hello-world: ${(ratio * 100).toFixed(1)} % of the hello-world rate (by requests per server CPU-second: ${(cpuRatio * 100).toFixed(1)} %)`);
      console.log(`  target rate  >= ${TARGET_RATIO * 100} % of hello-world: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'} (${(ratio * 100).toFixed(1)} %)`);
      console.log(`  target p99   < ${TARGET_P99_MS} ms: ${pP99 < TARGET_P99_MS ? 'MET' : 'NOT MET'} (${f3(pP99)} ms)`);
    };
    console.log('\n--- order entry (b)');
    summarise(rounds, many ? `median of all ${rounds.length} rounds` : 'summary');
    const q = rounds.filter((r) => isQuiet(r, ['orders']));
    if (q.length === 0) console.log('\n(no round was quiet: other processes used >= 10 % of the machine during a measured run in every round)');
    else if (q.length < rounds.length) summarise(q, `median of the ${quietNote(q)}`);
  }

  if (PARTS.has('public')) {
    const summarise = (set: Round[], label: string): void => {
      console.log(`\n${label}:`);
      const hw = (r: Round): Row => r.hwPublic ?? r.hw;
      console.log(`  driver: ${PUBLIC_DRIVER}`);
      console.log(`  hello-world ${int(med(set.map((r) => hw(r).rps)))} req/s (p50 ${f3(med(set.map((r) => hw(r).p50)))} ms, p99 ${f3(med(set.map((r) => hw(r).p99)))} ms)`);
      PUBLIC_ENDPOINTS.forEach((ep, i) => {
        const xs = set.map((r) => r.pub![i]!);
        const ratios = set.map((r) => r.pub![i]!.rps / hw(r).rps);
        const ratio = med(ratios);
        const cpuRatio = med(set.map((r) => r.pub![i]!.perCpuS / hw(r).perCpuS));
        console.log(
          `  ${ep.name}: ${int(med(xs.map((x) => x.rps)))} req/s (p50 ${f3(med(xs.map((x) => x.p50)))} ms, p99 ${f3(med(xs.map((x) => x.p99)))} ms); ` +
            `vs hello-world of the same round: median ${pct(ratio)} (rounds: ${ratios.map(pct).join(', ')}; per server CPU-s ${pct(cpuRatio)}); ` +
            `target >= ${PUBLIC_TARGET_RATIO * 100} %: ${ratio >= PUBLIC_TARGET_RATIO ? 'MET' : 'NOT MET'}`,
        );
      });
    };
    console.log('\n--- public reads (c)');
    summarise(rounds, many ? `median of all ${rounds.length} rounds` : 'summary');
    const q = rounds.filter((r) => isQuiet(r, ['public']));
    if (q.length === 0) console.log('\n(no round was quiet: other processes used >= 10 % of the machine during a measured run in every round)');
    else if (q.length < rounds.length) summarise(q, `median of the ${quietNote(q)}`);
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
      `(${f1(px.journal.commands / px.journal.batches)} per batch; largest batch since start ${px.journal.maxBatch}), ` +
      `${int(px.journal.syncs)} WAL fsyncs (${f1(px.journal.commands / px.journal.syncs)} commands per fsync); ` +
      `mean batch transaction ${f3(px.journal.writeMs / px.journal.batches)} ms, mean fsync ${f3(px.journal.syncMs / px.journal.syncs)} ms; server RSS ${px.rssMB} MB`,
  );
  const n = px.run.result.requests.total;
  console.log(
    `  server CPU per request during the measured run: ${f1((px.cpuMs.all * 1000) / n)} µs in all threads, ` +
      `${f1((px.cpuMs.main * 1000) / n)} µs on the main thread (${f1((px.cpuMs.main / 10) / px.run.result.duration)} % of a core)`,
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
