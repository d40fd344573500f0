/**
 * History store tests: a real Engine (shipped market table) drives the store through onCommit, one
 * transaction per batch, and the queries must return exactly the engine's final records and trades.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { loadMarkets } from '../../src/app/markets-config.js';
import type { Command, CommandBody, PlaceOrder } from '../../src/engine/commands.js';
import { Engine } from '../../src/engine/engine.js';
import type { Event, Trade } from '../../src/engine/events.js';
import type { OrderRecord } from '../../src/engine/order.js';
import { createHistory, type CommittedEntry, type History } from '../../src/journal/history.js';

const MARKETS = loadMarkets();
/** USD in ledger units (10^-18), from hundredths of a cent to keep it exact */
const usd = (cents100: bigint): bigint => cents100 * 10n ** 14n;

interface Harness {
  db: Database.Database;
  h: History;
  engine: Engine;
  /** apply bodies at `time` as one committed batch; returns all events */
  run(time: number, ...bodies: CommandBody[]): Event[];
}

function harness(db: Database.Database = new Database(':memory:')): Harness {
  const h = createHistory(db);
  const engine = new Engine({ markets: MARKETS });
  let seq = 0;
  return {
    db,
    h,
    engine,
    run(time, ...bodies) {
      const batch: CommittedEntry[] = [];
      for (const b of bodies) {
        const cmd = { ...b, seq: ++seq, time } as Command;
        const r = engine.apply(cmd);
        if (!r.ok) assert.fail(`rejected: ${r.rejection.code} ${r.rejection.detail ?? ''}`);
        batch.push({ cmd, events: r.events });
      }
      db.transaction(() => h.onCommit(db, batch))();
      return batch.flatMap((e) => e.events);
    },
  };
}

function place(account: string, symbol: string, side: string, amount: string, price: string, extra: Partial<PlaceOrder> = {}): PlaceOrder {
  return { type: 'PlaceOrder', account, session: `${account}-key`, symbol, side, orderType: 'exchange limit', amount, price, options: [], ...extra };
}

const accepted = (evs: Event[]): OrderRecord[] => evs.flatMap((e) => (e.type === 'OrderAccepted' ? [e.order] : []));
const trades = (evs: Event[]): Trade[] => evs.flatMap((e) => (e.type === 'Trade' ? [e] : []));
const closed = (evs: Event[]): OrderRecord[] =>
  evs.flatMap((e) => (e.type === 'OrderFilled' || e.type === 'OrderCancelled' ? [e.order] : []));
const tradeRecord = ({ type: _t, ...rest }: Trade) => rest;

/**
 * The shared scenario. Fees: alice 10/35 bps (maker/taker), bob 5/20 bps.
 *  t=2000 A1 alice sells 1 BTC @100.00 (cid a1), rests
 *  t=3000 B1 bob buys 0.4 @100.00 (cid b1): T1, B1 filled
 *  t=4000 B2 bob buys 0.6 @101.00 (cid b2): T2 @100.00, A1 and B2 filled
 *  t=5000 E1 alice sells 2 ETH @2000.00 (cid a-eth), rests
 *  t=6000 B3 bob buys 0.5 ETH @2000.00: T3, B3 filled, E1 partially filled
 *  t=7000 alice cancels E1
 *  t=8000 / t=9000 bob IOC buys BTC @50.00 with cid "dup" (no asks): cancelled both times
 *  t=10000 alice sells 0.1 @100.00 and 0.1 @100.50 (no cid); t=11000 bob buys 0.2 @101.00: T4, T5 same ms
 *  t=12000 alice rests a buy 0.1 BTC @90.00 (cid a-open), stays open
 */
