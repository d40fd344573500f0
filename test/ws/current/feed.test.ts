/**
 * The shared feed (src/api/ws/feed), driven by a fake journal so batch boundaries and
 * "applied but not yet committed" moments are under the test's control.
 *
 * Property: over random command histories cut into random batches, a client that takes a
 * snapshot and then applies the diffs (checking U = previous u + 1) holds exactly the engine's
 * book after every batch — for clients present from the start and for clients joining
 * mid-stream, including while a batch is still pending. Also: tops equal the engine's best
 * levels, trades equal the Trade events, every order's update stream ends in its true state,
 * balance updates equal the engine's balances.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Engine } from '../../../src/engine/engine.js';
import type { Command } from '../../../src/engine/commands.js';
import type { Event } from '../../../src/engine/events.js';
import type { OrderRecord } from '../../../src/engine/order.js';
import { Feed, type BookDiff, type BookSnapshot, type OrderUpdate, type TradeTick } from '../../../src/api/ws/feed/index.js';
import { ALL_MARKETS, Driver, scenarioArb } from '../../property/arbitraries.js';
import { fcParams } from '../../property/harness.js';

type Entry = { cmd: Command; events: Event[] };

/** an engine behind a fake sequencer + journal: apply now, commit when told */
class FakeExchange {
  readonly engine = new Engine({ markets: ALL_MARKETS });
  private listener: ((batch: readonly Entry[]) => void) | undefined;
  private pending: Entry[] = [];
  lastSeq = 0;
  readonly store = {
    sequencer: this as { readonly lastSeq: number },
    journal: {
      onCommitted: (fn: (batch: readonly Entry[]) => void) => {
        this.listener = fn;
        return () => (this.listener = undefined);
      },
    },
  };

