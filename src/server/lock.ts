/**
 * The data-directory lock: at most one process works on a data directory at a time.
 *
 * Owns: `pollux.lock` beside `pollux.db` — JSON naming the holder's pid and, for a running
 * server, its URLs and admin token (so `pollux … --data-dir` can reach it over HTTP instead of
 * opening the database under it). Written with mode 0600; the directory already holds the API
 * secrets, so the token is no more exposed than they are.
 * Invariants: created with O_EXCL; a lock whose pid is gone (kill -9) is stale and is replaced;
 * the holder removes it on a clean close.
 * Known limits: advisory (a process that ignores it is not stopped); a reused pid can make a
 * stale lock look live until that process exits.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'pollux.lock';

export interface LockInfo {
  pid: number;
  kind: 'server' | 'cli';
  started: number;
  url?: string;
  adminUrl?: string;
  adminToken?: string;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(readonly dataDir: string, readonly holder: LockInfo) {
    super(
      holder.kind === 'server'
        ? `an exchange (pid ${holder.pid}) is already running on ${dataDir}${holder.url ? ` at ${holder.url}` : ''}`
        : `another pollux command (pid ${holder.pid}) is using ${dataDir}`,
    );
  }
}

/** lock files this process holds, by absolute path */
const held = new Set<string>();

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockPath(dataDir: string): string {
  return resolve(join(dataDir, LOCK_FILE));
}

/** the live holder of a data directory's lock, if any */
export function readLock(dataDir: string): LockInfo | undefined {
  const path = lockPath(dataDir);
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
  if (info.pid === process.pid) return held.has(path) ? info : undefined;
  return alive(info.pid) ? info : undefined;
}

export interface Lock {
  readonly path: string;
  /** rewrite the lock's details (e.g. once the server listens) */
  update(patch: Partial<LockInfo>): void;
  release(): void;
}

/** take the lock on `dataDir` (which must exist); throws DataDirLockedError when it is held */
export function acquireLock(dataDir: string, kind: LockInfo['kind']): Lock {
  const path = lockPath(dataDir);
  let info: LockInfo = { pid: process.pid, kind, started: Date.now() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder !== undefined) throw new DataDirLockedError(dataDir, holder);
      if (attempt > 0) throw e; // lost a race for a stale lock to another process
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  held.add(path);
  let released = false;
  return {
    path,
    update(patch) {
      if (released) return;
      info = { ...info, ...patch };
      writeFileSync(path, JSON.stringify(info), { mode: 0o600 });
    },
    release() {
      if (released) return;
      released = true;
      held.delete(path);
      rmSync(path, { force: true });
    },
  };
}
