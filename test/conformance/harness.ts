/**
 * Conformance harness: a Pollux on 127.0.0.1, port 0, temp data dir, virtual clock — the thing the
 * unmodified npm clients (ccxt, gemini-node-api) are pointed at.
 *
 * Owns: starting and stopping that server, and making fresh funded accounts with API keys for
 * each scenario (so every scenario can check exact balances on its own).
 * Invariants: nothing here talks to any host but 127.0.0.1; the clients under test are never
 * patched — only configured the way their own documentation allows.
 * Known limits: setup (accounts, keys, deposits) goes through the programmatic API, not a client.
 */
import type { Exchange } from '../../src/app/exchange.js';
import { startExchange, type RunningExchange } from '../../src/index.js';

/** fees every scenario account gets: Gemini's published API example (maker 10, taker 35 bps) */
export const MAKER_BPS = 10;
export const TAKER_BPS = 35;

export interface TestKey {
  key: string;
  secret: string;
}

export interface TestAccount {
  account: string;
  key: TestKey;
}

export interface Pollux {
  /** REST base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly exchange: Exchange;
  readonly running: RunningExchange;
  /** exchange time (ms), virtual */
  now(): number;
  /** a new account (unique short name) funded with `funds`, with one Trader key */
  newAccount(funds: Record<string, string>): Promise<TestAccount>;
  /** another Trader key for an account */
  newKey(account: string, opts?: { requireHeartbeat?: boolean }): Promise<TestKey>;
  /** move the virtual clock forward (fires require-heartbeat deadlines) */
  advance(ms: number): void;
  /** cancel every open order of the accounts made here, so the next scenario starts on empty books */
  clearBooks(): Promise<void>;
  close(): Promise<void>;
}

let accountCounter = 0;

export async function startPollux(label: string): Promise<Pollux> {
  const px = await startExchange({ port: 0, host: '127.0.0.1', seed: `conformance-${label}`, clock: 'virtual', accounts: [] });
  try {
    if (!px.clock.virtual) throw new Error('expected a virtual clock');
    const url = px.url.replace(/\/+$/, '');
    const made: string[] = [];
    return {
      url,
      exchange: px.exchange,
      running: px,
      now: () => px.clock.now(),
      async newAccount(funds) {
        const name = `${label}-${++accountCounter}`;
        const a = await px.createAccount({ name, account: name, makerBps: MAKER_BPS, takerBps: TAKER_BPS, funds, keys: [{ roles: ['Trader'] }] });
        made.push(a.account);
        const k = a.keys[0]!;
        return { account: a.account, key: { key: k.key, secret: k.secret } };
      },
      async newKey(account, opts = {}) {
        const k = await px.createKey({ account, roles: ['Trader'], requireHeartbeat: opts.requireHeartbeat === true });
        return { key: k.key, secret: k.secret };
      },
      advance(ms) {
        px.clock.advance(ms);
      },
      async clearBooks() {
        for (const account of made) {
          const r = await px.exchange.submit({ type: 'CancelAllOrders', account });
          if (!r.ok) throw new Error(`cannot clear ${account}: ${r.rejection.code}`);
        }
      },
      close: () => px.close(),
    };
  } catch (e) {
    await px.close();
    throw e;
  }
}

/** wait until `probe` resolves truthy (polling), or fail after `ms` */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, ms = 3000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** a decimal string without trailing zeros ("87958.00" -> "87958", "0.50" -> "0.5") */
export function dec(s: string | number): string {
  let t = typeof s === 'number' ? String(s) : s.trim();
  if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
  return t === '-0' ? '0' : t;
}
