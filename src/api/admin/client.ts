/**
 * An HTTP client for the admin API (used by the CLI against a running exchange, and by tests).
 *
 * Owns: turning `call(op, input)` into the request the route table names, and a non-2xx reply
 * back into an AdminApiError with the server's reason and message.
 * Invariants: same input and output shapes as `runOp` on a local exchange.
 */
import { AdminApiError } from './errors.js';
import type { AdminOp, Input } from './ops.js';
import { ADMIN_PREFIX, pathParams, routeOf } from './routes.js';

export interface AdminClient {
  call(op: AdminOp, input?: Input): Promise<unknown>;
  close(): Promise<void>;
}

export class HttpAdminClient implements AdminClient {
  private readonly base: string;

  /** `url`: the exchange's base URL (http://host:port) or its admin URL (…/admin) */
  constructor(url: string, private readonly token: string) {
    this.base = url.replace(/\/+$/, '').replace(/\/admin$/, '');
  }

  async call(op: AdminOp, input: Input = {}): Promise<unknown> {
    const route = routeOf(op);
    const rest: Input = { ...input };
    let path = ADMIN_PREFIX + route.path;
    for (const p of pathParams(route.path)) {
      const v = rest[p];
      if (typeof v !== 'string' || v === '') throw new AdminApiError(400, 'InvalidRequest', `${p} is required`);
      path = path.replace(`:${p}`, encodeURIComponent(v));
      delete rest[p];
    }
    let url = this.base + path;
    const init: RequestInit = { method: route.method, headers: { authorization: `Bearer ${this.token}` } };
    if (route.method === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) q.set(k, String(v));
      if ([...q].length > 0) url += `?${q}`;
    } else {
      init.body = JSON.stringify(rest);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new AdminApiError(503, 'Unreachable', `cannot reach the exchange at ${this.base} (${cause})`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new AdminApiError(res.status, 'InvalidResponse', `not JSON from ${url}: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const e = json as { reason?: unknown; message?: unknown };
      throw new AdminApiError(res.status, typeof e.reason === 'string' ? e.reason : 'HttpError', typeof e.message === 'string' ? e.message : `HTTP ${res.status}`);
    }
    return json;
  }

  async close(): Promise<void> {}
}
