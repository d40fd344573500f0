/**
 * One suite for the Book contract (src/engine/book/book.ts), run against every implementation,
 * plus a differential run of FastBook against NaiveBook over a long random sequence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Book, BookFactory, Level } from '../../src/engine/book/book.js';
import { FastBook } from '../../src/engine/book/fast-book.js';
import { NaiveBook } from '../../src/engine/book/naive-book.js';
import { BUY, F, I, NONE, OrderStore, Row, SELL, type OrderRef } from '../../src/engine/order-store.js';
import type { Side } from '../../src/engine/order.js';

const IMPLEMENTATIONS: { name: string; make: BookFactory }[] = [
  { name: 'FastBook', make: () => new FastBook() },
  { name: 'NaiveBook', make: () => new NaiveBook() },
];

/** every test order lives in this store (each book only touches the slots it was given) */
const store = new OrderStore(4);

/** a test's handle on one order: its slot, with the remaining amount settable as matching does */
class T {
  constructor(readonly slot: number) {}
  get id(): number {
    return store.f[this.slot * Row.F + F.id]!;
  }
  get price(): number {
    return store.f[this.slot * Row.F + F.price]!;
  }
  get remaining(): number {
    return store.f[this.slot * Row.F + F.remaining]!;
  }
  set remaining(v: number) {
    store.f[this.slot * Row.F + F.remaining] = v;
  }
}
const handles: T[] = [];

function order(id: number, side: Side, price: number, remaining: number): T {
  // the book only uses side/price/remaining and its own prev/next links
  const s = store.alloc();
  store.f[s * Row.F + F.id] = id;
  store.i[s * Row.I + I.side] = side === 'buy' ? BUY : SELL;
  store.f[s * Row.F + F.price] = price;
  store.f[s * Row.F + F.amount] = remaining;
  store.f[s * Row.F + F.remaining] = remaining;
  store.i[s * Row.I + I.prev] = store.i[s * Row.I + I.next] = NONE;
  return (handles[s] = new T(s));
}

/** a book, attached to the test store, taking and giving handles */
interface TB {
  add(o: T): void;
  remove(o: T): void;
  reduced(o: T, qty: number): void;
  best(side: Side): T | undefined;
  levelAmount(side: Side, price: number): number;
  depth(side: Side, limit: number): Level[];
  scan(side: Side, visit: (o: OrderRef) => boolean): void;
  size(): number;
}

function wrap(b: Book): TB {
  b.attach(store);
  return {
    add: (o) => b.add(o.slot),
    remove: (o) => b.remove(o.slot),
    reduced: (o, q) => b.reduced(o.slot, q),
    best: (side) => {
      const s = b.bestSlot(side);
      const v = b.best(side);
      assert.equal(v?.slot ?? NONE, s, 'best() is the view of bestSlot()');
      return s === NONE ? undefined : handles[s];
    },
    levelAmount: (side, price) => b.levelAmount(side, price),
    depth: (side, limit) => b.depth(side, limit),
    scan: (side, visit) => b.scan(side, visit),
    size: () => b.size(),
  };
}

const ids = (b: TB, side: Side): number[] => {
  const out: number[] = [];
  b.scan(side, (o) => (out.push(o.id), true));
  return out;
};

