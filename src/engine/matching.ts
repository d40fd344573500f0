/**
 * Placing orders: validation, holds, price-time matching, execution options, stops.
 *
 * Invariants: every check that can reject happens before the first mutation, so a rejected
 * command leaves the state untouched. Fills move money exactly (ledger.ts); the maker's price is
 * the trade price; the incoming order is the taker. Self-trade prevention cancels the rest of the
 * incoming order when it would meet its own account's order; price-band protection cancels the
 * rest when the next fill would be more than `priceBandBps` beyond its first fill price.
 */
import { parsePositiveUnits } from '../domain/decimal.js';
import type { PlaceOrder } from './commands.js';
import { balanceOf, buyHold, feeFactor, mulUnits, BPS, HOLD_FOLD, LB_EXP, POW10N, type MarketFactors } from './ledger.js';
import type { CancelReason, ExecOption, OrderKind, Side } from './order.js';
import { reject, type Rejection } from './rejections.js';
import { OpenOrderList } from './order-index.js';
import {
  BUY, F, FILL_OR_KILL, HSTD, I, IMMEDIATE_OR_CANCEL, LISTED, MAKER_OR_CANCEL, MARKET, NONE, OPTIONS, RESTING, Row, SELL,
  STOP_LIMIT, TRIGGERED, type OrderStore,
} from './order-store.js';
import type { EngineSink } from './sink.js';
import type { EngineState, MarketState } from './state.js';

const MAX_UNITS = Number.MAX_SAFE_INTEGER;
/** 10^k as a number, k = 0..15 (exact) */
const P10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** 10^-k as the nearest number, k = 0..15 */
const INV_P10 = P10.map((p) => 1 / p);

/**
 * An upper bound, in units of 10^LB_EXP ledger units, of x units of 10^e ledger units (x a
 * non-negative safe integer). Exact when e >= LB_EXP (a result above 2^53 only ever fails the
 * funds fast path); otherwise floor(x x 10^-(LB_EXP - e)) + 2, a multiplication rather than a
 * division: the product's relative error is below 2^-51, so for x < 2^53 it is off by less than
 * 1/2, its floor is at least floor(x / 10^k) - 1, and adding 2 still reaches the true ceiling.
 * (placeOrder writes the same expression out; the funds-bound test checks this one.)
 */
export function lbUnits(x: number, e: number): number {
  if (x === 0) return 0;
  return e >= LB_EXP ? x * P10[e - LB_EXP]! : Math.floor(x * INV_P10[LB_EXP - e]!) + 2;
}
const KNOWN_OPTIONS = new Set(['maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill']);
const ORDER_KINDS = new Map<string, OrderKind>([
  ['exchange limit', 'limit'],
  ['exchange stop limit', 'stop-limit'],
  ['exchange market', 'market'],
]);

/** Parse a positive multiple of `step` units; undefined when it is not one. */
export function parseUnits(value: unknown, decimals: number, step: number): number | undefined {
  if (typeof value === 'string') {
    // fast path: up to 15 characters of digits with at most one point and 1..decimals digits
    // after it (so the value is below 10^15 and exact); anything else goes to the full parser
    const n = value.length;
    if (n !== 0 && n <= 15) {
      let v = 0;
      let dot = -1; // index of the point, -1: none yet
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        const d = c - 48;
        if (d >= 0 && d <= 9) v = v * 10 + d;
        else if (c === 46 && dot < 0) dot = i;
        else break;
      }
      const frac = dot < 0 ? 0 : n - 1 - dot; // digits after the point
      if (i === n && (dot < 0 || (frac !== 0 && frac <= decimals))) {
        v *= P10[decimals - frac]!; // exact whenever the result is a safe integer
        // (a float modulo is a libc call: skipped for the usual step of 1)
        if (v > 0 && v <= MAX_UNITS) return step === 1 || v % step === 0 ? v : undefined;
      }
    }
  }
  return parseUnitsSlow(value, decimals, step);
}

