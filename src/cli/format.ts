/**
 * Human-readable output for the CLI: aligned tables and short summaries. `--json` bypasses this.
 */
import type { KeyView } from '../api/admin/views.js';

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '(none)';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function keyFlags(k: KeyView): string {
  const f = [k.requireHeartbeat ? 'requireHeartbeat' : '', k.timeNonce ? 'timeNonce' : ''].filter(Boolean);
  return f.length === 0 ? '-' : f.join(',');
}

export function keyTable(keys: readonly KeyView[]): string {
  return table(
    ['KEY', 'SECRET', 'ACCOUNT', 'ROLES', 'FLAGS', 'LABEL'],
    keys.map((k) => [k.key, k.secret, k.account ?? '(master)', k.roles.join(','), keyFlags(k), k.label]),
  );
}

export function keyBlock(k: KeyView): string {
  return [
    `key      ${k.key}`,
    `secret   ${k.secret}`,
    `account  ${k.account ?? '(master key)'}`,
    `roles    ${k.roles.join(', ')}`,
    `flags    ${keyFlags(k)}`,
    ...(k.label ? [`label    ${k.label}`] : []),
  ].join('\n');
}
