/**
 * The market table (src/domain/symbols.ts, config/symbols.json): the 10 shipped symbols and the
 * conversion rules from Gemini's symbol details.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadMarkets } from '../../src/app/markets-config.js';
import { MARKET_STATUSES, marketFromConfig, type SymbolConfig } from '../../src/domain/symbols.js';

// symbol, base, quote, tick_size, quote_increment, min_order_size, amountDecimals, minAmount (units), priceDecimals, market orders
const EXPECTED: [string, string, string, string, string, string, number, number, number, boolean][] = [
  ['btcusd', 'BTC', 'USD', '1e-8', '0.01', '0.00001', 8, 1000, 2, true],
  ['ethusd', 'ETH', 'USD', '1e-6', '0.01', '0.001', 6, 1000, 2, true],
  ['ethbtc', 'ETH', 'BTC', '1e-6', '0.00001', '0.001', 6, 1000, 5, false],
  ['solusd', 'SOL', 'USD', '1e-6', '0.001', '0.001', 6, 1000, 3, true],
  ['ltcusd', 'LTC', 'USD', '1e-5', '0.01', '0.01', 5, 1000, 2, false],
  ['dogeusd', 'DOGE', 'USD', '1e-6', '0.00001', '0.1', 6, 100_000, 5, false],
  ['linkusd', 'LINK', 'USD', '1e-6', '0.00001', '0.1', 6, 100_000, 5, false],
  ['avaxusd', 'AVAX', 'USD', '1e-6', '0.001', '0.005', 6, 5000, 3, false],
  ['btcgusd', 'BTC', 'GUSD', '1e-8', '0.01', '0.00001', 8, 1000, 2, false],
  ['ethgusd', 'ETH', 'GUSD', '1e-6', '0.01', '0.001', 6, 1000, 2, false],
];

const base: SymbolConfig = {
  symbol: 'TSTUSD', base_currency: 'tst', quote_currency: 'usd', tick_size: '0.01', quote_increment: '0.05', min_order_size: '0.1', status: 'open',
};

describe('market table', () => {
  const markets = loadMarkets();

  it('ships exactly the 10 required symbols, in order', () => {
    assert.deepEqual(markets.map((m) => m.symbol), EXPECTED.map((e) => e[0]));
  });

  for (const [symbol, b, q, tick, inc, min, amountDecimals, minAmount, priceDecimals, marketOrders] of EXPECTED) {
    it(`${symbol}: currencies, steps, minimum, decimals, status`, () => {
      const m = markets.find((x) => x.symbol === symbol)!;
      assert.deepEqual(
        [m.base, m.quote, m.tickSize, m.quoteIncrement, m.minOrderSize, m.amountDecimals, m.amountStep, m.minAmount, m.priceDecimals, m.priceStep, m.marketOrders, m.initialStatus],
        [b, q, tick, inc, min, amountDecimals, 1, minAmount, priceDecimals, 1, marketOrders, 'open'],
      );
      assert.ok(m.amountDecimals + m.priceDecimals <= 14, 'exact at the ledger scale');
    });
  }
});

describe('marketFromConfig', () => {
  it('lower-cases the symbol, upper-cases currencies and derives integer steps', () => {
    const m = marketFromConfig(base);
    assert.equal(m.symbol, 'tstusd');
    assert.equal(m.base, 'TST');
    assert.equal(m.quote, 'USD');
    assert.deepEqual([m.amountDecimals, m.amountStep, m.minAmount, m.priceDecimals, m.priceStep], [2, 1, 10, 2, 5]);
    assert.equal(m.marketOrders, false);
    assert.equal(marketFromConfig({ ...base, market_orders: true }).marketOrders, true);
  });

  it('a step that is not a power of ten becomes a multiple', () => {
    const m = marketFromConfig({ ...base, tick_size: '0.5', quote_increment: '0.25', min_order_size: '2' });
    assert.deepEqual([m.amountDecimals, m.amountStep, m.minAmount, m.priceDecimals, m.priceStep], [1, 5, 20, 2, 25]);
  });

  it('refuses scales too fine to be exact together (more than 14 decimals)', () => {
    assert.throws(() => marketFromConfig({ ...base, tick_size: '1e-8', quote_increment: '1e-7' }), RangeError);
    assert.doesNotThrow(() => marketFromConfig({ ...base, tick_size: '1e-8', quote_increment: '1e-6' }));
  });

  it('refuses zero or malformed steps and minimums, and unknown statuses', () => {
    assert.throws(() => marketFromConfig({ ...base, tick_size: '0' }), RangeError);
    assert.throws(() => marketFromConfig({ ...base, quote_increment: '0' }), RangeError);
    assert.throws(() => marketFromConfig({ ...base, min_order_size: '0' }), RangeError);
    assert.throws(() => marketFromConfig({ ...base, min_order_size: '0.001' }), RangeError); // finer than the tick
    assert.throws(() => marketFromConfig({ ...base, min_order_size: 'abc' }), RangeError);
    assert.throws(() => marketFromConfig({ ...base, status: 'halted' as never }), RangeError);
  });

  it('accepts every market status as the initial one', () => {
    for (const st of MARKET_STATUSES) assert.equal(marketFromConfig({ ...base, status: st }).initialStatus, st);
    assert.deepEqual([...MARKET_STATUSES].sort(), ['cancel_only', 'closed', 'limit_only', 'open', 'post_only']);
  });

  it('loadMarkets reads a user-supplied file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-symbols-'));
    try {
      const path = join(dir, 'symbols.json');
      writeFileSync(path, JSON.stringify({ symbols: [base, { ...base, symbol: 'ABCUSD', base_currency: 'ABC', status: 'closed' }] }));
      const ms = loadMarkets(path);
      assert.deepEqual(ms.map((m) => [m.symbol, m.base, m.initialStatus]), [['tstusd', 'TST', 'open'], ['abcusd', 'ABC', 'closed']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