function parseUnitsSlow(value: unknown, decimals: number, step: number): number | undefined {
  // JSON numbers are tolerated (some clients send them); their shortest decimal form is used
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (text === undefined) return undefined;
  const n = parsePositiveUnits(text, decimals);
  return n !== undefined && n % step === 0 ? n : undefined;
}

function crosses(side: Side, limit: number, opposite: number): boolean {
  return side === 'buy' ? opposite <= limit : opposite >= limit;
}

export function placeOrder(s: EngineState, c: PlaceOrder, events: EngineSink): Rejection | null {
  const account = s.accountCache.get(c.account);
  if (account === undefined) return reject('UnknownAccount', c.account);
  // the account's last market when the symbol is the same (a string compare, no hash lookup)
  const lastMs = account.lastMarket as MarketState | undefined;
  const ms = lastMs !== undefined && lastMs.market.symbol === c.symbol ? lastMs
    : typeof c.symbol === 'string' ? s.markets.get(c.symbol) ?? s.markets.get(c.symbol.toLowerCase()) : undefined;
  if (ms === undefined) return reject('InvalidSymbol');
  const m = ms.market;
  const sideText = c.side === 'buy' || c.side === 'sell' ? c.side : typeof c.side === 'string' ? c.side.toLowerCase() : '';
  if (sideText !== 'buy' && sideText !== 'sell') return reject('InvalidSide');
  const side: Side = sideText;
  const ot = c.orderType;
  const kind = ot === 'exchange limit' ? 'limit' : typeof ot === 'string' ? ORDER_KINDS.get(ot) ?? ORDER_KINDS.get(ot.toLowerCase()) : undefined;
  if (kind === undefined || (kind === 'market' && !m.marketOrders)) return reject('InvalidOrderType');

  const rawOpts: unknown = c.options;
  let option: ExecOption = '';
  if (rawOpts !== undefined && rawOpts !== null) {
    if (!Array.isArray(rawOpts)) return reject('OptionsMustBeArray');
    const opts: unknown[] = rawOpts;
    if (opts.length !== 0) {
      for (const o of opts) if (typeof o !== 'string' || !KNOWN_OPTIONS.has(o)) return reject('UnsupportedOption', String(o));
      if (opts.length > 1) return reject('ConflictingOptions');
      if (kind !== 'limit') return reject('UnsupportedOption', `${opts[0]} is only for limit orders`);
      option = opts[0] as ExecOption;
    }
  }

  const cid: unknown = c.clientOrderId;
  if (cid !== undefined && cid !== null && typeof cid !== 'string') return reject('ClientOrderIdMustBeString');
  if (typeof cid === 'string' && cid.length > 100) return reject('ClientOrderIdTooLong');
  const clientOrderId = typeof cid === 'string' ? cid : undefined;

  const amount = parseUnits(c.amount, m.amountDecimals, m.amountStep);
  if (amount === undefined || amount < m.minAmount) return reject('InvalidQuantity');

  let price = 0;
  let stopPrice = 0;
  if (kind !== 'market') {
    const p = parseUnits(c.price, m.priceDecimals, m.priceStep);
    if (p === undefined) return reject('InvalidPrice');
    price = p;
  }
  if (kind === 'stop-limit') {
    const sp = parseUnits(c.stopPrice, m.priceDecimals, m.priceStep);
    if (sp === undefined) return reject('InvalidStopPrice');
    if (side === 'buy' && sp > price) return reject('InvalidStopPriceBuy');
    if (side === 'sell' && sp < price) return reject('InvalidStopPriceSell');
    if (Math.abs(sp - price) * 2 > price) return reject('InvalidStopPriceRatio');
    stopPrice = sp;
  }

  const status = ms.status;
  if (status === 'closed' || status === 'cancel_only') return reject('MarketNotOpen', `market is ${status}`);
  if (status === 'limit_only' && kind === 'market') return reject('MarketNotOpen', 'market is limit_only');
  if (status === 'post_only' && option !== 'maker-or-cancel') return reject('MarketNotOpen', 'market is post_only');

  if (kind === 'market') price = marketLimit(s, ms, side);
  // the order (or a stop, once triggered) may rest at `price`: its level must stay exact
  // (the side's total bounds every level: when that is small enough, no level lookup is needed)
  const stops = ms.stops.length !== 0;
  if ((stops || !ms.book.boundFits(side, amount)) &&
      ms.book.levelAmount(side, price) + (stops ? pendingStops(s.store, ms, side, price) : 0) + amount > MAX_UNITS) {
    return reject('InvalidQuantity', 'too large');
  }

  // the hold, as exact parts (see order.ts): numbers when they are safe integers, else a bigint
  const f = ms.factors;
  const isBuy = side === 'buy';
  const hExp = isBuy ? f.notionalExp : f.baseExp;
  const fExp = f.feeExp;
  let hN = 0;
  let hF = 0;
  let hBig = 0n;
  if (isBuy) {
    const pq = price * amount;
    const fee = pq * (account.makerBps > account.takerBps ? account.makerBps : account.takerBps);
    if (pq <= MAX_UNITS && fee <= MAX_UNITS) {
      hN = pq;
      hF = fee;
    } else {
      hBig = buyHold(f, price, amount, Math.max(account.makerBps, account.takerBps));
    }
  } else {
    hN = amount;
  }
  const payCur = isBuy ? m.quote : m.base;
  const cached = account.lastMarket === ms;
  const held = cached ? (isBuy ? account.lastQuote : account.lastBase) : account.balances.get(payCur);
  // funds check: usually the balance's lower bound on what is available settles it without BigInt
  let need = 0;
  let exact = false;
  if (hN !== 0 || hF !== 0 || hBig !== 0n) {
    if (held === undefined) return reject('InsufficientFunds');
    // lbUnits(hN, hExp) + lbUnits(hF, fExp), written out: a call that is not inlined boxes its
    // number arguments and result (heap allocations on every order)
    if (hBig !== 0n) need = Infinity;
    else {
      need = hN === 0 ? 0 : hExp >= LB_EXP ? hN * P10[hExp - LB_EXP]! : Math.floor(hN * INV_P10[LB_EXP - hExp]!) + 2;
      if (hF !== 0) need += fExp >= LB_EXP ? hF * P10[fExp - LB_EXP]! : Math.floor(hF * INV_P10[LB_EXP - fExp]!) + 2;
    }
    if (!(need <= held.availLB)) {
      exact = true;
      let hold = hBig;
      if (hN !== 0) hold += BigInt(hN) * POW10N[hExp]!;
      if (hF !== 0) hold += BigInt(hF) * POW10N[fExp]!;
      if (held.available() < hold) return reject('InsufficientFunds');
    }
  }

  // ---- accepted: nothing below may reject ----
  const bal = held ?? balanceOf(account, payCur);
  const getBal = cached ? (isBuy ? account.lastBase! : account.lastQuote!) : balanceOf(account, isBuy ? m.base : m.quote);
  if (!cached) {
    account.lastMarket = ms;
    account.lastBase = isBuy ? getBal : bal;
    account.lastQuote = isBuy ? bal : getBal;
  }

  const st = s.store;
  const o = st.alloc();
  const id = s.nextId++;
  st.i[o * Row.I + I.flags] = (kind !== 'stop-limit' ? TRIGGERED : 0) | (hBig === 0n ? HSTD : 0);
  st.f[o * Row.F + F.id] = id;
  st.i[o * Row.I + I.account] = account.ix;
  let sess = account.lastSessionIx;
  if (account.lastSession !== c.session || sess === undefined) {
    sess = st.sessionOf(c.session);
    account.lastSession = c.session;
    account.lastSessionIx = sess;
  }
  st.i[o * Row.I + I.session] = sess;
  st.i[o * Row.I + I.market] = ms.ix;
  st.i[o * Row.I + I.side] = isBuy ? BUY : SELL;
  st.i[o * Row.I + I.kind] = kind === 'limit' ? 0 : kind === 'stop-limit' ? STOP_LIMIT : MARKET;
  st.f[o * Row.F + F.price] = price;
  st.f[o * Row.F + F.stopPrice] = stopPrice;
  st.f[o * Row.F + F.amount] = amount;
  st.f[o * Row.F + F.remaining] = amount;
  st.i[o * Row.I + I.option] = option === '' ? 0 : OPTIONS.indexOf(option);
  if (clientOrderId !== undefined) st.setClientOrderId(o, clientOrderId);
  st.f[o * Row.F + F.time] = s.time;
  st.i[o * Row.I + I.makerBps] = account.makerBps;
  st.i[o * Row.I + I.takerBps] = account.takerBps;
  st.i[o * Row.I + I.payBal] = bal.ix >= 0 ? bal.ix : st.balanceOf(bal);
  st.i[o * Row.I + I.getBal] = getBal.ix >= 0 ? getBal.ix : st.balanceOf(getBal);
  st.i[o * Row.I + I.exps] = hExp | (fExp << 8);
  st.f[o * Row.F + F.fn] = 0;
  if (hBig !== 0n) st.setHBig(o, hBig);
  // (prev / next are the book's: set by Book.add when the order rests, not read before)
  // (written out: see fill)
  const ph = bal.ph;
  if (hN !== 0) {
    const v = ph[hExp]! + hN;
    if (v <= HOLD_FOLD) ph[hExp] = v; else bal.addH(hExp, hN);
    bal.dirty = true;
  }
  if (hF !== 0) {
    const v = ph[fExp]! + hF;
    if (v <= HOLD_FOLD) ph[fExp] = v; else bal.addH(fExp, hF);
    bal.dirty = true;
  }
  if (hBig !== 0n) bal.addBigH(hBig);
  if (exact) bal.resetLB();
  else bal.availLB -= need;
  s.orders.setSlot(id, o);
  let set = account.orderList as OpenOrderList | undefined;
  if (set === undefined) {
    set = s.accountOrders.get(account.id);
    if (set === undefined) s.accountOrders.set(account.id, (set = new OpenOrderList(st, account.ix)));
    account.orderList = set;
  }
  set.add(o);
  events.orderAccepted(st.at(o));

  if (kind === 'stop-limit') {
    ms.stops.push(o);
  } else if (kind === 'market' && price === 0) {
    cancelOrder(s, o, 'ImmediateOrCancelWouldPost', events);
  } else {
    execute(s, ms, o, events);
  }
  runStops(s, ms, events);
  return null;
}

