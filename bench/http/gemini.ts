/**
 * The Pollux workload: each autocannon connection owns one API key and alternates
 *   POST /v1/order/new     a limit order that rests (buy btcusd 0.001 @ 1.00 or sell @ 1000000.00,
 *                          alternating, so nothing ever crosses), PRE-SIGNED before the clock starts;
 *   POST /v1/order/cancel  of that order — its order_id is only known from the /v1/order/new
 *                          response (Pollux numbers orders in arrival order across all
 *                          connections, and cancels only by order_id), so the cancel is signed when
 *                          autocannon builds it, right after that response; the time spent signing
 *                          is measured and reported.
 * Nonces per key are strictly increasing: the k-th order uses base+2k, its cancel base+2k+1.
 * Signing is Gemini's: X-GEMINI-PAYLOAD = base64(JSON), X-GEMINI-SIGNATURE = hex
 * HMAC-SHA384(secret, that base64 text), X-GEMINI-APIKEY = key; the body is empty.
 */
import { createHmac } from 'node:crypto';
import type { Client, Request, RequestData } from 'autocannon';

export interface BenchKey {
  key: string;
  secret: string;
  account: string;
}

export interface Signed {
  payload: string;
  signature: string;
}

export function sign(secret: string, payload: Record<string, unknown>): Signed {
  const b64 = Buffer.from(JSON.stringify(payload)).toString('base64');
  return { payload: b64, signature: createHmac('sha384', secret).update(b64).digest('hex') };
}

export const NEW_PATH = '/v1/order/new';
export const CANCEL_PATH = '/v1/order/cancel';

interface Conn {
  readonly idx: number;
  readonly k: BenchKey;
  readonly base: number;
  /** pre-signed /v1/order/new requests, the k-th with nonce base+2k */
  readonly pool: Signed[];
  /** index of the next order */
  next: number;
  /** order id of the order placed last, until its cancel is built */
  pending: string | undefined;
  lastKind: 'new' | 'cancel';
  lastPayload: string;
}

export interface Failure {
  kind: 'new' | 'cancel';
  status: number;
  body: string;
  payload: unknown;
}

export interface WorkloadStats {
  newOk: number;
  newBad: number;
  cancelOk: number;
  /** 200 to a cancel whose body did not say is_cancelled:true */
  cancelNotCancelled: number;
  cancelBad: number;
  /** cancels not sent because the order before them failed */
  cancelSkipped: number;
  /** /v1/order/new requests signed late because a connection used up its pre-signed supply */
  lateSigned: number;
  /** cancels signed at request time, and the total time spent doing it */
  cancelSigned: number;
  cancelSignNs: bigint;
  failures: Failure[];
}

function orderPayload(c: { base: number }, i: number, connIdx: number): Record<string, unknown> {
  const buy = (connIdx + i) % 2 === 0;
  return {
    request: NEW_PATH,
    nonce: c.base + 2 * i,
    symbol: 'btcusd',
    amount: '0.001',
    price: buy ? '1.00' : '1000000.00',
    side: buy ? 'buy' : 'sell',
    type: 'exchange limit',
  };
}

function headers(key: string, s: Signed): Record<string, string> {
  return {
    'Content-Type': 'text/plain',
    'Content-Length': '0',
    'Cache-Control': 'no-cache',
    'X-GEMINI-APIKEY': key,
    'X-GEMINI-PAYLOAD': s.payload,
    'X-GEMINI-SIGNATURE': s.signature,
  };
}

const MAX_FAILURES_KEPT = 20;

export class GeminiWorkload {
  readonly stats: WorkloadStats = {
    newOk: 0, newBad: 0, cancelOk: 0, cancelNotCancelled: 0, cancelBad: 0, cancelSkipped: 0,
    lateSigned: 0, cancelSigned: 0, cancelSignNs: 0n, failures: [],
  };
  private readonly conns: Conn[];
  private readonly byClient = new WeakMap<Client, Conn>();
  private created = 0;
  /** how long pre-signing took (ms) */
  readonly presignMs: number;

