/**
 * One connection of the current WebSocket API: request frames in, replies and stream frames out.
 *
 * Owns: the envelope `{id, method, params}` -> `{id, status, result}` | `{id, status, error}`
 * (method names case-insensitive; `id` echoed as sent, null when absent or unreadable), the
 * connection's subscriptions, its bounded outbox, and what happens when it closes (leave every
 * stream; with cancelOnDisconnect, cancel the key's session orders).
 * Invariants:
 * - a bad frame (not JSON, not an object, no method, unknown method, bad params, too large) gets
 *   an error reply; nothing a client sends can throw out of the message handler;
 * - every frame goes through the outbox (slow consumers are disconnected, never skipped);
 * - frames for one stream reach the client in feed order; stream frames published by a command
 *   are sent before the reply to the request that submitted it (the feed publishes at commit,
 *   the reply follows the durable acknowledgement);
 * - every request frame on an authenticated connection touches the key (require-heartbeat).
 */
import type WebSocket from 'ws';
import type { Exchange } from '../../../app/exchange.js';
import type { ApiKey } from '../../../app/keys.js';
import type { Rejection } from '../../../engine/rejections.js';
import { CATALOGUE } from '../../../engine/rejections.js';
import { Outbox, type Feed } from '../feed/index.js';
import { errorReply, fromRejection, WsError, wsError } from './errors.js';
import { depthResult, depthUpdateFrame, rejectedOrderFrame } from './frames.js';
import { cancelAll, cancelOrder, cancelSession, objectParams, placeOrder, type Trader } from './orders.js';
import { CURRENT_API_SETTINGS, RATE_LIMITS } from './settings.js';
import { parseStream, type SharedStream, type StreamHub, type Subscriber } from './streams.js';

export interface ConnectionOptions {
  /** differential depth snapshot on subscribe: 0 none, < 0 full book, N > 0 top N levels */
  snapshot: number;
  cancelOnDisconnect: boolean;
  /** send stream frames as {"stream": name, "data": payload} instead of the bare payload */
  wrap: boolean;
}

export interface Api {
  readonly exchange: Exchange;
  readonly feed: Feed;
  readonly hub: StreamHub;
}

let nextConnectionId = 1;

/** what a method returns when it has sent its reply itself */
const REPLIED = Symbol('replied');

export class Connection implements Subscriber {
  readonly id = nextConnectionId++;
  private readonly outbox: Outbox;
  private readonly subs = new Map<string, SharedStream>();
  private closed = false;

  constructor(
    private readonly api: Api,
    private readonly ws: WebSocket,
    readonly key: ApiKey | null,
    readonly opts: ConnectionOptions,
  ) {
    this.outbox = new Outbox(ws, CURRENT_API_SETTINGS.maxBufferedBytes);
    ws.on('message', (data: WebSocket.RawData) => this.onMessage(data));
    ws.on('close', () => this.onClose());
    ws.on('error', () => undefined); // 'close' follows
  }

  deliver(stream: string, text: string): void {
    this.outbox.send(this.opts.wrap ? `{"stream":${JSON.stringify(stream)},"data":${text}}` : text);
  }

  private reply(id: unknown, result: unknown): void {
    this.outbox.send(JSON.stringify({ id: id ?? null, status: 200, result: result ?? null }));
  }

  private fail(id: unknown, e: unknown): void {
    const err = e instanceof WsError ? e : wsError('System');
    this.outbox.send(JSON.stringify(errorReply(id, err)));
  }

  private onMessage(data: WebSocket.RawData): void {
    let id: unknown = null;
    try {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (buf.length > CURRENT_API_SETTINGS.maxMessageBytes) throw wsError('Malformed', `frames are limited to ${CURRENT_API_SETTINGS.maxMessageBytes} bytes`);
      let msg: unknown;
      try {
        msg = JSON.parse(buf.toString('utf8'));
      } catch {
        throw wsError('Malformed', 'not JSON');
      }
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw wsError('Malformed', 'a request is a JSON object');
      const req = msg as Record<string, unknown>;
      id = req['id'] ?? null;
      if (this.key !== null) this.api.exchange.touch(this.key);
      const method = req['method'];
      if (typeof method !== 'string' || method === '') throw wsError('Malformed', "'method' must be a string");
      const out = this.dispatch(id, method.toLowerCase(), req['params']);
      if (out === REPLIED) return;
      if (out instanceof Promise) {
        const rid = id;
        out.then((r) => this.reply(rid, r), (e: unknown) => this.fail(rid, e));
      } else {
        this.reply(id, out);
      }
    } catch (e) {
      this.fail(id, e);
    }
  }

  private dispatch(id: unknown, method: string, params: unknown): unknown {
    switch (method) {
      case 'ping':
        return {};
      case 'time':
        return this.api.exchange.clock.now();
      case 'conninfo':
        return this.connInfo();
      case 'subscribe':
        return this.subscribe(id, params);
      case 'unsubscribe':
        return this.unsubscribe(params);
      case 'list_subscriptions':
        return [...this.subs.keys()];
      case 'depth':
        return this.depth(params);
      case 'order.place':
        return placeOrder(this.trader(), params);
      case 'order.cancel':
        return cancelOrder(this.trader(), params);
      case 'order.cancel_all':
        return cancelAll(this.trader(), params);
      case 'order.cancel_session':
        return cancelSession(this.trader());
      default:
        throw wsError('UnknownMethod', method);
    }
  }

