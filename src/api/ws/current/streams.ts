/**
 * Streams of the current WebSocket API: names, and the hub that runs each stream once for all
 * connections subscribed to it.
 *
 * Names (case-insensitive on input, canonical on output):
 *   {symbol}@bookTicker            best bid/ask, on every change (real time)
 *   {symbol}@trade                 every trade (real time)
 *   {symbol}@depth[@100ms]         differential depth, changes merged over 1 s [100 ms]
 *   {symbol}@depth5|10|20[@100ms]  top N levels every 1 s [100 ms] (and once at subscribe)
 *   orders@account                 order updates of the connection's account (auth)
 *   orders@session                 order updates of orders placed with the connection's key (auth)
 *   balances@account               balances a batch changed, absolute values (auth)
 *
 * Owns the hub: one SharedStream per distinct stream (private ones per account / key), holding
 * one feed subscription or timer and the set of subscribed connections; a payload is rendered
 * once and handed to every subscriber. A stream starts with its first subscriber and stops with
 * its last.
 * Invariants (differential depth): a stream's frames chain (U = previous u + 1); before a
 * connection joins, the stream flushes what it has merged so far, so the joiner's first frame
 * (or the snapshot it takes in the same synchronous step) continues exactly at the feed's last
 * update id — no gap, no overlap on any connection.
 */
import type { Clock } from '../../../app/clock.js';
import type { Role } from '../../../app/keys.js';
import type { BookDiff, BookLevel, Feed, Unsubscribe } from '../feed/index.js';
import { fromRejection, wsError } from './errors.js';
import { balanceFrame, bookTickerFrame, depthUpdateFrame, orderUpdateFrame, partialDepthFrame, tradeFrame } from './frames.js';
import { CURRENT_API_SETTINGS } from './settings.js';

export type StreamKind = 'bookTicker' | 'trade' | 'diff' | 'partial' | 'ordersAccount' | 'ordersSession' | 'balances';

export interface StreamSpec {
  /** canonical name, as list_subscriptions shows it */
  readonly name: string;
  readonly kind: StreamKind;
  readonly symbol?: string;
  readonly levels?: number;
  readonly fast?: boolean;
  /** roles that may subscribe; undefined = public */
  readonly roles?: readonly Role[];
}

const ORDER_READERS: readonly Role[] = ['Trader', 'Auditor'];
const BALANCE_READERS: readonly Role[] = ['Trader', 'FundManager', 'Auditor'];

/** parse a stream name; throws WsError (-1013) for names or symbols we do not serve */
export function parseStream(raw: unknown, feed: Feed): StreamSpec {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 100) throw wsError('InvalidParams', 'stream names are non-empty strings');
  const name = raw.trim().toLowerCase();
  switch (name) {
    case 'orders@account':
      return { name, kind: 'ordersAccount', roles: ORDER_READERS };
    case 'orders@session':
      return { name, kind: 'ordersSession', roles: ORDER_READERS };
    case 'balances@account':
      return { name, kind: 'balances', roles: BALANCE_READERS };
    default:
      break;
  }
  const m = /^([a-z0-9]+)@(bookticker|trade|depth(5|10|20)?(@100ms)?)$/.exec(name);
  if (m === null) throw wsError('InvalidParams', `unknown stream '${raw}'`);
  const symbol = m[1]!;
  if (feed.market(symbol) === undefined) throw fromRejection({ code: 'InvalidSymbol', detail: `${symbol} in stream '${raw}'` });
  if (m[2] === 'bookticker') return { name: `${symbol}@bookTicker`, kind: 'bookTicker', symbol };
  if (m[2] === 'trade') return { name: `${symbol}@trade`, kind: 'trade', symbol };
  const fast = m[4] !== undefined;
  if (m[3] === undefined) return { name: `${symbol}@depth${fast ? '@100ms' : ''}`, kind: 'diff', symbol, fast };
  return { name: `${symbol}@depth${m[3]}${fast ? '@100ms' : ''}`, kind: 'partial', symbol, levels: Number(m[3]), fast };
}

export interface Subscriber {
  deliver(stream: string, text: string): void;
}

/** who a private stream is for */
export interface Owner {
  account: string;
  session: string;
}

/** one running stream and its subscribers */
export class SharedStream {
  readonly subs = new Set<Subscriber>();
  private stop: Unsubscribe | undefined;
  /** called before a subscriber joins (diff streams flush their merged changes) */
  beforeJoin: (() => void) | undefined;
  /** called after a subscriber joined (partial depth sends it a first frame) */
  afterJoin: ((s: Subscriber) => void) | undefined;
  /** called when the last subscriber left (the hub forgets the stream) */
  onEmpty: (() => void) | undefined;

  constructor(
    readonly spec: StreamSpec,
    private readonly start: (s: SharedStream) => Unsubscribe,
  ) {}

  emit(text: string): void {
    for (const s of this.subs) s.deliver(this.spec.name, text);
  }

