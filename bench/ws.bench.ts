/**
 * WebSocket benchmark: Pollux's market-data fan-out to 1,000 subscribers against a bare `ws`
 * broadcast server, measured the same way, in one run. Every server and every client runs in its
 * own child process, on 127.0.0.1 only.
 *
 *   (b) raw baseline (run first, to calibrate the order rate): bench/ws/raw-server.ts, a bare
 *       `ws` server broadcasting Pollux-shaped trade frames to every socket as fast as the
 *       receivers absorb (at most BENCH_RAW_WINDOW frames in flight per socket).
 *   (a) Pollux: bench/ws/pollux-server.ts (`startExchange`, durable journal), the subscribers on
 *       the current API at `/` with `btcusd@depth` and `btcusd@trade`; trades come from signed
 *       REST /v1/order/new orders (bench/ws/orders.ts) that cross a resting maker, at a steady
 *       rate: by default the raw baseline's per-socket frame rate, i.e. Pollux is offered exactly
 *       the delivery rate the bare server reached.
 *   (a') Pollux again, fresh, at half that rate (BENCH_LOW_RATE_FACTOR): latency below saturation.
 * Subscribers: BENCH_SUBSCRIBERS sockets split over BENCH_DRIVERS child processes
 * (bench/ws/subscribers.ts, identical for both servers). Deliveries/s = frames received by all
 * subscribers inside the measured window ÷ its length. Latency: the stamp in each trade's
 * quantity (monotonic µs at order send / broadcast; see bench/ws/common.ts) and the frame's `E`
 * (the engine's command time, whole ms) against the receive time.
 *
 * Run: npm run bench:ws
 * Env: BENCH_SECONDS (measured window, default 10), BENCH_WARMUP (default 2), BENCH_SUBSCRIBERS
 * (default 1000), BENCH_DRIVERS (subscriber processes, default 2), BENCH_TRADE_RATE (Pollux
 * trades/s; default: the raw baseline's frames/s per socket × BENCH_RATE_FACTOR, default 1),
 * BENCH_ORDER_CONNECTIONS (REST connections = taker keys, default 64), BENCH_LOW_RATE_FACTOR (a
 * further Pollux run at this fraction of the rate, for latency below saturation; default 0.5,
 * 0 = skip), BENCH_RAW_WINDOW (default 100), BENCH_DIR (Pollux data dir parent, default the OS temp dir), BENCH_IDLE_WAIT (seconds to
 * wait for other processes to use < 10 % of the CPUs before each phase, default 30; 0 = don't).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child, cpuModel, Hist, monoUs, sleep, type HistData, type Msg } from './ws/common.js';
import { cpuMeter, waitForQuiet, type CpuReading } from './ws/cpu.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const DRIVERS = Math.max(1, Number(process.env.BENCH_DRIVERS ?? 2));
const ORDER_CONNECTIONS = Number(process.env.BENCH_ORDER_CONNECTIONS ?? 64);
const RAW_WINDOW = Number(process.env.BENCH_RAW_WINDOW ?? 100);
const RATE_FACTOR = Number(process.env.BENCH_RATE_FACTOR ?? 1);
const LOW_FACTOR = Number(process.env.BENCH_LOW_RATE_FACTOR ?? 0.5);
const FIXED_RATE = process.env.BENCH_TRADE_RATE === undefined ? undefined : Number(process.env.BENCH_TRADE_RATE);
const BASE_DIR = process.env.BENCH_DIR ?? tmpdir();
const IDLE_WAIT = Number(process.env.BENCH_IDLE_WAIT ?? 30);
const DRAIN_S = 15;
const TARGET_RATIO = 0.8;

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const require = createRequire(import.meta.url);

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');
const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
const la = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(here(`../../node_modules/${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function bufferutil(): string {
  try {
    require('bufferutil');
    return 'loaded';
  } catch {
    return 'not available (ws uses its JS masking)';
  }
}

interface ReceiverStats {
  driver: number;
  sockets: number;
  open: number;
  subscribed: number;
  closes: [string, number][];
  errors: string[];
  win: { msgs: number; bytes: number; trades: number; tradeBytes: number; depth: number; depthBytes: number; other: number };
  all: { msgs: number; bytes: number; trades: number; depth: number; other: number; errorReplies: number; badJson: number };
  checks: { tradeOrder: number; depthGaps: number; noStamp: number };
  firstErrorReply: string;
  tradesMin: number;
  tradesMax: number;
  depthMin: number;
  depthMax: number;
  tidSumsDistinct: number;
  latStamp: HistData;
  latE: HistData;
}

interface PhaseResult {
  name: string;
  /** frames each socket should have got (raw: broadcasts; Pollux: trades) */
  expected: number;
  deliveriesPerS: number;
  tradeDeliveriesPerS: number;
  depthDeliveriesPerS: number;
  avgBytes: number;
  avgTradeBytes: number;
  mbPerS: number;
  stamp: Hist;
  eLat: Hist;
  cpu: CpuReading;
  receivers: ReceiverStats[];
  drained: boolean;
  drainS: number;
  loadBefore: string;
  loadAfter: string;
  source: Msg;
  ok: boolean;
  problems: string[];
}

