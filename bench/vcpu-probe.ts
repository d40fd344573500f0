/**
 * A short CPU probe, run by `vcpu.ts` pinned to one CPU: parses short decimal strings in a loop
 * whose data stays in the L1 cache (the kind of high-throughput integer code a matching engine
 * runs) and prints the mean nanoseconds per string. Usage: node vcpu-probe.js [milliseconds]
 */
import { performance } from 'node:perf_hooks';

const TEXTS = ['100.23', '99.5', '0.532', '101.07', '95.01', '104.99', '0.001', '1'];

function parse(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) v = v * 10 + d;
  }
  return v;
}

const ms = Number(process.argv[2] ?? 100);
let acc = 0;
for (let i = 0; i < 200_000; i++) acc += parse(TEXTS[i & 7]!); // JIT warm-up, untimed
let n = 0;
const t0 = performance.now();
let t = t0;
while ((t = performance.now()) - t0 < ms) {
  for (let i = 0; i < 100_000; i++) acc += parse(TEXTS[i & 7]!);
  n += 100_000;
}
// (acc is printed so the loop cannot be optimised away)
process.stdout.write(`${(((t - t0) * 1e6) / n).toFixed(2)} ${acc % 7}\n`);
