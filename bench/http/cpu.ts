/**
 * CPU accounting on Linux from /proc: how much CPU the driver, the server child and everything
 * else on the machine used during a run (the machine may be shared; a busy neighbour shows up
 * here instead of silently lowering the figures). Elsewhere every figure is NaN.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function machineTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** utime + stime of `pid`, plus its reaped children's (cutime + cstime) when `children` */
function procTicks(pid: number | 'self', children = false): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  } catch {
    return NaN;
  }
}

export interface CpuUse {
  /** each in % of one core over the wall time */
  driver: number;
  server: number;
  others: number;
  /** machine busy time as % of all cores */
  machine: number;
}

/**
 * `driverChildren`: count this process's reaped children as driver too (a load generator run as
 * a child, e.g. wrk, which must have exited and been waited for before the meter is read).
 */
export function cpuMeter(serverPid: number, driverChildren = false): () => CpuUse {
  const t0 = performance.now();
  const m0 = machineTicks();
  const d0 = procTicks('self', driverChildren);
  const s0 = procTicks(serverPid);
  return () => {
    const wall = performance.now() - t0;
    const m1 = machineTicks();
    const driver = ((procTicks('self', driverChildren) - d0) * TICK_MS * 100) / wall;
    const server = ((procTicks(serverPid) - s0) * TICK_MS * 100) / wall;
    const busyAll = ((m1.busy - m0.busy) * TICK_MS * 100) / wall;
    return { driver, server, others: Math.max(0, busyAll - driver - server), machine: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total) };
  };
}

/** % of all CPUs that processes other than this one and `pid` kept busy over the next `ms` */
export async function othersBusy(pid: number, ms = 1000): Promise<number> {
  const m = cpuMeter(pid);
  await new Promise((r) => setTimeout(r, ms));
  return m().others / availableParallelism();
}

/**
 * Wait (at most `maxSeconds`) until other processes use less than `belowPct` % of the CPUs over a
 * one-second window. Returns the last reading and how long it waited.
 */
export async function waitForQuiet(pid: number, maxSeconds: number, belowPct = 10): Promise<{ othersPct: number; waitedS: number }> {
  const t0 = performance.now();
  let o = await othersBusy(pid);
  while (o >= belowPct && performance.now() - t0 < maxSeconds * 1000) o = await othersBusy(pid);
  return { othersPct: o, waitedS: (performance.now() - t0) / 1000 };
}
