/**
 * A flat event log: an `EngineSink` that appends each event as one row of typed-array columns, so
 * recording events allocates nothing per event (the arrays grow by doubling and are reused after
 * `clear()`). Strings are indexes into an interned table that survives `clear()`; bigints (deposit
 * and withdrawal amounts, fees or filled notionals that are not safe integers) go to a side table.
 * Order and trade rows are read from the engine's order store; its account / session / symbol
 * indexes are mapped to string-table indexes once (names never change at an index).
 *
 * Row layout, by type (F = Float64 columns, I = Int32 columns; unused columns are 0):
 *   ORDER_* (OrderAccepted / OrderFilled / OrderCancelled):
 *     F: id, price, stopPrice, amount, executed, filledNotional (the number part), time, closedTime (NaN: none)
 *     I: account$, session$, symbol$, side, kind, option, clientOrderId$ (-1: none), filledNotional big part # (-1: 0n), reason (-1: none)
 *   TRADE: F: tid, price, amount, makerOrderId, takerOrderId, makerFee, takerFee, time
 *          I: symbol$, takerSide, makerAccount$, takerAccount$, feeCurrency$, feeExp, makerFee big #, takerFee big # (-1: fees are the numbers x 10^feeExp)
 *   STOP_TRIGGERED: F: orderId, time   I: symbol$
 *   ACCOUNT_CREATED / FEES_CHANGED: I: account$, makerBps, takerBps
 *   FUNDS_DEPOSITED / FUNDS_WITHDRAWN: I: account$, currency$, amount big #
 *   MARKET_STATUS_CHANGED: I: symbol$, status
 * ($ = index into the string table, # = index into the bigint table; codes below.)
 *
 * Invariants: `decode(r)` rebuilds exactly the `Event` that `Engine.apply` returns for that event
 * (deep-equal, same key order); rows are in event order; a row never changes once written.
 */
import { MARKET_STATUSES, type MarketStatus } from '../domain/symbols.js';
import type { Event } from './events.js';
import { feeOf } from './object-sink.js';
import type { CancelReason, OrderRecord } from './order.js';
import { CID, F, FNBIG, I, KINDS, OPTIONS, Row, SIDES, type OrderStore } from './order-store.js';
import type { EngineSink, OrderView } from './sink.js';
import { objectArray } from './arrays.js';
import { NAME_SLOTS, nameSlot } from './name-cache.js';

export const ACCOUNT_CREATED = 0;
export const FEES_CHANGED = 1;
export const FUNDS_DEPOSITED = 2;
export const FUNDS_WITHDRAWN = 3;
export const MARKET_STATUS_CHANGED = 4;
export const ORDER_ACCEPTED = 5;
export const ORDER_FILLED = 6;
export const ORDER_CANCELLED = 7;
export const STOP_TRIGGERED = 8;
export const TRADE = 9;

/** store indexes (accounts, sessions, symbols) mapped to string-table indexes without a lookup */
const NAME_MAP = 4096;

/** columns per row */
export const NF = 8;
export const NI = 9;

/** side, kind and option codes are the order store's */
export { SIDES, KINDS, OPTIONS };
export const REASONS: readonly CancelReason[] = [
  'Requested', 'MakerOrCancelWouldTake', 'ImmediateOrCancelWouldPost', 'FillOrKillWouldNotFill',
  'SelfCrossPrevented', 'ExceedsPriceLimits', 'HeartbeatTimeout',
];

export class FlatEventLog implements EngineSink {
  /** rows written since the last clear */
  count = 0;
  /** the time of the command being applied (see EngineSink.begin) */
  private time = 0;
  private cap: number;
  /** type code by row */
  types: Uint8Array;
  /** row r's Float64 columns are f[r * NF .. r * NF + NF - 1] */
  f: Float64Array;
  /** row r's Int32 columns are i[r * NI .. r * NI + NI - 1] */
  i: Int32Array;
  /** bigints referenced by rows since the last clear */
  readonly bigs: bigint[] = objectArray();
  /** interned strings (kept across clears) */
  readonly strings: string[] = objectArray();
  private readonly stringIx = new Map<string, number>();
  private readonly cacheKey: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  private readonly cacheIx = new Int32Array(NAME_SLOTS);
  /** one-entry intern caches (symbols, sessions and fee currencies repeat from row to row) */
  private lastS = '';
  private lastSi = -1;
  private lastC = '';
  private lastCi = -1;
  /**
   * the store whose name tables the maps below translate: account / session / symbol index + 1
   * -> string-table index + 1 (0: not looked up yet; indexes past the maps are interned each time)
   */
  private names: OrderStore | undefined = undefined;
  private readonly accountIx = new Int32Array(NAME_MAP);
  private readonly sessionIx = new Int32Array(NAME_MAP);
  private readonly symbolIx = new Int32Array(NAME_MAP);

