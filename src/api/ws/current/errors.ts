/**
 * Errors of the current WebSocket API: `{id, status, error: {code, msg, reason?}}`.
 *
 * Owns the adapter's error codes (Gemini documents only -1002 and shows -1013 and -2010 in
 * client code; the rest are ours, in the same style) and the rendering of engine rejections,
 * which come from the ONE catalogue (src/engine/rejections.ts): its HTTP status becomes `status`,
 * its Gemini reason `error.reason`, its message `error.msg`.
 * Invariants: every reply for a failed request has exactly one `error`; nothing internal (stack,
 * SQL) is ever sent.
 */
import { CATALOGUE, renderMessage, type Rejection } from '../../../engine/rejections.js';

export const WS_ERRORS = {
  System: { status: 500, code: -1000, msg: 'The exchange could not complete this request' },
  AuthRequired: { status: 401, code: -1002, msg: 'Authentication required' },
  MissingRole: { status: 403, code: -1003, msg: 'The API key does not have a role this request needs' },
  InvalidParams: { status: 400, code: -1013, msg: 'Invalid parameters' },
  UnknownMethod: { status: 400, code: -1020, msg: 'Unknown method' },
  Malformed: { status: 400, code: -1100, msg: 'Malformed request' },
} as const;

export type WsErrorCode = keyof typeof WS_ERRORS;

/** order.place refused by the engine */
export const ORDER_REJECTED_CODE = -2010;
/** order.cancel* refused by the engine */
export const CANCEL_REJECTED_CODE = -2011;

export class WsError extends Error {
  override name = 'WsError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function wsError(code: WsErrorCode, detail?: string): WsError {
  const e = WS_ERRORS[code];
  return new WsError(e.status, e.code, detail === undefined ? e.msg : `${e.msg}: ${detail}`);
}

/** an engine rejection, rendered from the catalogue */
export function fromRejection(r: Rejection, code: number = WS_ERRORS.InvalidParams.code): WsError {
  const entry = CATALOGUE[r.code];
  return new WsError(entry.status, code, renderMessage(r), entry.reason);
}

export interface ErrorReply {
  id: unknown;
  status: number;
  error: { code: number; msg: string; reason?: string };
}

export function errorReply(id: unknown, e: WsError): ErrorReply {
  const error: ErrorReply['error'] = { code: e.code, msg: e.message };
  if (e.reason !== undefined) error.reason = e.reason;
  return { id: id ?? null, status: e.status, error };
}
