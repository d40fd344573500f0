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
import { balanceOf, buyHold, feeFactor, mulUnits, BPS, LB_EXP, POW10N, type MarketFactors } from './ledger.js';
import { Order, type CancelReason, type ExecOption, type OrderKind, type Side } from './order.js';
import { reject, type Rejection } from './rejections.js';
import { OpenOrderList } from './order-index.js';
import type { EngineSink } from './sink.js';
import type { EngineState, MarketState } from './state.js';

const MAX_UNITS = Number.MAX_SAFE_INTEGER;
const MAX_SPARE_ORDERS = 1 << 16;
/** 10^k as a number, k = 0..15 (exact) */
const P10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * An upper bound, in units of 10^LB_EXP ledger units, of x units of 10^e ledger units (x a
 * non-negative safe integer). Exact when e >= LB_EXP (a result above 2^53 only ever fails the
 * funds fast path); otherwise floor(x / 10^(LB_EXP - e)) + 2, which is at least the true ceiling
 * even after the division's rounding (the quotient is below 2^53, so it is off by at most 1/2).
 */
function lbUnits(x: number, e: number): number {
  if (x === 0) return 0;
  return e >= LB_EXP ? x * P10[e - LB_EXP]! : Math.floor(x / P10[LB_EXP - e]!) + 2;
}
const KNOWN_OPTIONS = new Set(['maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill']);
const ORDER_KINDS = new Map<string, OrderKind>([
  ['exchange limit', 'limit'],
  ['exchange stop limit', 'stop-limit'],
  ['exchange market', 'market'],
]);

/** Parse a positive multiple of `step` units; undefined when it is not one. */
function parseUnits(value: unknown, decimals: number, step: number): number | undefined {
  // JSON numbers are tolerated (some clients send them); their shortest decimal form is used
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (text === undefined) return undefined;
  const n = parsePositiveUnits(text, decimals);
  return n !== undefined && n % step === 0 ? n : undefined;
}

function crosses(side: Side, limit: number, opposite: number): boolean {
  return side === 'buy' ? opposite <= limit : opposite >= limit;
}