  apply(cmd: Command): ReturnType<Engine['apply']> {
    const r = this.engine.apply(cmd);
    if (r.ok) {
      this.lastSeq = cmd.seq;
      this.pending.push({ cmd, events: r.events });
    }
    return r;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  commit(): void {
    const b = this.pending;
    this.pending = [];
    if (b.length > 0) this.listener?.(b);
  }
}

/** what a WebSocket client does with a snapshot and differential updates */
class ClientBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  last: number;
  constructor(snap: BookSnapshot) {
    for (const l of snap.bids) this.bids.set(l.price, l.amount);
    for (const l of snap.asks) this.asks.set(l.price, l.amount);
    this.last = snap.lastUpdateId;
  }
  apply(d: BookDiff): void {
    assert.equal(d.U, this.last + 1, `gap in ${d.symbol}: U ${d.U} after u ${this.last}`);
    assert.ok(d.u >= d.U);
    for (const c of [...d.bids, ...d.asks]) {
      const m = c.side === 'buy' ? this.bids : this.asks;
      if (c.amount === 0) m.delete(c.price);
      else m.set(c.price, c.amount);
    }
    this.last = d.u;
  }
  levels(side: 'buy' | 'sell'): [number, number][] {
    const m = side === 'buy' ? this.bids : this.asks;
    return [...m].sort(side === 'buy' ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
  }
}

function engineLevels(e: Engine, symbol: string, side: 'buy' | 'sell'): [number, number][] {
  return e.book(symbol)!.depth(side, 0).map((l) => [l.price, l.amount]);
}

interface Run {
  steps: number;
  joins: number;
  diffs: number;
}

function runScenario(sc: ConstructorParameters<typeof Driver>[0], batchSizes: number[], joinAt: number[]): Run {
  const ex = new FakeExchange();
  const feed = new Feed(ex, { onListenerError: (e) => { throw e; } });
  const driver = new Driver(sc, ex.engine);
  driver.addTeardown();
  const symbols = sc.markets;
  const clients: { symbol: string; book: ClientBook }[] = [];
  let diffs = 0;
  const join = (symbol: string): void => {
    const c = { symbol, book: undefined as unknown as ClientBook };
    feed.onBook(symbol, (d) => {
      diffs++;
      c.book.apply(d);
    });
    c.book = new ClientBook(feed.snapshot(symbol, 0)!);
    // a snapshot taken mid-batch shows committed state only
    clients.push(c);
  };
  for (const s of symbols) join(s);

  const trades: TradeTick[] = [];
  const tradeEvents: string[] = [];
  for (const s of symbols) feed.onTrades(s, (ts) => trades.push(...ts));
  const updates = new Map<number, OrderUpdate[]>();
  const finals = new Map<number, OrderRecord>();
  const accounts = new Set<string>();
  const onOrders = (us: readonly OrderUpdate[]): void => {
    for (const u of us) {
      const list = updates.get(u.order.id);
      if (list === undefined) updates.set(u.order.id, [u]);
      else list.push(u);
    }
  };
  const balanceSeen = new Map<string, bigint>();
  let committedBook: Map<string, [number, number][][]> | undefined;

  let step = 0;
  let batchIdx = 0;
  let target = batchSizes[0] ?? 1;
  const joinSet = new Set(joinAt);
  while (driver.hasNext()) {
    const p = driver.next();
    const r = ex.apply(p.cmd);
    driver.record(r);
    if (r.ok) {
      for (const e of r.events) {
        if (e.type === 'Trade') tradeEvents.push(`${e.symbol}:${e.tid}`);
        if (e.type === 'OrderFilled' || e.type === 'OrderCancelled') finals.set(e.order.id, e.order);
        if (e.type === 'AccountCreated' && !accounts.has(e.account)) {
          accounts.add(e.account);
          feed.onAccountOrders(e.account, onOrders);
          feed.onBalances(e.account, (b) => {
            assert.equal(b.account, e.account);
            for (const c of b.balances) {
              const bal = ex.engine.account(b.account)!.balances.get(c.currency) ?? { total: 0n, held: 0n };
              assert.equal(c.total, bal.total);
              assert.equal(c.available, bal.total - bal.held);
              balanceSeen.set(`${b.account}/${c.currency}`, c.total);
            }
          });
        }
      }
    }
    step++;
    if (joinSet.has(step)) {
      // join while the current batch is still pending: must see the committed book only
      const symbol = symbols[step % symbols.length]!;
      join(symbol);
      if (ex.pendingCount > 0 && committedBook !== undefined) {
        const c = clients[clients.length - 1]!.book;
        const committed = committedBook.get(symbol)!;
        assert.deepEqual(c.levels('buy'), committed[0]);
        assert.deepEqual(c.levels('sell'), committed[1]);
      }
    }
    if (ex.pendingCount >= target || !driver.hasNext()) {
      ex.commit();
      batchIdx++;
      target = batchSizes[batchIdx % batchSizes.length] ?? 1;
      assert.ok(feed.consistent);
      committedBook = new Map();
      for (const s of symbols) {
        const bids = engineLevels(ex.engine, s, 'buy');
        const asks = engineLevels(ex.engine, s, 'sell');
        committedBook.set(s, [bids, asks]);
        for (const c of clients.filter((x) => x.symbol === s)) {
          assert.deepEqual(c.book.levels('buy'), bids, `${s} bids after batch ${batchIdx}`);
          assert.deepEqual(c.book.levels('sell'), asks, `${s} asks after batch ${batchIdx}`);
          assert.equal(c.book.last, feed.lastUpdateId(s));
        }
        const top = feed.top(s)!;
        assert.deepEqual(top.bid === undefined ? undefined : [top.bid.price, top.bid.amount], bids[0]);
        assert.deepEqual(top.ask === undefined ? undefined : [top.ask.price, top.ask.amount], asks[0]);
        const snap = feed.snapshot(s, 3)!;
        assert.deepEqual(snap.bids.map((l) => [l.price, l.amount]), bids.slice(0, 3));
        assert.deepEqual(snap.asks.map((l) => [l.price, l.amount]), asks.slice(0, 3));
      }
    }
  }
  // trades: every Trade event exactly once, in engine order per symbol
  const bySymbol = (xs: string[]) => [...xs].sort((a, b) => (a.split(':')[0]! < b.split(':')[0]! ? -1 : a.split(':')[0]! > b.split(':')[0]! ? 1 : 0));
  assert.deepEqual(bySymbol(trades.map((t) => `${t.symbol}:${t.tid}`)), bySymbol(tradeEvents));
  // orders: each order's updates start with accepted, executed never decreases, end in its final state
  for (const [id, list] of updates) {
    assert.equal(list[0]!.type, 'accepted', `order ${id} starts with accepted`);
    for (let i = 1; i < list.length; i++) {
      assert.ok(list[i]!.order.executed >= list[i - 1]!.order.executed, `order ${id} executed decreases`);
      assert.ok(list[i]!.seq >= list[i - 1]!.seq);
    }
    const last = list[list.length - 1]!;
    const fin = finals.get(id);
    assert.ok(fin !== undefined, `order ${id} closed (teardown cancels all)`);
    assert.ok(last.type === 'cancelled' || last.type === 'filled', `order ${id} ends closed`);
    assert.deepEqual(last.order, fin);
    const fills = list.filter((u) => u.type === 'fill');
    const sum = fills.reduce((a, u) => a + u.fill!.amount, 0);
    assert.equal(sum, fin.executed, `order ${id} fills add up`);
    if (fills.length > 0) {
      const lastFill = fills[fills.length - 1]!;
      assert.equal(lastFill.order.executed, fin.executed);
      assert.equal(lastFill.order.filledNotional, fin.filledNotional);
    }
  }
  return { steps: step, joins: joinAt.length, diffs };
}

test('feed: client books built from snapshot + diffs equal the engine book (random flows, random batches, late joiners)', () => {
  let totalDiffs = 0;
  fc.assert(
    fc.property(
      scenarioArb({ minSteps: 10, maxSteps: 80 }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 4 }),
      (sc, sizes, joins) => {
        totalDiffs += runScenario(sc, sizes, joins).diffs;
      },
    ),
    fcParams(120),
  );
  assert.ok(totalDiffs > 100, `the runs produced book diffs (${totalDiffs})`);
});