  constructor(capacity = 64) {
    this.cap = capacity;
    this.types = new Uint8Array(capacity);
    this.f = new Float64Array(capacity * NF);
    this.i = new Int32Array(capacity * NI);
  }

  /** forget the rows (the string table stays) */
  clear(): void {
    this.count = 0;
    if (this.bigs.length !== 0) this.bigs.length = 0;
  }

  /** the index of `s` in the string table */
  intern(s: string): number {
    // a direct-mapped cache in front of the Map (see name-cache.ts)
    const h = nameSlot(s);
    if (this.cacheKey[h] === s) return this.cacheIx[h]!;
    let x = this.stringIx.get(s);
    if (x === undefined) {
      x = this.strings.length;
      this.strings.push(s);
      this.stringIx.set(s, x);
    }
    this.cacheKey[h] = s;
    this.cacheIx[h] = x;
    return x;
  }

  /** intern through the cache of symbols */
  private internS(s: string): number {
    if (s === this.lastS) return this.lastSi;
    const x = this.intern(s);
    this.lastS = s;
    this.lastSi = x;
    return x;
  }

  /** intern through the cache of fee currencies */
  private internC(s: string): number {
    if (s === this.lastC) return this.lastCi;
    const x = this.intern(s);
    this.lastC = s;
    this.lastCi = x;
    return x;
  }

  private big(x: bigint): number {
    this.bigs.push(x);
    return this.bigs.length - 1;
  }

  /** start a row of type t whose writer sets every column itself: returns its index */
  private rowAll(t: number): number {
    if (this.count === this.cap) this.grow();
    const r = this.count++;
    this.types[r] = t;
    return r;
  }

  /** start a row of type t: returns its index; every column is set to 0 */
  private row(t: number): number {
    const r = this.rowAll(t);
    this.f.fill(0, r * NF, r * NF + NF);
    this.i.fill(0, r * NI, r * NI + NI);
    return r;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const t = new Uint8Array(cap);
    t.set(this.types);
    const f = new Float64Array(cap * NF);
    f.set(this.f);
    const i = new Int32Array(cap * NI);
    i.set(this.i);
    this.types = t;
    this.f = f;
    this.i = i;
    this.cap = cap;
  }

  // ---- EngineSink ----

  begin(time: number): void {
    this.time = time;
  }

  accountCreated(account: string, makerBps: number, takerBps: number): void {
    this.bps(ACCOUNT_CREATED, account, makerBps, takerBps);
  }

  feesChanged(account: string, makerBps: number, takerBps: number): void {
    this.bps(FEES_CHANGED, account, makerBps, takerBps);
  }

  private bps(t: number, account: string, makerBps: number, takerBps: number): void {
    const b = this.row(t) * NI;
    const i = this.i;
    i[b] = this.intern(account);
    i[b + 1] = makerBps;
    i[b + 2] = takerBps;
  }

  fundsDeposited(account: string, currency: string, amount: bigint): void {
    this.funds(FUNDS_DEPOSITED, account, currency, amount);
  }

  fundsWithdrawn(account: string, currency: string, amount: bigint): void {
    this.funds(FUNDS_WITHDRAWN, account, currency, amount);
  }

  private funds(t: number, account: string, currency: string, amount: bigint): void {
    const b = this.row(t) * NI;
    const i = this.i;
    i[b] = this.intern(account);
    i[b + 1] = this.intern(currency);
    i[b + 2] = this.big(amount);
  }

  marketStatusChanged(symbol: string, status: MarketStatus): void {
    const b = this.row(MARKET_STATUS_CHANGED) * NI;
    this.i[b] = this.intern(symbol);
    this.i[b + 1] = MARKET_STATUSES.indexOf(status);
  }

  orderAccepted(o: OrderView): void {
    this.order(ORDER_ACCEPTED, o, false, -1);
  }

  orderFilled(o: OrderView): void {
    this.order(ORDER_FILLED, o, true, -1);
  }

