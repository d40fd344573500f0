/**
 * Where a management command acts: a RUNNING exchange through its admin API, or a STOPPED
 * exchange's data directory opened in this process.
 *
 * Owns: the choice, in this order:
 *   1. `--url` (or POLLUX_URL) given: the admin API there, with `--admin-token` / POLLUX_ADMIN_TOKEN;
 *   2. the data directory (`--data-dir` > POLLUX_DATA_DIR > config file > ./data) is locked by a
 *      running server: that server's admin API (URL and token from its lock file);
 *   3. otherwise: open the data directory, run the operation, close it (under the lock).
 * Invariants: a data directory is never opened while a server runs on it (two writers would
 * fork the journal); a directory without an exchange database is refused rather than created;
 * the clock belongs to a running exchange, so clock commands need one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Exchange } from '../app/exchange.js';
import { HttpAdminClient, type AdminClient } from '../api/admin/client.js';
import { AdminApiError } from '../api/admin/errors.js';
import { runOp, type AdminOp, type Input } from '../api/admin/ops.js';
import { resolveSettings } from '../server/config.js';
import { acquireLock, DataDirLockedError, readLock, type Lock } from '../server/lock.js';
import { DB_FILE } from '../journal/recovery.js';
import { UsageError, type Flags } from './args.js';

export class LocalAdminClient implements AdminClient {
  private constructor(
    private readonly exchange: Exchange,
    private readonly lock: Lock,
  ) {}

  static open(dataDir: string, seed?: string): LocalAdminClient {
    if (!existsSync(join(dataDir, DB_FILE))) {
      throw new AdminApiError(404, 'NoExchange', `no exchange in ${dataDir} (no ${DB_FILE}); start one with \`pollux start --data-dir ${dataDir}\`, or pass --url of a running one`);
    }
    const lock = acquireLock(dataDir, 'cli');
    try {
      return new LocalAdminClient(Exchange.open({ dataDir, seed, warn: (m) => process.stderr.write(`pollux: ${m}\n`) }), lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  async call(op: AdminOp, input: Input = {}): Promise<unknown> {
    if (op.startsWith('clock.')) {
      throw new AdminApiError(409, 'NotRunning', 'the clock belongs to a running exchange: start one (with --clock virtual to move time) and use --url or its --data-dir');
    }
    return runOp(this.exchange, op, input);
  }

  async close(): Promise<void> {
    try {
      this.exchange.close();
    } finally {
      this.lock.release();
    }
  }
}

export interface Target {
  client: AdminClient;
  /** "http://…" or "data dir …", for messages */
  describe: string;
}

export function connect(flags: Flags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Target {
  const url = flags.url ?? (env.POLLUX_URL || undefined);
  const token = flags['admin-token'] ?? (env.POLLUX_ADMIN_TOKEN || undefined);
  if (url !== undefined) {
    if (token === undefined) throw new UsageError('--url needs --admin-token (or POLLUX_ADMIN_TOKEN); `pollux start` prints the token');
    return { client: new HttpAdminClient(url, token), describe: url };
  }
  const { dataDir, seed } = resolveSettings({ 'data-dir': flags['data-dir'], config: flags.config, seed: flags.seed }, env, cwd);
  const holder = readLock(dataDir);
  if (holder !== undefined) {
    const t = token ?? holder.adminToken;
    if (holder.kind === 'server' && holder.url !== undefined && t !== undefined) return { client: new HttpAdminClient(holder.url, t), describe: holder.url };
    throw new DataDirLockedError(dataDir, holder);
  }
  return { client: LocalAdminClient.open(dataDir, seed), describe: `data dir ${dataDir}` };
}
