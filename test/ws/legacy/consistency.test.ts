/**
 * Legacy streams under random order flow, over real sockets.
 *
 * Books: v2 `l2` clients, v1 single- and multi-market clients (one of each kind joining
 * mid-stream) apply what they receive to their snapshot; after every message the client's book
 * must equal the engine's book as it was after the batch that message describes. The truth is
 * recorded independently of the legacy code: inside the commit listener (where the engine's state
 * is exactly the state after the batch) the engine's aggregated depth is read per book update id.
 * v1 messages name their update id (`eventId`); v2 messages do not, so a v2 client's i-th update
 * must equal the state i book changes after the one its snapshot matched.
 *
 * Order events: streams for one account (from the start and joining mid-stream) must be gap-free
 * (`socket_sequence`), hold each event once, in engine order (event ids increase), follow the
 * documented lifecycle, and account for every fill of the account exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { amountText, priceText } from '../../../src/api/rest/render.js';
import { feedOf } from '../../../src/api/ws/feed/index.js';
import type { Side } from '../../../src/engine/order.js';
import { orderEventsHeaders, Recorder, startWsServer, type Trader, type WsServer } from './harness.js';

const SYMBOLS = ['btcusd', 'ethusd'] as const;
const STEPS = 260;

let s: WsServer;
let a: Trader;
let b: Trader;

before(async () => {
  s = await startWsServer('consistency');
  a = await s.trader('flow a', { USD: '100000000', BTC: '10000', ETH: '100000' });
  b = await s.trader('flow b', { USD: '100000000', BTC: '10000', ETH: '100000' });
});
after(() => s.close());

type Book = Map<string, string>; // "bid:30000.00" -> "0.5"

function engineBook(symbol: string): Book {
  const ms = s.exchange.engine.market(symbol)!;
  const out: Book = new Map();
  for (const [side, name] of [['buy', 'bid'], ['sell', 'ask']] as const) {
    for (const l of ms.book.depth(side as Side, 0)) out.set(`${name}:${priceText(l.price, ms.market)}`, amountText(l.amount, ms.market));
  }
  return out;
}

function same(x: Book, y: Book): boolean {
  if (x.size !== y.size) return false;
  for (const [k, v] of x) if (y.get(k) !== v) return false;
  return true;
}

function show(x: Book | undefined): string {
  return x === undefined ? 'undefined' : JSON.stringify([...x].sort());
}

/** truth[symbol]: update id -> the engine's book right after the batch that produced it */
const truth = new Map<string, Map<number, Book>>();

/** random order flow: bursts of 1-4 commands (so batches hold several), both accounts, both symbols */
async function flow(steps: number, seed: number, failed: () => unknown, midway: () => Promise<void>): Promise<void> {
  let x = seed;
  const rnd = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const mid: Record<string, number> = { btcusd: 30000, ethusd: 2000 };
  for (let step = 0; step < steps; step++) {
    if (failed() !== undefined) return;
    if (step === steps >> 1) await midway();
    const burst: Promise<unknown>[] = [];
    for (let k = 1 + rnd(4); k > 0; k--) {
      const who = rnd(2) === 0 ? a : b;
      const symbol = SYMBOLS[rnd(2)]!;
      const r = rnd(100);
      if (r < 70) {
        const side = rnd(2) === 0 ? 'buy' : 'sell';
        // mostly resting orders near the middle, some crossing by up to 5 ticks
        const off = rnd(12) - 5;
        const price = (mid[symbol]! + (side === 'buy' ? -off : off)).toFixed(2);
        const amount = ((1 + rnd(50)) / 100).toFixed(2);
        const options = r < 8 ? ['immediate-or-cancel'] : r < 12 ? ['maker-or-cancel'] : [];
        burst.push(s.exchange.submit({ type: 'PlaceOrder', account: who.account, session: who.key.key, symbol, side, orderType: 'exchange limit', amount, price, options }));
      } else if (r < 97) {
        const open = s.exchange.engine.openOrders(who.account);
        if (open.length > 0) burst.push(s.exchange.submit({ type: 'CancelOrder', account: who.account, orderId: String(open[rnd(open.length)]!.id) }));
      } else {
        burst.push(s.exchange.submit({ type: 'CancelAllOrders', account: who.account }));
      }
    }
    await Promise.all(burst);
  }
}

interface BookClient {
  name: string;
  rec: Recorder;
  kind: 'v2' | 'v1';
  /** single-market v1 clients: their symbol */
  symbol: string | undefined;
  books: Map<string, Book>;
  /** checked messages so far */
  seen: number;
  /** v2: per symbol, the update id the client's state corresponds to (found from the snapshot) */
  at: Map<string, number[]>;
}

function ids(symbol: string): number[] {
  return [...truth.get(symbol)!.keys()];
}

