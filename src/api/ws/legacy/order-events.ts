/**
 * /v1/order/events: Gemini's legacy private order-event stream (ccxt pro watchOrders,
 * gemini-node-api connectOrders).
 *
 * Upgrade authentication is REST's (src/api/rest/auth.ts, one implementation): X-GEMINI-APIKEY,
 * X-GEMINI-PAYLOAD = base64 {"request":"/v1/order/events","nonce":..}, X-GEMINI-SIGNATURE; then
 * the key is touched (require-heartbeat), needs Trader or Auditor, and the account is chosen as
 * on REST except that a master key without `account` follows every account. A refusal is the
 * HTTP status and JSON REST would answer, before the upgrade.
 * Query: `symbolFilter`, `apiSessionFilter`, `eventTypeFilter` (repeatable, or comma lists; empty
 * = everything; an unlisted symbol -> 400 InvalidSymbol, an unknown event type -> 400
 * InvalidParameter), `heartbeat` (default true; `false` turns heartbeats off).
 * Messages, all with `socket_sequence` (0, 1, ... per connection, no gaps):
 * `subscription_ack` (accountId, subscriptionId "orderevents-websocket-<trace id>", the filters as
 * parsed); the open orders as `initial` events (one JSON array, chunked by INITIAL_CHUNK) unless
 * eventTypeFilter leaves `initial` out; then one JSON array per committed batch with that
 * batch's events for this connection, in engine order; `heartbeat` objects every 5 s, never
 * batched with events. Client frames get an error reply.
 * Not produced: `rejected` and `cancel_rejected` (a refused command changes nothing and is not
 * journaled, so the committed stream this is built on never holds one; the REST reply carries the
 * reason). Filters still accept those names.
 * accountId: the account's position in the account directory (1 = first created); 0 for a master
 * key following every account. Gemini's ids are opaque numbers; clients only echo them.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Exchange } from '../../../app/exchange.js';
import type { ApiKey } from '../../../app/keys.js';
import { authenticate, requireRole, resolveAccount } from '../../rest/auth.js';
import { fromRejection, RestError, restError } from '../../rest/errors.js';
import type { UpgradeRoute, WsContext } from '../route.js';
import type { LegacyConn } from './conn.js';
import {
  heartbeatJson, isOrderEventType, orderEventJson, subscriptionAck, type AckFilters, type OrderEventType, type OrderStep,
} from './order-event-json.js';
import { legacyState, type LegacyState } from './state.js';
import { acceptUpgrade, flag, list, refuseUpgrade } from './upgrade.js';

export const ORDER_EVENTS_PATH = '/v1/order/events';
/** most `initial` events in one message */
export const INITIAL_CHUNK = 500;
const ROLES = ['Trader', 'Auditor'] as const;

interface Filters {
  symbols: Set<string> | undefined;
  sessions: Set<string> | undefined;
  types: Set<string> | undefined;
  heartbeat: boolean;
  ack: AckFilters;
}

function filtersOf(exchange: Exchange, url: URL): Filters {
  const symbols = list(url, 'symbolFilter').map((s) => s.toLowerCase());
  for (const s of symbols) {
    if (exchange.engine.market(s) === undefined) throw fromRejection({ code: 'InvalidSymbol', detail: `'${s.slice(0, 40)}' in symbolFilter` });
  }
  const sessions = list(url, 'apiSessionFilter');
  const types = list(url, 'eventTypeFilter').map((t) => t.toLowerCase());
  for (const t of types) {
    if (!isOrderEventType(t)) throw restError('InvalidParameter', `unknown event type '${t.slice(0, 40)}' in eventTypeFilter`);
  }
  const set = (xs: string[]) => (xs.length === 0 ? undefined : new Set(xs));
  return {
    symbols: set(symbols),
    sessions: set(sessions),
    types: set(types),
    heartbeat: flag(url, 'heartbeat') !== false,
    ack: { symbolFilter: symbols, apiSessionFilter: sessions, eventTypeFilter: types },
  };
}

function accountIdOf(exchange: Exchange, account: string | undefined): number {
  if (account === undefined) return 0;
  return exchange.accounts.list().findIndex((a) => a.account === account) + 1;
}

class OrderEventsConnection {
  private beats = 0;

  constructor(
    st: LegacyState,
    private readonly conn: LegacyConn,
    account: string | undefined,
    private readonly f: Filters,
    exchange: Exchange,
  ) {
    const traceId = randomBytes(16).toString('hex');
    conn.ws.on('message', () => conn.error('InvalidRequest', 'this stream takes no messages'));
    if (!conn.sendSequenced((n) => ({ ...subscriptionAck(accountIdOf(exchange, account), `orderevents-websocket-${traceId}`, f.ack), socket_sequence: n }))) return;
    // the initial list and the live subscription, in one synchronous step (order-hub.ts)
    const open = st.orders.openOrders(account);
    const off = st.orders.add({ account, afterSeq: open.seq, deliver: (steps) => this.send(steps) });
    const offBeat = f.heartbeat
      ? st.ticker.add((now) => conn.sendSequenced((n) => heartbeatJson(now, this.beats++, traceId, n)))
      : () => undefined;
    conn.onClose(() => {
      off();
      offBeat();
    });
    if (this.wants('initial')) {
      const steps: OrderStep[] = open.orders.map(({ order, market }) => ({ type: 'initial', order, market }));
      const kept = steps.filter((s) => this.passes(s));
      for (let i = 0; i < kept.length; i += INITIAL_CHUNK) if (!this.sendArray(kept.slice(i, i + INITIAL_CHUNK))) return;
    }
  }

  private wants(type: OrderEventType): boolean {
    return this.f.types === undefined || this.f.types.has(type);
  }

  private passes(s: OrderStep): boolean {
    const { symbols, sessions } = this.f;
    return this.wants(s.type) && (symbols === undefined || symbols.has(s.order.symbol)) && (sessions === undefined || sessions.has(s.order.session));
  }

  private send(steps: readonly OrderStep[]): void {
    const kept = steps.filter((s) => this.passes(s));
    if (kept.length > 0) this.sendArray(kept);
  }

  private sendArray(steps: readonly OrderStep[]): boolean {
    return this.conn.sendSequenced((n) => steps.map((s) => ({ ...orderEventJson(s), socket_sequence: n })));
  }
}

function authorize(exchange: Exchange, req: IncomingMessage): { key: ApiKey; account: string | undefined } {
  // the request path is fixed: clients sign "/v1/order/events" whatever query they add
  const { key, payload } = authenticate(exchange, req.headers, ORDER_EVENTS_PATH);
  exchange.touch(key);
  requireRole(key, ROLES);
  const named = payload['account'];
  const all = key.scope === 'master' && (named === undefined || named === null || named === '');
  return { key, account: all ? undefined : resolveAccount(exchange, key, payload) };
}

export const ORDER_EVENTS_ROUTE: UpgradeRoute = {
  match: (pathname) => pathname === ORDER_EVENTS_PATH,
  init: (ctx) => void legacyState(ctx),
  upgrade(ctx: WsContext, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const exchange = ctx.exchange;
    let who: { key: ApiKey; account: string | undefined };
    let f: Filters;
    try {
      who = authorize(exchange, req);
      f = filtersOf(exchange, url);
    } catch (e) {
      if (e instanceof RestError) return refuseUpgrade(socket, e.entry.status, e.entry.reason, e.message);
      throw e;
    }
    const st = legacyState(ctx);
    acceptUpgrade(ctx, req, socket, head, (conn) => void new OrderEventsConnection(st, conn, who.account, f, exchange));
  },
};