function scenario() {
  const x = harness();
  x.run(
    1000,
    { type: 'CreateAccount', account: 'alice', makerBps: 10, takerBps: 35 },
    { type: 'CreateAccount', account: 'bob', makerBps: 5, takerBps: 20 },
    { type: 'Deposit', account: 'alice', currency: 'BTC', amount: '10' },
    { type: 'Deposit', account: 'alice', currency: 'ETH', amount: '10' },
    { type: 'Deposit', account: 'alice', currency: 'USD', amount: '100000' },
    { type: 'Deposit', account: 'bob', currency: 'USD', amount: '100000' },
  );
  const [A1] = accepted(x.run(2000, place('alice', 'btcusd', 'sell', '1', '100.00', { clientOrderId: 'a1' })));
  const e3 = x.run(3000, place('bob', 'btcusd', 'buy', '0.4', '100.00', { clientOrderId: 'b1' }));
  const e4 = x.run(4000, place('bob', 'BTCUSD', 'buy', '0.6', '101.00', { clientOrderId: 'b2' }));
  const [E1] = accepted(x.run(5000, place('alice', 'ethusd', 'sell', '2', '2000.00', { clientOrderId: 'a-eth' })));
  const e6 = x.run(6000, place('bob', 'ethusd', 'buy', '0.5', '2000.00'));
  const afterPartial = x.h.closedOrder(E1!.id);
  const openCidsWhileOpen = (x.db.prepare('SELECT count(*) AS n FROM history_open_cids WHERE order_id = ?').get(E1!.id) as { n: number }).n;
  const e7 = x.run(7000, { type: 'CancelOrder', account: 'alice', orderId: String(E1!.id) });
  const ioc = { clientOrderId: 'dup', options: ['immediate-or-cancel'] };
  const e8 = x.run(8000, place('bob', 'btcusd', 'buy', '0.1', '50.00', ioc));
  const e9 = x.run(9000, place('bob', 'btcusd', 'buy', '0.1', '50.00', ioc));
  x.run(10000, place('alice', 'btcusd', 'sell', '0.1', '100.00'), place('alice', 'btcusd', 'sell', '0.1', '100.50'));
  const e11 = x.run(11000, place('bob', 'btcusd', 'buy', '0.2', '101.00'));
  const [OPEN] = accepted(x.run(12000, place('alice', 'btcusd', 'buy', '0.1', '90.00', { clientOrderId: 'a-open' })));
  const [T1] = trades(e3);
  const [T2] = trades(e4);
  const [T3] = trades(e6);
  const [T4, T5] = trades(e11);
  return {
    ...x,
    A1: A1!, B1: accepted(e3)[0]!, B2: accepted(e4)[0]!, E1: E1!, B3: accepted(e6)[0]!,
    D1: accepted(e8)[0]!, D2: accepted(e9)[0]!, B4: accepted(e11)[0]!, OPEN: OPEN!,
    T1: T1!, T2: T2!, T3: T3!, T4: T4!, T5: T5!,
    events: { e3, e4, e6, e7, e8, e9, e11 },
    afterPartial, openCidsWhileOpen,
  };
}

