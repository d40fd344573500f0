/**
 * CPU accounting from /proc (Linux): CPU used by each of the benchmark's processes and by
 * everything else on the machine over an interval, in % of one core. A shared machine shows up
 * here instead of silently lowering the figures. Elsewhere every figure is NaN.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function machineTicks(): { busy: number; total: number; irq: number; steal: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait, irq: irq + softirq, steal };
  } catch {
    return { busy: NaN, total: NaN, irq: NaN, steal: NaN };
  }
}

function procTicks(pid: number | 'self'): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime (all threads)
  } catch {
    return NaN;
  }
}

export interface CpuReading {
  /** name -> % of one core over the interval */
  procs: Record<string, number>;
  /** every other process on the machine, % of one core (not counting irq/softirq and steal) */
  others: number;
  /** interrupt + softirq time (loopback TCP is processed there, charged to no process), % of one core */
  irq: number;
  /** time the hypervisor gave to other guests, % of one core */
  steal: number;
  /** machine busy, % of all cores */
  machine: number;
  seconds: number;
}

/** start measuring `pids` (plus this process as "driver"); call the result to read */
export function cpuMeter(pids: Record<string, number>): () => CpuReading {
  const t0 = performance.now();
  const m0 = machineTicks();
  const all: Record<string, number | 'self'> = { driver: 'self', ...pids };
  const p0 = Object.fromEntries(Object.entries(all).map(([k, p]) => [k, procTicks(p)]));
  return () => {
    const wall = performance.now() - t0;
    const m1 = machineTicks();
    const procs: Record<string, number> = {};
    let ours = 0;
    for (const [k, p] of Object.entries(all)) {
      procs[k] = ((procTicks(p) - p0[k]!) * TICK_MS * 100) / wall;
      ours += procs[k]!;
    }
    const pct = (ticks: number): number => (ticks * TICK_MS * 100) / wall;
    const irq = pct(m1.irq - m0.irq);
    const steal = pct(m1.steal - m0.steal);
    const busyAll = pct(m1.busy - m0.busy);
    return { procs, others: Math.max(0, busyAll - ours - irq - steal), irq, steal, machine: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total), seconds: wall / 1000 };
  };
}

/**
 * Wait (at most `maxSeconds`) until processes other than this one and `pids` use less than
 * `belowPct` % of all CPUs over a one-second window. Returns the last reading and the wait.
 */
export async function waitForQuiet(pids: Record<string, number>, maxSeconds: number, belowPct = 10): Promise<{ othersPct: number; waitedS: number }> {
  const t0 = performance.now();
  const reading = async (): Promise<number> => {
    const m = cpuMeter(pids);
    await new Promise((r) => setTimeout(r, 1000));
    return m().others / availableParallelism();
  };
  let o = await reading();
  while (o >= belowPct && performance.now() - t0 < maxSeconds * 1000) o = await reading();
  return { othersPct: o, waitedS: (performance.now() - t0) / 1000 };
}
