/**
 * The feed: one per exchange, shared by every WebSocket API. It listens to committed batches
 * (journal commit listener), digests each batch once (digest.ts) and fans the pieces out to
 * subscribers by topic; it also answers book snapshots consistent with the update ids.
 *
 * Topics (one listener call per batch and topic, only when the batch has something for it):
 *   onBook(symbol)            BookDiff          changed levels, U/u update ids
 *   onTop(symbol)             TopOfBook         best bid/ask changed
 *   onTrades(symbol)          TradeTick[]       in engine order
 *   onAccountOrders(account)  OrderUpdate[]     every order of the account, engine order
 *   onSessionOrders(session)  OrderUpdate[]     orders placed with that API key
 *   onBalances(account)       BalanceUpdate     touched currencies, absolute values
 *   onBatch()                 BatchDigest       everything (multi-symbol feeds)
 * Within a batch listeners run in that order (books, tops, trades, orders, balances, batch).
 *
 * Invariants:
 * - only committed (durable) batches are published, in seq order, each exactly once;
 * - a listener added now sees every batch committed after this moment and none before; a
 *   snapshot taken now (`snapshot`) has lastUpdateId L and the next diff of that symbol has
 *   U = L + 1 — so "subscribe, then snapshot, in the same synchronous step" never misses or
 *   repeats a change;
 * - snapshots reflect committed state only: while the engine holds commands whose batch is not
 *   yet durable (between `submit` and the flush), they are built from the feed's level mirror
 *   (O(levels log levels)); otherwise from the engine's book (O(limit));
 * - a listener that throws is reported and does not stop the others;
 * - subscribers never get their own copy of a book.
 * Symbols are lower case ("btcusd"); unknown symbols have no snapshot (undefined).
 */
import type { Exchange } from '../../../app/exchange.js';
import type { Market } from '../../../domain/symbols.js';
import type { Engine } from '../../../engine/engine.js';
import { Digester, type CommittedBatchEntry } from './digest.js';
import type { BalanceUpdate, BatchDigest, BookDiff, BookSnapshot, OrderUpdate, TopOfBook, TradeTick } from './types.js';

export type Unsubscribe = () => void;
type Listener<T> = (value: T) => void;

class Topics<T> {
  private readonly map = new Map<string, Set<Listener<T>>>();

  add(key: string, fn: Listener<T>): Unsubscribe {
    let set = this.map.get(key);
    if (set === undefined) this.map.set(key, (set = new Set()));
    set.add(fn);
    return () => {
      const s = this.map.get(key);
      if (s === undefined) return;
      s.delete(fn);
      if (s.size === 0) this.map.delete(key);
    };
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }

  emit(key: string, value: T, onError: (e: unknown) => void): void {
    const set = this.map.get(key);
    if (set === undefined) return;
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (e) {
        onError(e);
      }
    }
  }
}

/** what the feed needs of an exchange (an `Exchange` is one; tests drive a fake journal) */
export interface FeedSource {
  readonly engine: Engine;
  readonly store: {
    /** seq of the last command the engine applied (committed or not) */
    readonly sequencer: { readonly lastSeq: number };
    readonly journal: { onCommitted(fn: (batch: readonly CommittedBatchEntry[]) => void): () => void };
  };
}

export interface FeedOptions {
  /** where listener errors go (default console.error) */
  onListenerError?: (e: unknown) => void;
}

export class Feed {
  private readonly digester: Digester;
  private readonly books = new Topics<BookDiff>();
  private readonly tops = new Topics<TopOfBook>();
  private readonly trades = new Topics<readonly TradeTick[]>();
  private readonly accountOrders = new Topics<readonly OrderUpdate[]>();
  private readonly sessionOrders = new Topics<readonly OrderUpdate[]>();
  private readonly balances = new Topics<BalanceUpdate>();
  private readonly batches = new Topics<BatchDigest>();
  private readonly detachJournal: () => void;
  private readonly onError: (e: unknown) => void;
  /** seq of the last batch published (the committed state the mirror holds) */
  private committedSeq: number;

  /**
   * Attach to `exchange`. Do it when no command is in flight (at server start); see
   * `feedOf` for the shared instance.
   */
  constructor(
    readonly source: FeedSource,
    opts: FeedOptions = {},
  ) {
    this.onError = opts.onListenerError ?? ((e) => console.error('pollux: feed listener failed:', e));
    this.committedSeq = source.store.sequencer.lastSeq;
    this.digester = new Digester(source.engine, this.committedSeq);
    this.detachJournal = source.store.journal.onCommitted((batch) => this.publish(batch));
  }