for (const { name, make } of IMPLEMENTATIONS) {
  describe(`Book contract [${name}]`, () => {
    const book = (...orders: T[]): TB => {
      const b = wrap(make('btcusd'));
      for (const o of orders) b.add(o);
      return b;
    };

    it('an empty book has nothing', () => {
      const b = book();
      assert.equal(b.best('buy'), undefined);
      assert.equal(b.best('sell'), undefined);
      assert.equal(b.size(), 0);
      assert.deepEqual(b.depth('buy', 0), []);
      assert.deepEqual(b.depth('sell', 5), []);
      assert.equal(b.levelAmount('buy', 100), 0);
      assert.deepEqual(ids(b, 'sell'), []);
    });

    it('best bid is the highest price, best ask the lowest', () => {
      const b = book(order(1, 'buy', 100, 5), order(2, 'buy', 102, 5), order(3, 'buy', 101, 5),
        order(4, 'sell', 110, 5), order(5, 'sell', 105, 5), order(6, 'sell', 107, 5));
      assert.equal(b.best('buy')!.id, 2);
      assert.equal(b.best('sell')!.id, 5);
      assert.equal(b.size(), 6);
    });

    it('sides are independent: a bid never shows up on the ask side', () => {
      const b = book(order(1, 'buy', 100, 5));
      assert.equal(b.best('sell'), undefined);
      assert.equal(b.levelAmount('sell', 100), 0);
      assert.equal(b.levelAmount('buy', 100), 5);
    });

    it('first in, first out within a level', () => {
      const b = book(order(1, 'sell', 100, 5), order(2, 'sell', 100, 7), order(3, 'sell', 100, 1));
      assert.equal(b.best('sell')!.id, 1);
      assert.deepEqual(ids(b, 'sell'), [1, 2, 3]);
      b.remove(b.best('sell')!);
      assert.equal(b.best('sell')!.id, 2);
    });

    it('scan visits in priority order (price, then time) and stops when the visitor says so', () => {
      const b = book(order(1, 'buy', 100, 1), order(2, 'buy', 101, 1), order(3, 'buy', 100, 1), order(4, 'buy', 99, 1), order(5, 'buy', 101, 1));
      assert.deepEqual(ids(b, 'buy'), [2, 5, 1, 3, 4]);
      const seen: number[] = [];
      b.scan('buy', (o) => (seen.push(o.id), seen.length < 3));
      assert.deepEqual(seen, [2, 5, 1]);
      const a = book(order(1, 'sell', 100, 1), order(2, 'sell', 99, 1), order(3, 'sell', 100, 1));
      assert.deepEqual(ids(a, 'sell'), [2, 1, 3]);
    });

    it('aggregates levels: amount is the sum, count the number of orders', () => {
      const b = book(order(1, 'buy', 100, 5), order(2, 'buy', 100, 7), order(3, 'buy', 99, 2));
      assert.deepEqual(b.depth('buy', 0), [{ price: 100, amount: 12, count: 2 }, { price: 99, amount: 2, count: 1 }] satisfies Level[]);
      assert.equal(b.levelAmount('buy', 100), 12);
      assert.equal(b.levelAmount('buy', 99), 2);
      assert.equal(b.levelAmount('buy', 98), 0);
    });

    it('depth: limit n gives the best n levels; 0 (or more than there are) gives all', () => {
      const b = book(order(1, 'sell', 103, 1), order(2, 'sell', 101, 2), order(3, 'sell', 102, 3), order(4, 'sell', 101, 4));
      assert.deepEqual(b.depth('sell', 1), [{ price: 101, amount: 6, count: 2 }]);
      assert.deepEqual(b.depth('sell', 2).map((l) => l.price), [101, 102]);
      assert.deepEqual(b.depth('sell', 0).map((l) => l.price), [101, 102, 103]);
      assert.deepEqual(b.depth('sell', 10).map((l) => l.price), [101, 102, 103]);
    });

    it('reduced(): a partial reduction keeps the order and its place, and shrinks the level', () => {
      const o1 = order(1, 'sell', 100, 10);
      const b = book(o1, order(2, 'sell', 100, 5));
      o1.remaining -= 4;
      b.reduced(o1, 4);
      assert.equal(b.best('sell')!.id, 1);
      assert.equal(b.levelAmount('sell', 100), 11);
      assert.deepEqual(b.depth('sell', 0), [{ price: 100, amount: 11, count: 2 }]);
      assert.equal(b.size(), 2);
    });

    it('reduced() to zero removes the order; the level goes when it was the last', () => {
      const o1 = order(1, 'sell', 100, 10);
      const o3 = order(3, 'sell', 101, 3);
      const b = book(o1, order(2, 'sell', 100, 5), o3);
      o1.remaining = 0;
      b.reduced(o1, 10);
      assert.equal(b.best('sell')!.id, 2);
      assert.equal(b.size(), 2);
      assert.deepEqual(b.depth('sell', 0), [{ price: 100, amount: 5, count: 1 }, { price: 101, amount: 3, count: 1 }]);
      const o2 = b.best('sell')!;
      o2.remaining = 0;
      b.reduced(o2, 5);
      assert.equal(b.best('sell')!.id, 3);
      assert.deepEqual(b.depth('sell', 0), [{ price: 101, amount: 3, count: 1 }]);
      assert.equal(b.levelAmount('sell', 100), 0);
    });

    it('remove(): the middle order of a level keeps FIFO of the rest', () => {
      const mid = order(2, 'buy', 100, 2);
      const b = book(order(1, 'buy', 100, 1), mid, order(3, 'buy', 100, 3));
      b.remove(mid);
      assert.deepEqual(ids(b, 'buy'), [1, 3]);
      assert.deepEqual(b.depth('buy', 0), [{ price: 100, amount: 4, count: 2 }]);
    });

    it('remove(): the last order of a middle level removes that level only', () => {
      const m1 = order(2, 'sell', 101, 2);
      const m2 = order(5, 'sell', 102, 2);
      const b = book(order(1, 'sell', 100, 1), m1, order(3, 'sell', 103, 3), order(4, 'sell', 104, 4), m2);
      b.remove(m1);
      b.remove(m2);
      assert.deepEqual(b.depth('sell', 0).map((l) => l.price), [100, 103, 104]);
      assert.equal(b.levelAmount('sell', 101), 0);
      assert.equal(b.size(), 3);
      // the level can come back, at the right place
      b.add(order(6, 'sell', 101, 9));
      assert.deepEqual(b.depth('sell', 0).map((l) => [l.price, l.amount]), [[100, 1], [101, 9], [103, 3], [104, 4]]);
    });

    it('remove(): the best order and the worst level', () => {
      const best = order(1, 'buy', 105, 1);
      const worst = order(2, 'buy', 90, 1);
      const b = book(best, worst, order(3, 'buy', 100, 1));
      b.remove(best);
      assert.equal(b.best('buy')!.id, 3);
      b.remove(worst);
      assert.deepEqual(b.depth('buy', 0).map((l) => l.price), [100]);
      assert.equal(b.size(), 1);
    });

    it('an order removed and added again goes to the back of its level', () => {
      const o1 = order(1, 'sell', 100, 1);
      const b = book(o1, order(2, 'sell', 100, 1));
      b.remove(o1);
      b.add(o1);
      assert.deepEqual(ids(b, 'sell'), [2, 1]);
    });

    it('emptying a side completely and refilling it works', () => {
      const os = [order(1, 'buy', 100, 1), order(2, 'buy', 101, 1), order(3, 'buy', 99, 1)];
      const b = book(...os);
      for (const o of os) b.remove(o);
      assert.equal(b.size(), 0);
      assert.equal(b.best('buy'), undefined);
      assert.deepEqual(b.depth('buy', 0), []);
      b.add(order(4, 'buy', 50, 2));
      assert.equal(b.best('buy')!.id, 4);
      assert.deepEqual(b.depth('buy', 0), [{ price: 50, amount: 2, count: 1 }]);
    });

    it('handles prices up to 2^53 - 1 and many levels in order', () => {
      const b = wrap(make('x'));
      const prices = [Number.MAX_SAFE_INTEGER, 1, 500, 2, Number.MAX_SAFE_INTEGER - 1, 499];
      prices.forEach((p, i) => b.add(order(i + 1, 'sell', p, 1)));
      assert.deepEqual(b.depth('sell', 0).map((l) => l.price), [...prices].sort((x, y) => x - y));
      prices.forEach((p, i) => b.add(order(100 + i, 'buy', p, 1)));
      assert.deepEqual(b.depth('buy', 0).map((l) => l.price), [...prices].sort((x, y) => y - x));
    });
  });
}

