/**
 * Property over real sockets: for random order flow (submitted in concurrent chunks, so batches
 * hold several commands; some orders placed over the socket itself), every client's book —
 * built from the snapshot frame (snapshot=-1) or from the `depth` method plus the differential
 * stream — equals the engine's book once the stream has caught up; update ids chain without a
 * gap on every connection, including one that joins mid-stream; the last bookTicker equals the
 * engine's best levels.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CURRENT_API_SETTINGS } from '../../../src/api/ws/current/index.js';
import { feedOf } from '../../../src/api/ws/feed/index.js';
import type { CommandBody } from '../../../src/engine/commands.js';
import { fcParams } from '../../property/harness.js';
import { connect, signedHeaders, sleep, startServer, type Client, type Frame, type Trader, type WsServer } from './harness.js';

let srv: WsServer;
let traders: Trader[];
let wsTrader: Client;
/** listens to orders@account of P1 for the whole test */
let orderWatch: Client;
const savedFast = CURRENT_API_SETTINGS.fastIntervalMs;
const STREAM = 'btcusd@depth@100ms';

before(async () => {
  CURRENT_API_SETTINGS.fastIntervalMs = 15;
  srv = await startServer();
  traders = [];
  for (const n of ['P0', 'P1', 'P2', 'P3']) traders.push(await srv.trader(n, { USD: '10000000', BTC: '100000' }));
  wsTrader = await connect(srv.wsUrl, { headers: signedHeaders(traders[0]!.key) });
  orderWatch = await connect(srv.wsUrl, { headers: signedHeaders(traders[1]!.key) });
  assert.equal((await orderWatch.request('subscribe', ['orders@account'])).status, 200);
});
after(async () => {
  CURRENT_API_SETTINGS.fastIntervalMs = savedFast;
  await wsTrader.close();
  await orderWatch.close();
  await srv.close();
});

type Op =
  | { k: 'limit'; t: number; side: 'buy' | 'sell'; off: number; lots: number; tif: '' | 'immediate-or-cancel' | 'maker-or-cancel' }
  | { k: 'market'; t: number; side: 'buy' | 'sell'; lots: number }
  | { k: 'cancel'; t: number; pick: number }
  | { k: 'cancelAll'; t: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ k: fc.constant('limit' as const), t: fc.nat(3), side: fc.constantFrom('buy' as const, 'sell' as const), off: fc.integer({ min: -6, max: 6 }), lots: fc.integer({ min: 1, max: 5 }), tif: fc.constantFrom('' as const, '' as const, 'immediate-or-cancel' as const, 'maker-or-cancel' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('market' as const), t: fc.nat(3), side: fc.constantFrom('buy' as const, 'sell' as const), lots: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('cancel' as const), t: fc.nat(3), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancelAll' as const), t: fc.nat(3) }) },
);

class Watcher {
  readonly book = new Map<string, string>();
  last = -1;
  gaps = 0;
  /** from the depth method: drop frames up to L, the first must straddle L + 1 */
  pendingL: number | undefined;
  started = false;
  constructor(readonly c: Client) {}

  /** feed every depthUpdate frame received so far (call repeatedly) */
  private seen = 0;
  pump(): void {
    const frames = this.c.events.filter((f) => f['e'] === 'depthUpdate');
    for (; this.seen < frames.length; this.seen++) this.apply(frames[this.seen]!);
  }

  private apply(f: Frame): void {
    if (this.pendingL !== undefined) {
      if (f['u'] <= this.pendingL) return;
      assert.ok(f['U'] <= this.pendingL + 1 && f['u'] >= this.pendingL + 1, `first frame ${f['U']}..${f['u']} straddles ${this.pendingL + 1}`);
      this.pendingL = undefined;
    } else if (this.started) {
      assert.equal(f['U'], this.last + 1, 'no gap');
    }
    this.started = true;
    for (const [side, levels] of [['b', f['b']], ['a', f['a']]] as const) {
      for (const [p, q] of levels as [string, string][]) {
        if (q === '0') this.book.delete(`${side} ${p}`);
        else this.book.set(`${side} ${p}`, q);
      }
    }
    this.last = f['u'];
  }

  /** seed from the depth method's result */
  seed(r: { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] }): void {
    for (const [p, q] of r.bids) this.book.set(`b ${p}`, q);
    for (const [p, q] of r.asks) this.book.set(`a ${p}`, q);
    this.last = r.lastUpdateId;
    this.pendingL = r.lastUpdateId;
  }

  levels(): string[] {
    return [...this.book].map(([k, v]) => `${k} ${v}`).sort();
  }
}

