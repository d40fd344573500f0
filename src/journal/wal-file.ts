/**
 * The `-wal` file of a SQLite database in WAL mode, as the journal fsyncs it.
 *
 * Owns: naming the WAL of a connection and opening our own descriptor on it.
 * Invariants: the descriptor is opened once per writing connection and the WAL's directory is
 * fsynced right after, so a freshly created WAL cannot lose its directory entry to a power cut.
 * SQLite keeps the WAL's inode while any connection has the database open (it is overwritten or
 * truncated in place, never renamed or deleted before the last close), so the descriptor stays on
 * the file SQLite writes; see sqlite-journal.ts for the whole durability argument.
 */
import { closeSync, fsyncSync, openSync, constants as fsConstants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SqliteDatabase } from './journal-api.js';

/** path of the connection's -wal file, or null when it is not a file database in WAL mode */
export function walPathOf(db: SqliteDatabase): string | null {
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  return !db.memory && db.name !== '' && mode === 'wal' ? `${resolve(db.name)}-wal` : null;
}

/** open a read-only descriptor on the WAL (fsync works through any descriptor) and sync its directory */
export function openWal(walPath: string): number {
  const fd = openSync(walPath, fsConstants.O_RDONLY);
  try {
    const dir = openSync(dirname(walPath), fsConstants.O_RDONLY);
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}