/** start the subscriber processes on `url`; all connected and subscribed, or throws */
async function startReceivers(url: string): Promise<Child[]> {
  const per = Math.floor(SUBSCRIBERS / DRIVERS);
  const counts = Array.from({ length: DRIVERS }, (_, i) => per + (i < SUBSCRIBERS - per * DRIVERS ? 1 : 0));
  const t0 = performance.now();
  const started = await Promise.allSettled(counts.map((n, i) => Child.start(`subscribers ${i}`, here('./ws/subscribers.js'), [url, String(n), String(i)], 90_000)));
  const children = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
  const failed = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
  const readies = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.ready] : []));
  const connected = readies.reduce((t, r) => t + Number(r.connected), 0);
  if (failed.length > 0 || connected !== SUBSCRIBERS) {
    await Promise.all(children.map((c) => c.stop()));
    throw new Error(`subscribers: ${connected} of ${SUBSCRIBERS} connected and subscribed; ${failed.join('; ')} ${readies.map((r) => JSON.stringify(r.errors)).join(' ')}`);
  }
  console.log(`  ${SUBSCRIBERS} subscribers (${counts.join(' + ')} in ${DRIVERS} processes, pids ${children.map((c) => c.pid).join(', ')}) connected and subscribed in ${int(performance.now() - t0)} ms`);
  return children;
}

interface PhaseSpec {
  name: string;
  server: Child;
  /** extra processes to account CPU for */
  extra: Record<string, number>;
  url: string;
  /** start the frame source at `start`, stop producing at `until` (monotonic µs) */
  go(start: number, until: number, receivers: Child[]): void;
  /** resolves when the source has stopped, with its report and the frames each socket should get */
  done(): Promise<{ msg: Msg; expected: number }>;
  /** receivers' progress: the fewest trade frames on an open socket, over all processes */
  onProgress?(min: number): void;
}

