/**
 * The invariant checker for random engine histories, and small helpers shared by the property tests.
 *
 * `Model` is an independent, deliberately simple account of what the engine has promised so far:
 * money that came in and went out (from the command text, not the engine's events), each accepted
 * order with what it must look like, fills, closes, fee rates, market statuses and last prices.
 * `checkStep` compares the engine against it after every command and throws on the first
 * difference. Money arithmetic here is done from first principles (10^-18 ledger units), and only
 * cross-checked against ledger.ts's buyHold/sellHold.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Market } from '../../src/domain/symbols.js';
import type { Command } from '../../src/engine/commands.js';
import { DEFAULT_MAKER_BPS, DEFAULT_PRICE_BAND_BPS, DEFAULT_TAKER_BPS, Engine, type Result } from '../../src/engine/engine.js';
import type { Event } from '../../src/engine/events.js';
import { buyHold, sellHold } from '../../src/engine/ledger.js';
import { CATALOGUE } from '../../src/engine/rejections.js';
import { exportState, type EngineSnapshot } from '../../src/engine/snapshot.js';
import { ALL_MARKETS, Driver, type Planned, type Scenario } from './arbitraries.js';

// ---------------------------------------------------------------- helpers

/** JSON with bigints written as "123n", for comparing events and results */
export function canon(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v === undefined ? '<undefined>' : v));
}

export function stateJson(e: Engine): string {
  return JSON.stringify(exportState(e));
}

export function stateHash(e: Engine): string {
  return createHash('sha256').update(stateJson(e)).digest('hex');
}

const p10 = (n: number): bigint => 10n ** BigInt(n);

// ---------------------------------------------------------------- model

interface OrderInfo {
  id: number;
  account: string;
  session: string;
  symbol: string;
  side: 'buy' | 'sell';
  kind: string;
  option: string;
  price: number;
  stopPrice: number;
  amount: number;
  makerBps: number;
  takerBps: number;
  filled: number;
  notional: bigint;
  triggered: boolean;
  closes: number;
}

export class Model {
  /** deposits - withdrawals per currency, from the command text */
  readonly netFlow = new Map<string, bigint>();
  readonly bps = new Map<string, { maker: number; taker: number }>();
  readonly status = new Map<string, string>();
  readonly lastPrice = new Map<string, number>();
  readonly orders = new Map<number, OrderInfo>();
  readonly open = new Set<number>();
  readonly markets = new Map<string, Market>();
  maxId = 0;
  steps = 0;
  accepted = 0;
  trades = 0;

  constructor(markets: readonly Market[], readonly bandBps = DEFAULT_PRICE_BAND_BPS) {
    for (const m of markets) {
      this.markets.set(m.symbol, m);
      this.status.set(m.symbol, m.initialStatus);
      this.lastPrice.set(m.symbol, 0);
    }
  }
}

function fail(msg: string): never {
  throw new Error(msg);
}

function eq(actual: unknown, expected: unknown, what: string): void {
  if (typeof actual === 'bigint' || typeof expected === 'bigint' ? actual !== expected : canon(actual) !== canon(expected)) {
    fail(`${what}: expected ${canon(expected)}, got ${canon(actual)}`);
  }
}

function ok(cond: boolean, what: string): void {
  if (!cond) fail(what);
}

/** ledger units of quote per (price unit x amount unit x bps) */
function quotePerBps(m: Market): bigint {
  return p10(18 - 4 - m.priceDecimals - m.amountDecimals);
}

function baseUnit(m: Market): bigint {
  return p10(18 - m.amountDecimals);
}

function expectedHold(m: Market, o: OrderInfo): bigint {
  const rest = BigInt(o.amount - o.filled);
  if (o.side === 'sell') return rest * baseUnit(m);
  return BigInt(o.price) * rest * (10_000n + BigInt(Math.max(o.makerBps, o.takerBps))) * quotePerBps(m);
}

function stopReached(side: string, last: number, stop: number): boolean {
  return last > 0 && (side === 'buy' ? last >= stop : last <= stop);
}

function totalsOf(snap: EngineSnapshot): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const a of snap.accounts) for (const [c, total] of a.balances) out.set(`${a.id}/${c}`, BigInt(total));
  return out;
}

function addTo(m: Map<string, bigint>, key: string, v: bigint): void {
  m.set(key, (m.get(key) ?? 0n) + v);
}

// ---------------------------------------------------------------- the check

/**
 * Check one applied command. `before` is exportState() taken just before apply.
 * Throws with a description on the first broken property.
 */
