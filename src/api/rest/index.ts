/**
 * Gemini's REST API as a Fastify plugin: the private Orders group and what every client needs
 * (heartbeat, balances, roles, account). See docs/rest.md.
 *
 * Owns, inside one encapsulated Fastify context: a catch-all body reader (private requests carry
 * their parameters in X-GEMINI-PAYLOAD; the body may be empty, "{}" or a JSON copy, in any
 * content type, and is never parsed or kept; an empty one is not even waited for), the error handler (every failure becomes
 * {"result":"error","reason","message"} with a catalogue status; parse errors and oversize bodies
 * are 400s, never 500s), the not-found handler (any unknown path or method: 404
 * EndpointNotFound), and the private routes; plus, in front of Fastify's request handler, the
 * fast path of fast-path.ts, which answers the common private call (POST, static path, empty
 * body) with the same pipeline and replies, without Fastify's per-request plumbing.
 * Invariants: no stack trace or internal message ever reaches a client; the only 5xx is
 * `System`, for genuine internal failures (e.g. the sequencer halted).
 * Note: the not-found handler applies to the whole server (Fastify keeps one per prefix), so the
 * server must not set another one at '/'. Errors Fastify raises before routing (a malformed URL)
 * can only be shaped by a server option: pass `frameworkErrors` below to `Fastify({...})`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Exchange } from '../../app/exchange.js';
import { ACCOUNT_ENDPOINTS } from './account.js';
import { registerEndpoints } from './endpoint.js';
import { installFastPath } from './fast-path.js';
import { RestError, restError, sendError } from './errors.js';
import { ORDER_QUERY_ENDPOINTS } from './order-queries.js';
import { ORDER_ENTRY_ENDPOINTS } from './orders.js';
import { TRADE_ENDPOINTS } from './trades.js';
import { registerPublic } from './public/index.js';

/** largest body we read (and then ignore); Gemini clients send none or a copy of the payload */
export const BODY_LIMIT = 1024 * 1024;

export const PRIVATE_ENDPOINTS = [...ORDER_ENTRY_ENDPOINTS, ...ORDER_QUERY_ENDPOINTS, ...TRADE_ENDPOINTS, ...ACCOUNT_ENDPOINTS];

/**
 * What a failure is sent as: a RestError as it is; an error Fastify raised with a 4xx status
 * (body parsing) as 400 BadBody; anything else as 500 System (`internal`: to be logged).
 */
export function restErrorOf(err: unknown): { error: RestError; internal: boolean } {
  if (err instanceof RestError) return { error: err, internal: false };
  const status = (err as FastifyError | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { error: restError('BadBody', status === 413 ? `larger than ${BODY_LIMIT} bytes` : undefined), internal: false };
  }
  return { error: restError('System'), internal: true };
}

function onError(err: FastifyError | RestError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, internal } = restErrorOf(err);
  if (internal) req.log.error({ err }, 'REST request failed');
  return sendError(reply, error);
}

/**
 * For `Fastify({ frameworkErrors })`: errors raised before routing, in Gemini's shape. A URL that
 * cannot be decoded or whose path parameter is too long names no endpoint (404 EndpointNotFound);
 * anything else is a 400.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  // an undecodable URL, or a path parameter too long for the router, names no endpoint we serve
  const notFound = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void sendError(reply, restError(notFound ? 'EndpointNotFound' : 'BadBody'));
}

const NO_BODY = Buffer.alloc(0);

function bodyError(statusCode: number, code: string, message: string): FastifyError {
  return Object.assign(new Error(message), { statusCode, code, name: 'FastifyError' }) as FastifyError;
}

/**
 * The catch-all body reader. Nothing reads request bodies, so none is kept: an empty one (what
 * Gemini clients send) is done with at once, without waiting for the stream's end; any other is
 * drained with Fastify's own checks (declared or received length over BODY_LIMIT: 413; received
 * length differing from Content-Length: 400) — both become 400 BadBody in `onError`.
 */
function skipBody(req: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: unknown) => void): void {
  const h = req.headers;
  const declared = h['content-length'];
  if (declared === '0' && h['transfer-encoding'] === undefined) {
    done(null, NO_BODY);
    return;
  }
  const length = Number(declared);
  if (length > BODY_LIMIT) {
    done(bodyError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large'));
    return;
  }
  let received = 0;
  const stop = (): void => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  const onData = (chunk: Buffer | string): void => {
    received += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (received > BODY_LIMIT) {
      stop();
      done(bodyError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large'));
    }
  };
  const onEnd = (err?: Error & { statusCode?: number }): void => {
    stop();
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      done(err);
    } else if (!Number.isNaN(length) && received !== length) {
      done(bodyError(400, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'Request body size did not match Content-Length'));
    } else done(null, NO_BODY);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}

/** Register every Gemini REST route (public and private) on `app`. */
export async function registerRest(app: FastifyInstance, exchange: Exchange): Promise<void> {
  await app.register(async (api) => {
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { bodyLimit: BODY_LIMIT }, skipBody);
    api.setErrorHandler(onError);
    api.setNotFoundHandler((_req, reply) => sendError(reply, restError('EndpointNotFound')));
    registerEndpoints(api, exchange, PRIVATE_ENDPOINTS);
    registerPublic(api, exchange);
  });
  installFastPath(app, exchange, PRIVATE_ENDPOINTS);
}
