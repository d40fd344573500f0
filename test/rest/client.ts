/**
 * A minimal Gemini private-API client for tests: signs payloads exactly as Gemini documents
 * (X-GEMINI-PAYLOAD = base64(JSON), X-GEMINI-SIGNATURE = hex HMAC-SHA384 of that base64 text keyed
 * with the secret) and posts them with real HTTP (fetch). Every knob a test needs to break a
 * request on purpose is an option.
 */
import { createHmac } from 'node:crypto';

export function signPayload(secret: string, payloadB64: string): string {
  return createHmac('sha384', secret).update(payloadB64).digest('hex');
}

export function encodePayload(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64');
}

/** nonces shared by every client in a process: always increasing, millisecond-sized */
let lastNonce = 1_700_000_000_000;
export function nextNonce(): number {
  return ++lastNonce;
}

export type BodyMode = 'none' | 'empty' | 'object' | 'copy';

export interface PostOptions {
  /** body: none (no body), empty (""), object ("{}"), copy (JSON of the payload); default none */
  body?: BodyMode;
  /** Content-Type header; null sends none; default text/plain */
  contentType?: string | null;
  /** nonce to put in the payload (default: nextNonce() as a string); null leaves it out */
  nonce?: unknown;
  /** the payload's `request` (default: the path); null leaves it out */
  request?: string | null;
  /** replace the base64 payload text (the signature is computed over it unless `signature` is set) */
  payloadText?: string;
  signature?: string;
  /** drop or replace headers */
  headers?: Record<string, string | null>;
  /** sign with another secret */
  secret?: string;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
  contentType: string | null;
}

export class GeminiClient {
  constructor(
    readonly base: string,
    readonly key: string,
    readonly secret: string,
  ) {}

  async post(path: string, params: Record<string, unknown> = {}, o: PostOptions = {}): Promise<Reply> {
    const payload: Record<string, unknown> = {};
    if (o.request !== null) payload['request'] = o.request ?? path;
    if (o.nonce !== null) payload['nonce'] = o.nonce === undefined ? String(nextNonce()) : o.nonce;
    Object.assign(payload, params);
    const payloadText = o.payloadText ?? encodePayload(payload);
    const headers: Record<string, string> = {
      'X-GEMINI-APIKEY': this.key,
      'X-GEMINI-PAYLOAD': payloadText,
      'X-GEMINI-SIGNATURE': o.signature ?? signPayload(o.secret ?? this.secret, payloadText),
      'Cache-Control': 'no-cache',
    };
    if (o.contentType !== null) headers['Content-Type'] = o.contentType ?? 'text/plain';
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      const existing = Object.keys(headers).find((h) => h.toLowerCase() === k.toLowerCase());
      if (existing !== undefined) delete headers[existing];
      if (v !== null) headers[k] = v;
    }
    const mode = o.body ?? 'none';
    const body = mode === 'none' ? undefined : mode === 'empty' ? '' : mode === 'object' ? '{}' : JSON.stringify(payload);
    return request(this.base + path, { method: 'POST', headers, body });
  }
}

export async function request(url: string, init: RequestInit): Promise<Reply> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, body, text, contentType: r.headers.get('content-type') };
}
