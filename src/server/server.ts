/**
 * startServer: one Fastify instance serving Gemini's REST API, its WebSocket APIs (upgrades on
 * the same port) and the admin API over one exchange opened on a data directory.
 *
 * Owns: start-up order (lock the data dir, open the exchange, provision first-start accounts,
 * register routes, listen) and shutdown order (stop accepting and finish requests, then flush and
 * close the exchange's journal, then release the lock).
 * Invariants: the exchange is never closed while Fastify may still run a handler on it; a failed
 * start leaves nothing open and the data directory unlocked; `close()` is idempotent.
 * A virtual clock starts at the current time (or the journal's last time, if later) and moves
 * only when told (admin API / programmatic API).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { SystemClock, VirtualClock, type Clock } from '../app/clock.js';
import { Exchange } from '../app/exchange.js';
import { registerAdmin, ADMIN_PREFIX } from '../api/admin/index.js';
import type { AccountSpec, KeySpec } from '../api/admin/provision.js';
import { frameworkErrors, registerRest } from '../api/rest/index.js';
import { attachWebSockets } from '../api/ws/index.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import { DEFAULTS, type ClockKind } from './config.js';
import { startInfo, type StartInfo } from './info.js';
import { acquireLock, type Lock } from './lock.js';

export interface ServerOptions {
  /** default 8080; 0 = any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default ./data */
  dataDir?: string;
  /** makes generated API keys (and, unless given, the admin token) reproducible */
  seed?: string;
  /** 'system' (default), 'virtual' (starts now, moves only when told), or your own Clock */
  clock?: ClockKind | Clock;
  heartbeatTimeoutMs?: number;
  /** default: derived from the seed, else random */
  adminToken?: string;
  /** turn on Fastify's (pino) request logging at this level */
  logLevel?: string;
  /** where logs go (default stdout) */
  logStream?: NodeJS.WritableStream;
  /** accounts to make sure exist; default: the sandbox pair on a first start */
  accounts?: readonly AccountSpec[];
  masterKeys?: readonly KeySpec[];
  /** who writes the journal: 'thread' (default, the main thread) or 'worker' (a worker thread) */
  journalWriter?: 'worker' | 'thread';
  /** delete the data directory after close (for throw-away temp dirs) */
  removeDataDirOnClose?: boolean;
  warn?: (msg: string) => void;
}

export interface RunningServer {
  /** REST base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly wsUrl: string;
  readonly adminUrl: string;
  readonly adminToken: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly exchange: Exchange;
  readonly clock: Clock;
  readonly app: FastifyInstance;
  /** what the first-start provisioning did on this start */
  readonly bootstrap: BootstrapResult;
  /** the start banner data, from the exchange's current state */
  info(): StartInfo;
  close(): Promise<void>;
}

export function makeAdminToken(seed?: string): string {
  const bytes = seed === undefined ? randomBytes(24) : createHmac('sha256', seed).update('pollux-admin-token').digest().subarray(0, 24);
  return bytes.toString('base64url');
}

function makeClock(c: ServerOptions['clock']): Clock {
  if (c === undefined || c === 'system') return new SystemClock();
  if (c === 'virtual') return new VirtualClock(Date.now());
  if (typeof (c as Clock).now === 'function') return c as Clock;
  throw new Error(`clock must be "system", "virtual" or a Clock, got ${JSON.stringify(c)}`);
}

/** host as it goes into a URL */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = resolve(opts.dataDir ?? DEFAULTS.dataDir);
  const host = opts.host ?? DEFAULTS.host;
  const adminToken = opts.adminToken ?? makeAdminToken(opts.seed);
  mkdirSync(dataDir, { recursive: true });
  const lock: Lock = acquireLock(dataDir, 'server');
  let exchange: Exchange | undefined;
  let app: FastifyInstance | undefined;
  try {
    const clock = makeClock(opts.clock);
    exchange = Exchange.open({ dataDir, clock, seed: opts.seed, heartbeatTimeoutMs: opts.heartbeatTimeoutMs, warn: opts.warn, journalWriter: opts.journalWriter });
    const lastTime = exchange.store.journal.last()?.time ?? 0;
    if (clock instanceof VirtualClock && lastTime > clock.now()) clock.set(lastTime);
    const boot = await bootstrap(exchange, { accounts: opts.accounts, masterKeys: opts.masterKeys });

    const logger = opts.logLevel === undefined ? false : { level: opts.logLevel, ...(opts.logStream ? { stream: opts.logStream } : {}) };
    app = Fastify({ logger: logger as boolean, forceCloseConnections: 'idle', frameworkErrors });
    await registerRest(app, exchange);
    await registerAdmin(app, exchange, { token: adminToken });
    attachWebSockets(app, exchange);
    await app.listen({ port: opts.port ?? DEFAULTS.port, host });
    const port = (app.server.address() as AddressInfo).port;
    const base = `${urlHost(host)}:${port}`;
    const where = { url: `http://${base}`, wsUrl: `ws://${base}/`, adminUrl: `http://${base}${ADMIN_PREFIX}/`, adminToken, host, port, dataDir };
    lock.update({ url: where.url, adminUrl: where.adminUrl, adminToken });

    const ex = exchange;
    const fastify = app;
    let closing: Promise<void> | undefined;
    return {
      ...where,
      exchange: ex,
      clock,
      app: fastify,
      bootstrap: boot,
      info: () => startInfo(ex, where),
      close() {
        closing ??= (async () => {
          try {
            await fastify.close(); // stop accepting, finish in-flight requests
          } finally {
            try {
              ex.close(); // flush the journal, close the database
            } finally {
              lock.release();
              if (opts.removeDataDirOnClose === true) rmSync(dataDir, { recursive: true, force: true });
            }
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    exchange?.close();
    lock.release();
    if (opts.removeDataDirOnClose === true) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