describe('FastBook agrees with NaiveBook over a long random sequence', () => {
  const run = (seed: number, steps: number, priceOf: (side: Side, rnd: (n: number) => number, step: number) => number,
    addShare: (step: number) => number, probe: number[]): void => {
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const fast = wrap(new FastBook());
    const naive = wrap(new NaiveBook());
    const live: [T, T][] = [];
    let nextId = 1;
    for (let step = 0; step < steps; step++) {
      const op = rnd(10);
      if (op < addShare(step) || live.length === 0) {
        const side: Side = rnd(2) === 0 ? 'buy' : 'sell';
        const price = priceOf(side, rnd, step);
        const amt = 1 + rnd(50);
        const id = nextId++;
        const pair: [T, T] = [order(id, side, price, amt), order(id, side, price, amt)];
        fast.add(pair[0]);
        naive.add(pair[1]);
        live.push(pair);
      } else if (op < 7) {
        const [f, n] = live.splice(rnd(live.length), 1)[0]!;
        fast.remove(f);
        naive.remove(n);
      } else {
        // reduce the best order of a side, as matching does
        const side: Side = rnd(2) === 0 ? 'buy' : 'sell';
        const f = fast.best(side);
        const n = naive.best(side);
        assert.equal(f?.id, n?.id, `best ${side} at step ${step}`);
        if (f === undefined || n === undefined) continue;
        const q = Math.min(f.remaining, 1 + rnd(30));
        f.remaining -= q;
        n.remaining -= q;
        fast.reduced(f, q);
        naive.reduced(n, q);
        if (f.remaining === 0) live.splice(live.findIndex((p) => p[0] === f), 1);
      }
      for (const side of ['buy', 'sell'] as const) {
        assert.equal(fast.best(side)?.id, naive.best(side)?.id, `best ${side} at step ${step}`);
        assert.deepEqual(fast.depth(side, 0), naive.depth(side, 0), `depth ${side} at step ${step}`);
        if (step % 50 === 0) {
          assert.deepEqual(ids(fast, side), ids(naive, side), `scan ${side} at step ${step}`);
          for (const p of probe) assert.equal(fast.levelAmount(side, p), naive.levelAmount(side, p));
          for (const o of live) assert.equal(fast.levelAmount(side, o[0].price), naive.levelAmount(side, o[0].price));
          assert.deepEqual(fast.depth(side, 3), naive.depth(side, 3));
        }
      }
      assert.equal(fast.size(), naive.size());
      assert.equal(fast.size(), live.length);
    }
  };

  it('same best, depth, scan order, level amounts and size after every operation', () => {
    const probe: number[] = [];
    for (let p = 90; p < 115; p++) probe.push(p);
    run(12345, 4000, (side, rnd) => (side === 'buy' ? 90 + rnd(15) : 100 + rnd(15)), () => 5, probe);
  });

  it('also with hundreds of levels a side (levels inserted and dropped deep inside the sorted levels)', () => {
    const probe = [1_000, 1_150, 1_299, 1_300, 1_450, 1_599];
    run(4242, 3000, (side, rnd) => (side === 'buy' ? 1_000 + rnd(300) : 1_300 + rnd(300)), (step) => (step < 1500 ? 8 : 4), probe);
  });

  it('also with prices far apart (outside any price window) and a book that empties and moves', () => {
    // phases: prices around a centre that jumps every 600 steps; adds are rare in the second half of
    // each phase so the book drains; some prices are far away (1, near 2^53, +-50,000 ticks)
    const centres = [10_000, 10_020, 500_000, 9_000, 2 ** 40, 10_000];
    const far = [1, 2, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1];
    const probe = [1, 2, 9_999, 10_000, 10_001, 500_000, Number.MAX_SAFE_INTEGER];
    run(777, 3600, (side, rnd, step) => {
      const c = centres[Math.floor(step / 600) % centres.length]!;
      const r = rnd(20);
      if (r === 0) return far[rnd(far.length)]!;
      if (r === 1) return Math.max(3, c + 50_000 - rnd(100_000));
      return side === 'buy' ? c - 3_000 + rnd(3_010) : c - 10 + rnd(3_010);
    }, (step) => (step % 600 < 300 ? 6 : 1), probe);
  });
});