/** amount of untriggered stops that would rest at this side and price */
function pendingStops(st: OrderStore, ms: MarketState, side: Side, price: number): number {
  let sum = 0;
  const sd = side === 'buy' ? BUY : SELL;
  for (const o of ms.stops) if (st.i[o * Row.I + I.side] === sd && st.f[o * Row.F + F.price] === price) sum += st.f[o * Row.F + F.remaining]!;
  return sum;
}

/** Protective limit for a market order: the best opposite price widened by the price band. */
function marketLimit(s: EngineState, ms: MarketState, side: Side): number {
  const best = ms.book.bestSlot(side === 'buy' ? 'sell' : 'buy');
  if (best === NONE) return 0;
  const band = BigInt(s.config.priceBandBps > 0 ? s.config.priceBandBps : 1000);
  const step = BigInt(ms.market.priceStep);
  const ref = BigInt(s.store.f[best * Row.F + F.price]!);
  if (side === 'buy') {
    const lim = (ref * (BPS + band)) / BPS;
    const p = Number((lim / step) * step);
    return p > MAX_UNITS ? MAX_UNITS - (MAX_UNITS % ms.market.priceStep) : p;
  }
  const lim = (ref * (BPS - band) + BPS - 1n) / BPS;
  const p = Number(((lim + step - 1n) / step) * step);
  return Math.max(p, ms.market.priceStep);
}