/** apply every new message of a client to its books, checking each step against the truth */
function check(c: BookClient): void {
  for (; c.seen < c.rec.messages.length; c.seen++) {
    const m = c.rec.messages[c.seen];
    if (c.kind === 'v2') {
      if (m.type !== 'l2_updates') continue;
      const sym = String(m.symbol).toLowerCase();
      let book = c.books.get(sym);
      const initial = m.trades !== undefined;
      if (initial || book === undefined) c.books.set(sym, (book = new Map()));
      for (const [side, price, amount] of m.changes) {
        const k = `${side === 'buy' ? 'bid' : 'ask'}:${price}`;
        if (amount === '0') book.delete(k);
        else book.set(k, amount);
      }
      const t = truth.get(sym)!;
      if (initial) {
        const cands = ids(sym).filter((u) => same(t.get(u)!, book!));
        assert.ok(cands.length > 0, `${c.name}: snapshot of ${sym} matches no engine state: ${show(book)}`);
        c.at.set(sym, cands);
      } else {
        // each update moves every candidate one book change on; those that disagree drop out
        const all = ids(sym);
        const next = c.at.get(sym)!.map((u) => all[all.indexOf(u) + 1]).filter((u): u is number => u !== undefined && same(t.get(u)!, book!));
        assert.ok(next.length > 0, `${c.name}: ${sym} after message ${c.seen} differs from the engine: ${show(book)}`);
        c.at.set(sym, next);
      }
    } else {
      if (m.type !== 'update') continue;
      // a single-market client names its symbol; multi-market events carry one (never mixed)
      const sym: string | undefined = c.symbol ?? m.events[0]?.symbol?.toLowerCase();
      if (sym === undefined) continue; // an initial update of an empty book
      let book = c.books.get(sym);
      if (book === undefined) c.books.set(sym, (book = new Map()));
      for (const e of m.events) {
        if (e.type !== 'change') continue;
        assert.equal(String(e.symbol ?? sym).toLowerCase(), sym, `${c.name}: one symbol per message`);
        const k = `${e.side}:${e.price}`;
        if (e.remaining === '0') book.delete(k);
        else book.set(k, e.remaining);
      }
      const expected = truth.get(sym)!.get(m.eventId);
      assert.ok(expected !== undefined, `${c.name}: eventId ${m.eventId} of ${sym} is not a recorded update id`);
      assert.ok(same(expected, book), `${c.name}: ${sym} at ${m.eventId}: ${show(book)} != ${show(expected)}`);
    }
  }
}

async function bookClient(name: string, kind: 'v2' | 'v1', url: string, subscribe?: unknown, symbol?: string): Promise<BookClient> {
  const rec = await Recorder.open(url);
  if (subscribe !== undefined) rec.send(subscribe);
  return { name, rec, kind, symbol, books: new Map(), seen: 0, at: new Map() };
}

function assertSequenced(msgs: any[]): void {
  msgs.forEach((m, i) => {
    for (const e of Array.isArray(m) ? m : [m]) assert.equal(e.socket_sequence, i);
  });
}

/** order-event stream checks: one lifecycle per order, every fill once, events in engine order */
function checkOrderEvents(rec: Recorder, account: string, fromStart: boolean): void {
  assertSequenced(rec.messages);
  const evs = rec.messages.filter(Array.isArray).flat();
  const live = evs.filter((e) => e.type !== 'initial');
  const eids = live.map((e) => BigInt(e.event_id));
  for (let i = 1; i < eids.length; i++) assert.ok(eids[i - 1]! < eids[i]!, `event ids in engine order at ${i}`);
  const byOrder = new Map<string, any[]>();
  for (const e of evs) {
    assert.equal(e.account_name, account);
    const l = byOrder.get(e.order_id) ?? [];
    l.push(e);
    byOrder.set(e.order_id, l);
  }
  const fills = new Set<string>();
  for (const [id, list] of byOrder) {
    const types = list.map((e) => e.type);
    assert.ok(types[0] === 'initial' || types[0] === 'accepted', `order ${id} starts with ${types[0]}`);
    if (fromStart) assert.equal(types[0], types[0] === 'initial' ? 'initial' : 'accepted');
    assert.ok(types.filter((t) => t === 'closed').length <= 1 && (types.indexOf('closed') < 0 || types.indexOf('closed') === types.length - 1), `order ${id}: ${types}`);
    let executed = Number(list[0].executed_amount);
    for (const e of list.slice(1)) {
      if (e.type !== 'fill') continue;
      assert.ok(!fills.has(e.fill.trade_id), `fill ${e.fill.trade_id} twice`);
      fills.add(e.fill.trade_id);
      executed += Number(e.fill.amount);
      assert.ok(Math.abs(executed - Number(e.executed_amount)) < 1e-9, `order ${id}: fills add up to executed_amount`);
    }
    const last = list[list.length - 1];
    const openNow = s.exchange.engine.order(Number(id));
    if (openNow !== undefined) {
      assert.ok(!types.includes('closed'), `open order ${id} was reported closed`);
      assert.equal(last.is_live, true);
    } else {
      assert.equal(last.type, 'closed', `order ${id} closed in the engine but its stream ends with ${last.type}`);
      const final = s.exchange.history.closedOrder(Number(id))!;
      const m = s.exchange.engine.market(final.symbol)!.market;
      assert.equal(last.executed_amount, amountText(final.executed, m));
    }
  }
  if (fromStart) {
    const expected = new Set(s.exchange.history.tradesByAccount(account, { limit: 100_000 }).map((f) => String(f.tid)));
    assert.deepEqual([...fills].sort(), [...expected].sort(), 'every fill of the account exactly once');
  }
}

