/**
 * REST errors: the adapter-side catalogue (authentication, routing and request-shape reasons) and
 * the one way any error leaves this adapter: `{"result":"error","reason":...,"message":...}` with
 * the catalogue's HTTP status.
 *
 * Owns: reasons the engine never produces (missing headers, bad signature, nonce, roles, account
 * selection, malformed parameters). Engine rejections are rendered from the engine's CATALOGUE
 * (src/engine/rejections.ts) through `fromRejection`; both catalogues share one entry shape.
 * Invariants: every error body has exactly the three fields; a status comes only from a
 * catalogue entry; messages are our own words; nothing internal (stack, SQL, paths) is ever sent.
 * Statuses: Gemini's error-code page puts bad authentication headers under 400 (the OpenAPI files
 * show 401 for them; see docs/rest.md for why we follow the error-code page), missing role 403,
 * unknown endpoint 404.
 */
import type { FastifyReply } from 'fastify';
import { CATALOGUE, renderMessage, type CatalogueEntry, type Rejection } from '../../engine/rejections.js';

export const REST_CATALOGUE = {
  MissingApikeyHeader: { reason: 'MissingApikeyHeader', status: 400, message: "The 'X-GEMINI-APIKEY' header is required" },
  MissingPayloadHeader: { reason: 'MissingPayloadHeader', status: 400, message: "The 'X-GEMINI-PAYLOAD' header is required" },
  MissingSignatureHeader: { reason: 'MissingSignatureHeader', status: 400, message: "The 'X-GEMINI-SIGNATURE' header is required" },
  InvalidSignature: { reason: 'InvalidSignature', status: 400, message: 'The signature does not match this request' },
  InvalidJson: { reason: 'InvalidJson', status: 400, message: 'The payload is not a base64-encoded JSON object' },
  BadBody: { reason: 'InvalidJson', status: 400, message: 'The request body could not be read' },
  EndpointNotFound: { reason: 'EndpointNotFound', status: 404, message: 'No such API endpoint' },
  NoEndpointInPayload: { reason: 'EndpointNotFound', status: 404, message: "The payload has no 'request' field naming the endpoint" },
  EndpointMismatch: { reason: 'EndpointMismatch', status: 400, message: "The payload's 'request' does not match the request path" },
  MissingNonce: { reason: 'MissingNonce', status: 400, message: "The payload needs a 'nonce' that increases with every request" },
  InvalidNonce: { reason: 'InvalidNonce', status: 400, message: 'Invalid nonce' },
  MissingRole: { reason: 'MissingRole', status: 403, message: 'The API key does not have a role this endpoint requires' },
  MissingAccounts: { reason: 'MissingAccounts', status: 400, message: "A master API key must name the account in the payload's 'account' field" },
  InvalidAccountName: { reason: 'InvalidAccountName', status: 400, message: 'No such account' },
  ForeignAccount: { reason: 'InvalidAccountName', status: 400, message: 'This API key cannot act for that account' },
  MissingOrderField: { reason: 'MissingOrderField', status: 400, message: "The payload needs an 'order_id'" },
  InvalidTimestampInPayload: { reason: 'InvalidTimestampInPayload', status: 400, message: "The 'timestamp' must be seconds or milliseconds since the epoch" },
  InvalidParameter: { reason: 'InvalidParameter', status: 400, message: 'Invalid parameter' },
  System: { reason: 'System', status: 500, message: 'The exchange could not complete this request' },
} as const satisfies Record<string, CatalogueEntry>;

export type RestErrorCode = keyof typeof REST_CATALOGUE;

/** An error to send back to the client; thrown by handlers, rendered by the plugin's error handler. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly entry: CatalogueEntry,
    message: string = entry.message,
  ) {
    super(message);
  }
}

function withDetail(base: string, detail: string | undefined): string {
  return detail === undefined ? base : `${base}: ${detail}`;
}

export function restError(code: RestErrorCode, detail?: string): RestError {
  const entry = REST_CATALOGUE[code];
  return new RestError(entry, withDetail(entry.message, detail));
}

/** an engine rejection as a REST error (reason, status and message from the engine catalogue) */
export function fromRejection(r: Rejection): RestError {
  return new RestError(CATALOGUE[r.code], renderMessage(r));
}

export interface ErrorBody {
  result: 'error';
  reason: string;
  message: string;
}

export function errorBody(e: RestError): ErrorBody {
  return { result: 'error', reason: e.entry.reason, message: e.message };
}

export function sendError(reply: FastifyReply, e: RestError): FastifyReply {
  return reply.code(e.entry.status).type('application/json; charset=utf-8').send(errorBody(e));
}