export function checkStep(engine: Engine, model: Model, p: Planned, before: EngineSnapshot, beforeJson: string, r: Result): void {
  model.steps++;
  const cmd = p.cmd;
  const where = `seq ${cmd.seq} ${canon(cmd)}`;
  try {
    if (!r.ok) checkRejected(engine, model, p, beforeJson, r.rejection.code);
    else checkAccepted(engine, model, p, before, r.events);
    checkState(engine, model);
  } catch (e) {
    throw new Error(`${where}\n  -> ${r.ok ? canon(r.events) : canon(r.rejection)}\n  ${(e as Error).message}`);
  }
}

function checkRejected(engine: Engine, model: Model, p: Planned, beforeJson: string, code: string): void {
  ok(code in CATALOGUE, `rejection code ${code} is not in the catalogue`);
  ok(p.expect !== 'ok', `a valid command was rejected with ${code}`);
  if (p.code !== undefined) eq(code, p.code, 'rejection code');
  const cmd = p.cmd;
  if (cmd.type === 'PlaceOrder' && p.intent !== undefined) {
    // a well-formed order may only fail on the market status or on funds, and only rightly so
    const it = p.intent;
    const st = model.status.get(it.symbol)!;
    if (code === 'MarketNotOpen') ok(!marketAllows(st, it.kind, it.option), `MarketNotOpen although the market is ${st}`);
    else if (code === 'InsufficientFunds') {
      ok(marketAllows(st, it.kind, it.option), `InsufficientFunds reported before the market status (${st})`);
      if (it.kind !== 'market') {
        const m = model.markets.get(it.symbol)!;
        const need = holdFor(m, it.side, it.price, it.amount, model.bps.get(it.account)!);
        const bal = engine.account(it.account)?.balances.get(it.side === 'buy' ? m.quote : m.base);
        const avail = bal === undefined ? 0n : bal.total - bal.held;
        ok(avail < need, `InsufficientFunds although ${avail} available covers the ${need} hold`);
      }
    } else if (code === 'InvalidQuantity') {
      // allowed only when the price level could grow past Number.MAX_SAFE_INTEGER: the level as it
      // is, plus stops of the same side waiting to rest at that price, plus this order
      const snap = JSON.parse(beforeJson) as EngineSnapshot;
      const sm = snap.markets.find((x) => x.symbol === it.symbol)!;
      const price = it.kind === 'market' ? undefined : it.price;
      const atPrice = [...(it.side === 'buy' ? sm.bids : sm.asks), ...sm.stops.filter((t) => t[3] === it.side)];
      const level = atPrice.filter((t) => price === undefined || t[5] === price).reduce((a, t) => a + BigInt(t[8]), 0n);
      ok(price === undefined || level + BigInt(it.amount) > BigInt(Number.MAX_SAFE_INTEGER), `InvalidQuantity for ${it.amount} on a level (with pending stops) of ${level}`);
    } else fail(`a well-formed order was rejected with ${code}`);
  }
  eq(stateJson(engine), beforeJson, 'state after a rejected command (must be unchanged)');
}

function marketAllows(status: string, kind: string, option: string): boolean {
  switch (status) {
    case 'open': return true;
    case 'limit_only': return kind !== 'market';
    case 'post_only': return option === 'maker-or-cancel';
    default: return false;
  }
}

function holdFor(m: Market, side: string, price: number, amount: number, bps: { maker: number; taker: number }): bigint {
  if (side === 'sell') return BigInt(amount) * baseUnit(m);
  return BigInt(price) * BigInt(amount) * (10_000n + BigInt(Math.max(bps.maker, bps.taker))) * quotePerBps(m);
}

