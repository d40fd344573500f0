/**
 * The engine: apply(command) -> events or a rejection. Pure, synchronous, deterministic.
 *
 * Owns all exchange state (accounts, balances, open orders, books, stops, fees collected).
 * Invariants: imports nothing from node:*, never reads a clock or randomness (time arrives in the
 * command); a rejection leaves the state exactly as it was; the same commands from the same
 * start give the same events and the same state, byte for byte.
 */
import { parseDecimal } from '../domain/decimal.js';
import { MARKET_STATUSES, type Market } from '../domain/symbols.js';
import { FastBook } from './book/fast-book.js';
import type { Book, BookFactory } from './book/book.js';
import type { Command } from './commands.js';
import type { Event } from './events.js';
import { balanceOf, FeeTotals, LEDGER_DECIMALS, marketFactors, type Account } from './ledger.js';
import { cancelOrder, placeOrder } from './matching.js';
import { OrderIndex, type OpenOrderList } from './order-index.js';
import { F, I, NONE, OrderStore, Row } from './order-store.js';
import { ObjectSink } from './object-sink.js';
import { AccountCache } from './name-cache.js';
import { recordOf, type OrderRecord } from './order.js';
import { reject, type Rejection } from './rejections.js';
import type { EngineSink } from './sink.js';
import type { EngineConfig, EngineState, MarketState } from './state.js';

export type Result = { ok: true; events: Event[] } | { ok: false; rejection: Rejection };

export interface EngineOptions {
  markets: readonly Market[];
  priceBandBps?: number;
  defaultMakerBps?: number;
  defaultTakerBps?: number;
  /** first id handed out to orders and trades */
  firstId?: number;
  /** which order book to use (tests swap in the naive one) */
  bookFactory?: BookFactory;
  /**
   * open orders to make room for up front (default 1024; the store grows fourfold past it). A
   * larger value also writes the store's memory once at construction (128 bytes a slot) and
   * reserves pages of the order-id index (one 16 KB page per 256 orders, about 64 bytes a slot), so
   * a deployment that expects many open orders pays for its memory at start-up, not while matching.
   */
  orderCapacity?: number;
}

const DEFAULT_ORDER_CAPACITY = 1024;
/**
 * Open orders per page of the order-id index reserved up front (with a capacity above the
 * default). A page covers 4096 consecutive ids and is kept while one of them is an open order;
 * orders and trades share the id counter, so one page per 256 open orders covers books whose open
 * orders are on average no sparser than one in 16 ids (the benchmark's end state is one in 9).
 */
const ID_PAGE_RESERVE_RATIO = 256;

/** Gemini's published API fee example: 10 bps maker, 35 bps taker. */
export const DEFAULT_MAKER_BPS = 10;
export const DEFAULT_TAKER_BPS = 35;
export const DEFAULT_PRICE_BAND_BPS = 500;
const MAX_FEE_BPS = 1000;

function validFee(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_FEE_BPS;
}

export class Engine {
  readonly state: EngineState;