/** Run an accepted (or just triggered) order against the book, then rest or cancel the rest. */
function execute(s: EngineState, ms: MarketState, o: number, events: EngineSink): void {
  const st = s.store;
  const isBuy = st.i[o * Row.I + I.side] === BUY;
  const opt = st.i[o * Row.I + I.option]!;
  if (opt === MAKER_OR_CANCEL) {
    const b = ms.book.bestSlot(isBuy ? 'sell' : 'buy');
    if (b !== NONE && (isBuy ? st.f[b * Row.F + F.price]! <= st.f[o * Row.F + F.price]! : st.f[b * Row.F + F.price]! >= st.f[o * Row.F + F.price]!)) cancelOrder(s, o, 'MakerOrCancelWouldTake', events);
    else rest(st, ms, o);
    return;
  }
  if (opt === FILL_OR_KILL && fillable(s, ms, o) < st.f[o * Row.F + F.remaining]!) {
    cancelOrder(s, o, 'FillOrKillWouldNotFill', events);
    return;
  }
  const stopReason = match(s, ms, o, events);
  if (st.f[o * Row.F + F.remaining] === 0) return; // closed inside fill()
  if (stopReason !== undefined) cancelOrder(s, o, stopReason, events);
  else if (opt === IMMEDIATE_OR_CANCEL || st.i[o * Row.I + I.kind] === MARKET) cancelOrder(s, o, 'ImmediateOrCancelWouldPost', events);
  else rest(st, ms, o);
}