function checkAccepted(engine: Engine, model: Model, p: Planned, before: EngineSnapshot, events: Event[]): void {
  const cmd = p.cmd;
  ok(p.expect !== 'reject', `an invalid command was accepted (expected ${p.code ?? 'a rejection'})`);
  model.accepted++;
  const delta = new Map<string, bigint>(); // account/currency -> expected change of total
  const feeDelta = new Map<string, bigint>();
  const openBefore = new Set(model.open);
  const takerFirst = new Map<number, number>(); // taker id -> first fill price this step
  const takerPrev = new Map<number, number>();
  const takerFilled = new Map<number, number>();
  const triggeredNow = new Set<number>();
  let newId: number | undefined;

  for (const [i, e] of events.entries()) {
    switch (e.type) {
      case 'OrderAccepted': {
        ok(cmd.type === 'PlaceOrder' && i === 0 && newId === undefined, 'OrderAccepted only as the first event of a PlaceOrder');
        const o = e.order;
        ok(!model.orders.has(o.id) && o.id > model.maxId, `order id ${o.id} is not fresh (max so far ${model.maxId})`);
        model.maxId = o.id;
        newId = o.id;
        ok(o.isLive && !o.isCancelled && o.executed === 0 && o.filledNotional === 0n && o.closedTime === undefined, 'accepted record is live and unfilled');
        eq(o.time, cmd.time, 'accepted order time');
        const bps = model.bps.get(o.account);
        ok(bps !== undefined, `order for unknown account ${o.account}`);
        const it = p.intent;
        ok(it !== undefined, 'accepted an order the driver did not consider well-formed');
        if (it === undefined) break;
        eq([o.account, o.session, o.symbol, o.side, o.kind, o.stopPrice, o.amount, o.option, o.clientOrderId],
          [it.account, it.session, it.symbol, it.side, it.kind, it.stopPrice, it.amount, it.option, it.clientOrderId], 'accepted order fields');
        const st = model.status.get(it.symbol)!;
        ok(marketAllows(st, it.kind, it.option), `order accepted while market is ${st}`);
        const m = model.markets.get(o.symbol)!;
        if (it.kind === 'market') {
          const snapM = before.markets.find((x) => x.symbol === o.symbol)!;
          const best = o.side === 'buy' ? snapM.asks[0] : snapM.bids[0];
          if (best === undefined) eq(o.price, 0, 'market order price with an empty opposite side');
          else {
            ok(o.price % m.priceStep === 0 && o.price > 0, 'market order protective price is a positive step multiple');
            ok(o.side === 'buy' ? o.price >= best[5] : o.price <= best[5], `market ${o.side} protective price ${o.price} does not reach best ${best[5]}`);
          }
        } else {
          eq(o.price, it.price, 'accepted order price');
          // funds: a correct engine accepted only because the hold fits
          const need = holdFor(m, it.side, it.price, it.amount, bps!);
          const acct = before.accounts.find((a) => a.id === it.account);
          const bal = acct?.balances.find((b) => b[0] === (it.side === 'buy' ? m.quote : m.base));
          const avail = bal === undefined ? 0n : BigInt(bal[1]) - BigInt(bal[2]);
          ok(avail >= need, `order accepted needing ${need} with only ${avail} available`);
        }
        model.orders.set(o.id, {
          id: o.id, account: o.account, session: o.session, symbol: o.symbol, side: o.side, kind: o.kind, option: o.option,
          price: o.price, stopPrice: o.stopPrice, amount: o.amount, makerBps: bps!.maker, takerBps: bps!.taker,
          filled: 0, notional: 0n, triggered: o.kind !== 'stop-limit', closes: 0,
        });
        model.open.add(o.id);
        break;
      }
      case 'StopTriggered': {
        ok(cmd.type === 'PlaceOrder', 'stops trigger only on placement');
        const o = model.orders.get(e.orderId);
        ok(o !== undefined && model.open.has(e.orderId), `StopTriggered for unknown or closed order ${e.orderId}`);
        ok(o!.kind === 'stop-limit' && !o!.triggered, `order ${e.orderId} triggered twice or is not a stop`);
        ok(stopReached(o!.side, model.lastPrice.get(o!.symbol)!, o!.stopPrice),
          `stop ${e.orderId} (${o!.side} stop ${o!.stopPrice}) triggered at last price ${model.lastPrice.get(o!.symbol)}`);
        eq(e.symbol, o!.symbol, 'StopTriggered symbol');
        o!.triggered = true;
        triggeredNow.add(o!.id);
        break;
      }
      case 'Trade': {
        ok(cmd.type === 'PlaceOrder', 'trades happen only on placement');
        model.trades++;
        ok(e.tid > model.maxId && !model.orders.has(e.tid), `trade id ${e.tid} is not fresh`);
        model.maxId = e.tid;
        const mk = model.orders.get(e.makerOrderId);
        const tk = model.orders.get(e.takerOrderId);
        ok(mk !== undefined && model.open.has(e.makerOrderId), `trade maker ${e.makerOrderId} is not open`);
        ok(tk !== undefined && model.open.has(e.takerOrderId), `trade taker ${e.takerOrderId} is not open`);
        const maker = mk!;
        const taker = tk!;
        ok(e.makerAccount !== e.takerAccount, `self-trade: account ${e.makerAccount} on both sides`);
        eq([e.makerAccount, e.takerAccount, e.symbol, e.takerSide], [maker.account, taker.account, taker.symbol, taker.side], 'trade parties');
        ok(maker.symbol === taker.symbol && maker.side !== taker.side, 'maker and taker on opposite sides of one market');
        ok(maker.triggered && taker.triggered, 'an untriggered stop traded');
        ok(Number.isSafeInteger(e.amount) && e.amount > 0, 'trade amount positive');
        ok(e.amount <= maker.amount - maker.filled && e.amount <= taker.amount - taker.filled, 'trade larger than what is left');
        eq(e.price, maker.price, "trade price (the maker's price)");
        ok(taker.side === 'buy' ? e.price <= taker.price : e.price >= taker.price, `trade at ${e.price} beyond taker limit ${taker.price}`);
        // price band from the taker's first fill; prices move monotonically away from the taker
        const first = takerFirst.get(taker.id);
        if (first === undefined) takerFirst.set(taker.id, e.price);
        else {
          const f = BigInt(first);
          const band = BigInt(model.bandBps);
          if (taker.side === 'buy') ok(BigInt(e.price) * 10_000n <= f * (10_000n + band), `fill at ${e.price} beyond band from ${first}`);
          else ok(BigInt(e.price) * 10_000n >= f * (10_000n - band), `fill at ${e.price} beyond band from ${first}`);
          const prev = takerPrev.get(taker.id)!;
          ok(taker.side === 'buy' ? e.price >= prev : e.price <= prev, `taker fills out of price order (${prev} then ${e.price})`);
        }
        takerPrev.set(taker.id, e.price);
        takerFilled.set(taker.id, (takerFilled.get(taker.id) ?? 0) + e.amount);
        const m = model.markets.get(e.symbol)!;
        const perBps = BigInt(e.price) * BigInt(e.amount) * quotePerBps(m);
        eq(e.makerFee, perBps * BigInt(maker.makerBps), 'maker fee');
        eq(e.takerFee, perBps * BigInt(taker.takerBps), 'taker fee');
        eq(e.feeCurrency, m.quote, 'fee currency');
        eq(e.time, cmd.time, 'trade time');
        const notional = perBps * 10_000n;
        const buyer = taker.side === 'buy' ? taker : maker;
        const seller = taker.side === 'buy' ? maker : taker;
        const buyerFee = taker.side === 'buy' ? e.takerFee : e.makerFee;
        const sellerFee = taker.side === 'buy' ? e.makerFee : e.takerFee;
        const base = BigInt(e.amount) * baseUnit(m);
        addTo(delta, `${buyer.account}/${m.quote}`, -(notional + buyerFee));
        addTo(delta, `${buyer.account}/${m.base}`, base);
        addTo(delta, `${seller.account}/${m.base}`, -base);
        addTo(delta, `${seller.account}/${m.quote}`, notional - sellerFee);
        addTo(feeDelta, m.quote, e.makerFee + e.takerFee);
        for (const o of [maker, taker]) {
          o.filled += e.amount;
          o.notional += BigInt(e.price) * BigInt(e.amount);
        }
        model.lastPrice.set(e.symbol, e.price);
        break;
      }
      case 'OrderFilled':
      case 'OrderCancelled': {
        const rec = e.order;
        const o = model.orders.get(rec.id);
        ok(o !== undefined, `${e.type} for never-accepted order ${rec.id}`);
        ok(model.open.has(rec.id) && o!.closes === 0, `order ${rec.id} closed twice`);
        o!.closes++;
        model.open.delete(rec.id);
        ok(!rec.isLive && rec.closedTime === cmd.time, `${e.type} record is final, closed at the command time`);
        eq([rec.account, rec.side, rec.price, rec.amount, rec.executed, rec.filledNotional],
          [o!.account, o!.side, o!.price, o!.amount, o!.filled, o!.notional], `${e.type} record of order ${rec.id}`);
        if (e.type === 'OrderFilled') {
          ok(o!.filled === o!.amount && !rec.isCancelled && rec.reason === undefined, `OrderFilled for ${rec.id} with ${o!.filled}/${o!.amount}`);
        } else {
          ok(o!.filled < o!.amount, `order ${rec.id} cancelled although fully filled`);
          ok(rec.isCancelled && rec.reason === e.reason, 'cancel record carries the reason');
          const requested = cmd.type === 'CancelOrder' || cmd.type === 'CancelAllOrders' || cmd.type === 'CancelSessionOrders';
          if (requested) eq(e.reason, 'Requested', 'cancel reason');
          else if (cmd.type === 'ExpireSession') eq(e.reason, 'HeartbeatTimeout', 'cancel reason');
          else {
            ok(cmd.type === 'PlaceOrder', `${cmd.type} cancelled an order`);
            ok(e.reason !== 'Requested' && e.reason !== 'HeartbeatTimeout', `placement cancelled with ${e.reason}`);
            const needs: Record<string, (x: OrderInfo) => boolean> = {
              MakerOrCancelWouldTake: (x) => x.option === 'maker-or-cancel',
              FillOrKillWouldNotFill: (x) => x.option === 'fill-or-kill',
              ImmediateOrCancelWouldPost: (x) => x.option === 'immediate-or-cancel' || x.kind === 'market',
            };
            const need = needs[e.reason];
            ok(need === undefined || need(o!), `${e.reason} for an order with option '${o!.option}' kind ${o!.kind}`);
            // only the incoming order (or a just-triggered stop) is cancelled by matching
            ok(rec.id === newId || triggeredNow.has(rec.id), `placement cancelled order ${rec.id}, which was not the incoming one`);
          }
        }
        break;
      }
      case 'AccountCreated':
      case 'FeesChanged': {
        ok(events.length === 1 && (cmd.type === 'CreateAccount' || cmd.type === 'SetFees'), `${e.type} alone, for its command`);
        if (cmd.type === 'CreateAccount') {
          ok(!model.bps.has(e.account), 'account created twice');
          eq([e.account, e.makerBps, e.takerBps], [cmd.account, cmd.makerBps ?? DEFAULT_MAKER_BPS, cmd.takerBps ?? DEFAULT_TAKER_BPS], 'AccountCreated');
        } else if (cmd.type === 'SetFees') {
          eq([e.account, e.makerBps, e.takerBps], [cmd.account, cmd.makerBps, cmd.takerBps], 'FeesChanged');
        }
        model.bps.set(e.account, { maker: e.makerBps, taker: e.takerBps });
        break;
      }
      case 'FundsDeposited':
      case 'FundsWithdrawn': {
        ok(events.length === 1 && p.ledger !== undefined && cmd.type === (e.type === 'FundsDeposited' ? 'Deposit' : 'Withdraw'), `${e.type} alone, for its command`);
        const l = p.ledger!;
        eq([e.account, e.currency, e.amount], [l.account, l.currency, l.amount], e.type);
        const signed = e.type === 'FundsDeposited' ? l.amount : -l.amount;
        addTo(model.netFlow, l.currency, signed);
        addTo(delta, `${l.account}/${l.currency}`, signed);
        break;
      }
      case 'MarketStatusChanged': {
        ok(events.length === 1 && cmd.type === 'SetMarketStatus', 'MarketStatusChanged alone, for its command');
        if (cmd.type === 'SetMarketStatus') eq([e.symbol, e.status], [cmd.symbol.toLowerCase(), cmd.status], 'MarketStatusChanged');
        model.status.set(e.symbol, e.status);
        break;
      }
      default: {
        const _exhaustive: never = e;
        fail(`unknown event ${canon(_exhaustive)}`);
      }
    }
  }

  // ---- what each command must have done, as a whole
  const cancelled = events.filter((e) => e.type === 'OrderCancelled').map((e) => (e.type === 'OrderCancelled' ? e.order.id : 0));
  switch (cmd.type) {
    case 'CancelOrder':
      eq(cancelled, [Number(cmd.orderId)], 'CancelOrder cancels exactly that order');
      ok(events.length === 1 && model.orders.get(Number(cmd.orderId))!.account === cmd.account, "CancelOrder cancels only the caller's order");
      break;
    case 'CancelAllOrders':
      eq(cancelled, [...openBefore].filter((id) => model.orders.get(id)!.account === cmd.account).sort((a, b) => a - b), 'CancelAllOrders cancels all open orders of the account, by id');
      ok(events.length === cancelled.length, 'CancelAllOrders only cancels');
      break;
    case 'CancelSessionOrders':
    case 'ExpireSession':
      eq(cancelled, [...openBefore].filter((id) => model.orders.get(id)!.session === cmd.session).sort((a, b) => a - b), `${cmd.type} cancels all open orders of the session, by id`);
      ok(events.length === cancelled.length, `${cmd.type} only cancels`);
      break;
    case 'PlaceOrder': {
      ok(newId !== undefined, 'an accepted PlaceOrder announces its order');
      const o = model.orders.get(newId!)!;
      const stillOpen = model.open.has(o.id);
      const asTaker = takerFilled.get(o.id) ?? 0;
      if (o.option === 'immediate-or-cancel' || o.option === 'fill-or-kill' || o.kind === 'market') ok(!stillOpen, `${o.option || o.kind} order ${o.id} left open`);
      if (o.option === 'maker-or-cancel') eq(asTaker, 0, 'maker-or-cancel order took liquidity');
      if (o.option === 'fill-or-kill') ok(asTaker === 0 || asTaker === o.amount, `fill-or-kill filled ${asTaker} of ${o.amount}`);
      if (o.kind === 'stop-limit' && !o.triggered) eq(asTaker, 0, 'untriggered stop traded');
      // matching went as far as it should: why the incoming order stopped must be visible in the
      // book afterwards (only when no stop fired, since triggered stops may rest new orders)
      if (triggeredNow.size === 0) {
        const closing = events.find((e) => e.type === 'OrderCancelled' && e.order.id === o.id);
        const reason = closing?.type === 'OrderCancelled' ? closing.reason : undefined;
        const opp = engine.book(o.symbol)!.best(o.side === 'buy' ? 'sell' : 'buy');
        const crossing = opp !== undefined && (o.side === 'buy' ? opp.price <= o.price : opp.price >= o.price);
        if (reason === 'ImmediateOrCancelWouldPost') ok(!crossing, `order ${o.id} cancelled as unfillable while ${opp?.id} at ${opp?.price} crosses it`);
        if (reason === 'SelfCrossPrevented') ok(crossing && opp!.account === o.account, `SelfCrossPrevented for ${o.id} but the best opposite order is not its own crossing one`);
        if (reason === 'ExceedsPriceLimits') {
          const first = takerFirst.get(o.id);
          ok(first !== undefined && crossing, `ExceedsPriceLimits for ${o.id} without a fill or crossing liquidity`);
          const band = BigInt(model.bandBps);
          const p = BigInt(opp!.price) * 10_000n;
          const f = BigInt(first!);
          ok(o.side === 'buy' ? p > f * (10_000n + band) : p < f * (10_000n - band), `ExceedsPriceLimits for ${o.id} but ${opp!.price} is within the band of ${first}`);
        }
        if (reason === 'MakerOrCancelWouldTake') ok(crossing, `MakerOrCancelWouldTake for ${o.id} with nothing to take`);
        if (reason === 'FillOrKillWouldNotFill') {
          // what could have filled: crossing orders from the best, stopping at its own or past the band
          let avail = 0;
          let firstP: number | undefined;
          engine.book(o.symbol)!.scan(o.side === 'buy' ? 'sell' : 'buy', (m) => {
            if (o.side === 'buy' ? m.price > o.price : m.price < o.price) return false;
            if (m.account === o.account) return false;
            if (firstP === undefined) firstP = m.price;
            else if (o.side === 'buy' ? BigInt(m.price) * 10_000n > BigInt(firstP) * (10_000n + BigInt(model.bandBps)) : BigInt(m.price) * 10_000n < BigInt(firstP) * (10_000n - BigInt(model.bandBps))) return false;
            avail += m.remaining;
            return true;
          });
          ok(avail < o.amount, `fill-or-kill ${o.id} for ${o.amount} killed although ${avail} was fillable`);
        }
      }
      break;
    }
    default:
      ok(cancelled.length === 0, `${cmd.type} cancelled orders`);
  }

  // ---- money moved exactly as the events say
  const after = exportState(engine);
  const t0 = totalsOf(before);
  const t1 = totalsOf(after);
  for (const key of new Set([...t0.keys(), ...t1.keys(), ...delta.keys()])) {
    eq((t1.get(key) ?? 0n) - (t0.get(key) ?? 0n), delta.get(key) ?? 0n, `change of ${key}`);
  }
  const f0 = new Map(before.fees.map(([c, v]) => [c, BigInt(v)]));
  for (const [c, v] of after.fees) eq(BigInt(v) - (f0.get(c) ?? 0n), feeDelta.get(c) ?? 0n, `fees collected in ${c}`);
}

