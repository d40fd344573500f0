/**
 * The fast path of private requests: the common shape of a private call (POST to a static private
 * path, empty body) answered straight from Node's `request` event, without Fastify's routing,
 * Request/Reply objects, content-type parsing, hook runners and reply pipeline.
 *
 * Owns: the choice between fast path and Fastify, and writing the fast path's replies.
 * Invariants: a request takes the fast path only when Fastify would do exactly what the fast path
 * does (same pipeline `runEndpoint`, same status, headers, body and error mapping `restErrorOf`);
 * anything else goes to Fastify untouched: other methods, paths with a query string or path
 * parameters, unknown paths, any body (Content-Length other than 0, Transfer-Encoding), a
 * Content-Type outside a small set of plain ones (Fastify validates others, 415 -> 400 BadBody),
 * and every request once the server is closing (Fastify answers 503) or when request logging is
 * on (Fastify logs each request). Replies are `200`/error status with exactly Fastify's two
 * headers, in its order (`content-type`, `content-length`), plus what Node adds (Date,
 * Connection, Keep-Alive).
 * Known limits: Fastify hooks (onRequest, onResponse, ...) and decorators do not run for
 * fast-path requests; nothing in Pollux registers such hooks for the private routes (the admin
 * API's hook is scoped to its own prefix). Anyone adding one must exclude its requests here.
 * Why: for order entry, Fastify's per-request plumbing cost more CPU than a whole hello-world
 * request (see bench/README.md, "Where Pollux's time goes (HTTP order entry)").
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Exchange } from '../../app/exchange.js';
import { bodyText, runEndpoint, type Endpoint } from './endpoint.js';
import { errorBody } from './errors.js';
import { restErrorOf } from './index.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Content-Type values Fastify accepts as valid media types; with an empty body it then ignores them */
const PLAIN_TYPES = new Set([
  'text/plain',
  'text/plain; charset=utf-8',
  'text/plain;charset=utf-8',
  'text/plain; charset=UTF-8',
  'text/plain;charset=UTF-8',
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=UTF-8',
  'application/x-www-form-urlencoded',
]);

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function sendOk(res: ServerResponse, body: unknown): void {
  let text: string;
  try {
    // a body JSON cannot carry (undefined) goes out empty, as Fastify sends it
    text = bodyText(body) ?? '';
  } catch (e) {
    sendFail(res, e);
    return;
  }
  send(res, 200, text);
}

function sendFail(res: ServerResponse, err: unknown): void {
  const { error } = restErrorOf(err);
  send(res, error.entry.status, JSON.stringify(errorBody(error)));
}

/**
 * Serve `endpoints`' static paths on the fast path, in front of Fastify's request handler.
 * Does nothing (everything stays with Fastify) when request logging is on or Fastify's server
 * does not have exactly its one `request` listener.
 */
export function installFastPath(app: FastifyInstance, exchange: Exchange, endpoints: readonly Endpoint[]): void {
  const level = app.log.level as string | undefined;
  if (typeof level === 'string' && level !== 'silent') return;
  const server: Server = app.server;
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (listeners.length !== 1) return;
  const fastify = listeners[0]!;
  const byPath = new Map<string, Endpoint>();
  for (const ep of endpoints) if (!ep.path.includes(':')) byPath.set(ep.path, ep);
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  const fast = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || closing) return false;
    const ep = byPath.get(req.url!);
    if (ep === undefined) return false;
    const h = req.headers;
    if (h['transfer-encoding'] !== undefined) return false;
    const length = h['content-length'];
    if (length !== undefined && length !== '0') return false;
    const type = h['content-type'];
    if (type !== undefined && !PLAIN_TYPES.has(type)) return false;
    let out: unknown;
    try {
      out = runEndpoint(exchange, ep, h, ep.path);
    } catch (e) {
      sendFail(res, e);
      return true;
    }
    if (out instanceof Promise) {
      out
        .then(
          (body: unknown) => sendOk(res, body),
          (e: unknown) => sendFail(res, e),
        )
        // writing the reply itself failed (a bug): drop the connection rather than the process
        .catch(() => res.destroy());
    } else sendOk(res, out);
    return true;
  };

  server.removeListener('request', fastify);
  server.on('request', function (this: Server, req: IncomingMessage, res: ServerResponse) {
    if (!fast(req, res)) fastify.call(this, req, res);
  });
}