function rest(st: OrderStore, ms: MarketState, o: number): void {
  ms.book.add(o);
  st.i[o * Row.I + I.flags] |= RESTING;
}

/** Lowest acceptable / highest acceptable price given the band, from the first fill price. */
function bandLimit(s: EngineState, side: Side, ref: number): number {
  const band = s.config.priceBandBps;
  if (band <= 0) return side === 'buy' ? Infinity : -Infinity;
  // same integer arithmetic in numbers while every intermediate is exact (below 2^52)
  const x = side === 'buy' ? ref * (10_000 + band) : ref * (10_000 - band) + 9_999;
  if (x >= 0 && x <= 2 ** 52) return divFloor(x, 10_000);
  const r = BigInt(ref);
  const b = BigInt(band);
  if (side === 'buy') return Number((r * (BPS + b)) / BPS);
  return Number((r * (BPS - b) + BPS - 1n) / BPS);
}

/** floor(x / d) for integers 0 <= x <= 2^52, 0 < d <= 2^20, exactly (the float quotient is corrected) */
function divFloor(x: number, d: number): number {
  let q = Math.floor(x / d);
  if (q * d > x) q--;
  else if (x - q * d >= d) q++;
  return q;
}

/** How much of `o` could fill right now (stopping where matching would stop). */
function fillable(s: EngineState, ms: MarketState, o: number): number {
  const st = s.store;
  const isBuy = st.i[o * Row.I + I.side] === BUY;
  const side: Side = isBuy ? 'buy' : 'sell';
  const limitPrice = st.f[o * Row.F + F.price]!;
  const account = st.i[o * Row.I + I.account]!;
  const want = st.f[o * Row.F + F.remaining]!;
  let total = 0;
  let limit = NaN;
  ms.book.scanSlots(isBuy ? 'sell' : 'buy', (m) => {
    const p = st.f[m * Row.F + F.price]!;
    if (!crosses(side, limitPrice, p) || st.i[m * Row.I + I.account] === account) return false;
    if (Number.isNaN(limit)) limit = bandLimit(s, side, p);
    else if (isBuy ? p > limit : p < limit) return false;
    total += st.f[m * Row.F + F.remaining]!;
    return total < want;
  });
  return total;
}