describe('history store', () => {
  const s = scenario();
  const { h } = s;

  it('stores each closed order exactly as the engine published it', () => {
    const finals = [...closed(s.events.e3), ...closed(s.events.e4), ...closed(s.events.e7), ...closed(s.events.e9)];
    assert.equal(finals.length, 5);
    for (const o of finals) assert.deepStrictEqual(h.closedOrder(o.id), o);
    const a1 = h.closedOrder(s.A1.id)!;
    assert.equal(a1.executed, 100_000_000);
    assert.equal(a1.filledNotional, 10_000n * 100_000_000n);
    assert.equal(a1.isLive, false);
    assert.equal(a1.isCancelled, false);
    assert.equal(a1.reason, undefined);
    assert.equal(a1.closedTime, 4000);
    assert.equal(a1.time, 2000);
    assert.equal(a1.clientOrderId, 'a1');
    assert.equal(a1.session, 'alice-key');
  });

  it('keeps open orders out, and a partially filled then cancelled order appears once, final', () => {
    assert.equal(s.afterPartial, undefined);
    assert.equal(h.closedOrder(s.OPEN.id), undefined);
    assert.equal(h.orderByClientId('alice', 'a-open'), undefined);
    assert.equal(s.openCidsWhileOpen, 1);
    const e1 = h.closedOrder(s.E1.id)!;
    assert.equal(e1.executed, 500_000);
    assert.equal(e1.amount, 2_000_000);
    assert.equal(e1.filledNotional, 200_000n * 500_000n);
    assert.equal(e1.isCancelled, true);
    assert.equal(e1.reason, 'Requested');
    assert.equal(e1.closedTime, 7000);
    const all = h.closedOrdersByAccount('alice', { limit: 100 });
    assert.equal(all.filter((o) => o.id === s.E1.id).length, 1);
    // only closed orders with a client id still open stay in the side table
    const cids = s.db.prepare('SELECT order_id FROM history_open_cids').all() as { order_id: number }[];
    assert.deepStrictEqual(cids.map((r) => r.order_id), [s.OPEN.id]);
  });

  it('lists closed orders newest first, filtered by account, symbol and time, limited', () => {
    const bob = h.closedOrdersByAccount('bob', { limit: 50 });
    assert.deepStrictEqual(bob.map((o) => o.id), [s.B4.id, s.D2.id, s.D1.id, s.B3.id, s.B2.id, s.B1.id]);
    for (const o of bob) assert.equal(o.account, 'bob');
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { symbol: 'ETHUSD', limit: 50 }).map((o) => o.id), [s.B3.id]);
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { limit: 2 }).map((o) => o.time), [11000, 9000]);
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { before: 8000, limit: 2 }).map((o) => o.id), [s.B3.id, s.B2.id]);
    // Gemini's walk: with a timestamp, the earliest `limit` at or after it, newest first
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { since: 4000, limit: 2 }).map((o) => o.id), [s.B3.id, s.B2.id]);
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { since: 4000, limit: 2, window: 'newest' }).map((o) => o.time), [11000, 9000]);
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { since: 4001, before: 9000, limit: 10 }).map((o) => o.id), [s.D1.id, s.B3.id]);
    assert.deepStrictEqual(h.closedOrdersByAccount('bob', { limit: 0 }), []);
    assert.deepStrictEqual(h.closedOrdersByAccount('nobody', { limit: 10 }), []);
    const alice = h.closedOrdersByAccount('alice', { symbol: 'btcusd', limit: 50 });
    assert.deepStrictEqual(alice.map((o) => o.time), [10000, 10000, 2000]);
    assert.ok(alice[0]!.id > alice[1]!.id, 'same-ms ties: higher id first');
  });

  it('finds the newest closed order by client order id, per account', () => {
    assert.equal(h.orderByClientId('bob', 'dup')!.id, s.D2.id);
    assert.equal(h.orderByClientId('bob', 'dup')!.reason, 'ImmediateOrCancelWouldPost');
    assert.equal(h.orderByClientId('bob', 'b1')!.id, s.B1.id);
    assert.equal(h.orderByClientId('alice', 'a-eth')!.id, s.E1.id);
    assert.equal(h.orderByClientId('alice', 'dup'), undefined);
    assert.equal(h.orderByClientId('bob', 'nope'), undefined);
  });

  it('records both sides of every trade with the right side, role, fee and client order id', () => {
    const a = h.tradesForOrder(s.A1.id);
    assert.deepStrictEqual(a, [
      { tid: s.T1.tid, symbol: 'btcusd', account: 'alice', orderId: s.A1.id, clientOrderId: 'a1', side: 'sell', isMaker: true, aggressor: false,
        price: 10_000, amount: 40_000_000, fee: usd(400n), feeCurrency: 'USD', time: 3000 },
      { tid: s.T2.tid, symbol: 'btcusd', account: 'alice', orderId: s.A1.id, clientOrderId: 'a1', side: 'sell', isMaker: true, aggressor: false,
        price: 10_000, amount: 60_000_000, fee: usd(600n), feeCurrency: 'USD', time: 4000 },
    ]);
    // bob is the taker at 20 bps: 0.4 * 100 * 0.002 = 0.08 USD; 0.6 * 100 * 0.002 = 0.12 USD
    assert.deepStrictEqual(h.tradesForOrder(s.B1.id), [
      { tid: s.T1.tid, symbol: 'btcusd', account: 'bob', orderId: s.B1.id, clientOrderId: 'b1', side: 'buy', isMaker: false, aggressor: true,
        price: 10_000, amount: 40_000_000, fee: usd(800n), feeCurrency: 'USD', time: 3000 },
    ]);
    const [b2] = h.tradesForOrder(s.B2.id);
    assert.equal(b2!.price, 10_000, 'trades at the maker price');
    assert.equal(b2!.fee, usd(1200n));
    // ETH: alice maker 10 bps on 0.5 * 2000 = 1.00 USD; bob taker 20 bps = 2.00 USD; no client id on B3
    const [e1] = h.tradesForOrder(s.E1.id);
    assert.equal(e1!.fee, usd(10000n));
    const [b3] = h.tradesForOrder(s.B3.id);
    assert.equal(b3!.fee, usd(20000n));
    assert.equal(b3!.clientOrderId, undefined);
    assert.deepStrictEqual(h.tradesForOrder(s.D1.id), []);
    assert.deepStrictEqual(h.tradesForOrder(s.OPEN.id), []);
  });

  it('returns a trade by tid exactly as the Trade event', () => {
    for (const t of [s.T1, s.T2, s.T3, s.T4, s.T5]) assert.deepStrictEqual(h.tradeById(t.tid), tradeRecord(t));
    assert.equal(s.T1.makerFee, usd(400n));
    assert.equal(s.T1.takerFee, usd(800n));
    assert.equal(h.tradeById(999_999), undefined);
  });

  it('lists an account\'s trades newest first (Gemini mytrades), by symbol and time, limited', () => {
    const bob = h.tradesByAccount('bob', { limit: 50 });
    assert.deepStrictEqual(bob.map((f) => f.tid), [s.T5.tid, s.T4.tid, s.T3.tid, s.T2.tid, s.T1.tid]);
    assert.ok(bob.every((f) => f.account === 'bob' && f.aggressor && f.side === 'buy'));
    assert.deepStrictEqual(h.tradesByAccount('bob', { limit: 2 }).map((f) => f.tid), [s.T5.tid, s.T4.tid]);
    assert.deepStrictEqual(h.tradesByAccount('bob', { symbol: 'ETHUSD', limit: 50 }).map((f) => f.tid), [s.T3.tid]);
    assert.deepStrictEqual(h.tradesByAccount('alice', { symbol: 'btcusd', limit: 50 }).map((f) => f.tid), [s.T5.tid, s.T4.tid, s.T2.tid, s.T1.tid]);
    assert.ok(h.tradesByAccount('alice', { limit: 50 }).every((f) => f.isMaker && f.side === 'sell'));
    // since is inclusive; with it the window is the earliest `limit` at or after it, newest first
    assert.deepStrictEqual(h.tradesByAccount('bob', { since: 4000, limit: 50 }).map((f) => f.time), [11000, 11000, 6000, 4000]);
    assert.deepStrictEqual(h.tradesByAccount('bob', { since: 4000, limit: 2 }).map((f) => f.tid), [s.T3.tid, s.T2.tid]);
    assert.deepStrictEqual(h.tradesByAccount('bob', { since: 0, limit: 1 }).map((f) => f.tid), [s.T1.tid]);
    assert.deepStrictEqual(h.tradesByAccount('bob', { since: 0, limit: 1, window: 'newest' }).map((f) => f.tid), [s.T5.tid]);
    assert.deepStrictEqual(h.tradesByAccount('bob', { since: 4001, symbol: 'btcusd', limit: 50 }).map((f) => f.tid), [s.T5.tid, s.T4.tid]);
    assert.deepStrictEqual(h.tradesByAccount('bob', { since: 11001, limit: 50 }), []);
    assert.deepStrictEqual(h.tradesByAccount('bob', { limit: 0 }), []);
    assert.deepStrictEqual(h.tradesByAccount('carol', { limit: 50 }), []);
  });

  it('walks a whole trade history with Gemini\'s documented timestamp = X+1 loop', () => {
    const seen: number[] = [];
    let ts = 0;
    for (let guard = 0; guard < 10; guard++) {
      const page = h.tradesByAccount('bob', { since: ts, limit: 3 });
      if (page.length === 0) break;
      seen.push(...page.map((f) => f.tid));
      ts = page[0]!.time + 1;
    }
    // pages: [T3 T2 T1], [T5 T4]. (T4 and T5 share a millisecond: a page boundary between them would
    // lose one, which is a limit of Gemini's walk itself, not of the store)
    assert.deepStrictEqual(seen.sort((a, b) => a - b), [s.T1.tid, s.T2.tid, s.T3.tid, s.T4.tid, s.T5.tid]);
  });

  it('lists a symbol\'s public trades newest first, since a time (exclusive) or a tid', () => {
    const all = h.tradesBySymbol('BTCUSD', { limit: 50 });
    assert.deepStrictEqual(all, [s.T5, s.T4, s.T2, s.T1].map(tradeRecord));
    assert.deepStrictEqual(h.tradesBySymbol('btcusd', { limit: 1 }).map((t) => t.tid), [s.T5.tid]);
    assert.deepStrictEqual(h.tradesBySymbol('btcusd', { since: 4000, limit: 50 }).map((t) => t.tid), [s.T5.tid, s.T4.tid]);
    assert.deepStrictEqual(h.tradesBySymbol('btcusd', { since: 3999, limit: 50 }).map((t) => t.tid), [s.T5.tid, s.T4.tid, s.T2.tid]);
    // since_tid: trades after it, the earliest first chosen, returned newest first; it trumps since
    assert.deepStrictEqual(h.tradesBySymbol('btcusd', { sinceTid: 0, limit: 2 }).map((t) => t.tid), [s.T2.tid, s.T1.tid]);
    assert.deepStrictEqual(h.tradesBySymbol('btcusd', { sinceTid: s.T1.tid, since: 99_999, limit: 2 }).map((t) => t.tid), [s.T4.tid, s.T2.tid]);
    assert.deepStrictEqual(h.tradesBySymbol('btcusd', { sinceTid: s.T5.tid, limit: 2 }), []);
    assert.deepStrictEqual(h.tradesBySymbol('ethusd', { limit: 50 }), [tradeRecord(s.T3)]);
    assert.deepStrictEqual(h.tradesBySymbol('solusd', { limit: 50 }), []);
  });

  it('stores money as INTEGER or TEXT, never REAL', () => {
    const tables = ['history_orders', 'history_trades', 'history_fills', 'history_open_cids'];
    for (const t of tables) {
      const cols = s.db.prepare(`SELECT name, type FROM pragma_table_info('${t}')`).all() as { name: string; type: string }[];
      for (const c of cols) {
        assert.ok(c.type === 'INTEGER' || c.type === 'TEXT', `${t}.${c.name} is ${c.type}`);
        const n = s.db.prepare(`SELECT count(*) AS n FROM ${t} WHERE typeof(${c.name}) = 'real'`).get() as { n: number };
        assert.equal(n.n, 0, `${t}.${c.name} holds REAL values`);
      }
    }
    const row = s.db.prepare('SELECT typeof(price) AS p, typeof(maker_fee) AS f FROM history_trades LIMIT 1').get();
    assert.deepStrictEqual({ ...(row as object) }, { p: 'integer', f: 'text' });
  });
});

