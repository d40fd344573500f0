/**
 * A running Pollux REST server for tests: an Exchange on a temp directory with a VirtualClock at a
 * realistic time, a Fastify app with registerRest, listening on 127.0.0.1 (port 0), plus helpers
 * to create funded accounts with API keys and signed clients for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { frameworkErrors, registerRest } from '../../src/api/rest/index.js';
import { VirtualClock } from '../../src/app/clock.js';
import { Exchange } from '../../src/app/exchange.js';
import type { ApiKey, NewKey } from '../../src/app/keys.js';
import { GeminiClient } from './client.js';

/** 2025-06-02T12:00:00Z */
export const T0 = Date.UTC(2025, 5, 2, 12, 0, 0);

export interface TestServer {
  url: string;
  exchange: Exchange;
  clock: VirtualClock;
  app: FastifyInstance;
  /** an account with deposits and one API key (more keys via `key`) */
  trader(name: string, funds?: Record<string, string>, key?: NewKey, fees?: { makerBps?: number; takerBps?: number }): Promise<Trader>;
  key(spec: NewKey): Keyed;
  close(): Promise<void>;
}

export interface Keyed {
  key: ApiKey;
  client: GeminiClient;
}

export interface Trader extends Keyed {
  account: string;
}

export async function startServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pollux-rest-'));
  const clock = new VirtualClock(T0);
  const exchange = Exchange.open({ dataDir: dir, clock, seed: 'rest-tests' });
  const app = Fastify({ logger: false, frameworkErrors });
  await registerRest(app, exchange);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${addr.port}`;
  const key = (spec: NewKey): Keyed => {
    const k = exchange.createKey(spec);
    return { key: k, client: new GeminiClient(url, k.key, k.secret) };
  };
  return {
    url,
    exchange,
    clock,
    app,
    key,
    async trader(name, funds = {}, keySpec = {}, fees = {}) {
      const info = await exchange.createAccount({ name, ...fees });
      for (const [cur, amt] of Object.entries(funds)) await exchange.deposit(info.account, cur, amt);
      return { account: info.account, ...key({ account: info.account, ...keySpec }) };
    },
    async close() {
      await app.close();
      exchange.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** poll `fn` until it returns a value that is not undefined (or time out) */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 2000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('eventually: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