function match(s: EngineState, ms: MarketState, o: number, events: EngineSink): CancelReason | undefined {
  const st = s.store;
  const isBuy = st.i[o * Row.I + I.side] === BUY;
  const opp: Side = isBuy ? 'sell' : 'buy';
  const book = ms.book;
  const limitPrice = st.f[o * Row.F + F.price]!;
  const account = st.i[o * Row.I + I.account]!;
  let limit = NaN;
  while (st.f[o * Row.F + F.remaining]! > 0) {
    const m = book.bestSlot(opp);
    if (m === NONE) break;
    const p = st.f[m * Row.F + F.price]!;
    if (isBuy ? p > limitPrice : p < limitPrice) break;
    if (Number.isNaN(limit)) limit = bandLimit(s, isBuy ? 'buy' : 'sell', p);
    else if (isBuy ? p > limit : p < limit) return 'ExceedsPriceLimits';
    if (st.i[m * Row.I + I.account] === account) return 'SelfCrossPrevented';
    const mr = st.f[m * Row.F + F.remaining]!;
    const or = st.f[o * Row.F + F.remaining]!;
    fill(s, ms, m, o, mr < or ? mr : or, events);
  }
  return undefined;
}

function fill(s: EngineState, ms: MarketState, maker: number, taker: number, q: number, events: EngineSink): void {
  const st = s.store;
  const f = ms.factors;
  const mk = ms.market;
  const p = st.f[maker * Row.F + F.price]!;
  const nums = st.f;
  const mRem = maker * Row.F + F.remaining;
  const tRem = taker * Row.F + F.remaining;
  nums[mRem] = nums[mRem]! - q;
  nums[tRem] = nums[tRem]! - q;
  const takerIsBuyer = st.i[taker * Row.I + I.side] === BUY;
  const buyer = takerIsBuyer ? taker : maker;
  const seller = takerIsBuyer ? maker : taker;
  const mBps = st.i[maker * Row.I + I.makerBps]!;
  const tBps = st.i[taker * Row.I + I.takerBps]!;
  const fees = ms.feeCell;
  fees.touched = true;
  const pq = p * q;
  const mf = pq * mBps;
  const tf = pq * tBps;
  // the event's fees: mf x 10^kf and tf x 10^kf ledger units, or bigints when they do not fit
  const kf = f.feeExp;
  let big = false;
  let makerFee = 0n;
  let takerFee = 0n;
  if (pq <= MAX_UNITS && mf <= MAX_UNITS && tf <= MAX_UNITS) {
    // every quantity is a safe integer: pending ledger slots, no BigInt
    // written out rather than calls (a call with a non-Smi number boxes it): each add goes to the
    // pending slot when the sum stays safe, else through addT / addH, which fold it exactly
    const mFn = maker * Row.F + F.fn;
    const tFn = taker * Row.F + F.fn;
    let v = nums[mFn]! + pq;
    if (v <= MAX_UNITS) nums[mFn] = v; else st.addFilled(maker, pq);
    v = nums[tFn]! + pq;
    if (v <= MAX_UNITS) nums[tFn] = v; else st.addFilled(taker, pq);
    const kn = f.notionalExp;
    const bf = takerIsBuyer ? tf : mf;
    const sf = takerIsBuyer ? mf : tf;
    const bq = st.balances[st.i[buyer * Row.I + I.payBal]!]!;
    let a = bq.pt;
    v = a[kn]! - pq;
    if (v >= -MAX_UNITS) a[kn] = v; else bq.addT(kn, -pq);
    v = a[kf]! - bf;
    if (v >= -MAX_UNITS) a[kf] = v; else bq.addT(kf, -bf);
    bq.dirty = true;
    const sq = st.balances[st.i[seller * Row.I + I.getBal]!]!;
    a = sq.pt;
    v = a[kn]! + pq;
    if (v <= MAX_UNITS) a[kn] = v; else sq.addT(kn, pq);
    v = a[kf]! - sf;
    if (v >= -MAX_UNITS) a[kf] = v; else sq.addT(kf, -sf);
    sq.dirty = true;
    const fb = fees.b;
    a = fb.pt;
    v = a[kf]! + mf;
    if (v <= MAX_UNITS) a[kf] = v; else fb.addT(kf, mf);
    v = a[kf]! + tf;
    if (v <= MAX_UNITS) a[kf] = v; else fb.addT(kf, tf);
    fb.dirty = true;
  } else {
    big = true;
    const pqB = mulUnits(p, q);
    if (pq <= MAX_UNITS) {
      st.addFilled(maker, pq);
      st.addFilled(taker, pq);
    } else {
      st.setFnBig(maker, st.fnBig(maker) + pqB);
      st.setFnBig(taker, st.fnBig(taker) + pqB);
    }
    const notional = pqB * f.notionalFactor;
    makerFee = pqB * feeFactor(f, mBps);
    takerFee = pqB * feeFactor(f, tBps);
    st.balances[st.i[buyer * Row.I + I.payBal]!]!.addBigT(-(notional + (takerIsBuyer ? takerFee : makerFee)));
    st.balances[st.i[seller * Row.I + I.getBal]!]!.addBigT(notional - (takerIsBuyer ? makerFee : takerFee));
    fees.b.addBigT(makerFee + takerFee);
  }
  // buyer: the hold is re-sized to what the rest of the order needs (it only shrinks, by at least
  // what was paid, so the available funds never drop here); base arrives
  if ((st.i[buyer * Row.I + I.flags]! & HSTD) !== 0) {
    // standard parts of price x remaining shrink by price x q (safe: no more than they were)
    const n = st.f[buyer * Row.F + F.price]! * q;
    const bp = st.balances[st.i[buyer * Row.I + I.payBal]!]!;
    const ph = bp.ph;
    const he = (st.i[buyer * Row.I + I.exps]! & 0xff);
    let w = ph[he]! - n;
    if (w >= -HOLD_FOLD) ph[he] = w; else bp.addH(he, -n);
    const bmb = st.i[buyer * Row.I + I.makerBps]!;
    const btb = st.i[buyer * Row.I + I.takerBps]!;
    const nf = n * (bmb > btb ? bmb : btb);
    if (nf !== 0) {
      const fe = (st.i[buyer * Row.I + I.exps]! >> 8);
      w = ph[fe]! - nf;
      if (w >= -HOLD_FOLD) ph[fe] = w; else bp.addH(fe, -nf);
    }
    bp.dirty = true;
  } else {
    rehold(st, buyer, f);
  }
  const kb = f.baseExp;
  st.balances[st.i[buyer * Row.I + I.getBal]!]!.addT(kb, q);
  // seller: delivers base out of its hold
  const sb = st.balances[st.i[seller * Row.I + I.payBal]!]!;
  sb.addT(kb, -q);
  if ((st.i[seller * Row.I + I.flags]! & HSTD) !== 0) {
    sb.addH(kb, -q);
  } else {
    const x = BigInt(q) * f.baseUnit;
    st.setHBig(seller, st.hBig(seller) - x);
    sb.addBigH(-x);
  }

  ms.lastPrice = p;
  events.trade(s.nextId++, mk.symbol, p, q, st, maker, taker, big ? 0 : mf, big ? 0 : tf, kf, big, makerFee, takerFee, mk.quote);
  ms.book.reduced(maker, q);
  if (nums[mRem] === 0) {
    st.i[maker * Row.I + I.flags] &= ~RESTING;
    close(s, maker);
    events.orderFilled(st.at(maker));
    st.release(maker);
  }
  if (nums[tRem] === 0) {
    close(s, taker);
    events.orderFilled(st.at(taker));
    st.release(taker);
  }
}

