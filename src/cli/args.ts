/**
 * Command-line parsing for `pollux`: one table of flags for every command, checked per command.
 *
 * Owns: flag names and kinds, and the usage errors (exit code 2) for unknown flags, flags a
 * command does not take, and wrong positional counts.
 * Invariants: parsing is strict — nothing the user typed is silently ignored.
 */
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  // server settings (start) and data-dir selection (management)
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  seed: { type: 'string' },
  clock: { type: 'string' },
  'heartbeat-timeout': { type: 'string' },
  'admin-token': { type: 'string' },
  'log-level': { type: 'string' },
  // output and target
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  url: { type: 'string' },
  // management
  account: { type: 'string' },
  type: { type: 'string' },
  'maker-bps': { type: 'string' },
  'taker-bps': { type: 'string' },
  role: { type: 'string', multiple: true },
  heartbeat: { type: 'boolean' },
  'time-nonce': { type: 'boolean' },
  master: { type: 'boolean' },
  label: { type: 'string' },
  fund: { type: 'string', multiple: true },
  'no-key': { type: 'boolean' },
} as const;

export type FlagName = keyof typeof OPTIONS;
export type Flags = { [K in FlagName]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface Parsed {
  positionals: string[];
  flags: Flags;
}

export function parse(argv: readonly string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    return { positionals, flags: values as Flags };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** fail when a flag was given that `allowed` does not list */
export function onlyFlags(flags: Flags, allowed: readonly FlagName[], command: string): void {
  for (const k of Object.keys(flags) as FlagName[]) {
    if (flags[k] === undefined || k === 'help' || k === 'json') continue;
    if (!allowed.includes(k)) throw new UsageError(`\`pollux ${command}\` does not take --${k}`);
  }
}

export function positionalCount(args: readonly string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) throw new UsageError(`usage: pollux ${usage}`);
}

/** "5000", "500ms", "30s", "5m", "2h", "1d" -> ms */
export function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(s.trim());
  if (m === null) throw new UsageError(`not a duration: ${JSON.stringify(s)} (e.g. 1500, 30s, 5m, 2h, 1d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}
