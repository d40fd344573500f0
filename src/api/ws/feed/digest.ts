/**
 * The digester: turns one committed batch into a BatchDigest (book diffs, tops, trades, order
 * updates, balance changes), once, for every subscriber of every WebSocket API.
 *
 * Owns, per symbol: the book update id counter and a mirror of the aggregated levels as last
 * published (price -> amount per side: one shared copy, never one per subscriber), and the last
 * published best bid/ask.
 *
 * How a batch's book changes are found: every event names the levels it can have touched (an
 * accepted limit order its own level, a trade the maker's level, a cancel the order's level, a
 * triggered stop its limit level); each such level's new total is read from the engine's book
 * and compared with the mirror. Only real changes are published, with their absolute amounts.
 *
 * Invariants:
 * - it runs inside the journal's commit listener, when the engine's state is exactly the state
 *   after the batch (the sequencer applies nothing between a batch's flush and its listeners);
 * - after each batch the mirror equals the engine's book, level for level (tests check this);
 * - update ids: a batch consumes one id per command that touched the symbol's book, and only
 *   when some level actually changed; so diffs chain gap-free (U = previous u + 1). The counter
 *   starts at the journal seq when the feed is attached, and grows at most one per command, so
 *   ids also keep increasing across restarts;
 * - order updates are in engine order; each carries the order's state after that step, derived
 *   from the events (and, for orders older than the batch, from the engine's post-batch state
 *   minus the batch's fills).
 * Known limits: if a commit listener registered before the feed submitted commands
 * synchronously, the engine would be ahead of the batch; nothing does that today.
 */
import type { Market } from '../../../domain/symbols.js';
import type { Engine } from '../../../engine/engine.js';
import type { Event } from '../../../engine/events.js';
import type { OrderRecord, Side } from '../../../engine/order.js';
import type { Command } from '../../../engine/commands.js';
import type { Book } from '../../../engine/book/book.js';
import { amountText, ledgerText, priceText } from '../../rest/render.js';
import type {
  BalanceChange, BalanceUpdate, BatchDigest, BookDiff, BookLevel, LevelChange, LevelReason, OrderUpdate, TopOfBook, TradeTick,
} from './types.js';

export interface CommittedBatchEntry {
  readonly cmd: Command;
  readonly events: readonly Event[];
}

interface SymbolBook {
  readonly market: Market;
  readonly book: Book;
  lastUpdateId: number;
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
  bidP: number;
  bidA: number;
  askP: number;
  askA: number;
}

/** levels a batch touched in one symbol */
interface Touched {
  readonly sb: SymbolBook;
  readonly bids: Map<number, LevelReason>;
  readonly asks: Map<number, LevelReason>;
  /** commands of the batch that touched this book */
  commands: number;
  time: number;
}

interface OrderState {
  rec: OrderRecord;
  executed: number;
  notional: bigint;
  closed: boolean;
}

export function level(price: number, amount: number, m: Market): BookLevel {
  return { price, amount, priceText: priceText(price, m), amountText: amountText(amount, m) };
}

const opposite = (s: Side): Side => (s === 'buy' ? 'sell' : 'buy');

export class Digester {
  private readonly books = new Map<string, SymbolBook>();

  constructor(
    private readonly engine: Engine,
    firstUpdateId: number,
  ) {
    for (const [symbol, ms] of engine.state.markets) {
      const sb: SymbolBook = { market: ms.market, book: ms.book, lastUpdateId: firstUpdateId, bids: new Map(), asks: new Map(), bidP: 0, bidA: 0, askP: 0, askA: 0 };
      for (const l of ms.book.depth('buy', 0)) sb.bids.set(l.price, l.amount);
      for (const l of ms.book.depth('sell', 0)) sb.asks.set(l.price, l.amount);
      this.readTop(sb);
      this.books.set(symbol, sb);
    }
  }

  symbols(): IterableIterator<string> {
    return this.books.keys();
  }

  market(symbol: string): Market | undefined {
    return this.books.get(symbol)?.market;
  }