it('clients applying the legacy streams hold the engine book at every point; order events are complete', { timeout: 30_000 }, async () => {
  const feed = feedOf(s.exchange);
  for (const sym of SYMBOLS) {
    truth.set(sym, new Map([[feed.lastUpdateId(sym)!, engineBook(sym)]]));
    feed.onBook(sym, (d) => truth.get(sym)!.set(d.u, engineBook(sym)));
  }
  const subAll = { type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD', 'ETHUSD'] }] };
  const clients: BookClient[] = [
    await bookClient('v2 from start', 'v2', `${s.wsUrl}/v2/marketdata`, subAll),
    await bookClient('v1 btcusd', 'v1', `${s.wsUrl}/v1/marketdata/btcusd`, undefined, 'btcusd'),
    await bookClient('v1 ethusd', 'v1', `${s.wsUrl}/v1/marketdata/ETHUSD?heartbeat=true`, undefined, 'ethusd'),
    await bookClient('multi from start', 'v1', `${s.wsUrl}/v1/multimarketdata?symbols=btcusd,ethusd`),
  ];
  const oeStart = await Recorder.open(`${s.wsUrl}/v1/order/events`, orderEventsHeaders(a.key));
  let oeMid: Recorder | undefined;

  let checks = 0;
  let failure: unknown;
  const poll = setInterval(() => {
    try {
      for (const c of clients) check(c);
      checks++;
    } catch (e) {
      failure ??= e;
    }
  }, 5);
  try {
    await flow(STEPS, 20250602, () => failure, async () => {
      clients.push(await bookClient('v2 mid-stream', 'v2', `${s.wsUrl}/v2/marketdata`, subAll));
      clients.push(await bookClient('multi mid-stream', 'v1', `${s.wsUrl}/v1/multimarketdata?symbols=ETHUSD,BTCUSD&trades=false`));
      oeMid = await Recorder.open(`${s.wsUrl}/v1/order/events`, orderEventsHeaders(a.key));
      s.clock.advance(5_000); // heartbeats interleave with the flow
    });
  } finally {
    clearInterval(poll);
  }
  if (failure !== undefined) throw failure;
  // every client ends on the final book
  for (const c of clients) {
    await c.rec.until(() => {
      check(c);
      return SYMBOLS.every((sym) => !c.books.has(sym) || same(c.books.get(sym)!, engineBook(sym)));
    }, 5000, `${c.name} to reach the final book`);
    check(c);
    for (const sym of SYMBOLS) {
      if (c.symbol !== undefined && c.symbol !== sym) continue;
      assert.ok(same(c.books.get(sym)!, engineBook(sym)), `${c.name} ends on the engine's ${sym} book`);
    }
  }
  assert.ok(checks > 0);
  assert.ok(truth.get('btcusd')!.size > 50 && truth.get('ethusd')!.size > 50, 'the flow changed both books many times');
  assert.ok(s.exchange.history.tradesBySymbol('btcusd', { limit: 100 }).length > 10, 'the flow traded');
  assert.ok(s.exchange.store.journal.stats.maxBatch > 1, 'some batches held several commands');
  // order events: wait for the last order's last event, then check both streams
  const lastId = Math.max(...s.exchange.history.closedOrdersByAccount(a.account, { limit: 1 }).map((o) => o.id), ...s.exchange.engine.openOrders(a.account).map((o) => o.id));
  for (const rec of [oeStart, oeMid!]) {
    await rec.until((m) => m.filter(Array.isArray).flat().some((e) => Number(e.order_id) >= lastId), 5000, 'the last order event');
  }
  checkOrderEvents(oeStart, a.account, true);
  checkOrderEvents(oeMid!, a.account, false);
  for (const c of clients) c.rec.close();
  oeStart.close();
  oeMid!.close();
});
