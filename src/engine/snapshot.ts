/**
 * Snapshots: the engine's whole state as a canonical JSON value, and back.
 *
 * Invariants: export -> import -> export is the identity; two engines with the same history export
 * byte-identical JSON (so a hash of it is a state hash); books are exported in priority order and
 * re-imported in that order, which preserves time priority exactly. Bigints travel as strings.
 */
import type { MarketStatus } from '../domain/symbols.js';
import { Engine, type EngineOptions } from './engine.js';
import { balanceOf, POW10N, type Account } from './ledger.js';
import { OpenOrderList } from './order-index.js';
import { Order, type ExecOption, type OrderKind, type Side } from './order.js';

export const SNAPSHOT_VERSION = 1;

/** [id, account, session, side, kind, price, stopPrice, amount, remaining, filledNotional,
 *  option, clientOrderId|null, time, makerBps, takerBps, hold] */
type OrderTuple = [number, string, string, Side, OrderKind, number, number, number, number, string, ExecOption, string | null, number, number, number, string];

export interface EngineSnapshot {
  version: number;
  nextId: number;
  config: { priceBandBps: number; defaultMakerBps: number; defaultTakerBps: number };
  accounts: { id: string; makerBps: number; takerBps: number; balances: [string, string, string][] }[];
  fees: [string, string][];
  markets: { symbol: string; status: MarketStatus; lastPrice: number; bids: OrderTuple[]; asks: OrderTuple[]; stops: OrderTuple[] }[];
}

function tuple(o: Order): OrderTuple {
  return [o.id, o.account, o.session, o.side, o.kind, o.price, o.stopPrice, o.amount, o.remaining, o.filledNotional.toString(),
    o.option, o.clientOrderId ?? null, o.time, o.makerBps, o.takerBps, o.hold.toString()];
}

function fromTuple(engine: Engine, t: OrderTuple, symbol: string, triggered: boolean): Order {
  const acct = engine.state.accounts.get(t[1]);
  const ms = engine.state.markets.get(symbol);
  if (acct === undefined || ms === undefined) throw new Error(`snapshot order ${t[0]} names an unknown account or market`);
  const m = ms.market;
  const f = ms.factors;
  const buy = t[3] === 'buy';
  const o = new Order(t[0], t[1], t[2], symbol, t[3], t[4], t[5], t[6], t[7], t[8], t[10], t[11] ?? undefined, t[12], t[13], t[14],
    balanceOf(acct, buy ? m.quote : m.base), balanceOf(acct, buy ? m.base : m.quote), buy ? f.notionalExp : f.baseExp, f.feeExp, triggered);
  const fn = BigInt(t[9]);
  if (fn <= BigInt(Number.MAX_SAFE_INTEGER)) o.fn = Number(fn);
  else o.fnBig = fn;
  // the hold in its usual parts when it has the usual value, else as one bigint (balances are restored separately)
  const hold = BigInt(t[15]);
  const bps = Math.max(o.makerBps, o.takerBps);
  const hN = buy ? o.price * o.remaining : o.remaining;
  const hF = buy ? hN * bps : 0;
  if (hN <= Number.MAX_SAFE_INTEGER && hF <= Number.MAX_SAFE_INTEGER &&
    BigInt(hN) * POW10N[o.hExp]! + BigInt(hF) * POW10N[o.fExp]! === hold) {
    o.hStd = true;
  } else {
    o.hBig = hold;
  }
  return o;
}

const byKey = <T>(m: Map<string, T>): [string, T][] => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

export function exportState(engine: Engine): EngineSnapshot {
  const s = engine.state;
  const markets: EngineSnapshot['markets'] = [];
  for (const [symbol, ms] of byKey(s.markets)) {
    const bids: OrderTuple[] = [];
    const asks: OrderTuple[] = [];
    ms.book.scan('buy', (o) => (bids.push(tuple(o)), true));
    ms.book.scan('sell', (o) => (asks.push(tuple(o)), true));
    markets.push({ symbol, status: ms.status, lastPrice: ms.lastPrice, bids, asks, stops: ms.stops.map(tuple) });
  }
  return {
    version: SNAPSHOT_VERSION,
    nextId: s.nextId,
    config: { ...s.config },
    accounts: byKey(s.accounts).map(([id, a]) => ({
      id,
      makerBps: a.makerBps,
      takerBps: a.takerBps,
      balances: byKey(a.balances)
        .filter(([, b]) => b.total !== 0n || b.held !== 0n)
        .map(([c, b]) => [c, b.total.toString(), b.held.toString()] as [string, string, string]),
    })),
    fees: byKey(s.feesCollected).map(([c, v]) => [c, v.toString()]),
    markets,
  };
}

/** Build an engine from a snapshot. `opts.markets` must describe the same markets. */
export function importState(opts: EngineOptions, snap: EngineSnapshot): Engine {
  if (snap.version !== SNAPSHOT_VERSION) throw new Error(`unsupported snapshot version ${snap.version}`);
  const engine = new Engine({ ...opts, ...snap.config, firstId: snap.nextId });
  const s = engine.state;
  for (const a of snap.accounts) {
    const acct: Account = { id: a.id, makerBps: a.makerBps, takerBps: a.takerBps, balances: new Map(), orderList: undefined, lastMarket: undefined, lastBase: undefined, lastQuote: undefined };
    for (const [c, total, held] of a.balances) {
      const b = balanceOf(acct, c);
      b.total = BigInt(total);
      b.held = BigInt(held);
    }
    s.accounts.set(a.id, acct);
  }
  for (const [c, v] of snap.fees) s.feesCollected.set(c, BigInt(v));
  const all: Order[] = [];
  for (const m of snap.markets) {
    const ms = s.markets.get(m.symbol);
    if (ms === undefined) throw new Error(`snapshot names unknown market ${m.symbol}`);
    ms.status = m.status;
    ms.lastPrice = m.lastPrice;
    for (const t of [...m.bids, ...m.asks]) {
      const o = fromTuple(engine, t, m.symbol, true);
      ms.book.add(o);
      o.resting = true;
      all.push(o);
    }
    for (const t of m.stops) {
      const o = fromTuple(engine, t, m.symbol, false);
      ms.stops.push(o);
      all.push(o);
    }
  }
  all.sort((a, b) => a.id - b.id);
  for (const o of all) {
    s.orders.set(o.id, o);
    let set = s.accountOrders.get(o.account);
    if (set === undefined) s.accountOrders.set(o.account, (set = new OpenOrderList()));
    set.add(o);
  }
  return engine;
}