async function runPhase(p: PhaseSpec): Promise<PhaseResult> {
  const receivers = await startReceivers(p.url);
  try {
    const mins = new Map<number, number>();
    for (const r of receivers) {
      r.on('progress', (m) => {
        mins.set(Number(m.driver), Number(m.min));
        if (mins.size === receivers.length) p.onProgress?.(Math.min(...mins.values()));
      });
    }
    const pids: Record<string, number> = { server: p.server.pid, ...p.extra };
    receivers.forEach((r, i) => (pids[`subscribers ${i}`] = r.pid));
    if (IDLE_WAIT > 0) {
      const q = await waitForQuiet(pids, IDLE_WAIT);
      console.log(`  other processes used ${f1(q.othersPct)} % of the CPUs just before the run (waited ${f1(q.waitedS)} s for < 10 %)`);
    }
    const loadBefore = la();
    const start = monoUs() + 200_000;
    const T0 = start + WARMUP * 1e6;
    const T1 = T0 + SECONDS * 1e6;
    for (const r of receivers) r.send({ type: 'go', T0, T1 });
    p.go(start, T1, receivers);
    const doneP = p.done();
    await sleep((T0 - monoUs()) / 1000);
    const meter = cpuMeter(pids);
    await sleep((T1 - monoUs()) / 1000);
    const cpu = meter();
    const { msg: source, expected } = await doneP;
    // drain: every open socket has every frame (bounded)
    const d0 = performance.now();
    let drained = false;
    while (performance.now() - d0 < DRAIN_S * 1000) {
      if (mins.size === receivers.length && Math.min(...mins.values()) >= expected) {
        drained = true;
        break;
      }
      await sleep(20);
    }
    const drainS = (performance.now() - d0) / 1000;
    const stats = (await Promise.all(receivers.map((r) => r.ask({ type: 'stats' }, 'stats', 60_000)))) as unknown as ReceiverStats[];
    const loadAfter = la();
    const sum = (f: (s: ReceiverStats) => number): number => stats.reduce((t, s) => t + f(s), 0);
    const msgs = sum((s) => s.win.msgs);
    const trades = sum((s) => s.win.trades);
    const problems: string[] = [];
    const open = sum((s) => s.open);
    if (open !== SUBSCRIBERS) problems.push(`${SUBSCRIBERS - open} sockets closed: ${JSON.stringify(stats.flatMap((s) => s.closes))}`);
    const errs = stats.flatMap((s) => s.errors);
    if (errs.length > 0) problems.push(`socket errors: ${JSON.stringify(errs.slice(0, 5))}`);
    const tMin = Math.min(...stats.map((s) => s.tradesMin));
    const tMax = Math.max(...stats.map((s) => s.tradesMax));
    if (tMin !== expected || tMax !== expected) problems.push(`trade frames per socket ${tMin}..${tMax}, expected ${expected} on every socket`);
    if (stats.some((s) => s.tidSumsDistinct !== 1)) problems.push('sockets disagree on the set of trade ids');
    const c = { tradeOrder: sum((s) => s.checks.tradeOrder), depthGaps: sum((s) => s.checks.depthGaps), noStamp: sum((s) => s.checks.noStamp) };
    if (c.tradeOrder > 0) problems.push(`${c.tradeOrder} trade frames out of order (t not increasing)`);
    if (c.depthGaps > 0) problems.push(`${c.depthGaps} depth gaps (U != previous u + 1)`);
    if (c.noStamp > 0) problems.push(`${c.noStamp} trade frames without a readable stamp`);
    const errorReplies = sum((s) => s.all.errorReplies);
    if (errorReplies > 0) problems.push(`${errorReplies} error replies, first: ${stats.map((s) => s.firstErrorReply).find((x) => x !== '')}`);
    if (sum((s) => s.all.badJson) > 0) problems.push(`${sum((s) => s.all.badJson)} frames not JSON`);
    if (!drained) problems.push(`not drained ${DRAIN_S} s after the run (fewest trade frames on a socket ${mins.size ? Math.min(...mins.values()) : '?'} of ${expected})`);
    return {
      name: p.name, expected,
      deliveriesPerS: msgs / SECONDS,
      tradeDeliveriesPerS: trades / SECONDS,
      depthDeliveriesPerS: sum((s) => s.win.depth) / SECONDS,
      avgBytes: sum((s) => s.win.bytes) / msgs,
      avgTradeBytes: sum((s) => s.win.tradeBytes) / trades,
      mbPerS: sum((s) => s.win.bytes) / SECONDS / 1e6,
      stamp: Hist.merge(stats.map((s) => s.latStamp)),
      eLat: Hist.merge(stats.map((s) => s.latE)),
      cpu, receivers: stats, drained, drainS, loadBefore, loadAfter, source,
      ok: problems.length === 0, problems,
    };
  } finally {
    await Promise.all(receivers.map((r) => r.stop()));
  }
}

/** server CPU time per delivery in the window, µs */
function cpuPerDelivery(r: PhaseResult): number {
  return ((r.cpu.procs.server ?? NaN) / 100) * 1e6 / r.deliveriesPerS;
}