  lastUpdateId(symbol: string): number | undefined {
    return this.books.get(symbol)?.lastUpdateId;
  }

  /** the mirror's levels, best first (limit <= 0: all) — O(levels log levels) */
  mirrorDepth(symbol: string, side: Side, limit: number): BookLevel[] {
    const sb = this.books.get(symbol);
    if (sb === undefined) return [];
    const prices = [...(side === 'buy' ? sb.bids : sb.asks).keys()].sort(side === 'buy' ? (a, b) => b - a : (a, b) => a - b);
    const m = side === 'buy' ? sb.bids : sb.asks;
    return (limit > 0 ? prices.slice(0, limit) : prices).map((p) => level(p, m.get(p)!, sb.market));
  }

  /** the engine book's levels, best first — O(limit); only valid while the engine holds no uncommitted command */
  engineDepth(symbol: string, side: Side, limit: number): BookLevel[] {
    const sb = this.books.get(symbol);
    if (sb === undefined) return [];
    return sb.book.depth(side, limit > 0 ? limit : 0).map((l) => level(l.price, l.amount, sb.market));
  }

  top(symbol: string): TopOfBook | undefined {
    const sb = this.books.get(symbol);
    return sb === undefined ? undefined : this.topOf(symbol, sb, 0);
  }

  digest(batch: readonly CommittedBatchEntry[]): BatchDigest {
    const touched = new Map<string, Touched>();
    const trades: TradeTick[] = [];
    const orders: OrderUpdate[] = [];
    const balanceTouch = new Map<string, { currencies: Set<string>; seq: number; time: number }>();
    const fills = this.batchFills(batch);
    const states = new Map<number, OrderState>();
    const engine = this.engine;

    const touchLevel = (symbol: string, side: Side, price: number, reason: LevelReason, cmd: Command, perCmd: Set<string>): void => {
      let t = touched.get(symbol);
      if (t === undefined) {
        const sb = this.books.get(symbol);
        if (sb === undefined) return;
        touched.set(symbol, (t = { sb, bids: new Map(), asks: new Map(), commands: 0, time: 0 }));
      }
      (side === 'buy' ? t.bids : t.asks).set(price, reason);
      if (!perCmd.has(symbol)) {
        perCmd.add(symbol);
        t.commands++;
      }
      t.time = cmd.time;
    };
    const touchBalance = (account: string, currency: string, cmd: Command): void => {
      let b = balanceTouch.get(account);
      if (b === undefined) balanceTouch.set(account, (b = { currencies: new Set(), seq: 0, time: 0 }));
      b.currencies.add(currency);
      b.seq = cmd.seq;
      b.time = cmd.time;
    };
    const stateOf = (id: number): OrderState | undefined => {
      let s = states.get(id);
      if (s !== undefined) return s;
      const base = fills.final.get(id) ?? engine.order(id);
      if (base === undefined) return undefined;
      const f = fills.byOrder.get(id);
      s = { rec: base, executed: base.executed - (f?.amount ?? 0), notional: base.filledNotional - (f?.notional ?? 0n), closed: false };
      states.set(id, s);
      return s;
    };
    const snapshotOf = (s: OrderState, time: number): OrderRecord => {
      const done = s.executed >= s.rec.amount;
      return { ...s.rec, executed: s.executed, filledNotional: s.notional, isLive: !done, isCancelled: false, reason: undefined, closedTime: done ? time : undefined };
    };

    for (const { cmd, events } of batch) {
      const perCmd = new Set<string>();
      /** orders that may rest at the end of this command (accepted limits, triggered stops) */
      const mayBook: number[] = [];
      for (const e of events) {
        switch (e.type) {
          case 'OrderAccepted': {
            const o = e.order;
            const m = this.books.get(o.symbol)?.market;
            if (m === undefined) break;
            if (o.kind === 'limit') {
              touchLevel(o.symbol, o.side, o.price, 'place', cmd, perCmd);
              mayBook.push(o.id);
            }
            states.set(o.id, { rec: o, executed: o.executed, notional: o.filledNotional, closed: false });
            orders.push({ type: 'accepted', seq: cmd.seq, time: cmd.time, order: o, market: m });
            touchBalance(o.account, o.side === 'buy' ? m.quote : m.base, cmd);
            break;
          }
          case 'StopTriggered': {
            const o = engine.state.orders.get(e.orderId);
            if (o !== undefined) touchLevel(o.symbol, o.side, o.price, 'place', cmd, perCmd);
            mayBook.push(e.orderId);
            break;
          }
          case 'Trade': {
            const sb = this.books.get(e.symbol);
            if (sb === undefined) break;
            const m = sb.market;
            touchLevel(e.symbol, opposite(e.takerSide), e.price, 'trade', cmd, perCmd);
            const pt = priceText(e.price, m);
            const at = amountText(e.amount, m);
            trades.push({
              symbol: e.symbol, market: m, tid: e.tid, price: e.price, amount: e.amount, priceText: pt, amountText: at,
              takerSide: e.takerSide, makerOrderId: e.makerOrderId, takerOrderId: e.takerOrderId, time: e.time, seq: cmd.seq,
            });
            for (const [id, liquidity, fee] of [[e.makerOrderId, 'Maker', e.makerFee], [e.takerOrderId, 'Taker', e.takerFee]] as const) {
              const s = stateOf(id);
              if (s === undefined) continue;
              s.executed += e.amount;
              s.notional += BigInt(e.price) * BigInt(e.amount);
              orders.push({
                type: 'fill', seq: cmd.seq, time: cmd.time, order: snapshotOf(s, e.time), market: m,
                fill: { tid: e.tid, price: e.price, amount: e.amount, priceText: pt, amountText: at, liquidity, fee, feeText: ledgerText(fee, m.priceDecimals), feeCurrency: e.feeCurrency },
              });
            }
            touchBalance(e.makerAccount, m.base, cmd);
            touchBalance(e.makerAccount, m.quote, cmd);
            touchBalance(e.takerAccount, m.base, cmd);
            touchBalance(e.takerAccount, m.quote, cmd);
            break;
          }
          case 'OrderCancelled':
          case 'OrderFilled': {
            const o = e.order;
            const m = this.books.get(o.symbol)?.market;
            if (m === undefined) break;
            if (e.type === 'OrderCancelled' && o.kind !== 'market') touchLevel(o.symbol, o.side, o.price, 'cancel', cmd, perCmd);
            const s = states.get(o.id);
            if (s !== undefined) s.closed = true;
            else states.set(o.id, { rec: o, executed: o.executed, notional: o.filledNotional, closed: true });
            orders.push(e.type === 'OrderCancelled'
              ? { type: 'cancelled', seq: cmd.seq, time: cmd.time, order: o, market: m, reason: e.reason }
              : { type: 'filled', seq: cmd.seq, time: cmd.time, order: o, market: m });
            touchBalance(o.account, o.side === 'buy' ? m.quote : m.base, cmd);
            break;
          }
          case 'FundsDeposited':
          case 'FundsWithdrawn':
            touchBalance(e.account, e.currency, cmd);
            break;
          case 'AccountCreated':
          case 'FeesChanged':
          case 'MarketStatusChanged':
            break;
          default: {
            const _exhaustive: never = e;
            void _exhaustive;
          }
        }
      }
      for (const id of mayBook) {
        const s = states.get(id) ?? stateOf(id);
        if (s === undefined || s.closed || s.executed >= s.rec.amount) continue;
        const m = this.books.get(s.rec.symbol)!.market;
        orders.push({ type: 'booked', seq: cmd.seq, time: cmd.time, order: snapshotOf(s, cmd.time), market: m });
      }
    }

    const books: BookDiff[] = [];
    const tops: TopOfBook[] = [];
    for (const [symbol, t] of touched) {
      const bids = this.changes(t.sb, 'buy', t.bids);
      const asks = this.changes(t.sb, 'sell', t.asks);
      if (bids.length === 0 && asks.length === 0) continue;
      const U = t.sb.lastUpdateId + 1;
      t.sb.lastUpdateId += t.commands;
      books.push({ symbol, market: t.sb.market, U, u: t.sb.lastUpdateId, time: t.time, bids, asks });
      if (this.readTop(t.sb)) tops.push(this.topOf(symbol, t.sb, t.time));
    }

    const balances: BalanceUpdate[] = [];
    for (const [account, b] of balanceTouch) {
      const a = engine.account(account);
      if (a === undefined) continue;
      const list: BalanceChange[] = [...b.currencies].sort().map((currency) => {
        const bal = a.balances.get(currency) ?? { total: 0n, held: 0n };
        const available = bal.total - bal.held;
        return { currency, total: bal.total, held: bal.held, available, totalText: ledgerText(bal.total), availableText: ledgerText(available) };
      });
      balances.push({ account, seq: b.seq, time: b.time, balances: list });
    }

    const first = batch[0];
    const last = batch[batch.length - 1];
    return { firstSeq: first?.cmd.seq ?? 0, lastSeq: last?.cmd.seq ?? 0, time: last?.cmd.time ?? 0, books, tops, trades, orders, balances };
  }