export function placeOrder(s: EngineState, c: PlaceOrder, time: number, events: EngineSink): Rejection | null {
  const account = s.accounts.get(c.account);
  if (account === undefined) return reject('UnknownAccount', c.account);
  const ms = typeof c.symbol === 'string' ? s.markets.get(c.symbol) ?? s.markets.get(c.symbol.toLowerCase()) : undefined;
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

  const st = ms.status;
  if (st === 'closed' || st === 'cancel_only') return reject('MarketNotOpen', `market is ${st}`);
  if (st === 'limit_only' && kind === 'market') return reject('MarketNotOpen', 'market is limit_only');
  if (st === 'post_only' && option !== 'maker-or-cancel') return reject('MarketNotOpen', 'market is post_only');

  if (kind === 'market') price = marketLimit(s, ms, side);
  // the order (or a stop, once triggered) may rest at `price`: its level must stay exact
  if (ms.book.levelAmount(side, price) + pendingStops(ms, side, price) + amount > MAX_UNITS) {
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
    need = hBig === 0n ? lbUnits(hN, hExp) + lbUnits(hF, fExp) : Infinity;
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

  const pool = s.spareOrders;
  const spare = pool.n > 0 ? pool.a[--pool.n] : undefined;
  const order = spare !== undefined
    ? spare.init(s.nextId++, c.account, c.session, m.symbol, side, kind, price, stopPrice, amount, amount, option,
      clientOrderId, time, account.makerBps, account.takerBps, bal, getBal, hExp, fExp, kind !== 'stop-limit')
    : new Order(s.nextId++, c.account, c.session, m.symbol, side, kind, price, stopPrice, amount, amount, option,
      clientOrderId, time, account.makerBps, account.takerBps, bal, getBal, hExp, fExp, kind !== 'stop-limit');
  if (hN !== 0) bal.addH(hExp, hN);
  if (hF !== 0) bal.addH(fExp, hF);
  if (hBig !== 0n) bal.addBigH(hBig);
  order.hStd = hBig === 0n;
  order.hBig = hBig;
  if (exact) bal.resetLB();
  else bal.availLB -= need;
  s.orders.set(order.id, order);
  let set = account.orderList as OpenOrderList | undefined;
  if (set === undefined) {
    set = s.accountOrders.get(order.account);
    if (set === undefined) s.accountOrders.set(order.account, (set = new OpenOrderList()));
    account.orderList = set;
  }
  set.add(order);
  events.orderAccepted(order);

  if (kind === 'stop-limit') {
    ms.stops.push(order);
  } else if (kind === 'market' && price === 0) {
    cancelOrder(s, order, 'ImmediateOrCancelWouldPost', time, events);
  } else {
    execute(s, ms, order, time, events);
  }
  runStops(s, ms, time, events);
  return null;
}

/** amount of untriggered stops that would rest at this side and price */
function pendingStops(ms: MarketState, side: Side, price: number): number {
  let sum = 0;
  for (const o of ms.stops) if (o.side === side && o.price === price) sum += o.remaining;
  return sum;
}

/** Protective limit for a market order: the best opposite price widened by the price band. */
function marketLimit(s: EngineState, ms: MarketState, side: Side): number {
  const best = ms.book.best(side === 'buy' ? 'sell' : 'buy');
  if (best === undefined) return 0;
  const band = BigInt(s.config.priceBandBps > 0 ? s.config.priceBandBps : 1000);
  const step = BigInt(ms.market.priceStep);
  const ref = BigInt(best.price);
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
function execute(s: EngineState, ms: MarketState, o: Order, time: number, events: EngineSink): void {
  const opp: Side = o.side === 'buy' ? 'sell' : 'buy';
  if (o.option === 'maker-or-cancel') {
    const b = ms.book.best(opp);
    if (b !== undefined && crosses(o.side, o.price, b.price)) cancelOrder(s, o, 'MakerOrCancelWouldTake', time, events);
    else rest(ms, o);
    return;
  }
  if (o.option === 'fill-or-kill' && fillable(s, ms, o) < o.remaining) {
    cancelOrder(s, o, 'FillOrKillWouldNotFill', time, events);
    return;
  }
  const stopReason = match(s, ms, o, time, events);
  if (o.remaining === 0) return; // closed inside fill()
  if (stopReason !== undefined) cancelOrder(s, o, stopReason, time, events);
  else if (o.option === 'immediate-or-cancel' || o.kind === 'market') cancelOrder(s, o, 'ImmediateOrCancelWouldPost', time, events);
  else rest(ms, o);
}

function rest(ms: MarketState, o: Order): void {
  ms.book.add(o);
  o.resting = true;
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
function fillable(s: EngineState, ms: MarketState, o: Order): number {
  let total = 0;
  let limit = NaN;
  ms.book.scan(o.side === 'buy' ? 'sell' : 'buy', (m) => {
    if (!crosses(o.side, o.price, m.price) || m.account === o.account) return false;
    if (Number.isNaN(limit)) limit = bandLimit(s, o.side, m.price);
    else if (o.side === 'buy' ? m.price > limit : m.price < limit) return false;
    total += m.remaining;
    return total < o.remaining;
  });
  return total;
}

function match(s: EngineState, ms: MarketState, o: Order, time: number, events: EngineSink): CancelReason | undefined {
  const opp: Side = o.side === 'buy' ? 'sell' : 'buy';
  const book = ms.book;
  const isBuy = o.side === 'buy';
  let limit = NaN;
  while (o.remaining > 0) {
    const m = book.best(opp);
    if (m === undefined) break;
    if (isBuy ? m.price > o.price : m.price < o.price) break;
    if (Number.isNaN(limit)) limit = bandLimit(s, o.side, m.price);
    else if (isBuy ? m.price > limit : m.price < limit) return 'ExceedsPriceLimits';
    if (m.account === o.account) return 'SelfCrossPrevented';
    fill(s, ms, m, o, m.remaining < o.remaining ? m.remaining : o.remaining, time, events);
  }
  return undefined;
}

function fill(s: EngineState, ms: MarketState, maker: Order, taker: Order, q: number, time: number, events: EngineSink): void {
  const f = ms.factors;
  const mk = ms.market;
  const p = maker.price;
  maker.remaining -= q;
  taker.remaining -= q;
  const takerIsBuyer = taker.side === 'buy';
  const buyer = takerIsBuyer ? taker : maker;
  const seller = takerIsBuyer ? maker : taker;
  const mBps = maker.makerBps;
  const tBps = taker.takerBps;
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
    maker.addFilled(pq);
    taker.addFilled(pq);
    const kn = f.notionalExp;
    const bq = buyer.payBal;
    bq.addT(kn, -pq);
    bq.addT(kf, -(takerIsBuyer ? tf : mf));
    const sq = seller.getBal;
    sq.addT(kn, pq);
    sq.addT(kf, -(takerIsBuyer ? mf : tf));
    fees.b.addT(kf, mf);
    fees.b.addT(kf, tf);
  } else {
    big = true;
    const pqB = mulUnits(p, q);
    if (pq <= MAX_UNITS) {
      maker.addFilled(pq);
      taker.addFilled(pq);
    } else {
      maker.fnBig += pqB;
      taker.fnBig += pqB;
    }
    const notional = pqB * f.notionalFactor;
    makerFee = pqB * feeFactor(f, mBps);
    takerFee = pqB * feeFactor(f, tBps);
    buyer.payBal.addBigT(-(notional + (takerIsBuyer ? takerFee : makerFee)));
    seller.getBal.addBigT(notional - (takerIsBuyer ? makerFee : takerFee));
    fees.b.addBigT(makerFee + takerFee);
  }
  // buyer: the hold is re-sized to what the rest of the order needs (it only shrinks, by at least
  // what was paid, so the available funds never drop here); base arrives
  if (buyer.hStd) {
    // standard parts of price x remaining shrink by price x q (safe: no more than they were)
    const n = buyer.price * q;
    const bp = buyer.payBal;
    bp.addH(buyer.hExp, -n);
    const nf = n * (buyer.makerBps > buyer.takerBps ? buyer.makerBps : buyer.takerBps);
    if (nf !== 0) bp.addH(buyer.fExp, -nf);
  } else {
    rehold(buyer, f);
  }
  const kb = f.baseExp;
  buyer.getBal.addT(kb, q);
  // seller: delivers base out of its hold
  const sb = seller.payBal;
  sb.addT(kb, -q);
  if (seller.hStd) {
    sb.addH(kb, -q);
  } else {
    const x = BigInt(q) * f.baseUnit;
    seller.hBig -= x;
    sb.addBigH(-x);
  }

  ms.lastPrice = p;
  events.trade(s.nextId++, mk.symbol, p, q, taker.side, maker.id, taker.id, maker.account, taker.account,
    big ? 0 : mf, big ? 0 : tf, kf, big, makerFee, takerFee, mk.quote, time);
  ms.book.reduced(maker, q);
  if (maker.remaining === 0) {
    maker.resting = false;
    close(s, maker);
    events.orderFilled(maker, time);
    recycle(s, maker);
  }
  if (taker.remaining === 0) {
    close(s, taker);
    events.orderFilled(taker, time);
    recycle(s, taker);
  }
}

/** put a buy order whose hold is not standard on the standard hold of its remaining amount */
function rehold(o: Order, f: MarketFactors): void {
  const b = o.payBal;
  if (o.hBig !== 0n) b.addBigH(-o.hBig);
  o.hBig = 0n;
  o.hStd = true;
  const r = o.remaining;
  if (r === 0) return;
  const bps = o.makerBps > o.takerBps ? o.makerBps : o.takerBps;
  const pq = o.price * r;
  const fee = pq * bps;
  if (pq <= MAX_UNITS && fee <= MAX_UNITS) {
    b.addH(o.hExp, pq);
    if (fee !== 0) b.addH(o.fExp, fee);
  } else {
    o.hStd = false;
    o.hBig = buyHold(f, o.price, r, bps);
    b.addBigH(o.hBig);
  }
}

/** release everything an order holds */
function releaseHold(o: Order): void {
  const b = o.payBal;
  const r = o.remaining;
  if (o.hStd && r > 0) {
    if (o.side === 'buy') {
      const n = o.price * r;
      b.addH(o.hExp, -n);
      const nf = n * (o.makerBps > o.takerBps ? o.makerBps : o.takerBps);
      if (nf !== 0) b.addH(o.fExp, -nf);
    } else {
      b.addH(o.hExp, -r);
    }
  }
  if (o.hBig !== 0n) b.addBigH(-o.hBig);
  o.hStd = false;
  o.hBig = 0n;
}

/** forget a no-longer-live order (its hold must already be zero) */
function close(s: EngineState, o: Order): void {
  s.orders.delete(o.id);
  (o.aList as OpenOrderList | null)?.delete(o);
}

/**
 * Keep a closed order's object for the next order (fewer young objects that survive, so cheaper
 * minor GCs). Only once its final record is built; nothing reads it again: the engine hands a
 * spare out only at the start of the next PlaceOrder.
 */
function recycle(s: EngineState, o: Order): void {
  const pool = s.spareOrders;
  if (pool.n < MAX_SPARE_ORDERS) pool.a[pool.n++] = o;
}

/** Cancel an open order: take it out of the book or the stop list, release its hold. */
export function cancelOrder(s: EngineState, o: Order, reason: CancelReason, time: number, events: EngineSink): void {
  const ms = s.markets.get(o.symbol)!;
  if (o.resting) {
    ms.book.remove(o);
    o.resting = false;
  } else if (!o.triggered) {
    const i = ms.stops.indexOf(o);
    if (i >= 0) ms.stops.splice(i, 1);
  }
  releaseHold(o);
  close(s, o);
  events.orderCancelled(o, reason, time);
  recycle(s, o);
}

/** Trigger stops whose condition the last trade price meets, oldest first, until none is left. */
function runStops(s: EngineState, ms: MarketState, time: number, events: EngineSink): void {
  for (;;) {
    const last = ms.lastPrice;
    if (ms.stops.length === 0 || last === 0) return;
    const i = ms.stops.findIndex((o) => (o.side === 'buy' ? last >= o.stopPrice : last <= o.stopPrice));
    if (i < 0) return;
    const o = ms.stops[i]!;
    ms.stops.splice(i, 1);
    o.triggered = true;
    events.stopTriggered(o.id, o.symbol, time);
    execute(s, ms, o, time, events);
  }
}
