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
import type { Event } from './events.js';
import { balanceOf, buyHold, feeFactor, mulUnits, sellHold, BPS } from './ledger.js';
import { recordOf, type CancelReason, type ExecOption, type Order, type OrderKind, type Side } from './order.js';
import { reject, type Rejection } from './rejections.js';
import { OpenOrderList } from './order-index.js';
import type { EngineState, MarketState } from './state.js';

const MAX_UNITS = Number.MAX_SAFE_INTEGER;
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

export function placeOrder(s: EngineState, c: PlaceOrder, time: number, events: Event[]): Rejection | null {
  const account = s.accounts.get(c.account);
  if (account === undefined) return reject('UnknownAccount', c.account);
  const ms = typeof c.symbol === 'string' ? s.markets.get(c.symbol) ?? s.markets.get(c.symbol.toLowerCase()) : undefined;
  if (ms === undefined) return reject('InvalidSymbol');
  const m = ms.market;
  const sideText = c.side === 'buy' || c.side === 'sell' ? c.side : typeof c.side === 'string' ? c.side.toLowerCase() : '';
  if (sideText !== 'buy' && sideText !== 'sell') return reject('InvalidSide');
  const side: Side = sideText;
  const kind = typeof c.orderType === 'string' ? ORDER_KINDS.get(c.orderType) ?? ORDER_KINDS.get(c.orderType.toLowerCase()) : undefined;
  if (kind === undefined || (kind === 'market' && !m.marketOrders)) return reject('InvalidOrderType');

  if (c.options !== undefined && c.options !== null && !Array.isArray(c.options)) return reject('OptionsMustBeArray');
  const opts: unknown[] = Array.isArray(c.options) ? c.options : [];
  for (const o of opts) if (typeof o !== 'string' || !KNOWN_OPTIONS.has(o)) return reject('UnsupportedOption', String(o));
  if (opts.length > 1) return reject('ConflictingOptions');
  if (opts.length === 1 && kind !== 'limit') return reject('UnsupportedOption', `${opts[0]} is only for limit orders`);
  const option = (opts[0] ?? '') as ExecOption;

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

  const holdBps = Math.max(account.makerBps, account.takerBps);
  const hold = side === 'buy' ? buyHold(ms.factors, price, amount, holdBps) : sellHold(ms.factors, amount);
  const held = account.balances.get(side === 'buy' ? m.quote : m.base);
  if (hold > 0n && (held === undefined || held.total - held.held < hold)) return reject('InsufficientFunds');

  // ---- accepted: nothing below may reject ----
  const bal = held ?? balanceOf(account, side === 'buy' ? m.quote : m.base);
  const getBal = balanceOf(account, side === 'buy' ? m.base : m.quote);

  const order: Order = {
    id: s.nextId++,
    account: c.account,
    session: c.session,
    symbol: m.symbol,
    side,
    kind,
    price,
    stopPrice,
    amount,
    remaining: amount,
    filledNotional: 0n,
    option,
    clientOrderId,
    time,
    makerBps: account.makerBps,
    takerBps: account.takerBps,
    hold,
    payBal: bal,
    getBal,
    triggered: kind !== 'stop-limit',
    resting: false,
    prev: null,
    next: null,
    level: null,
    aPrev: null,
    aNext: null,
    aList: null,
  };
  bal.held += hold;
  s.orders.set(order.id, order);
  let set = s.accountOrders.get(order.account);
  if (set === undefined) s.accountOrders.set(order.account, (set = new OpenOrderList()));
  set.add(order);
  events.push({ type: 'OrderAccepted', order: recordOf(order, true) });

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
function execute(s: EngineState, ms: MarketState, o: Order, time: number, events: Event[]): void {
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
  const r = BigInt(ref);
  const b = BigInt(band);
  if (side === 'buy') return Number((r * (BPS + b)) / BPS);
  return Number((r * (BPS - b) + BPS - 1n) / BPS);
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

function match(s: EngineState, ms: MarketState, o: Order, time: number, events: Event[]): CancelReason | undefined {
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

function fill(s: EngineState, ms: MarketState, maker: Order, taker: Order, q: number, time: number, events: Event[]): void {
  const f = ms.factors;
  const mk = ms.market;
  const p = maker.price;
  maker.remaining -= q;
  taker.remaining -= q;
  const pq = mulUnits(p, q);
  maker.filledNotional += pq;
  taker.filledNotional += pq;
  const notional = pq * f.notionalFactor;
  const takerIsBuyer = taker.side === 'buy';
  const buyer = takerIsBuyer ? taker : maker;
  const seller = takerIsBuyer ? maker : taker;
  const makerFee = pq * feeFactor(f, maker.makerBps);
  const takerFee = pq * feeFactor(f, taker.takerBps);
  const baseQty = BigInt(q) * f.baseUnit;

  // buyer: pays notional + fee out of its hold, re-sized to what the rest of the order needs
  const bq = buyer.payBal;
  const newHold = buyer.remaining > 0 ? buyHold(f, buyer.price, buyer.remaining, Math.max(buyer.makerBps, buyer.takerBps)) : 0n;
  bq.held -= buyer.hold - newHold;
  buyer.hold = newHold;
  bq.total -= notional + (takerIsBuyer ? takerFee : makerFee);
  buyer.getBal.total += baseQty;
  // seller: delivers base out of its hold, receives notional - fee
  const sb = seller.payBal;
  sb.total -= baseQty;
  sb.held -= baseQty;
  seller.hold -= baseQty;
  seller.getBal.total += notional - (takerIsBuyer ? makerFee : takerFee);

  s.feesCollected.set(mk.quote, (s.feesCollected.get(mk.quote) ?? 0n) + makerFee + takerFee);
  ms.lastPrice = p;
  events.push({
    type: 'Trade',
    tid: s.nextId++,
    symbol: mk.symbol,
    price: p,
    amount: q,
    takerSide: taker.side,
    makerOrderId: maker.id,
    takerOrderId: taker.id,
    makerAccount: maker.account,
    takerAccount: taker.account,
    makerFee,
    takerFee,
    feeCurrency: mk.quote,
    time,
  });
  ms.book.reduced(maker, q);
  if (maker.remaining === 0) {
    maker.resting = false;
    close(s, maker);
    events.push({ type: 'OrderFilled', order: recordOf(maker, false, undefined, time) });
  }
  if (taker.remaining === 0) {
    close(s, taker);
    events.push({ type: 'OrderFilled', order: recordOf(taker, false, undefined, time) });
  }
}

/** forget a no-longer-live order (its hold must already be zero) */
function close(s: EngineState, o: Order): void {
  s.orders.delete(o.id);
  s.accountOrders.get(o.account)?.delete(o);
}

/** Cancel an open order: take it out of the book or the stop list, release its hold. */
export function cancelOrder(s: EngineState, o: Order, reason: CancelReason, time: number, events: Event[]): void {
  const ms = s.markets.get(o.symbol)!;
  if (o.resting) {
    ms.book.remove(o);
    o.resting = false;
  } else if (!o.triggered) {
    const i = ms.stops.indexOf(o);
    if (i >= 0) ms.stops.splice(i, 1);
  }
  o.payBal.held -= o.hold;
  o.hold = 0n;
  close(s, o);
  events.push({ type: 'OrderCancelled', order: recordOf(o, false, reason, time), reason });
}

/** Trigger stops whose condition the last trade price meets, oldest first, until none is left. */
function runStops(s: EngineState, ms: MarketState, time: number, events: Event[]): void {
  for (;;) {
    const last = ms.lastPrice;
    if (ms.stops.length === 0 || last === 0) return;
    const i = ms.stops.findIndex((o) => (o.side === 'buy' ? last >= o.stopPrice : last <= o.stopPrice));
    if (i < 0) return;
    const o = ms.stops[i]!;
    ms.stops.splice(i, 1);
    o.triggered = true;
    events.push({ type: 'StopTriggered', orderId: o.id, symbol: o.symbol, time });
    execute(s, ms, o, time, events);
  }
}
