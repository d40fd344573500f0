/**
 * How long one durable write takes on the disk the Pollux data directory lives on: `n` times
 * (write 4 KiB, fdatasync). With 50 connections each waiting for its command to be durable, the
 * journal's commit time bounds the rate at about connections / (commit time + CPU per batch).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function fsyncProbe(dir: string, n = 200): { p50: number; p99: number; mean: number } {
  const d = mkdtempSync(join(dir, 'pollux-fsync-probe-'));
  const fd = openSync(join(d, 'probe'), 'w');
  const buf = Buffer.alloc(4096, 7);
  const t: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      writeSync(fd, buf);
      fdatasyncSync(fd);
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(d, { recursive: true, force: true });
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.ceil(0.5 * n) - 1]!, p99: t[Math.ceil(0.99 * n) - 1]!, mean: t.reduce((a, b) => a + b, 0) / n };
}
