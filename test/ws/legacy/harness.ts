/**
 * A running Pollux for the legacy WebSocket tests: an Exchange on a temp directory with a
 * VirtualClock at a realistic time, Fastify with registerRest + attachWebSockets on 127.0.0.1
 * (port 0); funded traders with REST clients; and a small recording WebSocket client.
 *
 * Invariants: real sockets only (the server is reached over TCP, as a client would); every
 * wait has a timeout so a broken stream fails a test instead of hanging it.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { frameworkErrors, registerRest } from '../../../src/api/rest/index.js';
import { attachWebSockets, type WsContext } from '../../../src/api/ws/index.js';
import { VirtualClock } from '../../../src/app/clock.js';
import { Exchange } from '../../../src/app/exchange.js';
import type { ApiKey, NewKey } from '../../../src/app/keys.js';
import { GeminiClient, nextNonce } from '../../rest/client.js';

/** 2025-06-02T12:00:00Z */
export const T0 = Date.UTC(2025, 5, 2, 12, 0, 0);

export interface Trader {
  account: string;
  key: ApiKey;
  client: GeminiClient;
}

export interface WsServer {
  url: string;
  wsUrl: string;
  exchange: Exchange;
  clock: VirtualClock;
  app: FastifyInstance;
  ws: WsContext;
  trader(name: string, funds?: Record<string, string>, key?: NewKey): Promise<Trader>;
  key(spec: NewKey): ApiKey;
  close(): Promise<void>;
}

export async function startWsServer(label = 'ws'): Promise<WsServer> {
  const dir = mkdtempSync(join(tmpdir(), `pollux-${label}-`));
  const clock = new VirtualClock(T0);
  const exchange = Exchange.open({ dataDir: dir, clock, seed: `legacy-${label}` });
  const app = Fastify({ logger: false, frameworkErrors, forceCloseConnections: true });
  await registerRest(app, exchange);
  const ws = attachWebSockets(app, exchange);
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
    ws,
    key: (spec) => exchange.createKey(spec),
    async trader(name, funds = {}, keySpec = {}) {
      const info = await exchange.createAccount({ name });
      for (const [cur, amt] of Object.entries(funds)) await exchange.deposit(info.account, cur, amt);
      const k = exchange.createKey({ account: info.account, ...keySpec });
      return { account: info.account, key: k, client: new GeminiClient(url, k.key, k.secret) };
    },
    async close() {
      await app.close();
      exchange.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** the REST-style headers that authenticate a /v1/order/events upgrade */
export function orderEventsHeaders(key: { key: string; secret: string }, extra: Record<string, unknown> = {}, request = '/v1/order/events'): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ request, nonce: nextNonce(), ...extra })).toString('base64');
  return {
    'X-GEMINI-APIKEY': key.key,
    'X-GEMINI-PAYLOAD': payload,
    'X-GEMINI-SIGNATURE': createHmac('sha384', key.secret).update(payload).digest('hex'),
  };
}

/** a WebSocket client that records every message (parsed JSON) */
export class Recorder {
  readonly messages: any[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Recorder> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const r = new Recorder(ws);
      ws.once('open', () => resolve(r));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
      });
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** wait until `pred` holds over the messages so far */
  async until(pred: (msgs: any[]) => boolean, ms = 3000, what = 'messages'): Promise<void> {
    const end = Date.now() + ms;
    while (!pred(this.messages)) {
      if (this.closed) throw new Error(`socket closed while waiting for ${what}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(-800)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** wait for the n-th message (0-based) and return it */
  async nth(n: number, ms = 3000): Promise<any> {
    await this.until((m) => m.length > n, ms, `message #${n}`);
    return this.messages[n];
  }

  async waitClosed(ms = 3000): Promise<number | undefined> {
    const end = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > end) throw new Error('socket did not close');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }
}

/** the refusal of an upgrade: status and JSON body */
export async function refused(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  try {
    const r = await Recorder.open(url, headers);
    r.close();
    throw new Error('upgrade was accepted');
  } catch (e) {
    const err = e as { status?: number; body?: string };
    if (err.status === undefined) throw e;
    return { status: err.status, body: JSON.parse(err.body ?? 'null') };
  }
}

/** let pending I/O (commits, sends) happen */
export function settle(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
