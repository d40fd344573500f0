/**
 * Property: the production order book (FastBook) and the naive reference book (NaiveBook) are
 * interchangeable. The same random histories applied to an engine with each give identical results
 * (events or rejections, byte for byte), identical exportState after every step, and identical
 * book views (best, depth, level amounts, size).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FastBook } from '../../src/engine/book/fast-book.js';
import { NaiveBook } from '../../src/engine/book/naive-book.js';
import { Engine } from '../../src/engine/engine.js';
import { ALL_MARKETS, Driver, scenarioArb, type Scenario } from './arbitraries.js';
import { canon, fcParams, stateJson } from './harness.js';
import { TARGETED } from './regressions.js';

let steps = 0;
let trades = 0;

function bookView(e: Engine): string {
  const out: unknown[] = [];
  for (const [sym, ms] of e.state.markets) {
    const b = ms.book;
    const levels = b.depth('buy', 0).concat(b.depth('sell', 0));
    out.push(sym, b.size(), b.best('buy')?.id, b.best('sell')?.id, b.depth('buy', 2), b.depth('sell', 3), levels,
      levels.map((l) => [b.levelAmount('buy', l.price), b.levelAmount('sell', l.price)]));
  }
  return canon(out);
}

function runBoth(sc: Scenario): void {
  const fast = new Engine({ markets: ALL_MARKETS, bookFactory: () => new FastBook() });
  const naive = new Engine({ markets: ALL_MARKETS, bookFactory: () => new NaiveBook() });
  const drv = new Driver(sc, fast);
  drv.addTeardown();
  while (drv.hasNext()) {
    const p = drv.next();
    const a = fast.apply(structuredClone(p.cmd));
    const b = naive.apply(structuredClone(p.cmd));
    drv.record(a);
    steps++;
    if (a.ok) trades += a.events.filter((e) => e.type === 'Trade').length;
    const where = `at seq ${p.cmd.seq} ${canon(p.cmd)}`;
    assert.equal(canon(a), canon(b), `results differ ${where}`);
    assert.equal(stateJson(fast), stateJson(naive), `exportState differs ${where}`);
    assert.equal(bookView(fast), bookView(naive), `book views differ ${where}`);
  }
}

// Regression cases: the targeted histories, plus any scenario that once made the books disagree.
const REGRESSIONS: [Scenario][] = TARGETED.map((t) => [t.scenario]);

test('FastBook and NaiveBook give identical events and states', () => {
  fc.assert(
    fc.property(scenarioArb({ minSteps: 5, maxSteps: 150 }), (sc) => {
      runBoth(sc);
    }),
    fcParams(1200, REGRESSIONS),
  );
  assert.ok(trades > 0);
  console.log(`books-agree: ${steps} steps, ${trades} trades`);
});

test('deep books: many levels, partial fills and sweeps agree', () => {
  // fewer, denser markets and long histories, so levels pile up and big orders sweep several
  const dense = scenarioArb({ minSteps: 150, maxSteps: 300 }).map((sc) => ({ ...sc, markets: sc.markets.slice(0, 2) }));
  fc.assert(
    fc.property(dense, (sc) => {
      runBoth(sc);
    }),
    fcParams(150),
  );
});