  /** pre-signs `perConn` orders for each key (nonces start above `nonceBase`) */
  constructor(keys: readonly BenchKey[], perConn: number, nonceBase = Date.now() * 1000) {
    const t0 = performance.now();
    this.conns = keys.map((k, idx) => {
      const c = { base: nonceBase };
      const pool: Signed[] = new Array(perConn);
      for (let i = 0; i < perConn; i++) pool[i] = sign(k.secret, orderPayload(c, i, idx));
      return { idx, k, base: nonceBase, pool, next: 0, pending: undefined, lastKind: 'new', lastPayload: '' };
    });
    this.presignMs = performance.now() - t0;
  }

  get presigned(): number {
    return this.conns.reduce((t, c) => t + c.pool.length, 0);
  }

  /** orders placed (requests built) so far, over all connections */
  get ordersBuilt(): number {
    return this.conns.reduce((t, c) => t + c.next, 0);
  }

  private fail(kind: 'new' | 'cancel', status: number, body: string, c: Conn): void {
    if (this.stats.failures.length >= MAX_FAILURES_KEPT) return;
    let payload: unknown = c.lastPayload;
    try {
      payload = JSON.parse(Buffer.from(c.lastPayload, 'base64').toString('utf8'));
    } catch {
      // keep the raw text
    }
    this.stats.failures.push({ kind, status, body: body.slice(0, 500), payload });
  }

  private requestsFor(c: Conn): Request[] {
    const st = this.stats;
    const place: Request = {
      method: 'POST',
      path: NEW_PATH,
      setupRequest: (req: RequestData): RequestData => {
        const i = c.next++;
        let s = c.pool[i];
        if (s === undefined) {
          st.lateSigned++;
          s = sign(c.k.secret, orderPayload(c, i, c.idx));
        } else {
          c.pool[i] = undefined as unknown as Signed; // let it be collected
        }
        c.lastPayload = s.payload;
        return { ...req, headers: headers(c.k.key, s) };
      },
      onResponse: (status: number, body: string): void => {
        c.lastKind = 'new';
        c.pending = undefined;
        if (status === 200) {
          let id: unknown;
          try {
            id = (JSON.parse(body) as { order_id?: unknown }).order_id;
          } catch {
            id = undefined;
          }
          if (typeof id === 'string' || typeof id === 'number') {
            c.pending = String(id);
            st.newOk++;
            return;
          }
        }
        st.newBad++;
        this.fail('new', status, body, c);
      },
    };
    const cancel: Request = {
      method: 'POST',
      path: CANCEL_PATH,
      setupRequest: (req: RequestData): RequestData | null => {
        const id = c.pending;
        if (id === undefined) {
          st.cancelSkipped++;
          return null; // autocannon moves on to the next /v1/order/new
        }
        c.pending = undefined;
        const t0 = process.hrtime.bigint();
        // the cancel of order i uses nonce base+2i+1 (i = c.next-1, the order just placed)
        const s = sign(c.k.secret, { request: CANCEL_PATH, nonce: c.base + 2 * (c.next - 1) + 1, order_id: Number(id) });
        st.cancelSignNs += process.hrtime.bigint() - t0;
        st.cancelSigned++;
        c.lastPayload = s.payload;
        return { ...req, headers: headers(c.k.key, s) };
      },
      onResponse: (status: number, body: string): void => {
        c.lastKind = 'cancel';
        if (status === 200) {
          if (body.includes('"is_cancelled":true')) st.cancelOk++;
          else {
            st.cancelNotCancelled++;
            this.fail('cancel', status, body, c);
          }
          return;
        }
        st.cancelBad++;
        this.fail('cancel', status, body, c);
      },
    };
    return [place, cancel];
  }

  /** autocannon's setupClient: the n-th client of a run gets key n (mod the key count) */
  readonly setupClient = (client: Client): void => {
    const c = this.conns[this.created++ % this.conns.length]!;
    this.byClient.set(client, c);
    client.setRequests(this.requestsFor(c));
  };

  readonly kindOf = (client: Client): string => this.byClient.get(client)?.lastKind ?? '?';

  resetStats(): void {
    Object.assign(this.stats, {
      newOk: 0, newBad: 0, cancelOk: 0, cancelNotCancelled: 0, cancelBad: 0, cancelSkipped: 0,
      lateSigned: 0, cancelSigned: 0, cancelSignNs: 0n, failures: [],
    });
  }
}