/** put a buy order whose hold is not standard on the standard hold of its remaining amount */
function rehold(st: OrderStore, o: number, f: MarketFactors): void {
  const b = st.balances[st.i[o * Row.I + I.payBal]!]!;
  const hBig = st.hBig(o);
  if (hBig !== 0n) b.addBigH(-hBig);
  st.setHBig(o, 0n);
  st.i[o * Row.I + I.flags] |= HSTD;
  const r = st.f[o * Row.F + F.remaining]!;
  if (r === 0) return;
  const mb = st.i[o * Row.I + I.makerBps]!;
  const tb = st.i[o * Row.I + I.takerBps]!;
  const bps = mb > tb ? mb : tb;
  const price = st.f[o * Row.F + F.price]!;
  const pq = price * r;
  const fee = pq * bps;
  if (pq <= MAX_UNITS && fee <= MAX_UNITS) {
    b.addH((st.i[o * Row.I + I.exps]! & 0xff), pq);
    if (fee !== 0) b.addH((st.i[o * Row.I + I.exps]! >> 8), fee);
  } else {
    st.i[o * Row.I + I.flags] &= ~HSTD;
    const h = buyHold(f, price, r, bps);
    st.setHBig(o, h);
    b.addBigH(h);
  }
}

/** release everything an order holds */
function releaseHold(st: OrderStore, o: number): void {
  const b = st.balances[st.i[o * Row.I + I.payBal]!]!;
  const r = st.f[o * Row.F + F.remaining]!;
  if ((st.i[o * Row.I + I.flags]! & HSTD) !== 0 && r > 0) {
    if (st.i[o * Row.I + I.side] === BUY) {
      const n = st.f[o * Row.F + F.price]! * r;
      b.addH((st.i[o * Row.I + I.exps]! & 0xff), -n);
      const mb = st.i[o * Row.I + I.makerBps]!;
      const tb = st.i[o * Row.I + I.takerBps]!;
      const nf = n * (mb > tb ? mb : tb);
      if (nf !== 0) b.addH((st.i[o * Row.I + I.exps]! >> 8), -nf);
    } else {
      b.addH((st.i[o * Row.I + I.exps]! & 0xff), -r);
    }
  }
  const hBig = st.hBig(o);
  if (hBig !== 0n) b.addBigH(-hBig);
  st.i[o * Row.I + I.flags] &= ~HSTD;
  st.setHBig(o, 0n);
}

