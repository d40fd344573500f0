/**
 * A running Pollux server with REST and WebSockets for the current-API tests (an Exchange on a
 * temp directory with a VirtualClock at a realistic time, Fastify + registerRest +
 * attachWebSockets, port 0), and a small WebSocket client that signs the upgrade as Gemini
 * documents and keeps every frame it receives.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { frameworkErrors, registerRest } from '../../../src/api/rest/index.js';
import { attachWebSockets } from '../../../src/api/ws/index.js';
import { VirtualClock } from '../../../src/app/clock.js';
import { Exchange } from '../../../src/app/exchange.js';
import type { ApiKey, NewKey } from '../../../src/app/keys.js';
import { GeminiClient } from '../../rest/client.js';

/** 2025-06-02T12:00:00Z */
export const T0 = Date.UTC(2025, 5, 2, 12, 0, 0);

export interface Trader {
  account: string;
  key: ApiKey;
  rest: GeminiClient;
}

export interface WsServer {
  url: string;
  wsUrl: string;
  exchange: Exchange;
  clock: VirtualClock;
  app: FastifyInstance;
  trader(name: string, funds?: Record<string, string>, key?: NewKey): Promise<Trader>;
  close(): Promise<void>;
}

export async function startServer(opts: { heartbeatTimeoutMs?: number } = {}): Promise<WsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pollux-ws-'));
  const clock = new VirtualClock(T0);
  const exchange = Exchange.open({ dataDir: dir, clock, seed: 'ws-tests', heartbeatTimeoutMs: opts.heartbeatTimeoutMs });
  const app = Fastify({ logger: false, frameworkErrors });
  await registerRest(app, exchange);
  attachWebSockets(app, exchange);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${addr.port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${addr.port}`,
    exchange,
    clock,
    app,
    async trader(name, funds = {}, keySpec = {}) {
      const info = await exchange.createAccount({ name });
      for (const [cur, amt] of Object.entries(funds)) await exchange.deposit(info.account, cur, amt);
      const key = exchange.createKey({ account: info.account, ...keySpec });
      return { account: info.account, key, rest: new GeminiClient(url, key.key, key.secret) };
    },
    async close() {
      await app.close();
      exchange.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Gemini's handshake headers: nonce in seconds, payload = base64(nonce), hex HMAC-SHA384 */
export function signedHeaders(key: { key: string; secret: string }, nonce: string = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  const payload = Buffer.from(nonce).toString('base64');
  return {
    'X-GEMINI-APIKEY': key.key,
    'X-GEMINI-NONCE': nonce,
    'X-GEMINI-PAYLOAD': payload,
    'X-GEMINI-SIGNATURE': createHmac('sha384', key.secret).update(payload).digest('hex'),
  };
}

export type Frame = Record<string, any>;

export class Client {
  readonly frames: Frame[] = [];
  /** stream frames only (no replies) */
  readonly events: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private nextId = 1;
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      this.frames.push(f);
      if (!('status' in f && 'id' in f)) this.events.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve((this.closeCode = code))));
  }

  /** the first frame (already received or future) matching pred */
  next(pred: (f: Frame) => boolean, timeoutMs = 3000, from = 0): Promise<Frame> {
    const have = this.frames.slice(from).find(pred);
    if (have !== undefined) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (f) => (clearTimeout(t), resolve(f)) });
    });
  }

  /** wait until `n` frames satisfy pred */
  async count(pred: (f: Frame) => boolean, n: number, timeoutMs = 3000): Promise<Frame[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const got = this.frames.filter(pred);
      if (got.length >= n) return got;
      if (Date.now() > end) throw new Error(`timed out: ${got.length}/${n} frames`);
      await sleep(5);
    }
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** send {id, method, params} and wait for the reply with that id */
  async request(method: string, params?: unknown, id: unknown = `r${this.nextId++}`): Promise<Frame> {
    const from = this.frames.length;
    const msg: Frame = { id, method };
    if (params !== undefined) msg['params'] = params;
    this.ws.send(JSON.stringify(msg));
    return this.next((f) => 'status' in f && JSON.stringify(f['id']) === JSON.stringify(id), 5000, from);
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

export function connect(wsUrl: string, o: { query?: string; headers?: Record<string, string> } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/${o.query === undefined ? '' : `?${o.query}`}`, { headers: o.headers });
    const c = new Client(ws);
    ws.once('open', () => resolve(c));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
  });
}

/** the refusal of an upgrade: status and JSON body */
export async function refused(wsUrl: string, o: { query?: string; headers?: Record<string, string>; path?: string } = {}): Promise<{ status: number; body: any }> {
  try {
    if (o.path !== undefined) {
      await new Promise((resolve, reject) => {
        const ws = new WebSocket(`${wsUrl}${o.path}`, { headers: o.headers });
        ws.once('open', () => reject(new Error('opened')));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(Object.assign(new Error('refused'), { status: res.statusCode, body })));
        });
        ws.once('error', reject);
      }).then((e) => {
        throw e;
      });
    }
    const c = await connect(wsUrl, o);
    await c.close();
  } catch (e) {
    const err = e as { status?: number; body?: string };
    if (err.status === undefined) throw e;
    return { status: err.status, body: err.body === '' || err.body === undefined ? undefined : JSON.parse(err.body) };
  }
  throw new Error('the upgrade was accepted');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
