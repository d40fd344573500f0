/**
 * The shape of a public (unauthenticated GET) endpoint and the one wrapper every public route
 * runs through: handler -> 200 with its JSON, or a RestError rendered by the plugin's error
 * handler, or a `Raw` reply for the few endpoints whose errors Gemini shapes differently.
 *
 * A handler may return `Serialized` JSON bytes (from the reply cache), sent as they are.
 * Invariants: handlers are synchronous reads of in-memory state (engine books, the market-data
 * read model) or one indexed history query; they never change state.
 */
import type { FastifyInstance } from 'fastify';
import type { Exchange } from '../../../app/exchange.js';
import type { MarketData } from '../../../app/market-data.js';
import { ReplyCache, Serialized } from './reply-cache.js';

export interface PublicCtx {
  readonly exchange: Exchange;
  readonly md: MarketData;
  /** URL path parameters */
  readonly params: Readonly<Record<string, string>>;
  /** query string parameters (a repeated name arrives as an array) */
  readonly query: Readonly<Record<string, unknown>>;
  /** this server's pre-serialized replies (see reply-cache.ts) */
  readonly cache: ReplyCache;
}

/** a reply with its own status and body (not the {result,reason,message} error shape) */
export class Raw {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface PublicEndpoint {
  /** Fastify route path, e.g. '/v1/book/:symbol' */
  readonly path: string;
  handle(ctx: PublicCtx): unknown;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function registerPublicEndpoints(api: FastifyInstance, exchange: Exchange, md: MarketData, endpoints: readonly PublicEndpoint[]): void {
  const cache = new ReplyCache();
  for (const ep of endpoints) {
    // synchronous handler: it replies before returning (no promise per request); a thrown
    // RestError goes to the plugin's error handler like an async rejection would
    api.get(ep.path, (req, reply) => {
      const params = (req.params ?? {}) as Record<string, string>;
      const query = (req.query ?? {}) as Record<string, unknown>;
      const out = ep.handle({ exchange, md, params, query, cache });
      if (out instanceof Serialized) {
        reply.code(200).header('content-type', JSON_TYPE).header('content-length', out.length).send(out.body);
        return;
      }
      const [status, body] = out instanceof Raw ? [out.status, out.body] : [200, out];
      reply.code(status).type(JSON_TYPE).send(body);
    });
  }
}