  /** per order: the batch's fills and, for orders that closed in it, their final record */
  private batchFills(batch: readonly CommittedBatchEntry[]) {
    const byOrder = new Map<number, { amount: number; notional: bigint }>();
    const final = new Map<number, OrderRecord>();
    const add = (id: number, amount: number, notional: bigint): void => {
      const f = byOrder.get(id);
      if (f === undefined) byOrder.set(id, { amount, notional });
      else {
        f.amount += amount;
        f.notional += notional;
      }
    };
    for (const { events } of batch) {
      for (const e of events) {
        if (e.type === 'Trade') {
          const n = BigInt(e.price) * BigInt(e.amount);
          add(e.makerOrderId, e.amount, n);
          add(e.takerOrderId, e.amount, n);
        } else if (e.type === 'OrderFilled' || e.type === 'OrderCancelled') {
          final.set(e.order.id, e.order);
        }
      }
    }
    return { byOrder, final };
  }

  /** compare touched levels with the mirror; update it; changes best first */
  private changes(sb: SymbolBook, side: Side, levels: Map<number, LevelReason>): LevelChange[] {
    if (levels.size === 0) return [];
    const mirror = side === 'buy' ? sb.bids : sb.asks;
    const out: LevelChange[] = [];
    for (const [price, reason] of levels) {
      const amount = sb.book.levelAmount(side, price);
      const prev = mirror.get(price) ?? 0;
      if (amount === prev) continue;
      if (amount === 0) mirror.delete(price);
      else mirror.set(price, amount);
      out.push({ side, price, amount, prev, reason, priceText: priceText(price, sb.market), amountText: amountText(amount, sb.market) });
    }
    out.sort(side === 'buy' ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
    return out;
  }

  /** read the best bid/ask from the engine; true when they differ from the last published */
  private readTop(sb: SymbolBook): boolean {
    const b = sb.book.depth('buy', 1)[0];
    const a = sb.book.depth('sell', 1)[0];
    const bidP = b?.price ?? 0, bidA = b?.amount ?? 0, askP = a?.price ?? 0, askA = a?.amount ?? 0;
    if (bidP === sb.bidP && bidA === sb.bidA && askP === sb.askP && askA === sb.askA) return false;
    sb.bidP = bidP;
    sb.bidA = bidA;
    sb.askP = askP;
    sb.askA = askA;
    return true;
  }

  private topOf(symbol: string, sb: SymbolBook, time: number): TopOfBook {
    return {
      symbol,
      market: sb.market,
      updateId: sb.lastUpdateId,
      time,
      bid: sb.bidA > 0 ? level(sb.bidP, sb.bidA, sb.market) : undefined,
      ask: sb.askA > 0 ? level(sb.askP, sb.askA, sb.market) : undefined,
    };
  }
}