  orderCancelled(o: OrderView, reason: CancelReason): void {
    this.order(ORDER_CANCELLED, o, true, REASONS.indexOf(reason));
  }

  /** `closed`: the closed time is the command's, else there is none */
  private order(t: number, o: OrderView, closed: boolean, reason: number): void {
    const r = this.rowAll(t); // every column is written below
    // the fields straight from the store's columns (same codes for side, kind and option)
    const st = o.store;
    const s = o.slot;
    if (st !== this.names) this.nameStore(st);
    const f = this.f;
    const bf = r * NF;
    const amount = st.f[s * Row.F + F.amount]!;
    f[bf] = st.f[s * Row.F + F.id]!;
    f[bf + 1] = st.f[s * Row.F + F.price]!;
    f[bf + 2] = st.f[s * Row.F + F.stopPrice]!;
    f[bf + 3] = amount;
    f[bf + 4] = amount - st.f[s * Row.F + F.remaining]!;
    f[bf + 5] = st.f[s * Row.F + F.fn]!;
    f[bf + 6] = st.f[s * Row.F + F.time]!;
    f[bf + 7] = closed ? this.time : NaN;
    const i = this.i;
    const bi = r * NI;
    const flags = st.i[s * Row.I + I.flags]!;
    i[bi] = this.nameIx(this.accountIx, st.accountNames, st.i[s * Row.I + I.account]!);
    i[bi + 1] = this.nameIx(this.sessionIx, st.sessionNames, st.i[s * Row.I + I.session]!);
    i[bi + 2] = this.nameIx(this.symbolIx, st.symbolNames, st.i[s * Row.I + I.market]!);
    i[bi + 3] = st.i[s * Row.I + I.side]!;
    i[bi + 4] = st.i[s * Row.I + I.kind]!;
    i[bi + 5] = st.i[s * Row.I + I.option]!;
    i[bi + 6] = (flags & CID) === 0 ? -1 : this.intern(st.clientOrderId(s)!);
    i[bi + 7] = (flags & FNBIG) === 0 ? -1 : this.big(st.fnBig(s));
    i[bi + 8] = reason;
  }

  /** start mapping the name tables of another store (forgets the previous store's mapping) */
  private nameStore(st: OrderStore): void {
    this.names = st;
    this.accountIx.fill(0);
    this.sessionIx.fill(0);
    this.symbolIx.fill(0);
  }

  /** the string-table index of names[k], through the store-index -> string-index map `map` */
  private nameIx(map: Int32Array, names: readonly string[], k: number): number {
    if (k < map.length) {
      const x = map[k]!;
      if (x !== 0) return x - 1;
      return (map[k] = this.intern(names[k]!) + 1) - 1;
    }
    return this.intern(names[k]!);
  }

  stopTriggered(orderId: number, symbol: string): void {
    const r = this.row(STOP_TRIGGERED);
    this.f[r * NF] = orderId;
    this.f[r * NF + 1] = this.time;
    this.i[r * NI] = this.internS(symbol);
  }

  trade(
    tid: number, symbol: string, price: number, amount: number, store: OrderStore, maker: number, taker: number,
    makerFee: number, takerFee: number, feeExp: number, bigFees: boolean, makerFeeBig: bigint, takerFeeBig: bigint,
    feeCurrency: string,
  ): void {
    const r = this.rowAll(TRADE); // every column is written below
    if (store !== this.names) this.nameStore(store);
    const f = this.f;
    const bf = r * NF;
    f[bf] = tid;
    f[bf + 1] = price;
    f[bf + 2] = amount;
    f[bf + 3] = store.f[maker * Row.F + F.id]!;
    f[bf + 4] = store.f[taker * Row.F + F.id]!;
    f[bf + 5] = makerFee;
    f[bf + 6] = takerFee;
    f[bf + 7] = this.time;
    const i = this.i;
    const bi = r * NI;
    i[bi] = this.internS(symbol);
    i[bi + 1] = store.i[taker * Row.I + I.side]!;
    i[bi + 2] = this.nameIx(this.accountIx, store.accountNames, store.i[maker * Row.I + I.account]!);
    i[bi + 3] = this.nameIx(this.accountIx, store.accountNames, store.i[taker * Row.I + I.account]!);
    i[bi + 4] = this.internC(feeCurrency);
    i[bi + 5] = feeExp;
    i[bi + 6] = bigFees ? this.big(makerFeeBig) : -1;
    i[bi + 7] = bigFees ? this.big(takerFeeBig) : -1;
    i[bi + 8] = 0;
  }

