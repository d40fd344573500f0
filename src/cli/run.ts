/**
 * The `pollux` command, callable in-process: `run(argv, io)` parses, dispatches and returns the
 * exit status — 0 ok, 1 the operation failed, 2 bad usage — or -1 for `start`, which keeps
 * running until a signal. `main.ts` is the thin process entry around it.
 *
 * Invariants: errors print one clear line on stderr (and, with --json, the error object on
 * stdout); a data directory opened for a command is closed (and unlocked) on every path.
 */
import { AdminApiError } from '../api/admin/errors.js';
import { ConfigError } from '../server/config.js';
import { DataDirLockedError } from '../server/lock.js';
import { VERSION } from '../server/info.js';
import { parse, UsageError } from './args.js';
import { helpText } from './help.js';
import { findCommand, planCommand } from './manage.js';
import { connect } from './target.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo: CliIo = {
  out: (s) => void process.stdout.write(`${s}\n`),
  err: (s) => void process.stderr.write(`${s}\n`),
  env: process.env,
  cwd: process.cwd(),
};

function describe(e: unknown): { reason: string; message: string; code: number } {
  if (e instanceof UsageError || e instanceof ConfigError) return { reason: 'Usage', message: e.message, code: 2 };
  if (e instanceof AdminApiError) return { reason: e.reason, message: e.message, code: 1 };
  if (e instanceof DataDirLockedError) return { reason: 'DataDirLocked', message: e.message, code: 1 };
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.code === 'EADDRINUSE') return { reason: 'AddressInUse', message: `port ${err.port} on ${err.address} is already in use; pick another with --port (0 = any free port)`, code: 1 };
  if (err?.code === 'EACCES' && err.port !== undefined) return { reason: 'AddressNotAllowed', message: `not allowed to listen on ${err.address}:${err.port}`, code: 1 };
  return { reason: 'Error', message: e instanceof Error ? e.message : String(e), code: 1 };
}

export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { positionals, flags } = parse(argv);
    json = flags.json === true;
    if (flags.version === true) {
      io.out(VERSION);
      return 0;
    }
    if (flags.help === true || positionals[0] === 'help') {
      io.out(helpText());
      return 0;
    }
    if (positionals.length === 0 || positionals[0] === 'start') {
      const { runStart } = await import('./start.js'); // loads Fastify only when serving
      await runStart(positionals.slice(1), flags, io);
      return -1;
    }
    const found = findCommand(positionals);
    if (found === undefined) throw new UsageError(`unknown command: ${positionals.join(' ')} (see pollux --help)`);
    const planned = planCommand(found.cmd, found.args, flags);
    const { client } = connect(flags, io.env, io.cwd);
    try {
      const result = await client.call(planned.op, planned.input);
      io.out(json ? JSON.stringify(result, null, 2) : planned.render(result));
    } finally {
      await client.close();
    }
    return 0;
  } catch (e) {
    const d = describe(e);
    if (json) io.out(JSON.stringify({ result: 'error', reason: d.reason, message: d.message }));
    io.err(`pollux: ${d.message}${d.code === 2 && !d.message.includes('--help') ? '\n(see pollux --help)' : ''}`);
    return d.code;
  }
}