/** forget a no-longer-live order (its hold must already be zero); its slot is released by the caller */
function close(s: EngineState, o: number): void {
  const st = s.store;
  s.orders.forget(st.f[o * Row.F + F.id]!);
  if ((st.i[o * Row.I + I.flags]! & LISTED) !== 0) (s.accountByIx[st.i[o * Row.I + I.account]!]!.orderList as OpenOrderList).delete(o);
}

/** Cancel an open order: take it out of the book or the stop list, release its hold. */
export function cancelOrder(s: EngineState, o: number, reason: CancelReason, events: EngineSink): void {
  const st = s.store;
  const ms = s.marketByIx[st.i[o * Row.I + I.market]!]!;
  const flags = st.i[o * Row.I + I.flags]!;
  if ((flags & RESTING) !== 0) {
    ms.book.remove(o);
    st.i[o * Row.I + I.flags] = flags & ~RESTING;
  } else if ((flags & TRIGGERED) === 0) {
    const i = ms.stops.indexOf(o);
    if (i >= 0) ms.stops.splice(i, 1);
  }
  releaseHold(st, o);
  close(s, o);
  events.orderCancelled(st.at(o), reason);
  st.release(o);
}

/** Trigger stops whose condition the last trade price meets, oldest first, until none is left. */
function runStops(s: EngineState, ms: MarketState, events: EngineSink): void {
  const st = s.store;
  for (;;) {
    const last = ms.lastPrice;
    if (ms.stops.length === 0 || last === 0) return;
    const i = ms.stops.findIndex((o) => (st.i[o * Row.I + I.side] === BUY ? last >= st.f[o * Row.F + F.stopPrice]! : last <= st.f[o * Row.F + F.stopPrice]!));
    if (i < 0) return;
    const o = ms.stops[i]!;
    ms.stops.splice(i, 1);
    st.i[o * Row.I + I.flags] |= TRIGGERED;
    events.stopTriggered(st.f[o * Row.F + F.id]!, ms.market.symbol);
    execute(s, ms, o, events);
  }
}