  join(s: Subscriber): void {
    if (this.subs.has(s)) return;
    this.beforeJoin?.();
    this.subs.add(s);
    if (this.stop === undefined) this.stop = this.start(this);
    this.afterJoin?.(s);
  }

  /** true when the stream has no subscribers left (and stopped) */
  leave(s: Subscriber): boolean {
    this.subs.delete(s);
    if (this.subs.size > 0) return false;
    this.stop?.();
    this.stop = undefined;
    this.onEmpty?.();
    return true;
  }
}

export class StreamHub {
  private readonly streams = new Map<string, SharedStream>();

  constructor(
    readonly feed: Feed,
    readonly clock: Clock,
  ) {}

  /** the shared stream for a spec (and owner, for private streams); created when absent */
  stream(spec: StreamSpec, owner: Owner | undefined): SharedStream {
    const key = spec.kind === 'ordersSession' ? `${spec.name}#${owner!.session}` : spec.roles !== undefined ? `${spec.name}#${owner!.account}` : spec.name;
    let s = this.streams.get(key);
    if (s === undefined) {
      const created = (s = this.create(spec, owner));
      created.onEmpty = () => {
        if (this.streams.get(key) === created) this.streams.delete(key);
      };
      this.streams.set(key, created);
    }
    return s;
  }

  /** number of running streams (tests, diagnostics) */
  get size(): number {
    return this.streams.size;
  }

  close(): void {
    for (const s of [...this.streams.values()]) for (const sub of [...s.subs]) s.leave(sub);
    this.streams.clear();
  }

  private create(spec: StreamSpec, owner: Owner | undefined): SharedStream {
    const feed = this.feed;
    const symbol = spec.symbol ?? '';
    const interval = () => (spec.fast === true ? CURRENT_API_SETTINGS.fastIntervalMs : CURRENT_API_SETTINGS.slowIntervalMs);
    switch (spec.kind) {
      case 'bookTicker':
        return new SharedStream(spec, (s) => feed.onTop(symbol, (t) => s.emit(bookTickerFrame(t, t.time))));
      case 'trade':
        return new SharedStream(spec, (s) =>
          feed.onTrades(symbol, (ts) => {
            for (const t of ts) s.emit(tradeFrame(t));
          }),
        );
      case 'ordersAccount':
      case 'ordersSession': {
        const on = spec.kind === 'ordersAccount' ? feed.onAccountOrders.bind(feed, owner!.account) : feed.onSessionOrders.bind(feed, owner!.session);
        return new SharedStream(spec, (s) =>
          on((us) => {
            for (const u of us) {
              const f = orderUpdateFrame(u);
              if (f !== undefined) s.emit(f);
            }
          }),
        );
      }
      case 'balances':
        return new SharedStream(spec, (s) => feed.onBalances(owner!.account, (b) => s.emit(balanceFrame(b))));
      case 'partial': {
        const levels = spec.levels!;
        const frame = () => partialDepthFrame(feed.snapshot(symbol, levels)!, this.clock.now());
        const s = new SharedStream(spec, (st) => {
          const t = setInterval(() => st.emit(frame()), interval());
          t.unref();
          return () => clearInterval(t);
        });
        s.afterJoin = (sub) => sub.deliver(spec.name, frame());
        return s;
      }
      case 'diff': {
        const merged = new DiffMerger(symbol);
        const s = new SharedStream(spec, (st) => {
          const off = feed.onBook(symbol, (d) => merged.add(d));
          const t = setInterval(() => {
            const f = merged.take();
            if (f !== undefined) st.emit(f);
          }, interval());
          t.unref();
          return () => {
            off();
            clearInterval(t);
            merged.take();
          };
        });
        s.beforeJoin = () => {
          const f = merged.take();
          if (f !== undefined) s.emit(f);
        };
        return s;
      }
      default: {
        const _exhaustive: never = spec.kind;
        return _exhaustive;
      }
    }
  }
}

/** merges consecutive diffs of one symbol: latest absolute amount per level wins */
class DiffMerger {
  private U = 0;
  private u = 0;
  private time = 0;
  private readonly bids = new Map<number, BookLevel>();
  private readonly asks = new Map<number, BookLevel>();

  constructor(private readonly symbol: string) {}

  add(d: BookDiff): void {
    if (this.U === 0) this.U = d.U;
    this.u = d.u;
    this.time = d.time;
    for (const c of d.bids) this.bids.set(c.price, c);
    for (const c of d.asks) this.asks.set(c.price, c);
  }

  /** the merged frame (and reset), or undefined when nothing changed */
  take(): string | undefined {
    if (this.U === 0) return undefined;
    const bids = [...this.bids.values()].sort((a, b) => b.price - a.price);
    const asks = [...this.asks.values()].sort((a, b) => a.price - b.price);
    const f = depthUpdateFrame(this.symbol, this.U, this.u, this.time, bids, asks);
    this.U = 0;
    this.bids.clear();
    this.asks.clear();
    return f;
  }
}
