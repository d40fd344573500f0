/**
 * The shape of a public (unauthenticated GET) endpoint and the one wrapper every public route
 * runs through: handler -> 200 with its JSON, or a RestError rendered by the plugin's error
 * handler, or a `Raw` reply for the few endpoints whose errors Gemini shapes differently.
 *
 * Invariants: handlers are synchronous reads of in-memory state (engine books, the market-data
 * read model) or one indexed history query; they never change state.
 */
import type { FastifyInstance } from 'fastify';
import type { Exchange } from '../../../app/exchange.js';
import type { MarketData } from '../../../app/market-data.js';

export interface PublicCtx {
  readonly exchange: Exchange;
  readonly md: MarketData;
  /** URL path parameters */
  readonly params: Readonly<Record<string, string>>;
  /** query string parameters (a repeated name arrives as an array) */
  readonly query: Readonly<Record<string, unknown>>;
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

export function registerPublicEndpoints(api: FastifyInstance, exchange: Exchange, md: MarketData, endpoints: readonly PublicEndpoint[]): void {
  for (const ep of endpoints) {
    api.get(ep.path, async (req, reply) => {
      const params = (req.params ?? {}) as Record<string, string>;
      const query = (req.query ?? {}) as Record<string, unknown>;
      const out = ep.handle({ exchange, md, params, query });
      const [status, body] = out instanceof Raw ? [out.status, out.body] : [200, out];
      return reply.code(status).type('application/json; charset=utf-8').send(body);
    });
  }
}