  /** stop listening to the journal (subscribers get nothing more) */
  detach(): void {
    this.detachJournal();
  }

  // ---- subscriptions ----

  onBook(symbol: string, fn: Listener<BookDiff>): Unsubscribe {
    return this.books.add(symbol.toLowerCase(), fn);
  }

  onTop(symbol: string, fn: Listener<TopOfBook>): Unsubscribe {
    return this.tops.add(symbol.toLowerCase(), fn);
  }

  onTrades(symbol: string, fn: Listener<readonly TradeTick[]>): Unsubscribe {
    return this.trades.add(symbol.toLowerCase(), fn);
  }

  onAccountOrders(account: string, fn: Listener<readonly OrderUpdate[]>): Unsubscribe {
    return this.accountOrders.add(account, fn);
  }

  /** orders placed with API key `session` (in any account) */
  onSessionOrders(session: string, fn: Listener<readonly OrderUpdate[]>): Unsubscribe {
    return this.sessionOrders.add(session, fn);
  }

  onBalances(account: string, fn: Listener<BalanceUpdate>): Unsubscribe {
    return this.balances.add(account, fn);
  }

  onBatch(fn: Listener<BatchDigest>): Unsubscribe {
    return this.batches.add('', fn);
  }

  // ---- reads ----

  /** the market of a symbol (any case), undefined when not listed */
  market(symbol: string): Market | undefined {
    return this.digester.market(symbol.toLowerCase());
  }

  symbols(): string[] {
    return [...this.digester.symbols()];
  }

  /** true when the engine holds no command whose batch is not yet published */
  get consistent(): boolean {
    return this.source.store.sequencer.lastSeq === this.committedSeq;
  }

  /** the last published update id of a symbol's book */
  lastUpdateId(symbol: string): number | undefined {
    return this.digester.lastUpdateId(symbol.toLowerCase());
  }

  /** the book at the last published update id, best first; `limit` <= 0: every level */
  snapshot(symbol: string, limit: number): BookSnapshot | undefined {
    const s = symbol.toLowerCase();
    const market = this.digester.market(s);
    if (market === undefined) return undefined;
    const depth = this.consistent ? this.digester.engineDepth.bind(this.digester) : this.digester.mirrorDepth.bind(this.digester);
    return { symbol: s, market, lastUpdateId: this.digester.lastUpdateId(s)!, bids: depth(s, 'buy', limit), asks: depth(s, 'sell', limit) };
  }

  /** the last published best bid/ask */
  top(symbol: string): TopOfBook | undefined {
    return this.digester.top(symbol.toLowerCase());
  }

  // ---- publishing ----

  private publish(batch: readonly CommittedBatchEntry[]): void {
    if (batch.length === 0) return;
    const d = this.digester.digest(batch);
    this.committedSeq = d.lastSeq;
    const err = this.onError;
    for (const b of d.books) this.books.emit(b.symbol, b, err);
    for (const t of d.tops) this.tops.emit(t.symbol, t, err);
    if (d.trades.length > 0 && this.trades.size > 0) {
      for (const [symbol, list] of groupBy(d.trades, (t) => t.symbol)) this.trades.emit(symbol, list, err);
    }
    if (d.orders.length > 0) {
      if (this.accountOrders.size > 0) for (const [a, list] of groupBy(d.orders, (u) => u.order.account)) this.accountOrders.emit(a, list, err);
      if (this.sessionOrders.size > 0) for (const [s, list] of groupBy(d.orders, (u) => u.order.session)) this.sessionOrders.emit(s, list, err);
    }
    for (const b of d.balances) this.balances.emit(b.account, b, err);
    this.batches.emit('', d, err);
  }
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list === undefined) m.set(k, [x]);
    else list.push(x);
  }
  return m;
}

const feeds = new WeakMap<Exchange, Feed>();

/**
 * The exchange's one feed, created (and attached to its journal) on first use. The WebSocket
 * router's `init` hooks call this at server start, before any client can submit.
 */
export function feedOf(exchange: Exchange): Feed {
  let f = feeds.get(exchange);
  if (f === undefined) feeds.set(exchange, (f = new Feed(exchange)));
  return f;
}
