/**
 * The contract between the WebSocket router (index.ts) and each WebSocket API.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { Exchange } from '../../app/exchange.js';

export interface WsContext {
  readonly exchange: Exchange;
  /** shared noServer-mode server: call wss.handleUpgrade(req, socket, head, cb) to accept */
  readonly wss: WebSocketServer;
  /** functions run when the server closes (unsubscribe from feeds, clear timers) */
  readonly closers: (() => void)[];
}

export interface UpgradeRoute {
  /** does this route serve the upgrade's path? */
  match(pathname: string): boolean;
  /** once, when attached (set up shared feeds here) */
  init?(ctx: WsContext): void;
  /** authenticate if needed, then accept with ctx.wss.handleUpgrade or refuse on the raw socket */
  upgrade(ctx: WsContext, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
}