test('feed: a listener that throws does not stop the others; detach stops publishing', () => {
  const ex = new FakeExchange();
  const errors: unknown[] = [];
  const feed = new Feed(ex, { onListenerError: (e) => errors.push(e) });
  const seen: string[] = [];
  feed.onBatch(() => {
    throw new Error('boom');
  });
  feed.onBatch((d) => seen.push(`${d.firstSeq}-${d.lastSeq}`));
  let seq = 0;
  const run = (body: object): void => {
    seq++;
    ex.apply({ ...body, seq, time: 1_700_000_000_000 + seq } as Command);
  };
  run({ type: 'CreateAccount', account: 'a' });
  run({ type: 'Deposit', account: 'a', currency: 'USD', amount: '100' });
  ex.commit();
  assert.deepEqual(seen, ['1-2']);
  assert.equal(errors.length, 1);
  feed.detach();
  run({ type: 'Deposit', account: 'a', currency: 'USD', amount: '1' });
  ex.commit();
  assert.deepEqual(seen, ['1-2']);
});

test('feed: update ids start at the journal seq and a diff consumes one id per book-changing command', () => {
  const ex = new FakeExchange();
  let seq = 0;
  const run = (body: object): void => {
    seq++;
    const r = ex.apply({ ...body, seq, time: 1_700_000_000_000 + seq } as Command);
    assert.ok(r.ok, r.ok ? "" : r.rejection.code);
  };
  run({ type: 'CreateAccount', account: 'a' });
  run({ type: 'Deposit', account: 'a', currency: 'USD', amount: '100000' });
  ex.commit();
  const feed = new Feed(ex);
  assert.equal(feed.lastUpdateId('BTCUSD'), 2);
  const diffs: BookDiff[] = [];
  feed.onBook('btcusd', (d) => diffs.push(d));
  const place = (price: string) => run({ type: 'PlaceOrder', account: 'a', session: 'k', symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.1', price, options: [] });
  place('100.00');
  place('101.00');
  place('100.00');
  ex.commit();
  assert.equal(diffs.length, 1);
  assert.equal(diffs[0]!.U, 3);
  assert.equal(diffs[0]!.u, 5);
  assert.deepEqual(diffs[0]!.bids.map((c) => [c.priceText, c.amountText, c.prev, c.reason]), [['101.00', '0.1', 0, 'place'], ['100.00', '0.2', 0, 'place']]);
  // a batch that touches no book consumes no id
  run({ type: 'Deposit', account: 'a', currency: 'USD', amount: '1' });
  ex.commit();
  assert.equal(diffs.length, 1);
  assert.equal(feed.lastUpdateId('btcusd'), 5);
  // pending (uncommitted) orders are not in the snapshot
  place('102.00');
  assert.equal(feed.consistent, false);
  assert.deepEqual(feed.snapshot('btcusd', 0)!.bids.map((l) => l.priceText), ['101.00', '100.00']);
  ex.commit();
  assert.deepEqual(feed.snapshot('btcusd', 0)!.bids.map((l) => l.priceText), ['102.00', '101.00', '100.00']);
  assert.equal(diffs[1]!.U, 6);
  assert.equal(feed.snapshot('nosuch', 5), undefined);
});