  constructor(opts: EngineOptions) {
    const config: EngineConfig = {
      priceBandBps: opts.priceBandBps ?? DEFAULT_PRICE_BAND_BPS,
      defaultMakerBps: opts.defaultMakerBps ?? DEFAULT_MAKER_BPS,
      defaultTakerBps: opts.defaultTakerBps ?? DEFAULT_TAKER_BPS,
    };
    const factory: BookFactory = opts.bookFactory ?? (() => new FastBook());
    const markets = new Map<string, MarketState>();
    const currencies = new Set<string>();
    const feesCollected = new FeeTotals();
    const capacity = opts.orderCapacity ?? DEFAULT_ORDER_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 2 ** 26) throw new RangeError(`orderCapacity out of range: ${capacity}`);
    const store = new OrderStore(capacity, capacity > DEFAULT_ORDER_CAPACITY);
    const marketByIx: MarketState[] = [];
    for (const m of opts.markets) {
      const book = factory(m.symbol);
      book.attach(store);
      const ix = marketByIx.length;
      store.symbolNames.push(m.symbol);
      const ms: MarketState = {
        market: m,
        ix,
        book,
        factors: marketFactors(m.priceDecimals, m.amountDecimals),
        status: m.initialStatus,
        lastPrice: 0,
        stops: [],
        feeCell: feesCollected.cell(m.quote),
      };
      markets.set(m.symbol, ms);
      marketByIx.push(ms);
      currencies.add(m.base);
      currencies.add(m.quote);
    }
    const accounts = new Map<string, Account>();
    this.state = {
      config,
      markets,
      currencies,
      accounts,
      accountCache: new AccountCache(accounts),
      accountByIx: [],
      marketByIx,
      accountOrders: new Map(),
      orders: new OrderIndex(store, capacity > DEFAULT_ORDER_CAPACITY ? Math.ceil(capacity / ID_PAGE_RESERVE_RATIO) : 0),
      feesCollected,
      nextId: opts.firstId ?? 1,
      time: 0,
      store,
    };
  }

  /** builds the Event objects of the command being applied (copied out at exact size per result) */
  private readonly objects = new ObjectSink();

  /** Apply a command; its events as objects (a fresh array per result). */
  apply(cmd: Command): Result {
    const buf = this.objects;
    let r: Rejection | null;
    try {
      r = this.dispatch(cmd, buf);
    } catch (err) {
      buf.clear();
      throw err;
    }
    const events = buf.take();
    return r === null ? { ok: true, events } : { ok: false, rejection: r };
  }

  /**
   * Apply a command, sending its events to `sink` (nothing is allocated for them here); null when
   * accepted, else the rejection, in which case the sink got no event (only `begin`) and the
   * state is unchanged. The same events, in the same order, as `apply` returns.
   */
  applyInto(cmd: Command, sink: EngineSink): Rejection | null {
    return this.dispatch(cmd, sink);
  }

  private dispatch(c: Command, events: EngineSink): Rejection | null {
    const s = this.state;
    // the command's time: kept in the state for the engine, given to the sink once
    const time = c.time;
    s.time = time;
    events.begin(time);
    switch (c.type) {
      case 'PlaceOrder':
        return placeOrder(s, c, events);
      case 'CancelOrder': {
        const id = orderIdOf(c.orderId);
        const o = id === undefined ? NONE : s.orders.slot(id);
        if (o === NONE || s.store.accountNames[s.store.i[o * Row.I + I.account]!] !== c.account) return reject('OrderNotFound');
        cancelOrder(s, o, 'Requested', events);
        return null;
      }
      case 'CancelAllOrders': {
        if (!s.accounts.has(c.account)) return reject('UnknownAccount', c.account);
        for (const o of this.byId(s.accountOrders.get(c.account)?.slots() ?? [])) cancelOrder(s, o, 'Requested', events);
        return null;
      }
      case 'CancelSessionOrders':
      case 'ExpireSession': {
        const reason = c.type === 'ExpireSession' ? 'HeartbeatTimeout' : 'Requested';
        const only = c.type === 'CancelSessionOrders' ? c.account : undefined;
        const st = s.store;
        const mine = [...s.orders.slots()].filter((o) => st.sessionNames[st.i[o * Row.I + I.session]!] === c.session && (only === undefined || st.accountNames[st.i[o * Row.I + I.account]!] === only));
        for (const o of this.byId(mine)) cancelOrder(s, o, reason, events);
        return null;
      }
      case 'CreateAccount': {
        if (typeof c.account !== 'string' || c.account.length === 0) return reject('UnknownAccount');
        if (s.accounts.has(c.account)) return reject('AccountExists', c.account);
        const makerBps = c.makerBps ?? s.config.defaultMakerBps;
        const takerBps = c.takerBps ?? s.config.defaultTakerBps;
        if (!validFee(makerBps) || !validFee(takerBps)) return reject('InvalidFees');
        addAccount(s, c.account, makerBps, takerBps);
        events.accountCreated(c.account, makerBps, takerBps);
        return null;
      }
      case 'SetFees': {
        const a = s.accounts.get(c.account);
        if (a === undefined) return reject('UnknownAccount', c.account);
        if (!validFee(c.makerBps) || !validFee(c.takerBps)) return reject('InvalidFees');
        a.makerBps = c.makerBps;
        a.takerBps = c.takerBps;
        events.feesChanged(c.account, c.makerBps, c.takerBps);
        return null;
      }
      case 'Deposit':
      case 'Withdraw': {
        const a = s.accounts.get(c.account);
        if (a === undefined) return reject('UnknownAccount', c.account);
        const cur = typeof c.currency === 'string' ? c.currency.toUpperCase() : '';
        if (!s.currencies.has(cur)) return reject('InvalidCurrency', String(c.currency));
        const amt = typeof c.amount === 'string' ? parseDecimal(c.amount, LEDGER_DECIMALS) : null;
        if (amt === null || amt <= 0n) return reject('InvalidAmount');
        if (c.type === 'Deposit') {
          balanceOf(a, cur).total += amt;
          events.fundsDeposited(c.account, cur, amt);
        } else {
          const b = a.balances.get(cur);
          if (b === undefined || b.total - b.held < amt) return reject('InsufficientFunds');
          b.total -= amt;
          events.fundsWithdrawn(c.account, cur, amt);
        }
        return null;
      }
      case 'SetMarketStatus': {
        const ms = typeof c.symbol === 'string' ? s.markets.get(c.symbol.toLowerCase()) : undefined;
        if (ms === undefined) return reject('InvalidSymbol');
        const k = MARKET_STATUSES.indexOf(c.status);
        if (k < 0) return reject('InvalidMarketStatus');
        ms.status = MARKET_STATUSES[k]!; // the literal (compared on every order), not the command's copy
        events.marketStatusChanged(ms.market.symbol, c.status);
        return null;
      }
      default: {
        const _exhaustive: never = c;
        return _exhaustive;
      }
    }
  }

  // ---- reads (no mutation) ----

  market(symbol: string): MarketState | undefined {
    return this.state.markets.get(symbol.toLowerCase());
  }

  book(symbol: string): Book | undefined {
    return this.market(symbol)?.book;
  }

  account(id: string): Account | undefined {
    return this.state.accounts.get(id);
  }

  /** the live state of an open order */
  order(id: number): OrderRecord | undefined {
    const o = this.state.orders.get(id);
    return o === undefined ? undefined : recordOf(o, true);
  }

  openOrders(account: string): OrderRecord[] {
    const list: OpenOrderList | undefined = this.state.accountOrders.get(account);
    return this.byId(list?.slots() ?? []).map((o) => recordOf(this.state.store.view(o), true));
  }

  /** slots sorted by order id */
  private byId(slots: number[]): number[] {
    const f = this.state.store.f;
    return slots.sort((a, b) => f[a * Row.F + F.id]! - f[b * Row.F + F.id]!);
  }
}

/** an order id from the wire (decimal string or number), undefined when it cannot name an order */
function orderIdOf(v: unknown): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    // 1 to 16 decimal digits
    const len = v.length;
    if (len === 0 || len > 16) return undefined;
    n = 0;
    for (let i = 0; i < len; i++) {
      const d = v.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
  } else return undefined;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** create an account (the caller checked it does not exist); returns it */
export function addAccount(s: EngineState, id: string, makerBps: number, takerBps: number): Account {
  const ix = s.accountByIx.length;
  const a: Account = {
    id, ix, makerBps, takerBps, balances: new Map(), orderList: undefined, lastMarket: undefined, lastBase: undefined,
    lastQuote: undefined, lastSession: undefined, lastSessionIx: undefined,
  };
  s.accounts.set(id, a);
  s.accountByIx.push(a);
  s.store.accountNames.push(id);
  return a;
}
