/**
 * Shared pieces of the public market-data tests: a running Pollux REST server (test/rest's
 * harness), GET helpers that check every reply against the trimmed Gemini response schemas in
 * test/fixtures/gemini-schemas/public-*.json (errors against error.json), and a way to make trades
 * happen through the engine (`exchange.submit`), as any adapter would.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '../../src/app/exchange.js';
import { request, type Reply } from '../rest/client.js';
import { validate, type Schema } from '../rest/schema-validator.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/gemini-schemas/', import.meta.url));
const schemas = new Map<string, Schema>();

export function schema(name: string): Schema {
  let s = schemas.get(name);
  if (s === undefined) schemas.set(name, (s = JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as Schema));
  return s;
}

type Sized = Schema & { minItems?: number; maxItems?: number };

/** array sizes (minItems / maxItems), which the shared validator does not check */
function sizeProblems(s: Schema, value: unknown, path: string): string[] {
  const out: string[] = [];
  const z = s as Sized;
  if (Array.isArray(value)) {
    if (z.minItems !== undefined && value.length < z.minItems) out.push(`${path}: fewer than ${z.minItems} items`);
    if (z.maxItems !== undefined && value.length > z.maxItems) out.push(`${path}: more than ${z.maxItems} items`);
    if (s.items !== undefined) value.forEach((v, i) => out.push(...sizeProblems(s.items!, v, `${path}[${i}]`)));
  } else if (value !== null && typeof value === 'object' && s.properties !== undefined) {
    for (const [k, v] of Object.entries(value)) {
      const ps = s.properties[k];
      if (ps !== undefined) out.push(...sizeProblems(ps, v, `${path}.${k}`));
    }
  }
  return out;
}

/** everything wrong with `value` under schema `s` (empty: valid) */
export function problems(s: Schema, value: unknown): string[] {
  return [...validate(s, value), ...sizeProblems(s, value, '$')];
}

/** schema names seen with a 200 reply (the schema test checks every public schema was used) */
export const seen = new Set<string>();

export function conforms(name: string, r: Reply): void {
  const which = r.status === 200 ? name : name === 'public-prediction-error' ? name : 'error';
  if (r.status === 200) seen.add(name);
  const p = problems(schema(which), r.body);
  assert.deepEqual(p, [], `${name} (${r.status}) against ${which}.json:\n${p.join('\n')}\nbody: ${r.text.slice(0, 500)}`);
}

/** GET `path`, check it against `schemaName` (200) or error.json (anything else) */
export async function get(base: string, path: string, schemaName: string): Promise<Reply> {
  const r = await request(base + path, { method: 'GET' });
  assert.match(r.contentType ?? '', /^application\/json/, `content type of ${path}`);
  conforms(schemaName, r);
  return r;
}

let sessionCounter = 0;

/** make one account with plenty of every currency the exchange trades */
export async function richAccount(ex: Exchange, name: string): Promise<string> {
  const info = await ex.createAccount({ name, account: name, makerBps: 0, takerBps: 0 });
  for (const cur of ex.engine.state.currencies) await ex.deposit(info.account, cur, '100000000');
  return info.account;
}

/** place a limit order through the engine; fails the test if it is rejected */
export async function place(ex: Exchange, account: string, symbol: string, side: 'buy' | 'sell', amount: string, price: string): Promise<void> {
  const r = await ex.submit({ type: 'PlaceOrder', account, session: `s${++sessionCounter}`, symbol, side, orderType: 'exchange limit', amount, price, options: [] });
  assert.ok(r.ok, `order refused: ${JSON.stringify(r.ok ? null : r.rejection)}`);
}

/** one trade of `amount` at `price`: `maker` rests, `taker` (side `takerSide`) takes it */
export async function trade(ex: Exchange, maker: string, taker: string, symbol: string, takerSide: 'buy' | 'sell', amount: string, price: string): Promise<void> {
  await place(ex, maker, symbol, takerSide === 'buy' ? 'sell' : 'buy', amount, price);
  await place(ex, taker, symbol, takerSide, amount, price);
}