function engineLevels(): string[] {
  const book = srv.exchange.engine.book('btcusd')!;
  const m = srv.exchange.engine.market('btcusd')!.market;
  const fmt = (n: number, d: number, min: number) => {
    const s = (n / 10 ** d).toFixed(d);
    return min > 0 ? s : s.replace(/\.?0+$/, '');
  };
  const out: string[] = [];
  for (const l of book.depth('buy', 0)) out.push(`b ${fmt(l.price, m.priceDecimals, 1)} ${fmt(l.amount, m.amountDecimals, 0)}`);
  for (const l of book.depth('sell', 0)) out.push(`a ${fmt(l.price, m.priceDecimals, 1)} ${fmt(l.amount, m.amountDecimals, 0)}`);
  return out.sort();
}

async function snapshotWatcher(): Promise<Watcher> {
  const c = await connect(srv.wsUrl, { query: 'snapshot=-1' });
  const w = new Watcher(c);
  assert.equal((await c.request('subscribe', [STREAM, 'btcusd@bookTicker'])).status, 200);
  return w;
}

async function depthMethodWatcher(): Promise<Watcher> {
  const c = await connect(srv.wsUrl);
  const w = new Watcher(c);
  assert.equal((await c.request('subscribe', [STREAM])).status, 200);
  const d = await c.request('depth', { symbol: 'btcusd', limit: 5000 });
  w.seed(d.result);
  return w;
}

function body(op: Op): CommandBody | { ws: Record<string, unknown> } {
  const t = traders[op.t]!;
  switch (op.k) {
    case 'limit': {
      const price = (100 + op.off * 0.5).toFixed(2);
      const amount = (op.lots / 10).toFixed(1);
      if (op.t === 0) return { ws: { symbol: 'btcusd', side: op.side.toUpperCase(), type: 'LIMIT', price, quantity: amount, timeInForce: op.tif === '' ? 'GTC' : op.tif === 'immediate-or-cancel' ? 'IOC' : 'MOC' } };
      return { type: 'PlaceOrder', account: t.account, session: t.key.key, symbol: 'btcusd', side: op.side, orderType: 'exchange limit', amount, price, options: op.tif === '' ? [] : [op.tif] };
    }
    case 'market':
      return { type: 'PlaceOrder', account: t.account, session: t.key.key, symbol: 'btcusd', side: op.side, orderType: 'exchange market', amount: (op.lots / 10).toFixed(1), options: [] };
    case 'cancel': {
      const open = srv.exchange.engine.openOrders(t.account);
      const o = open[op.pick % Math.max(1, open.length)];
      return { type: 'CancelOrder', account: t.account, orderId: String(o?.id ?? 999_999_999) };
    }
    case 'cancelAll':
      return { type: 'CancelAllOrders', account: t.account };
    default: {
      const _exhaustive: never = op;
      return _exhaustive;
    }
  }
}

const stats = { frames: 0, joined: 0 };

