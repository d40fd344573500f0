/**
 * The admin HTTP API as a Fastify plugin under /admin/: operator actions (accounts, keys, funds,
 * market status, fees, a virtual clock) for a local or test exchange. Not part of Gemini's API.
 *
 * Owns: bearer-token authentication, JSON parsing and error rendering for /admin/*.
 * Invariants: every /admin/ request without `Authorization: Bearer <token>` gets 401 before any
 * operation runs; every error is `{"result":"error","reason","message"}`; the plugin is
 * encapsulated (its body parsers, error and not-found handlers do not touch Gemini's routes).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Exchange } from '../../app/exchange.js';
import { AdminApiError, toAdminApiError } from './errors.js';
import { runOp, type Input } from './ops.js';
import { ADMIN_PREFIX, ADMIN_ROUTES } from './routes.js';

export { ADMIN_PREFIX, ADMIN_ROUTES } from './routes.js';
export { runOp, ADMIN_OPS, type AdminOp } from './ops.js';
export { AdminApiError } from './errors.js';

export interface AdminOptions {
  /** the bearer token every request must carry */
  token: string;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function send(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAdminApiError(err);
  return reply.code(e.status).type('application/json').send(e.body());
}

/** Register the admin API on `app` under /admin/. */
export async function registerAdmin(app: FastifyInstance, exchange: Exchange, opts: AdminOptions): Promise<void> {
  if (typeof opts.token !== 'string' || opts.token.length === 0) throw new Error('the admin API needs a non-empty token');
  const want = digest(opts.token);

  await app.register(
    async (admin) => {
      // our own parser: JSON whatever the content type says (curl -d sends form type), empty body = {}
      admin.removeAllContentTypeParsers();
      admin.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1 << 20 }, (_req, body, done) => {
        const text = String(body).trim();
        if (text === '') return done(null, {});
        try {
          done(null, JSON.parse(text));
        } catch {
          done(new AdminApiError(400, 'InvalidJson', 'the request body is not valid JSON'), undefined);
        }
      });

      admin.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        const h = req.headers.authorization;
        const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
        if (m === null) return send(reply, new AdminApiError(401, 'Unauthorized', 'the admin API needs an "Authorization: Bearer <admin token>" header'));
        if (!timingSafeEqual(digest(m[1]!), want)) return send(reply, new AdminApiError(401, 'Unauthorized', 'wrong admin token'));
      });

      admin.setErrorHandler((err, _req, reply) => send(reply, err));
      admin.setNotFoundHandler((req, reply) => send(reply, new AdminApiError(404, 'NotFound', `no admin route ${req.method} ${req.url.split('?')[0]}`)));

      admin.get('/', async () => ({
        routes: ADMIN_ROUTES.map((r) => ({ method: r.method, path: ADMIN_PREFIX + r.path, summary: r.summary })),
      }));

      for (const r of ADMIN_ROUTES) {
        admin.route({
          method: r.method,
          url: r.path,
          handler: async (req) => {
            const body = req.body;
            if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
              throw new AdminApiError(400, 'InvalidJson', 'the request body must be a JSON object');
            }
            const input: Input = { ...(req.query as Input), ...(body as Input | undefined), ...(req.params as Input) };
            return (await runOp(exchange, r.op, input)) ?? {};
          },
        });
      }
    },
    { prefix: ADMIN_PREFIX },
  );
}
