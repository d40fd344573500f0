/**
 * Order-entry driver-ceiling probe (a diagnosis aid for the order-entry figures of
 * http.bench.ts, not part of `npm run bench:http`): how many requests per second the benchmark's
 * own order-entry load (autocannon with http/gemini.ts: 50 connections, one key each, pre-signed
 * /v1/order/new, cancels signed per request, every reply parsed) can drive at all on this machine,
 * against a server that does no work (http/order-stub-server.ts), compared with the Fastify
 * hello-world measured the same way in the same round. If the stub stays below the order-entry
 * target share of hello-world, no server can meet that target with this load generator here.
 *
 * Run (after npm run build): node dist/bench/http/driver-ceiling.js
 * Env: BENCH_SECONDS (measured run, default 6), BENCH_WARMUP (default 2), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 50).
 */
import { fileURLToPath } from 'node:url';
import { ServerChild } from './children.js';
import { GeminiWorkload, type BenchKey } from './gemini.js';
import { runLoad, type LoadResult } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

async function hello(): Promise<LoadResult> {
  const { child, ready } = await ServerChild.start('hello-world', here('./hello-server.js'));
  try {
    const spec = { url: `http://127.0.0.1:${String(ready.port)}`, serverPid: Number(ready.pid), connections: CONNECTIONS, method: 'GET', path: '/' };
    if (WARMUP > 0) await runLoad({ ...spec, seconds: WARMUP });
    return await runLoad({ ...spec, seconds: SECONDS });
  } finally {
    await child.stop();
  }
}

async function stub(helloRps: number): Promise<{ run: LoadResult; wl: GeminiWorkload }> {
  const { child, ready } = await ServerChild.start('order stub', here('./order-stub-server.js'));
  try {
    // keys and secrets the stub never checks; signing still costs the driver what it costs against Pollux
    const keys: BenchKey[] = Array.from({ length: CONNECTIONS }, (_, i) => ({ key: `account-stub${i}`, secret: `stub-secret-${i}-0123456789abcdef`, account: `stub${i}` }));
    const perConn = Math.ceil((helloRps * (WARMUP + SECONDS + 2) * 1.25) / 2 / CONNECTIONS) + 16;
    const wl = new GeminiWorkload(keys, perConn);
    const spec = { url: `http://127.0.0.1:${String(ready.port)}`, serverPid: Number(ready.pid), connections: CONNECTIONS, setupClient: wl.setupClient, kindOf: wl.kindOf };
    if (WARMUP > 0) {
      await runLoad({ ...spec, seconds: WARMUP });
      await new Promise((r) => setTimeout(r, 300));
      wl.resetStats();
    }
    const run = await runLoad({ ...spec, seconds: SECONDS });
    return { run, wl };
  } finally {
    await child.stop();
  }
}

async function main(): Promise<void> {
  console.log(`order-entry driver ceiling: ${CONNECTIONS} connections, warm-up ${WARMUP} s, measured ${SECONDS} s, ${ROUNDS} rounds`);
  console.log('| round | hello-world req/s | stub order entry req/s | stub / hello-world | stub p50 / p99 ms | driver CPU (hello / stub, % of a core) | server CPU (hello / stub) | others | replies checked |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|---|');
  const ratios: number[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const h = await hello();
    const { run, wl } = await stub(h.rps);
    const st = wl.stats;
    const [p50, p99] = run.ok.percentiles([50, 99]);
    const ratio = run.rps / h.rps;
    ratios.push(ratio);
    const checked = `${int(st.newOk)} new ok, ${int(st.cancelOk)} cancel ok, ${st.newBad + st.cancelBad + st.cancelNotCancelled} bad`;
    console.log(
      `| ${r} | ${int(h.rps)} | ${int(run.rps)} | ${pct(ratio)} | ${p50!.toFixed(2)} / ${p99!.toFixed(2)} | ` +
        `${h.cpu.driver.toFixed(0)} / ${run.cpu.driver.toFixed(0)} | ${h.cpu.server.toFixed(0)} / ${run.cpu.server.toFixed(0)} | ${run.cpu.others.toFixed(0)} | ${checked} |`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`\nmedian stub / hello-world: ${pct(sorted[Math.floor(sorted.length / 2)]!)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