async function run(ops: Op[], chunks: number[], joinAt: number): Promise<void> {
  const watchers = [await snapshotWatcher(), await snapshotWatcher(), await depthMethodWatcher()];
  let i = 0;
  let chunk = 0;
  while (i < ops.length) {
    if (i >= joinAt && watchers.length === 3) watchers.push(await (joinAt % 2 === 0 ? snapshotWatcher() : depthMethodWatcher()));
    const n = chunks[chunk++ % chunks.length]!;
    const work = ops.slice(i, i + n).map((op) => {
      const b = body(op);
      return 'ws' in b ? wsTrader.request('order.place', b.ws) : srv.exchange.submit(b);
    });
    i += n;
    await Promise.all(work);
    for (const w of watchers) w.pump();
  }
  const target = feedOf(srv.exchange).lastUpdateId('btcusd')!;
  const end = Date.now() + 3000;
  for (const w of watchers) {
    while ((w.pump(), w.last < target)) {
      if (Date.now() > end) throw new Error(`client stuck at ${w.last}, feed at ${target}`);
      await sleep(5);
    }
  }
  const want = engineLevels();
  for (const [k, w] of watchers.entries()) assert.deepEqual(w.levels(), want, `client ${k}`);
  // the last bookTicker a snapshot client got (if the top changed while it listened) is the engine's top
  const book = srv.exchange.engine.book('btcusd')!;
  const m = srv.exchange.engine.market('btcusd')!.market;
  const px = (l: { price: number } | undefined) => (l === undefined ? '0' : (l.price / 10 ** m.priceDecimals).toFixed(m.priceDecimals));
  for (const w of watchers) {
    const last = w.c.events.filter((f) => 'A' in f).at(-1);
    if (last === undefined) continue;
    assert.equal(last['b'], px(book.depth('buy', 1)[0]));
    assert.equal(last['a'], px(book.depth('sell', 1)[0]));
    assert.ok(last['u'] <= target);
  }
  stats.frames += watchers.reduce((a, w) => a + w.c.events.length, 0);
  stats.joined += watchers.length > 3 ? 1 : 0;
  await Promise.all(watchers.map((w) => w.c.close()));
}

test('real sockets: snapshot + differential depth equals the engine book for every subscriber (incl. late joiners)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 20, maxLength: 90 }),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }),
      fc.nat(90),
      async (ops, chunks, joinAt) => run(ops, chunks, joinAt),
    ),
    fcParams(15),
  );
  assert.ok(stats.frames > 100 && stats.joined > 0, JSON.stringify(stats));

  // every order of P1: exactly one NEW first, fills adding up, and a final state equal to the exchange's
  await sleep(50);
  const byId = new Map<number, Frame[]>();
  for (const f of orderWatch.events) byId.set(f['i'], [...(byId.get(f['i']) ?? []), f]);
  const accepted = srv.exchange.history.closedOrdersByAccount(traders[1]!.account, { limit: 100_000 }).map((o) => o.id);
  const open = srv.exchange.engine.openOrders(traders[1]!.account).map((o) => o.id);
  assert.deepEqual([...byId.keys()].sort((a, b) => a - b), [...accepted, ...open].sort((a, b) => a - b), 'every order, none extra');
  for (const [id, us] of byId) {
    assert.equal(us[0]!['X'], 'NEW', `order ${id}`);
    assert.equal(us.filter((u) => u['X'] === 'NEW').length, 1);
    const fills = us.filter((u) => u['X'] === 'FILLED' || u['X'] === 'PARTIALLY_FILLED').reduce((a, u) => a + Number(u['Z']), 0);
    const closed = srv.exchange.history.closedOrder(id);
    const rec = closed ?? srv.exchange.engine.order(id)!;
    const m = srv.exchange.engine.market('btcusd')!.market;
    assert.ok(Math.abs(fills - rec.executed / 10 ** m.amountDecimals) < 1e-9, `order ${id} fills`);
    const last = us.at(-1)!;
    if (closed?.isCancelled) assert.equal(last['X'], 'CANCELED');
    else if (closed !== undefined) assert.equal(last['X'], 'FILLED');
    else assert.ok(['NEW', 'OPEN', 'PARTIALLY_FILLED'].includes(last['X']));
  }
});
