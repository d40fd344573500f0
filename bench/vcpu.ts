/**
 * Choosing the CPU a benchmark run is pinned to. On the 2-vCPU VMs these benchmarks run on, at any
 * moment one vCPU may run high-throughput code up to twice as slowly as the other (a busy
 * neighbour on the host core behind it, invisible to the guest: no steal time shows); which one
 * changes within a minute. `pickCpu` probes every CPU this process may use with `vcpu-probe.js`
 * (pinned with `taskset`) and returns the fastest, so a run can be pinned to it; `probeCpu` probes
 * one. Without `taskset`, or with a single CPU, nothing is pinned (undefined).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./vcpu-probe.js', import.meta.url));
/** milliseconds each probe measures (plus about 60 ms of Node start-up and JIT warm-up) */
const PROBE_MS = 150;

/** the CPUs this process may run on (from `taskset -p`), or undefined without taskset */
export function allowedCpus(): number[] | undefined {
  const r = spawnSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const list = r.stdout.slice(r.stdout.lastIndexOf(':') + 1).trim();
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a)) return undefined;
    for (let c = a; c <= (b ?? a); c++) cpus.push(c);
  }
  return cpus.length > 0 ? cpus : undefined;
}

/** nanoseconds per probe item on `cpu` (NaN if the probe failed) */
export function probeCpu(cpu: number): number {
  const r = spawnSync('taskset', ['-c', String(cpu), process.execPath, PROBE, String(PROBE_MS)], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split(' ')[0]) : NaN;
}

export interface CpuPick {
  cpu: number;
  /** probe result (ns per item) by CPU, in the order of `allowedCpus()` */
  probes: { cpu: number; ns: number }[];
}

/** probe every allowed CPU and return the fastest; undefined when there is nothing to choose */
export function pickCpu(): CpuPick | undefined {
  const cpus = allowedCpus();
  if (cpus === undefined || cpus.length < 2) return undefined;
  const probes = cpus.map((cpu) => ({ cpu, ns: probeCpu(cpu) })).filter((p) => Number.isFinite(p.ns));
  if (probes.length === 0) return undefined;
  const best = probes.reduce((a, b) => (b.ns < a.ns ? b : a));
  return { cpu: best.cpu, probes };
}

/** the command that runs `node args` pinned to `cpu` (or unpinned when cpu is undefined) */
export function pinned(cpu: number | undefined, args: string[]): [string, string[]] {
  return cpu === undefined ? [process.execPath, args] : ['taskset', ['-c', String(cpu), process.execPath, ...args]];
}
