/**
 * Accepting and refusing legacy upgrades, and reading their query flags.
 *
 * Owns: the HTTP answer to a refused upgrade (status line + Gemini's error JSON, then the socket is
 * closed) and the tolerant parsing of the boolean / list query parameters the legacy URLs take.
 * Invariants: a refused upgrade never reaches the ws server; an accepted one is handed to `onOpen`
 * with a LegacyConn already watching the socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WsContext } from '../route.js';
import { LegacyConn } from './conn.js';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

/** answer the upgrade request with an HTTP error in Gemini's shape and close the socket */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ result: 'error', reason, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** complete the upgrade and hand the new connection over */
export function acceptUpgrade(ctx: WsContext, req: IncomingMessage, socket: Duplex, head: Buffer, onOpen: (conn: LegacyConn) => void): void {
  ctx.wss.handleUpgrade(req, socket, head, (ws) => {
    const conn = new LegacyConn(ws);
    try {
      onOpen(conn);
    } catch {
      conn.error('System', 'the stream could not be started');
      conn.close(1011, 'internal error');
    }
  });
}

/**
 * A boolean query flag: undefined when absent; `true`/`1`/empty (`?heartbeat`) are true,
 * `false`/`0` false, case-insensitive; anything else undefined (treated as absent).
 */
export function flag(url: URL, name: string): boolean | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  const s = v.trim().toLowerCase();
  if (s === '' || s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return undefined;
}

/** a repeatable list parameter: `a=x&a=y`, `a=x,y` and `a[]=x` all give [x, y]; empty items dropped */
export function list(url: URL, name: string): string[] {
  const out: string[] = [];
  for (const key of [name, `${name}[]`]) {
    for (const v of url.searchParams.getAll(key)) {
      for (const part of v.split(',')) {
        const p = part.trim();
        if (p !== '' && !out.includes(p)) out.push(p);
      }
    }
  }
  return out;
}
