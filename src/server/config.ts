/**
 * Server settings from four layers: command-line flags > environment > config file > defaults.
 *
 * Owns: the names of the settings in each layer, their validation, and the defaults
 * (127.0.0.1:8080, ./data, system clock, no logging).
 * Invariants: every value is checked where it comes from and a bad one is an error naming its
 * source (`--port`, `POLLUX_PORT`, `pollux.json: port`), never silently ignored; unknown keys
 * in a config file are errors (typos would otherwise be lost); a relative `dataDir` in a config
 * file is relative to the file, elsewhere to the working directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AccountSpec } from '../api/admin/provision.js';

export type ClockKind = 'virtual' | 'system';

export interface ServerSettings {
  port: number;
  host: string;
  dataDir: string;
  seed?: string;
  clock: ClockKind;
  heartbeatTimeoutMs?: number;
  adminToken?: string;
  /** Fastify (pino) log level; logging is off when absent */
  logLevel?: string;
  /** accounts to make sure exist (instead of the default sandbox accounts) */
  accounts?: AccountSpec[];
}

export const DEFAULTS = { port: 8080, host: '127.0.0.1', dataDir: './data', clock: 'system' as ClockKind };

/** flag values as parsed from the command line (strings) */
export interface SettingFlags {
  port?: string;
  host?: string;
  'data-dir'?: string;
  config?: string;
  seed?: string;
  clock?: string;
  'heartbeat-timeout'?: string;
  'admin-token'?: string;
  'log-level'?: string;
}

export const ENV = {
  port: 'POLLUX_PORT',
  host: 'POLLUX_HOST',
  dataDir: 'POLLUX_DATA_DIR',
  seed: 'POLLUX_SEED',
  clock: 'POLLUX_CLOCK',
  heartbeatTimeoutMs: 'POLLUX_HEARTBEAT_TIMEOUT',
  adminToken: 'POLLUX_ADMIN_TOKEN',
  logLevel: 'POLLUX_LOG_LEVEL',
  config: 'POLLUX_CONFIG',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Layer = Partial<ServerSettings>;

function int(v: unknown, where: string, min: number, max: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${where}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${where}: expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function clockKind(v: unknown, where: string): ClockKind {
  if (v !== 'virtual' && v !== 'system') throw new ConfigError(`${where}: expected "virtual" or "system", got ${JSON.stringify(v)}`);
  return v;
}

function logLevel(v: unknown, where: string): string {
  if (typeof v !== 'string' || !LOG_LEVELS.includes(v)) throw new ConfigError(`${where}: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

/** one layer's raw values (all optional) -> checked settings; `name(key)` says where a key came from */
function layer(raw: Record<string, unknown>, name: (key: keyof ServerSettings) => string, base: string): Layer {
  const out: Layer = {};
  if (raw.port !== undefined) out.port = int(raw.port, name('port'), 0, 65535);
  if (raw.host !== undefined) out.host = text(raw.host, name('host'));
  if (raw.dataDir !== undefined) out.dataDir = resolve(base, text(raw.dataDir, name('dataDir')));
  if (raw.seed !== undefined) out.seed = text(raw.seed, name('seed'));
  if (raw.clock !== undefined) out.clock = clockKind(raw.clock, name('clock'));
  if (raw.heartbeatTimeoutMs !== undefined) out.heartbeatTimeoutMs = int(raw.heartbeatTimeoutMs, name('heartbeatTimeoutMs'), 1, 86_400_000);
  if (raw.adminToken !== undefined) out.adminToken = text(raw.adminToken, name('adminToken'));
  if (raw.logLevel !== undefined) out.logLevel = logLevel(raw.logLevel, name('logLevel'));
  if (raw.accounts !== undefined) {
    if (!Array.isArray(raw.accounts)) throw new ConfigError(`${name('accounts')}: expected a list of accounts`);
    out.accounts = raw.accounts as AccountSpec[]; // checked in full against the exchange when provisioned
  }
  return out;
}

const FILE_KEYS = ['port', 'host', 'dataDir', 'seed', 'clock', 'heartbeatTimeoutMs', 'adminToken', 'logLevel', 'accounts'];

export function readConfigFile(path: string): Layer {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${path}: expected a JSON object`);
  for (const k of Object.keys(raw)) {
    if (!FILE_KEYS.includes(k) && !k.startsWith('_')) throw new ConfigError(`${path}: unknown setting "${k}" (known: ${FILE_KEYS.join(', ')})`);
  }
  return layer(raw as Record<string, unknown>, (k) => `${path}: ${k}`, dirname(resolve(path)));
}

export function resolveSettings(flags: SettingFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerSettings {
  const flagName: Record<keyof ServerSettings, string> = {
    port: '--port', host: '--host', dataDir: '--data-dir', seed: '--seed', clock: '--clock',
    heartbeatTimeoutMs: '--heartbeat-timeout', adminToken: '--admin-token', logLevel: '--log-level', accounts: '--accounts',
  };
  const fromFlags = layer(
    { port: flags.port, host: flags.host, dataDir: flags['data-dir'], seed: flags.seed, clock: flags.clock, heartbeatTimeoutMs: flags['heartbeat-timeout'], adminToken: flags['admin-token'], logLevel: flags['log-level'] },
    (k) => flagName[k],
    cwd,
  );
  const envRaw: Record<string, unknown> = {};
  for (const [k, name] of Object.entries(ENV)) if (k !== 'config' && env[name] !== undefined && env[name] !== '') envRaw[k] = env[name];
  const fromEnv = layer(envRaw, (k) => ENV[k as keyof typeof ENV] ?? k, cwd);
  const configPath = flags.config ?? (env[ENV.config] || undefined);
  const fromFile = configPath === undefined ? {} : readConfigFile(resolve(cwd, configPath));
  return {
    ...DEFAULTS,
    dataDir: resolve(cwd, DEFAULTS.dataDir),
    ...fromFile,
    ...fromEnv,
    ...fromFlags,
  };
}