function printPhase(r: PhaseResult): void {
  const ms = (us: number): string => f3(us / 1000);
  console.log(
    `  deliveries ${int(r.deliveriesPerS)}/s (trade ${int(r.tradeDeliveriesPerS)}/s, depth ${int(r.depthDeliveriesPerS)}/s, other ${int(r.deliveriesPerS - r.tradeDeliveriesPerS - r.depthDeliveriesPerS)}/s); ` +
      `${f2(r.mbPerS)} MB/s of payload; mean frame ${f1(r.avgBytes)} B (trade ${f1(r.avgTradeBytes)} B)`,
  );
  console.log(
    `  latency, stamp in q (monotonic µs): p50 ${ms(r.stamp.percentile(50))} ms, p99 ${ms(r.stamp.percentile(99))} ms, p99.9 ${ms(r.stamp.percentile(99.9))} ms, max ${ms(r.stamp.max)} ms, mean ${ms(r.stamp.mean())} ms (n=${int(r.stamp.n)})`,
  );
  console.log(
    `  latency, E (whole ms, so up to 1 ms high): p50 ${ms(r.eLat.percentile(50))} ms, p99 ${ms(r.eLat.percentile(99))} ms, p99.9 ${ms(r.eLat.percentile(99.9))} ms, max ${ms(r.eLat.max)} ms (n=${int(r.eLat.n)}${r.eLat.lost ? `, ${r.eLat.lost} negative` : ''})`,
  );
  const cpu = Object.entries(r.cpu.procs).map(([k, v]) => `${k} ${f1(v)}`).join(', ');
  console.log(`  CPU in the window (% of one core): ${cpu}, other processes ${f1(r.cpu.others)}, irq+softirq ${f1(r.cpu.irq)}, steal ${f1(r.cpu.steal)}; machine ${f1(r.cpu.machine)} % busy`);
  const open = r.receivers.reduce((t, s) => t + s.open, 0);
  console.log(
    `  checks: ${open}/${SUBSCRIBERS} sockets open at the end; every socket got ${r.expected} trade frames: ${r.receivers.every((s) => s.tradesMin === r.expected && s.tradesMax === r.expected) ? 'yes' : 'NO'}` +
      ` (drained ${f2(r.drainS)} s after the window); depth frames per socket ${Math.min(...r.receivers.map((s) => s.depthMin))}..${Math.max(...r.receivers.map((s) => s.depthMax))}; load average ${r.loadBefore} -> ${r.loadAfter}`,
  );
  for (const pr of r.problems) console.log(`  PROBLEM: ${pr}`);
}

async function rawPhase(): Promise<PhaseResult> {
  const { child: server, ready } = await Child.start('raw ws server', here('./ws/raw-server.js'));
  try {
    const url = `ws://127.0.0.1:${String(ready.port)}/`;
    console.log(`\n(b) raw ws broadcast: child pid ${server.pid}, ${url}; at most ${RAW_WINDOW} frames in flight per socket`);
    let last = 0;
    return await runPhase({
      name: 'raw ws broadcast', server, extra: {}, url,
      go: (_start, until) => server.send({ type: 'go', until, window: RAW_WINDOW }),
      onProgress: (min) => {
        if (min !== last) {
          last = min;
          server.send({ type: 'credit', min });
        }
      },
      done: async () => {
        const msg = await server.next('done', (WARMUP + SECONDS + 30) * 1000);
        return { msg, expected: Number(msg.sent) };
      },
    });
  } finally {
    await server.stop();
  }
}

