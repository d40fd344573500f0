/**
 * The ledger's hot-path representation (src/engine/ledger.ts, order.ts): pending number slots
 * folded into bigints, standard holds derived from the remaining amount, big-notional fallbacks,
 * the lower bound on available funds. Everything must stay exactly what bigint arithmetic gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Balance, FeeTotals, LB_EXP, POW10N } from '../../src/engine/ledger.js';
import { exportState, importState } from '../../src/engine/snapshot.js';
import { checkInvariants } from '../support/flows.js';
import { BOOKS, L, MARKETS, scenario, type Scenario } from '../support/harness.js';
import { buy, cancel, sell, trader, withdraw } from '../support/commands.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('Balance: pending slots', () => {
  it('adds across the safe-integer range and across exponents exactly', () => {
    const b = new Balance(5n, 0n);
    let want = 5n;
    const steps: [number, number][] = [[4, MAX], [4, MAX], [4, -MAX], [8, 123], [0, 1], [18, 7], [4, MAX - 3], [8, -MAX], [10, 2 ** 52]];
    for (const [k, d] of steps) {
      b.addT(k, d);
      want += BigInt(d) * POW10N[k]!;
      assert.equal(b.total, want, `after ${d} x 10^${k}`);
    }
    b.addH(4, MAX);
    b.addH(4, 2);
    b.addBigH(10n);
    assert.equal(b.held, BigInt(MAX) * 10_000n + 20_000n + 10n);
    assert.equal(b.available(), want - b.held);
  });

  it('setters fold first and reset the lower bound, which never exceeds what is available', () => {
    const b = new Balance();
    b.addT(10, 5);
    b.total = 10n ** 28n; // far above 2^53 LB units: clamped
    assert.equal(b.total, 10n ** 28n);
    assert.equal(b.availLB, MAX);
    b.held = 10n ** 28n - 3n * POW10N[LB_EXP]! - 1n;
    assert.equal(b.availLB, 3); // floor(3.000...01e10 / 1e10)
    b.held = 10n ** 28n + 1n; // negative available rounds down
    assert.equal(b.availLB, -1);
  });
});

describe('FeeTotals', () => {
  it('reads like a Map of bigints with the pending fees folded in', () => {
    const f = new FeeTotals();
    assert.equal(f.get('USD'), undefined);
    const c = f.cell('USD');
    c.touched = true;
    c.b.addT(4, 35);
    c.b.addT(4, MAX);
    assert.equal(f.get('USD'), (35n + BigInt(MAX)) * 10_000n);
    f.set('BTC', 7n);
    assert.deepEqual([...f].sort(), [['BTC', 7n], ['USD', (35n + BigInt(MAX)) * 10_000n]]);
    assert.equal(f.size, 2);
    assert.ok(f.has('BTC'));
  });
});

for (const { name, factory } of BOOKS) {
  describe(`exact money beyond the number fast paths [${name}]`, () => {
    const deposits = new Map<string, bigint>();
    const fund = (s: Scenario, id: string, funds: Record<string, string>): void => {
      s.given(trader(id, funds));
      for (const [c, a] of Object.entries(funds)) deposits.set(c, (deposits.get(c) ?? 0n) + L(a));
    };

    it('a notional above 2^53 price x amount units (bigint hold, fill and fees) stays exact and conserved', () => {
      deposits.clear();
      const s = scenario({ bookFactory: factory });
      fund(s, 'whale', { USD: '300000000' });
      fund(s, 'miner', { BTC: '5000' });
      // 1500 BTC at 100,000.00: price x amount = 10^7 x 1.5 x 10^11 units, far above 2^53
      const bid = s.place(buy('whale', '1500', '100000.00'));
      assert.equal(s.engine.state.orders.get(bid)!.hold, L('150525000')); // 1.5e8 x 1.0035
      checkInvariants(s.engine, deposits);
      const out = s.when(sell('miner', '1000', '100000.00')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      const t = out.trades()[0]!;
      assert.equal(t.makerFee, L('100000')); // 10 bps of 1e8
      assert.equal(t.takerFee, L('350000')); // 35 bps of 1e8
      assert.equal(s.engine.state.orders.get(bid)!.hold, L('50175000'));
      assert.equal(s.engine.order(bid)!.filledNotional, 10_000_000n * 100_000_000_000n);
      checkInvariants(s.engine, deposits);
      assert.equal(s.balance('whale', 'USD').total, '199900000');
      assert.equal(s.balance('miner', 'USD').total, '99650000');
      assert.equal(s.fees('USD'), '450000');
      // snapshot round trip keeps the big hold exactly
      const copy = importState({ markets: MARKETS, bookFactory: factory }, exportState(s.engine));
      assert.equal(JSON.stringify(exportState(copy)), s.stateJson());
      s.when(cancel('whale', bid)).thenTypes('OrderCancelled');
      assert.equal(s.balance('whale', 'USD').held, '0');
      checkInvariants(s.engine, deposits);
    });

    it('many fills whose pending sums pass 2^53 fold exactly', () => {
      deposits.clear();
      const s = scenario({ bookFactory: factory });
      fund(s, 'b', { USD: '100000000000' });
      fund(s, 's', { BTC: '100000' });
      // each fill: 99,999.99 x 0.25 BTC = 2.4999e14 price x amount units (a safe integer, and so are both
      // fees), but the pending notional and fee slots of the balances pass 2^53 after a few fills
      for (let i = 0; i < 40; i++) {
        s.place(sell('s', '0.25', '99999.99'));
        s.place(buy('b', '0.25', '99999.99'));
      }
      checkInvariants(s.engine, deposits);
      const notional = 40n * 9_999_999n * 25_000_000n; // price units x amount units
      assert.equal(s.engine.state.accounts.get('b')!.balances.get('USD')!.total, L('100000000000') - notional * 10n ** 8n * 10_035n / 10_000n);
    });

    it('the funds check is exact at the boundary, also for funds that arrived through fills', () => {
      deposits.clear();
      const s = scenario({ bookFactory: factory });
      fund(s, 'a', { USD: '100.35' }); // exactly 1 BTC at 100.00 with 35 bps headroom
      fund(s, 'm', { BTC: '2' });
      s.when(buy('a', '1.00000001', '100.00')).thenRejected('InsufficientFunds');
      const id = s.place(buy('a', '1', '100.00'));
      s.when(buy('a', '0.00001', '0.01')).thenRejected('InsufficientFunds');
      s.given(cancel('a', id));
      s.place(buy('a', '1', '100.00'));
      checkInvariants(s.engine, deposits);
      // m sells into it (as taker) and now owns USD only through a fill: it can spend it exactly
      s.place(sell('m', '1', '100.00'));
      assert.equal(s.balance('m', 'USD').available, '99.65'); // 100 - 0.35 taker fee
      s.when(buy('m', '0.99302442', '100.00')).thenRejected('InsufficientFunds'); // would hold 99.650000547
      s.place(buy('m', '0.99302441', '100.00')); // holds 99.6499995435
      s.given(withdraw('m', 'USD', '0.0000004565'));
      s.when(withdraw('m', 'USD', '0.000000000000000001')).thenRejected('InsufficientFunds');
      assert.equal(s.balance('m', 'USD').available, '0');
      deposits.set('USD', deposits.get('USD')! - L('0.0000004565'));
      checkInvariants(s.engine, deposits);
    });
  });
}
