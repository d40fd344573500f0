/**
 * `pollux start`: resolve settings, start the server, print where it is and who can trade on it,
 * then run until SIGINT / SIGTERM (graceful: finish requests, flush the journal, exit 0).
 */
import { resolveSettings } from '../server/config.js';
import { renderStartInfo } from '../server/info.js';
import { startServer } from '../server/server.js';
import { shutdownOnSignals } from '../server/signals.js';
import { onlyFlags, positionalCount, type Flags } from './args.js';
import { START_USAGE } from './help.js';
import type { CliIo } from './run.js';

export const START_FLAGS = ['port', 'host', 'data-dir', 'config', 'seed', 'clock', 'heartbeat-timeout', 'admin-token', 'log-level'] as const;

export async function runStart(args: string[], flags: Flags, io: CliIo): Promise<void> {
  onlyFlags(flags, START_FLAGS, 'start');
  positionalCount(args, 0, 0, START_USAGE);
  const settings = resolveSettings(flags, io.env, io.cwd);
  const json = flags.json === true;
  const server = await startServer({
    ...settings,
    // with --json, stdout carries only the JSON object; request logs go to stderr
    logStream: json ? process.stderr : undefined,
    warn: (m) => io.err(`pollux: ${m}`),
  });
  shutdownOnSignals(server, { log: io.err });
  const info = server.info();
  if (json) io.out(JSON.stringify(info));
  else io.out(`${renderStartInfo(info)}\n\nListening. Ctrl-C stops the exchange (the journal is flushed first).`);
}
