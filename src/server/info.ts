/**
 * What a started exchange tells its operator, like a local blockchain node does: where to
 * connect (REST, WebSocket, admin), the admin token, the data directory, and every account with
 * its balances and API keys (secrets included — this is a local/test exchange).
 *
 * Owns: the `StartInfo` shape (also `pollux start --json` output) and its human rendering.
 * Invariants: built from the exchange's current state on every start, not only the first;
 * nothing here changes state.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '../app/exchange.js';
import { DB_FILE } from '../journal/recovery.js';
import { join } from 'node:path';
import { accountViews, balanceViews, clockView, keyViews, type AccountView, type ClockView, type KeyView } from '../api/admin/views.js';

export interface AccountInfoView extends AccountView {
  /** currency -> total amount */
  balances: Record<string, string>;
  keys: KeyView[];
}

export interface StartInfo {
  name: 'pollux';
  version: string;
  pid: number;
  /** REST base URL (what a Gemini client takes as its base URL) */
  url: string;
  wsUrl: string;
  adminUrl: string;
  adminToken: string;
  host: string;
  port: number;
  dataDir: string;
  database: string;
  clock: ClockView;
  heartbeatTimeoutMs: number;
  accounts: AccountInfoView[];
  masterKeys: KeyView[];
}

export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export function accountInfos(ex: Exchange): AccountInfoView[] {
  return accountViews(ex).map((a) => ({
    ...a,
    balances: Object.fromEntries(balanceViews(ex, a.account)!.map((b) => [b.currency, b.amount])),
    keys: keyViews(ex, a.account),
  }));
}

export function startInfo(ex: Exchange, where: { url: string; wsUrl: string; adminUrl: string; adminToken: string; host: string; port: number; dataDir: string }): StartInfo {
  return {
    name: 'pollux',
    version: VERSION,
    pid: process.pid,
    ...where,
    database: join(where.dataDir, DB_FILE),
    clock: clockView(ex.clock),
    heartbeatTimeoutMs: ex.heartbeatTimeoutMs,
    accounts: accountInfos(ex),
    masterKeys: keyViews(ex).filter((k) => k.scope === 'master'),
  };
}

function flags(k: KeyView): string {
  const f = [k.requireHeartbeat ? 'requireHeartbeat' : '', k.timeNonce ? 'timeNonce' : ''].filter(Boolean);
  return f.length === 0 ? '-' : f.join(', ');
}

function keyLines(k: KeyView, indent: string): string[] {
  return [
    `${indent}key     ${k.key}${k.label ? `   (${k.label})` : ''}`,
    `${indent}secret  ${k.secret}`,
    `${indent}roles   ${k.roles.join(', ')}   flags: ${flags(k)}`,
  ];
}

/** the start banner, for a terminal */
export function renderStartInfo(info: StartInfo): string {
  const lines: string[] = [];
  lines.push(`Pollux ${info.version} — Gemini-compatible exchange`, '');
  const row = (k: string, v: string) => lines.push(`${k.padEnd(14)}${v}`);
  row('REST API', info.url);
  row('WebSocket', info.wsUrl);
  row('Admin API', info.adminUrl);
  row('Admin token', info.adminToken);
  row('Data dir', info.dataDir);
  row('Clock', `${info.clock.type}, ${info.clock.iso}${info.clock.type === 'virtual' ? ' (moves only through the admin API)' : ''}`);
  row('Heartbeat', `${info.heartbeatTimeoutMs} ms (require-heartbeat keys)`);
  lines.push('', 'Accounts', '========');
  for (const a of info.accounts) {
    lines.push('', `${a.account}   "${a.name}", ${a.type}, fees maker ${a.makerBps} / taker ${a.takerBps} bps`);
    const bal = Object.entries(a.balances).map(([c, v]) => `${v} ${c}`);
    lines.push(`  balances  ${bal.length === 0 ? '(none)' : bal.join(', ')}`);
    if (a.keys.length === 0) lines.push('  (no API keys)');
    for (const k of a.keys) lines.push('', ...keyLines(k, '  '));
  }
  if (info.masterKeys.length > 0) {
    lines.push('', 'Master keys', '===========');
    for (const k of info.masterKeys) lines.push('', ...keyLines(k, '  '));
  }
  lines.push('', `Gemini clients: use ${info.url} as the API base URL.`);
  lines.push(`Admin example: curl -H "Authorization: Bearer ${info.adminToken}" ${info.adminUrl}accounts`);
  return lines.join('\n');
}
