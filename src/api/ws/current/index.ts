/**
 * The current WebSocket API at `/` (like wss://ws.gemini.com). See docs/websocket.md.
 *
 * Owns the upgrade: URL parameters (`snapshot`, `cancelOnDisconnect`, `wrap`), handshake
 * authentication (auth.ts; refused on the raw socket with 401 and a Gemini-shaped JSON body; bad
 * parameters with 400), and the per-server state: the shared feed and the stream hub, created in
 * `init` at server start (before any client can submit) and stopped when the server closes.
 * Connections are handled by connection.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { feedOf } from '../feed/index.js';
import type { UpgradeRoute, WsContext } from '../route.js';
import { authenticateUpgrade, HandshakeError } from './auth.js';
import { Connection, type Api, type ConnectionOptions } from './connection.js';
import { StreamHub } from './streams.js';

export { CURRENT_API_SETTINGS } from './settings.js';

const apis = new WeakMap<WsContext, Api>();

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 500: 'Internal Server Error' };

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ result: 'error', reason, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

class BadParam extends Error {}

function param(url: URL, name: string): string | undefined {
  const direct = url.searchParams.get(name);
  if (direct !== null) return direct.trim();
  const lower = name.toLowerCase();
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === lower) return v.trim();
  return undefined;
}

function flag(url: URL, name: string): boolean {
  const v = param(url, name);
  if (v === undefined) return false;
  const t = v.toLowerCase();
  if (t === '' || t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new BadParam(`${name} must be true or false`);
}

export function connectionOptions(url: URL): ConnectionOptions {
  const raw = param(url, 'snapshot');
  let snapshot = 0;
  if (raw !== undefined && raw !== '') {
    if (/^-?\d{1,9}$/.test(raw)) snapshot = Number(raw);
    else if (raw.toLowerCase() === 'true') snapshot = -1;
    else if (raw.toLowerCase() !== 'false') throw new BadParam('snapshot must be an integer (0 none, -1 full book, N top N levels)');
  }
  return { snapshot, cancelOnDisconnect: flag(url, 'cancelOnDisconnect'), wrap: flag(url, 'wrap') };
}

const route: UpgradeRoute = {
  match: (pathname) => pathname === '/' || pathname === '',
  init(ctx) {
    const feed = feedOf(ctx.exchange);
    const hub = new StreamHub(feed, ctx.exchange.clock);
    apis.set(ctx, { exchange: ctx.exchange, feed, hub });
    ctx.closers.push(() => hub.close());
  },
  upgrade(ctx, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
    const api = apis.get(ctx);
    if (api === undefined) return refuse(socket, 500, 'System', 'WebSocket API not initialised');
    let opts: ConnectionOptions;
    try {
      opts = connectionOptions(url);
    } catch (e) {
      return refuse(socket, 400, 'InvalidParameter', (e as Error).message);
    }
    let key;
    try {
      key = authenticateUpgrade(ctx.exchange, req.headers);
    } catch (e) {
      if (e instanceof HandshakeError) return refuse(socket, 401, e.reason, e.message);
      return refuse(socket, 500, 'System', 'Could not authenticate');
    }
    ctx.wss.handleUpgrade(req, socket, head, (ws) => {
      if (key !== null) ctx.exchange.touch(key);
      new Connection(api, ws, key, opts);
    });
  },
};

export const CURRENT_ROUTES: UpgradeRoute[] = [route];