/** The whole engine state against the model: books, stops, orders, holds, balances, conservation. */
export function checkState(engine: Engine, model: Model): void {
  const s = engine.state;
  // open orders are exactly the accepted, not yet closed ones
  eq([...s.orders.keys()].sort((a, b) => a - b), [...model.open].sort((a, b) => a - b), 'open order ids');
  const heldBy = new Map<string, bigint>();
  let indexed = 0;
  for (const set of s.accountOrders.values()) indexed += set.size;
  eq(indexed, s.orders.size, 'orders indexed by account');
  for (const acct of s.accountOrders.keys()) {
    const mine = [...model.open].filter((id) => model.orders.get(id)!.account === acct).sort((a, b) => a - b);
    eq(engine.openOrders(acct).map((o) => o.id), mine, `open orders of ${acct}, by id`);
  }
  for (const o of s.orders.values()) {
    const info = model.orders.get(o.id)!;
    const m = model.markets.get(o.symbol)!;
    ok(s.accountOrders.get(o.account)?.has(o) === true, `order ${o.id} missing from its account index`);
    eq([o.account, o.session, o.symbol, o.side, o.kind, o.price, o.stopPrice, o.amount, o.option, o.makerBps, o.takerBps],
      [info.account, info.session, info.symbol, info.side, info.kind, info.price, info.stopPrice, info.amount, info.option, info.makerBps, info.takerBps],
      `open order ${o.id}`);
    ok(o.remaining > 0 && o.remaining <= o.amount, `order ${o.id} remaining ${o.remaining} of ${o.amount}`);
    eq(o.remaining, o.amount - info.filled, `order ${o.id} remaining`);
    eq(o.filledNotional, info.notional, `order ${o.id} filled notional`);
    eq(o.triggered, info.triggered, `order ${o.id} triggered`);
    eq(o.resting, info.triggered, `order ${o.id} rests iff it is live in the book`);
    const want = expectedHold(m, info);
    eq(o.hold, want, `order ${o.id} hold`);
    const lib = o.side === 'buy' ? buyHold(s.markets.get(o.symbol)!.factors, o.price, o.remaining, Math.max(o.makerBps, o.takerBps)) : sellHold(s.markets.get(o.symbol)!.factors, o.remaining);
    eq(lib, want, `ledger.ts hold formula for order ${o.id}`);
    addTo(heldBy, `${o.account}/${o.side === 'buy' ? m.quote : m.base}`, o.hold);
  }

  for (const [sym, ms] of s.markets) {
    eq(ms.status, model.status.get(sym), `${sym} status`);
    eq(ms.lastPrice, model.lastPrice.get(sym), `${sym} last price`);
    let n = 0;
    for (const side of ['buy', 'sell'] as const) {
      let prev: number | undefined;
      const levels = new Map<number, { amount: number; count: number }>();
      ms.book.scan(side, (o) => {
        n++;
        ok(s.orders.get(o.id) === o && o.resting && o.side === side && o.symbol === sym, `book ${sym} ${side} holds a stray order ${o.id}`);
        ok(prev === undefined || (side === 'buy' ? o.price <= prev : o.price >= prev), `${sym} ${side} book out of price order`);
        prev = o.price;
        const l = levels.get(o.price) ?? { amount: 0, count: 0 };
        l.amount += o.remaining;
        l.count++;
        levels.set(o.price, l);
        return true;
      });
      const depth = ms.book.depth(side, 0);
      // book quantities are exact: a level total past 2^53 would silently round
      for (const l of depth) ok(Number.isSafeInteger(l.amount), `${sym} ${side} level ${l.price} totals ${l.amount}, past Number.MAX_SAFE_INTEGER`);
      eq(depth, [...levels.entries()].map(([price, l]) => ({ price, amount: l.amount, count: l.count })), `${sym} ${side} depth`);
      for (const [price, l] of levels) eq(ms.book.levelAmount(side, price), l.amount, `${sym} ${side} level ${price}`);
      // the side's bound is the exact total while that is a safe integer, else Infinity
      let sideTotal = 0;
      for (const l of levels.values()) sideTotal += l.amount;
      const bound = ms.book.levelAmountBound(side);
      ok(bound === Infinity || bound === sideTotal, `${sym} ${side} level bound ${bound}, total ${sideTotal}`);
      const best = ms.book.best(side);
      const first = depth[0];
      ok(best === undefined ? first === undefined : first !== undefined && best.price === first.price, `${sym} ${side} best`);
    }
    eq(ms.book.size(), n, `${sym} book size`);
    const bid = ms.book.best('buy');
    const ask = ms.book.best('sell');
    ok(bid === undefined || ask === undefined || bid.price < ask.price, `${sym} book crossed: bid ${bid?.price} >= ask ${ask?.price}`);
    for (const slot of ms.stops) {
      const o = s.store.view(slot);
      ok(s.orders.get(o.id) === o && !o.triggered && !o.resting && o.kind === 'stop-limit' && o.symbol === sym, `stray stop ${o.id} in ${sym}`);
      ok(!stopReached(o.side, ms.lastPrice, o.stopPrice), `stop ${o.id} (${o.side} at ${o.stopPrice}) waits although last price is ${ms.lastPrice}`);
      n++;
    }
  }
  let inBooks = 0;
  for (const ms of s.markets.values()) inBooks += ms.book.size() + ms.stops.length;
  eq(inBooks, s.orders.size, 'every open order is in a book or a stop list');

  // balances: holds match, nothing negative, money conserved
  const sum = new Map<string, bigint>();
  for (const [id, a] of s.accounts) {
    const bps = model.bps.get(id);
    ok(bps !== undefined, `account ${id} unknown to the model`);
    eq([a.makerBps, a.takerBps], [bps!.maker, bps!.taker], `account ${id} fees`);
    for (const cur of s.currencies) {
      const b = a.balances.get(cur) ?? { total: 0n, held: 0n };
      eq(b.held, heldBy.get(`${id}/${cur}`) ?? 0n, `${id} ${cur} held vs open orders`);
      ok(b.held >= 0n && b.total >= b.held, `${id} ${cur} total ${b.total} held ${b.held}`);
      addTo(sum, cur, b.total);
    }
    for (const cur of a.balances.keys()) ok(s.currencies.has(cur), `${id} has a balance in unknown ${cur}`);
  }
  for (const cur of s.currencies) {
    const fees = s.feesCollected.get(cur) ?? 0n;
    ok(fees >= 0n, `fees in ${cur} negative`);
    eq((sum.get(cur) ?? 0n) + fees, model.netFlow.get(cur) ?? 0n, `${cur}: sum of totals + fees vs deposits - withdrawals`);
  }
}

