/**
 * Admin API errors: one shape for every admin failure, rendered as Gemini renders errors,
 * `{"result":"error","reason":"…","message":"…"}` with an HTTP status.
 *
 * Owns: turning whatever an admin operation throws (an engine rejection code carried by the
 * exchange's AdminError, a bad input, a clock that cannot move) into that shape.
 * Invariants: engine rejections render from the one rejection catalogue (its Gemini `reason`,
 * status and message), never from text of our own; anything unexpected is a 500 `InternalError`.
 */
import { AdminError } from '../../app/exchange.js';
import { CATALOGUE, type RejectionCode } from '../../engine/rejections.js';

export interface ErrorBody {
  result: 'error';
  reason: string;
  message: string;
}

export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { result: 'error', reason: this.reason, message: this.message };
  }
}

export function badRequest(message: string, reason = 'InvalidRequest'): AdminApiError {
  return new AdminApiError(400, reason, message);
}

function isRejectionCode(s: string): s is RejectionCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, s);
}

/** an error from the engine's rejection catalogue, with optional detail after its message */
export function fromRejection(code: RejectionCode, detail?: string): AdminApiError {
  const e = CATALOGUE[code];
  return new AdminApiError(e.status, e.reason, detail === undefined ? e.message : `${e.message}: ${detail}`);
}

/** whatever an admin operation threw, as an AdminApiError */
export function toAdminApiError(err: unknown): AdminApiError {
  if (err instanceof AdminApiError) return err;
  if (err instanceof AdminError) {
    return isRejectionCode(err.reason) ? fromRejection(err.reason) : new AdminApiError(400, err.reason, err.message);
  }
  const e = err as { statusCode?: unknown; message?: unknown; code?: unknown };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own client errors: bad JSON, body too large, unsupported media type
    return new AdminApiError(e.statusCode, 'InvalidRequest', String(e.message ?? 'bad request'));
  }
  return new AdminApiError(500, 'InternalError', err instanceof Error ? err.message : String(err));
}
