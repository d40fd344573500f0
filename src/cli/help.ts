/**
 * `pollux --help` text, built from the command table so it cannot drift from what is parsed.
 */
import { COMMANDS } from './manage.js';

export const START_USAGE = `pollux start [--port N] [--host H] [--data-dir DIR] [--config FILE.json] [--seed S]
             [--clock system|virtual] [--heartbeat-timeout MS] [--admin-token T] [--log-level L] [--json]`;

export function helpText(): string {
  const lines = [
    'pollux — a Gemini-compatible crypto exchange on your machine',
    '',
    'Start an exchange (the default command):',
    `  ${START_USAGE}`,
    '',
    '  --port N              port to listen on (default 8080; 0 = any free port)      env POLLUX_PORT',
    '  --host H              address to listen on (default 127.0.0.1)                  env POLLUX_HOST',
    '  --data-dir DIR        where pollux.db lives (default ./data)                    env POLLUX_DATA_DIR',
    '  --config FILE         JSON settings: port, host, dataDir, seed, clock,          env POLLUX_CONFIG',
    '                        heartbeatTimeoutMs, adminToken, logLevel, accounts',
    '  --seed S              reproducible API keys (and admin token)                   env POLLUX_SEED',
    '  --clock KIND          system (default) or virtual: starts now, moves only       env POLLUX_CLOCK',
    '                        through the admin API / `pollux clock`',
    '  --heartbeat-timeout MS  require-heartbeat timeout (default 30000)               env POLLUX_HEARTBEAT_TIMEOUT',
    '  --admin-token T       admin API bearer token (default: generated, printed)      env POLLUX_ADMIN_TOKEN',
    '  --log-level L         log requests (fatal|error|warn|info|debug|trace)          env POLLUX_LOG_LEVEL',
    '  --json                print the start details as one JSON object',
    '  Precedence: flags > environment > config file > defaults.',
    '',
    'Manage an exchange:',
    ...COMMANDS.flatMap((c) => [`  pollux ${c.usage}`, `      ${c.summary}`]),
    '',
    '  Target: a running exchange with --url URL --admin-token T (env POLLUX_URL, POLLUX_ADMIN_TOKEN),',
    '  or a data directory with --data-dir DIR (default ./data): if an exchange is running on it,',
    '  the command goes through its admin API; if not, the directory is opened directly.',
    '  --json prints the result as JSON. Exit status: 0 ok, 1 failed, 2 bad usage.',
    '',
    'Examples:',
    '  pollux start --port 0 --clock virtual --seed demo',
    '  pollux accounts create "My Bot" --fund USD=5000 --fund BTC=1',
    '  pollux deposit primary BTC 2.5',
    '  pollux keys create --account primary --role Trader --heartbeat',
    '  pollux market status btcusd cancel_only',
    '  pollux clock advance 31s --url http://127.0.0.1:8080 --admin-token $TOKEN',
  ];
  return lines.join('\n');
}
