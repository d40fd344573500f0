/**
 * Property: over random command histories, every step keeps the engine's invariants.
 *
 * After EVERY command (see harness.ts for the full list): the book is never crossed; per-currency
 * totals + fees collected == deposits - withdrawals, exactly; every balance's held == the holds of
 * its open orders, and each hold is buyHold(price, remaining, max bps) / sellHold(remaining);
 * 0 <= held <= total, 0 < remaining <= amount; a rejected command leaves exportState unchanged;
 * every accepted order closes at most once (and, after a final cancel-all, exactly once); no trade
 * has one account on both sides; fees, fills, balances move exactly as the events say; valid input
 * is accepted and invalid input rejected with the right code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ALL_MARKETS, Driver, scenarioArb, type Scenario } from './arbitraries.js';
import { fcParams, runChecked, totals } from './harness.js';
import { TARGETED } from './regressions.js';
import { Engine } from '../../src/engine/engine.js';

// Regression cases: targeted histories (regressions.ts) plus scenarios that once broke a property.
const REGRESSIONS: [Scenario][] = TARGETED.map((t) => [t.scenario]);

for (const t of TARGETED) {
  test(`targeted: ${t.name}`, () => {
    runChecked(t.scenario);
    // and it still exercises what it is named for
    const engine = new Engine({ markets: ALL_MARKETS });
    const drv = new Driver(t.scenario, engine);
    const seen = new Set<string>();
    while (drv.hasNext()) {
      const r = engine.apply(drv.next().cmd);
      drv.record(r);
      if (!r.ok) seen.add(`reject:${r.rejection.code}`);
      else for (const e of r.events) seen.add(e.type === 'OrderCancelled' ? `OrderCancelled:${e.reason}` : e.type);
    }
    for (const want of t.produces) assert.ok(seen.has(want), `${want} not produced; saw ${[...seen].join(', ')}`);
  });
}

/** every one of these must turn up somewhere in the random runs */
const EXERCISED = [
  'Trade', 'OrderFilled', 'StopTriggered', 'FundsDeposited', 'FundsWithdrawn', 'FeesChanged', 'MarketStatusChanged',
  ...['Requested', 'MakerOrCancelWouldTake', 'ImmediateOrCancelWouldPost', 'FillOrKillWouldNotFill', 'SelfCrossPrevented',
    'ExceedsPriceLimits', 'HeartbeatTimeout'].map((r) => `OrderCancelled:${r}`),
  ...['InvalidSymbol', 'MarketNotOpen', 'InvalidSide', 'InvalidOrderType', 'InvalidQuantity', 'InvalidPrice', 'InvalidStopPrice',
    'InvalidStopPriceBuy', 'InvalidStopPriceSell', 'InvalidStopPriceRatio', 'UnsupportedOption', 'ConflictingOptions',
    'ClientOrderIdTooLong', 'InsufficientFunds', 'OrderNotFound', 'UnknownAccount', 'AccountExists', 'InvalidCurrency',
    'InvalidAmount', 'InvalidFees', 'InvalidMarketStatus'].map((c) => `reject:${c}`),
];

test('invariants hold after every step of random histories', () => {
  fc.assert(
    fc.property(scenarioArb({ minSteps: 5, maxSteps: 120 }), (sc) => {
      runChecked(sc);
    }),
    fcParams(1500, REGRESSIONS),
  );
  // the generator must actually exercise the engine, or the properties above prove little
  assert.ok(totals.trades > totals.orders / 10, `too few trades: ${totals.trades} for ${totals.orders} orders`);
  if (fcParams(1500).numRuns >= 300) {
    const missing = EXERCISED.filter((k) => !totals.outcomes.has(k));
    assert.deepEqual(missing, [], 'outcomes the random histories never produced');
  }
  console.log(`invariants: ${totals.steps} steps, ${totals.accepted} accepted, ${totals.orders} orders, ${totals.trades} trades`);
});