  private connInfo(): unknown {
    return {
      connectionId: this.id,
      authenticated: this.key !== null,
      ...(this.key !== null ? { apiKey: this.key.key, account: this.key.account, roles: this.key.roles } : {}),
      cancelOnDisconnect: this.opts.cancelOnDisconnect && this.key !== null,
      snapshot: this.opts.snapshot,
      serverTime: this.api.exchange.clock.now(),
      rateLimits: RATE_LIMITS,
    };
  }

  private trader(): Trader {
    const key = this.requireKey();
    if (!key.roles.includes('Trader')) throw this.missingRole(['Trader']);
    return { exchange: this.api.exchange, key, account: key.account!, rejected: (p, r) => this.orderRejected(p, r) };
  }

  private requireKey(): ApiKey {
    if (this.key === null) throw wsError('AuthRequired', 'open the WebSocket with signed X-GEMINI-* headers');
    return this.key;
  }

  private missingRole(roles: readonly string[]): WsError {
    return wsError('MissingRole', `needs one of [${roles.join(', ')}]; API key ${this.key!.key} has [${this.key!.roles.join(', ')}]`);
  }

  private streamNames(params: unknown, method: string): unknown[] {
    if (!Array.isArray(params)) throw wsError('InvalidParams', `${method} takes an array of stream names`);
    return params;
  }

  private subscribe(id: unknown, params: unknown): typeof REPLIED {
    const names = this.streamNames(params, 'subscribe');
    const specs = names.map((n) => parseStream(n, this.api.feed));
    for (const s of specs) {
      if (s.roles === undefined) continue;
      const key = this.requireKey();
      if (!key.roles.some((r) => s.roles!.includes(r))) throw this.missingRole(s.roles);
    }
    const fresh = specs.filter((s, i) => !this.subs.has(s.name) && specs.findIndex((x) => x.name === s.name) === i);
    if (this.subs.size + fresh.length > CURRENT_API_SETTINGS.maxStreams) throw wsError('InvalidParams', `at most ${CURRENT_API_SETTINGS.maxStreams} streams per connection`);
    // join and take snapshots in one synchronous step: nothing can be published in between
    const snapshots: [string, string][] = [];
    const owner = this.key === null ? undefined : { account: this.key.account!, session: this.key.key };
    for (const spec of fresh) {
      const stream = this.api.hub.stream(spec, spec.roles === undefined ? undefined : owner);
      stream.join(this);
      this.subs.set(spec.name, stream);
      if (spec.kind === 'diff' && this.opts.snapshot !== 0) {
        const snap = this.api.feed.snapshot(spec.symbol!, this.opts.snapshot < 0 ? 0 : this.opts.snapshot)!;
        const L = snap.lastUpdateId;
        snapshots.push([spec.name, depthUpdateFrame(snap.symbol, L, L, this.api.exchange.clock.now(), snap.bids, snap.asks)]);
      }
    }
    this.reply(id, null);
    for (const [name, frame] of snapshots) this.deliver(name, frame);
    return REPLIED;
  }

  private unsubscribe(params: unknown): null {
    const names = this.streamNames(params, 'unsubscribe');
    for (const n of names) {
      if (typeof n !== 'string') continue;
      let name: string;
      try {
        name = parseStream(n, this.api.feed).name;
      } catch {
        continue; // never subscribed
      }
      const s = this.subs.get(name);
      if (s === undefined) continue;
      this.subs.delete(name);
      s.leave(this);
    }
    return null;
  }

  private depth(params: unknown): unknown {
    const p = objectParams(params, 'depth');
    const symbol = p['symbol'];
    const { depthDefaultLimit, depthMaxLimit } = CURRENT_API_SETTINGS;
    const rawLimit = p['limit'];
    const limit = rawLimit === undefined || rawLimit === null ? depthDefaultLimit : typeof rawLimit === 'number' ? rawLimit : typeof rawLimit === 'string' && /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > depthMaxLimit) throw wsError('InvalidParams', `limit must be a whole number from 1 to ${depthMaxLimit}`);
    const snap = typeof symbol === 'string' ? this.api.feed.snapshot(symbol, limit) : undefined;
    if (snap === undefined) throw fromRejection({ code: 'InvalidSymbol', detail: String(symbol) });
    return depthResult(snap);
  }

  private orderRejected(p: Record<string, unknown>, r: Rejection): void {
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
    const frame = rejectedOrderFrame(
      { symbol: str(p['symbol']) ?? '', side: str(p['side']) ?? '', type: str(p['type']) ?? '', price: str(p['price']), quantity: str(p['quantity']), clientOrderId: str(p['clientOrderId']) },
      CATALOGUE[r.code].reason,
      this.api.exchange.clock.now(),
    );
    for (const name of ['orders@session', 'orders@account']) if (this.subs.has(name)) this.deliver(name, frame);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subs.values()) s.leave(this);
    this.subs.clear();
    if (this.opts.cancelOnDisconnect && this.key !== null) {
      this.api.exchange.submit({ type: 'CancelSessionOrders', session: this.key.key }).catch(() => undefined);
    }
  }
}
