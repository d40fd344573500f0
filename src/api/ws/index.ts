/**
 * WebSocket APIs on the REST server's port: routes each HTTP upgrade by path.
 *
 * - `/` (and `/?…`): the current API (like wss://ws.gemini.com) — current/index.ts
 * - `/v2/marketdata`, `/v1/marketdata/:symbol`, `/v1/multimarketdata`, `/v1/order/events`:
 *   the legacy APIs real clients still use — legacy/index.ts
 * Anything else gets a 404 before the upgrade. Each route decides itself whether to authenticate
 * the upgrade (and answers 401/400 on the raw socket when it refuses).
 * Invariants: one `ws` server in noServer mode per process; sockets are closed when the
 * exchange server closes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import type { Exchange } from '../../app/exchange.js';
import { CURRENT_ROUTES } from './current/index.js';
import { LEGACY_ROUTES } from './legacy/index.js';
import type { UpgradeRoute, WsContext } from './route.js';

export type { UpgradeRoute, WsContext } from './route.js';

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ result: 'error', reason, message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Attach every WebSocket API to `app`'s HTTP server. Call before `app.listen`. */
export function attachWebSockets(app: FastifyInstance, exchange: Exchange): WsContext {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const ctx: WsContext = { exchange, wss, closers: [] };
  const routes: UpgradeRoute[] = [...CURRENT_ROUTES, ...LEGACY_ROUTES];
  for (const r of routes) r.init?.(ctx);
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => r.match(url.pathname));
    if (route === undefined) {
      refuse(socket, 404, 'EndpointNotFound', 'No WebSocket API at this path');
      return;
    }
    try {
      route.upgrade(ctx, req, socket, head, url);
    } catch {
      refuse(socket, 400, 'System', 'Could not open the WebSocket');
    }
  });
  app.addHook('onClose', async () => {
    for (const c of ctx.closers) c();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
  return ctx;
}
