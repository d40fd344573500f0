/**
 * Snapshots: the engine's whole state as a canonical JSON value, and back.
 *
 * Invariants: export -> import -> export is the identity; two engines with the same history export
 * byte-identical JSON (so a hash of it is a state hash); books are exported in priority order and
 * re-imported in that order, which preserves time priority exactly. Bigints travel as strings.
 */
import { MARKET_STATUSES, type MarketStatus } from '../domain/symbols.js';
import { addAccount, Engine, type EngineOptions } from './engine.js';
import { balanceOf, POW10N } from './ledger.js';
import { OpenOrderList } from './order-index.js';
import { BUY, F, HSTD, I, KINDS, NONE, OPTIONS, RESTING, Row, SELL, TRIGGERED, type OrderRef } from './order-store.js';
import type { ExecOption, OrderKind, Side } from './order.js';

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

function tuple(o: OrderRef): OrderTuple {
  return [o.id, o.account, o.session, o.side, o.kind, o.price, o.stopPrice, o.amount, o.remaining, o.filledNotional.toString(),
    o.option, o.clientOrderId ?? null, o.time, o.makerBps, o.takerBps, o.hold.toString()];
}

/** put a snapshot order into a new slot of the engine's store; returns the slot */
function fromTuple(engine: Engine, t: OrderTuple, symbol: string, triggered: boolean): number {
  const s = engine.state;
  const acct = s.accounts.get(t[1]);
  const ms = s.markets.get(symbol);
  if (acct === undefined || ms === undefined) throw new Error(`snapshot order ${t[0]} names an unknown account or market`);
  const m = ms.market;
  const f = ms.factors;
  const buy = t[3] === 'buy';
  const st = s.store;
  const o = st.alloc();
  st.i[o * Row.I + I.flags] = triggered ? TRIGGERED : 0;
  st.f[o * Row.F + F.id] = t[0];
  st.i[o * Row.I + I.account] = acct.ix;
  st.i[o * Row.I + I.session] = st.sessionOf(t[2]);
  st.i[o * Row.I + I.market] = ms.ix;
  st.i[o * Row.I + I.side] = buy ? BUY : SELL;
  st.i[o * Row.I + I.kind] = KINDS.indexOf(t[4]);
  st.f[o * Row.F + F.price] = t[5];
  st.f[o * Row.F + F.stopPrice] = t[6];
  st.f[o * Row.F + F.amount] = t[7];
  st.f[o * Row.F + F.remaining] = t[8];
  st.i[o * Row.I + I.option] = OPTIONS.indexOf(t[10]);
  st.setClientOrderId(o, t[11] ?? undefined);
  st.f[o * Row.F + F.time] = t[12];
  st.i[o * Row.I + I.makerBps] = t[13];
  st.i[o * Row.I + I.takerBps] = t[14];
  st.i[o * Row.I + I.payBal] = st.balanceOf(balanceOf(acct, buy ? m.quote : m.base));
  st.i[o * Row.I + I.getBal] = st.balanceOf(balanceOf(acct, buy ? m.base : m.quote));
  st.i[o * Row.I + I.exps] = (buy ? f.notionalExp : f.baseExp) | (f.feeExp << 8);
  st.i[o * Row.I + I.prev] = NONE;
  st.i[o * Row.I + I.next] = NONE;
  const fn = BigInt(t[9]);
  st.f[o * Row.F + F.fn] = 0;
  if (fn <= BigInt(Number.MAX_SAFE_INTEGER)) st.f[o * Row.F + F.fn] = Number(fn);
  else st.setFnBig(o, fn);
  // the hold in its usual parts when it has the usual value, else as one bigint (balances are restored separately)
  const hold = BigInt(t[15]);
  const bps = Math.max(t[13], t[14]);
  const hN = buy ? t[5] * t[8] : t[8];
  const hF = buy ? hN * bps : 0;
  if (hN <= Number.MAX_SAFE_INTEGER && hF <= Number.MAX_SAFE_INTEGER &&
    BigInt(hN) * POW10N[(st.i[o * Row.I + I.exps]! & 0xff)]! + BigInt(hF) * POW10N[f.feeExp]! === hold) {
    st.i[o * Row.I + I.flags] |= HSTD;
  } else {
    st.setHBig(o, hold);
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
    markets.push({ symbol, status: ms.status, lastPrice: ms.lastPrice, bids, asks, stops: ms.stops.map((o) => tuple(s.store.view(o))) });
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
    const acct = addAccount(s, a.id, a.makerBps, a.takerBps);
    for (const [c, total, held] of a.balances) {
      const b = balanceOf(acct, c);
      b.total = BigInt(total);
      b.held = BigInt(held);
    }
  }
  for (const [c, v] of snap.fees) s.feesCollected.set(c, BigInt(v));
  const all: number[] = [];
  const st = s.store;
  for (const m of snap.markets) {
    const ms = s.markets.get(m.symbol);
    if (ms === undefined) throw new Error(`snapshot names unknown market ${m.symbol}`);
    const k = MARKET_STATUSES.indexOf(m.status);
    if (k < 0) throw new Error(`snapshot gives market ${m.symbol} an unknown status ${m.status}`);
    ms.status = MARKET_STATUSES[k]!; // the literal, as the engine keeps it
    ms.lastPrice = m.lastPrice;
    for (const t of [...m.bids, ...m.asks]) {
      const o = fromTuple(engine, t, m.symbol, true);
      ms.book.add(o);
      st.i[o * Row.I + I.flags] |= RESTING;
      all.push(o);
    }
    for (const t of m.stops) {
      const o = fromTuple(engine, t, m.symbol, false);
      ms.stops.push(o);
      all.push(o);
    }
  }
  all.sort((a, b) => st.f[a * Row.F + F.id]! - st.f[b * Row.F + F.id]!);
  for (const o of all) {
    s.orders.setSlot(st.f[o * Row.F + F.id]!, o);
    const acct = s.accountByIx[st.i[o * Row.I + I.account]!]!;
    let set = s.accountOrders.get(acct.id);
    if (set === undefined) s.accountOrders.set(acct.id, (set = new OpenOrderList(st, acct.ix)));
    acct.orderList = set;
    set.add(o);
  }
  return engine;
}