describe('history store durability', () => {
  it('rolls back with the journal transaction and records nothing then', () => {
    const x = harness();
    x.run(1, { type: 'CreateAccount', account: 'a' }, { type: 'CreateAccount', account: 'b' },
      { type: 'Deposit', account: 'a', currency: 'BTC', amount: '1' }, { type: 'Deposit', account: 'b', currency: 'USD', amount: '1000' });
    x.run(2, place('a', 'btcusd', 'sell', '1', '100.00', { clientOrderId: 'keep' }));
    const cmd = { ...place('b', 'btcusd', 'buy', '1', '100.00'), seq: 99, time: 3 } as Command;
    const r = x.engine.apply(cmd);
    assert.ok(r.ok);
    assert.throws(() => x.db.transaction(() => {
      x.h.onCommit(x.db, [{ cmd, events: r.events }]);
      throw new Error('fsync failed');
    })(), /fsync failed/);
    assert.deepStrictEqual(x.h.tradesBySymbol('btcusd', { limit: 10 }), []);
    assert.deepStrictEqual(x.h.closedOrdersByAccount('a', { limit: 10 }), []);
    // the open order's client id survived the rollback, so a retried commit still carries it
    x.h.onCommit(x.db, [{ cmd, events: r.events }]); // outside a transaction: wraps itself in one
    assert.equal(x.h.tradesByAccount('a', { limit: 10 })[0]!.clientOrderId, 'keep');
    assert.equal(x.h.closedOrdersByAccount('a', { limit: 10 }).length, 1);
    // recording the same batch twice is a bug upstream: it fails loudly instead of duplicating
    assert.throws(() => x.h.onCommit(x.db, [{ cmd, events: r.events }]), /UNIQUE|PRIMARY KEY/);
    assert.equal(x.h.tradesByAccount('a', { limit: 10 }).length, 1);
  });

  it('refuses a different database handle', () => {
    const x = harness();
    const other = new Database(':memory:');
    assert.throws(() => x.h.onCommit(other, []), /different database/);
    other.close();
  });

  it('survives reopening a file and keeps bigints exact beyond 2^64', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-history-'));
    try {
      const file = join(dir, 'j.db');
      const db = new Database(file);
      const h = createHistory(db);
      const huge: OrderRecord = {
        id: 2 ** 53 - 1, account: 'w', session: 's', symbol: 'btcusd', side: 'buy', kind: 'limit', price: 2 ** 53 - 1, stopPrice: 0,
        amount: 2 ** 53 - 1, executed: 2 ** 53 - 1, filledNotional: (2n ** 53n - 1n) ** 2n, option: '', clientOrderId: undefined,
        time: 5, isLive: false, isCancelled: false, reason: undefined, closedTime: 6,
      };
      const cmd = { type: 'CancelAllOrders', account: 'w', seq: 1, time: 6 } as Command;
      h.onCommit(db, [{ cmd, events: [{ type: 'OrderFilled', order: huge }] }]);
      db.close();
      const db2 = new Database(file);
      const h2 = createHistory(db2); // tables already there: kept as they are
      assert.deepStrictEqual(h2.closedOrder(huge.id), huge);
      assert.ok(huge.filledNotional > 2n ** 64n);
      db2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