async function polluxPhase(rate: number, label: string, name: string): Promise<{ r: PhaseResult; stats: Msg; setup: Msg }> {
  const dataDir = mkdtempSync(join(BASE_DIR, 'pollux-ws-bench-'));
  const flowS = WARMUP + SECONDS + 0.2;
  // each side takes about rate * flowS / 2 trades of at most 2 BTC
  const makerBtc = Math.ceil(rate * flowS * 1.2) + 100;
  const t0 = performance.now();
  const { child: server, ready } = await Child.start('pollux', here('./ws/pollux-server.js'), [dataDir, String(ORDER_CONNECTIONS), String(makerBtc)], 120_000);
  let orders: Child | undefined;
  try {
    const url = String(ready.url);
    const wsUrl = `ws://127.0.0.1:${String(ready.port)}/`;
    console.log(`\n${label} Pollux at ${rate} trades/s via startExchange (src/index.ts): child pid ${server.pid}, ${url}, WebSocket ${wsUrl}, data dir ${dataDir}; started and provisioned in ${int(performance.now() - t0)} ms`);
    orders = (await Child.start('order driver', here('./ws/orders.js'))).child;
    const setup = await orders.ask({ type: 'setup', url, maker: ready.maker, makerBtc }, 'setup-done');
    console.log(`  maker resting: sell ${makerBtc} BTC @ 100.01 (order ${String(setup.sell)}), buy ${makerBtc} BTC @ 99.99 (order ${String(setup.buy)})`);
    console.log(
      `  order flow: ${f1(rate)} signed REST /v1/order/new per s (IOC, each one trade), ${ORDER_CONNECTIONS} keep-alive connections with a key each, ` +
        `order driver pid ${orders.pid}, for ${f1(flowS)} s`,
    );
    const od = orders;
    const r = await runPhase({
      name, server, extra: { 'order driver': od.pid }, url: wsUrl,
      go: (start, until) => od.send({ type: 'go', url, takers: ready.takers, rate, start, until }),
      done: async () => {
        const msg = await od.next('done', (WARMUP + SECONDS + 60) * 1000);
        return { msg, expected: Number(msg.filled) };
      },
    });
    const stats = await server.ask({ type: 'stats' }, 'stats');
    return { r, stats, setup };
  } finally {
    await orders?.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const machine = {
    date: new Date().toISOString(), node: process.version, cpu: cpuModel(), nproc: availableParallelism(),
    memGB: Math.round(totalmem() / 2 ** 30), kernel: `${process.platform} ${release()}`, ws: pkgVersion('ws'),
  };
  console.log('WebSocket benchmark: Pollux fan-out (current API, btcusd@depth + btcusd@trade) vs a raw ws broadcast');
  console.log(`date ${machine.date}; node ${machine.node}; CPU ${machine.cpu}; nproc ${machine.nproc}; ${machine.memGB} GB; ${machine.kernel}; ws ${machine.ws}; bufferutil ${bufferutil()}`);
  console.log(`${SUBSCRIBERS} subscribers in ${DRIVERS} processes; warm-up ${WARMUP} s, measured ${SECONDS} s; 127.0.0.1 only; load average ${la()}`);

  let raw: PhaseResult;
  try {
    raw = await rawPhase();
  } catch (e) {
    console.error(`\nraw baseline failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
    return;
  }
  printPhase(raw);
  const src = raw.source;
  console.log(`  server: ${int(Number(src.sent))} broadcasts (${int(Number(src.sends))} sends), waited for credit ${int(Number(src.waits))} times, largest bufferedAmount seen ${int(Number(src.maxBuffered))} B`);

  const perSocket = raw.tradeDeliveriesPerS / SUBSCRIBERS;
  const rate = FIXED_RATE ?? Math.max(1, Math.round(perSocket * RATE_FACTOR));
  console.log(`\nPollux trade rate: ${FIXED_RATE !== undefined ? 'BENCH_TRADE_RATE' : `the raw baseline's ${f1(perSocket)} frames/s per socket × ${RATE_FACTOR}`} = ${rate} trades/s`);

  const runs: PhaseResult[] = [];
  const lowRate = LOW_FACTOR > 0 ? Math.max(1, Math.round(rate * LOW_FACTOR)) : 0;
  const plan: [number, string, string][] = [[rate, '(a)', 'Pollux current API']];
  if (lowRate > 0) plan.push([lowRate, "(a')", `Pollux at ${Math.round(LOW_FACTOR * 100)} % of that rate`]);
  for (const [r, label, name] of plan) {
    let px: Awaited<ReturnType<typeof polluxPhase>>;
    try {
      px = await polluxPhase(r, label, name);
    } catch (e) {
      console.error(`\nPollux run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
      return;
    }
    const p = px.r;
    printPhase(p);
    const o = p.source;
    const rest = o.rest as { p50: number; p99: number; max: number };
    console.log(
      `  order driver: ${int(Number(o.sent))} sent, ${int(Number(o.filled))} filled in one trade, ${o.bad} bad, ${o.errors} errors; ` +
        `late (> 5 ms after due) ${o.late}, mean lag ${f2(Number(o.meanLagMs))} ms, max lag ${f2(Number(o.maxLagMs))} ms; REST response p50 ${f3(rest.p50 / 1000)} ms, p99 ${f3(rest.p99 / 1000)} ms, max ${f3(rest.max / 1000)} ms; ` +
        `orders per connection ${(o.perWorkerSent as number[]).join('..')}, slowest response per connection ${(o.perWorkerMaxMs as number[]).map((x) => f1(x)).join('..')} ms`,
    );
    for (const fl of o.failures as string[]) console.log(`    failed order: ${fl}`);
    const js = px.stats.journal as { batches: number; commands: number };
    console.log(
      `  server after the run: journal ${int(js.commands)} commands in ${int(js.batches)} batches since start; maker open orders ${px.stats.makerOpenOrders}, taker open orders ${px.stats.takerOpenOrders}; RSS ${px.stats.rssMB} MB`,
    );
    if (Number(o.bad) + Number(o.errors) > 0) p.problems.push(`${Number(o.bad) + Number(o.errors)} orders failed`);
    if (Number(px.stats.takerOpenOrders) !== 0 || Number(px.stats.makerOpenOrders) !== 2) p.problems.push('unexpected open orders after the run');
    runs.push(p);
  }

  const p = runs[0]!;
  const ratio = p.deliveriesPerS / raw.deliveriesPerS;
  const ms = (us: number): string => f3(us / 1000);
  console.log('\nResults');
  console.log('| run | trades/s offered | frames/s per socket | deliveries/s | of which trade | mean frame B | latency p50 ms (stamp) | p99 ms (stamp) | p50 ms (E) | p99 ms (E) | server CPU % | server CPU µs per delivery | subscribers CPU % | irq+softirq CPU % | other processes CPU % | all frames delivered, no gaps |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const offered = [NaN, ...plan.map(([r]) => r)];
  [raw, ...runs].forEach((r, i) => {
    const subsCpu = Object.entries(r.cpu.procs).filter(([k]) => k.startsWith('subscribers')).reduce((t, [, v]) => t + v, 0);
    console.log(
      `| ${r.name} | ${i === 0 ? 'max' : int(offered[i]!)} | ${f1(r.deliveriesPerS / SUBSCRIBERS)} | ${int(r.deliveriesPerS)} | ${int(r.tradeDeliveriesPerS)} | ${f1(r.avgBytes)} | ` +
        `${ms(r.stamp.percentile(50))} | ${ms(r.stamp.percentile(99))} | ${ms(r.eLat.percentile(50))} | ${ms(r.eLat.percentile(99))} | ` +
        `${f1(r.cpu.procs.server ?? NaN)} | ${f2(cpuPerDelivery(r))} | ${f1(subsCpu)} | ${f1(r.cpu.irq)} | ${f1(r.cpu.others)} | ${r.problems.length === 0 ? 'yes' : 'NO'} |`,
    );
  });
  console.log(`\nPollux / raw ws broadcast: ${(ratio * 100).toFixed(1)} % of the raw deliveries/s (trade frames only: ${((p.tradeDeliveriesPerS / raw.tradeDeliveriesPerS) * 100).toFixed(1)} %)`);
  console.log(`target >= ${TARGET_RATIO * 100} %: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
  console.log(`server CPU per delivery: Pollux ${f2(cpuPerDelivery(p))} µs, raw ${f2(cpuPerDelivery(raw))} µs (raw / Pollux ${((cpuPerDelivery(raw) / cpuPerDelivery(p)) * 100).toFixed(1)} %)`);
  for (const r of runs) console.log(`${r.name}: p99 engine-event-to-client (E) ${ms(r.eLat.percentile(99))} ms; order-send-to-client (stamp) ${ms(r.stamp.percentile(99))} ms`);
  const problems = [...raw.problems.map((x) => `${raw.name}: ${x}`), ...runs.flatMap((r) => r.problems.map((x) => `${r.name}: ${x}`))];
  console.log(problems.length === 0 ? 'no disconnects, errors or gaps' : `problems:\n  ${problems.join('\n  ')}`);
  console.log(`load average at the end ${la()}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