/** Commands, stamped, with their results: what replay and comparison tests need. */
export interface Applied {
  cmd: Command;
  result: Result;
}

// ---------------------------------------------------------------- running a scenario

export interface Totals { steps: number; accepted: number; trades: number; orders: number; outcomes: Set<string> }
/** what the checked runs so far have exercised: counts, and every outcome seen ("reject:<code>", "OrderCancelled:<reason>", event types) */
export const totals: Totals = { steps: 0, accepted: 0, trades: 0, orders: 0, outcomes: new Set() };

/** Run one scenario through a fresh engine, checking after every step. Throws on a violation. */
export function runChecked(sc: Scenario): void {
  const engine = new Engine({ markets: ALL_MARKETS });
  const model = new Model(ALL_MARKETS);
  const drv = new Driver(sc, engine);
  drv.addTeardown();
  while (drv.hasNext()) {
    const p = drv.next();
    const before = exportState(engine);
    const beforeJson = JSON.stringify(before);
    const r = engine.apply(p.cmd);
    drv.record(r);
    checkStep(engine, model, p, before, beforeJson, r);
    if (!r.ok) totals.outcomes.add(`reject:${r.rejection.code}`);
    else for (const e of r.events) totals.outcomes.add(e.type === 'OrderCancelled' ? `OrderCancelled:${e.reason}` : e.type);
  }
  // after cancelling everything: every accepted order closed exactly once, nothing held
  for (const [id, o] of model.orders) assert.equal(o.closes, 1, `order ${id} closed ${o.closes} times`);
  assert.equal(engine.state.orders.size, 0);
  for (const a of engine.state.accounts.values()) for (const [c, b] of a.balances) assert.equal(b.held, 0n, `${a.id} ${c} still holds`);
  totals.steps += model.steps;
  totals.accepted += model.accepted;
  totals.trades += model.trades;
  totals.orders += model.orders.size;
}


// ---------------------------------------------------------------- fast-check settings

/**
 * fast-check parameters shared by the property tests. PROPERTY_SCALE multiplies the run counts
 * (e.g. 0.1 for a quick look, 10 for a soak); PROPERTY_SEED (+ PROPERTY_PATH) replays a reported
 * failure exactly.
 */
export function fcParams<T>(numRuns: number, examples: T[] = []): { numRuns: number; examples: T[]; includeErrorInReport: true; seed?: number; path?: string } {
  const scale = Number(process.env.PROPERTY_SCALE ?? 1);
  const p: { numRuns: number; examples: T[]; includeErrorInReport: true; seed?: number; path?: string } = {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) ? scale : 1))),
    examples,
    includeErrorInReport: true,
  };
  if (process.env.PROPERTY_SEED !== undefined) p.seed = Number(process.env.PROPERTY_SEED);
  if (process.env.PROPERTY_PATH !== undefined) p.path = process.env.PROPERTY_PATH;
  return p;
}