  // ---- reading back ----

  /** the event of row r, as `Engine.apply` would have returned it */
  decode(r: number): Event {
    if (!(r >= 0 && r < this.count)) throw new RangeError(`no row ${r}`);
    const f = this.f;
    const i = this.i;
    const bf = r * NF;
    const bi = r * NI;
    const str = (k: number): string => this.strings[i[bi + k]!]!;
    const t = this.types[r]!;
    switch (t) {
      case ACCOUNT_CREATED:
        return { type: 'AccountCreated', account: str(0), makerBps: i[bi + 1]!, takerBps: i[bi + 2]! };
      case FEES_CHANGED:
        return { type: 'FeesChanged', account: str(0), makerBps: i[bi + 1]!, takerBps: i[bi + 2]! };
      case FUNDS_DEPOSITED:
        return { type: 'FundsDeposited', account: str(0), currency: str(1), amount: this.bigs[i[bi + 2]!]! };
      case FUNDS_WITHDRAWN:
        return { type: 'FundsWithdrawn', account: str(0), currency: str(1), amount: this.bigs[i[bi + 2]!]! };
      case MARKET_STATUS_CHANGED:
        return { type: 'MarketStatusChanged', symbol: str(0), status: MARKET_STATUSES[i[bi + 1]!]! };
      case ORDER_ACCEPTED:
        return { type: 'OrderAccepted', order: this.record(r) };
      case ORDER_FILLED:
        return { type: 'OrderFilled', order: this.record(r) };
      case ORDER_CANCELLED: {
        const order = this.record(r);
        return { type: 'OrderCancelled', order, reason: order.reason! };
      }
      case STOP_TRIGGERED:
        return { type: 'StopTriggered', orderId: f[bf]!, symbol: str(0), time: f[bf + 1]! };
      case TRADE: {
        const big = i[bi + 6]! >= 0;
        const exp = i[bi + 5]!;
        return {
          type: 'Trade',
          tid: f[bf]!,
          symbol: str(0),
          price: f[bf + 1]!,
          amount: f[bf + 2]!,
          takerSide: SIDES[i[bi + 1]!]!,
          makerOrderId: f[bf + 3]!,
          takerOrderId: f[bf + 4]!,
          makerAccount: str(2),
          takerAccount: str(3),
          makerFee: big ? this.bigs[i[bi + 6]!]! : feeOf(f[bf + 5]!, exp),
          takerFee: big ? this.bigs[i[bi + 7]!]! : feeOf(f[bf + 6]!, exp),
          feeCurrency: str(4),
          time: f[bf + 7]!,
        };
      }
      default:
        throw new Error(`row ${r}: unknown event type ${t}`);
    }
  }

  /** every row since the last clear, decoded */
  events(): Event[] {
    const out: Event[] = [];
    for (let r = 0; r < this.count; r++) out.push(this.decode(r));
    return out;
  }

  private record(r: number): OrderRecord {
    const f = this.f;
    const i = this.i;
    const bf = r * NF;
    const bi = r * NI;
    const closed = f[bf + 7]!;
    const reasonCode = i[bi + 8]!;
    const reason = reasonCode < 0 ? undefined : REASONS[reasonCode]!;
    const bigIx = i[bi + 7]!;
    const fn = f[bf + 5]!;
    const cid = i[bi + 6]!;
    return {
      id: f[bf]!,
      account: this.strings[i[bi]!]!,
      session: this.strings[i[bi + 1]!]!,
      symbol: this.strings[i[bi + 2]!]!,
      side: SIDES[i[bi + 3]!]!,
      kind: KINDS[i[bi + 4]!]!,
      price: f[bf + 1]!,
      stopPrice: f[bf + 2]!,
      amount: f[bf + 3]!,
      executed: f[bf + 4]!,
      filledNotional: bigIx < 0 ? BigInt(fn) : this.bigs[bigIx]! + BigInt(fn),
      option: OPTIONS[i[bi + 5]!]!,
      clientOrderId: cid < 0 ? undefined : this.strings[cid]!,
      time: f[bf + 6]!,
      isLive: this.types[r] === ORDER_ACCEPTED,
      isCancelled: reason !== undefined,
      reason,
      closedTime: Number.isNaN(closed) ? undefined : closed,
    };
  }
}
