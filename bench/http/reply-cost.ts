/**
 * Reply-cost probe (a diagnosis aid for the public-read figures of http.bench.ts, not part of
 * `npm run bench:http`): how fast plain Fastify serves a 6 KB order-book reply when no Pollux
 * code runs at all. One Fastify child (http/reply-server.ts) serves `GET /` (hello-world),
 * `GET /object` (the benchmark's 50+50-level book body as a pre-built object, serialized by
 * Fastify's JSON.stringify per request) and `GET /string` (the same body pre-serialized). The
 * three are measured in turn, in the same process, for several rounds, with the benchmark's
 * load (50 keep-alive connections, pipelining 1) and CPU accounting.
 *
 * Run (after npm run build): node dist/bench/http/reply-cost.js
 * Env: BENCH_SECONDS (measured run, default 5), BENCH_WARMUP (default 2), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 50).
 */
import { fileURLToPath } from 'node:url';
import { ServerChild } from './children.js';
import { runLoad } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PATHS = ['/', '/object', '/string'] as const;

async function main(): Promise<void> {
  const { child, ready } = await ServerChild.start('reply-server', fileURLToPath(new URL('./reply-server.js', import.meta.url)));
  const serverPid = Number(ready.pid);
  console.log(`reply-cost probe: Fastify child pid ${serverPid}; book body ${String(ready.bytes)} bytes; ${CONNECTIONS} connections, warm-up ${WARMUP} s, measured ${SECONDS} s, ${ROUNDS} rounds`);
  console.log('| round | route | req/s | vs `/` | server CPU (% of a core) | server µs per request | other processes (% of a core) |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  const ratios = new Map<string, number[]>();
  try {
    for (let n = 1; n <= ROUNDS; n++) {
      let hello = NaN;
      for (const p of PATHS) {
        const url = `http://127.0.0.1:${String(ready.port)}${p}`;
        if (WARMUP > 0) await runLoad({ url, serverPid, connections: CONNECTIONS, seconds: WARMUP, method: 'GET' });
        const r = await runLoad({ url, serverPid, connections: CONNECTIONS, seconds: SECONDS, method: 'GET' });
        if (r.result.non2xx + r.result.errors + r.result.timeouts > 0) throw new Error(`${p}: failed responses`);
        if (p === '/') hello = r.rps;
        const ratio = r.rps / hello;
        if (p !== '/') ratios.set(p, [...(ratios.get(p) ?? []), ratio]);
        console.log(
          `| ${n} | \`${p}\` | ${Math.round(r.rps).toLocaleString('en-US')} | ${p === '/' ? '' : `${(ratio * 100).toFixed(1)} %`} | ` +
            `${r.cpu.server.toFixed(1)} | ${((r.cpu.server / 100 / r.rps) * 1e6).toFixed(1)} | ${r.cpu.others.toFixed(1)} |`,
        );
      }
    }
  } finally {
    await child.stop();
  }
  for (const [p, rs] of ratios) {
    const s = [...rs].sort((a, b) => a - b);
    console.log(`${p}: median ${(s[Math.floor((s.length - 1) / 2)]! * 100).toFixed(1)} % of hello-world (rounds: ${rs.map((x) => `${(x * 100).toFixed(1)} %`).join(', ')})`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
