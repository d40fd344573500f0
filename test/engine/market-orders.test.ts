/**
 * Exchange market orders: only where the market allows them; they take what lies within a
 * protective limit (best opposite price widened by the price band) and never rest.
 * Runs against every book.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marketFromConfig } from '../../src/domain/symbols.js';
import { BOOKS, MARKETS, buy, market, scenario, sell, stopLimit, trader } from '../support/harness.js';

const BTC = 100_000_000;

for (const { name, factory } of BOOKS) {
  describe(`market orders [${name}]`, () => {
    const fresh = (priceBandBps?: number) =>
      scenario({ bookFactory: factory, ...(priceBandBps === undefined ? {} : { priceBandBps }) }).given(
        trader('alice', { USD: '1000', BTC: '10', ETH: '100', LTC: '100' }),
        trader('bob', { USD: '1000', BTC: '10', ETH: '100', LTC: '100' }),
        trader('carol', { USD: '1000', BTC: '10' }),
      );

    it('are refused with InvalidOrderType on markets that do not allow them', () => {
      const s = fresh();
      for (const symbol of ['ethbtc', 'ltcusd', 'dogeusd', 'btcgusd']) {
        s.when(market('bob', 'sell', '1', { symbol })).thenRejected('InvalidOrderType');
      }
    });

    it('a market buy walks the asks and fills at the makers\' prices', () => {
      const s = fresh();
      const a = s.place(sell('alice', '1', '100'));
      const c = s.place(sell('carol', '1', '101'));
      const out = s.when(market('bob', 'buy', '1.5'));
      out.thenEvents(
        // the order's price is the protective limit: 100 x (1 + 5%)
        { type: 'OrderAccepted', order: { kind: 'market', price: 10500, amount: 150_000_000, option: '' } },
        { type: 'Trade', price: 10000, amount: BTC, makerOrderId: a, takerSide: 'buy' },
        { type: 'OrderFilled', order: { id: a } },
        { type: 'Trade', price: 10100, amount: 50_000_000, makerOrderId: c },
        { type: 'OrderFilled', order: { id: out.orderId, kind: 'market', executed: 150_000_000, filledNotional: 10000n * 100_000_000n + 10100n * 50_000_000n } },
      );
      // 150.50 + 35 bps = 151.02675
      assert.deepEqual(s.balance('bob', 'USD'), { total: '848.97325', held: '0', available: '848.97325' });
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '11.5', held: '0', available: '11.5' });
      assert.deepEqual(s.depth('btcusd', 'sell'), [[10100, 50_000_000]]);
    });

    it('what the book cannot fill is cancelled (ImmediateOrCancelWouldPost); it never rests', () => {
      const s = fresh();
      s.given(sell('alice', '0.5', '100'));
      const out = s.when(market('bob', 'buy', '1'));
      out.thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderCancelled');
      assert.deepEqual(out.cancelled().map((e) => [e.reason, e.order.executed]), [['ImmediateOrCancelWouldPost', 50_000_000]]);
      assert.equal(s.engine.book('btcusd')!.size(), 0);
      assert.deepEqual(s.balance('bob', 'USD'), { total: '949.825', held: '0', available: '949.825' });
    });

    it('stops at the protective limit: asks beyond best x (1 + band) are not taken', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100'), sell('carol', '1', '105.01'));
      const out = s.when(market('bob', 'buy', '2'));
      assert.deepEqual(out.trades().map((t) => t.price), [10000]);
      assert.deepEqual(out.cancelled().map((e) => e.reason), ['ImmediateOrCancelWouldPost']);
      assert.deepEqual(s.depth('btcusd', 'sell'), [[10501, BTC]]);
    });

    it('the protective limit follows the engine price band', () => {
      const s = fresh(100);
      s.given(sell('alice', '1', '100'), sell('carol', '1', '101'), sell('carol', '1', '101.01'));
      const out = s.when(market('bob', 'buy', '3'));
      assert.equal(out.ofType('OrderAccepted')[0]!.order.price, 10100);
      assert.deepEqual(out.trades().map((t) => t.price), [10000, 10100]);
    });

    it('a market buy holds quote for its protective limit, so it needs those funds', () => {
      // best ask 100 -> limit 105 -> hold 105 x 1.0035 = 105.3675
      const s = scenario({ bookFactory: factory }).given(
        trader('alice', { BTC: '1' }), trader('short', { USD: '105.367499' }), trader('enough', { USD: '105.3675' }),
      );
      s.given(sell('alice', '0.5', '100'), sell('alice', '0.5', '100'));
      s.when(market('short', 'buy', '1')).thenRejected('InsufficientFunds');
      s.when(market('enough', 'buy', '1')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'Trade', 'OrderFilled', 'OrderFilled');
      assert.deepEqual(s.balance('enough', 'USD'), { total: '5.0175', held: '0', available: '5.0175' });
    });

    it('a market sell walks the bids down to best x (1 - band) and needs the base amount', () => {
      const s = fresh();
      s.given(buy('alice', '1', '100'), buy('carol', '1', '95'), buy('carol', '1', '94.99'));
      const out = s.when(market('bob', 'sell', '3'));
      assert.equal(out.ofType('OrderAccepted')[0]!.order.price, 9500);
      assert.deepEqual(out.trades().map((t) => [t.price, t.takerSide]), [[10000, 'sell'], [9500, 'sell']]);
      assert.deepEqual(out.cancelled().map((e) => [e.reason, e.order.executed]), [['ImmediateOrCancelWouldPost', 2 * BTC]]);
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '8', held: '0', available: '8' });
      // 195 - 35 bps = 194.31750
      assert.deepEqual(s.balance('bob', 'USD'), { total: '1194.3175', held: '0', available: '1194.3175' });
      s.when(market('bob', 'sell', '8.00000001')).thenRejected('InsufficientFunds');
    });

    it('on an empty opposite side it is accepted and cancelled at once, holding nothing', () => {
      const s = fresh();
      s.when(market('bob', 'buy', '1')).thenEvents(
        { type: 'OrderAccepted', order: { kind: 'market' } },
        { type: 'OrderCancelled', reason: 'ImmediateOrCancelWouldPost', order: { executed: 0, isCancelled: true } },
      );
      s.when(market('bob', 'sell', '1')).thenTypes('OrderAccepted', 'OrderCancelled');
      assert.deepEqual(s.balance('bob', 'USD'), { total: '1000', held: '0', available: '1000' });
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '10', held: '0', available: '10' });
      assert.deepEqual(s.openIds('bob'), []);
    });

    it('takes no price: the amount is validated as usual', () => {
      const s = fresh();
      for (const a of ['0', '-1', 'x', '0.000000001']) s.when(market('bob', 'buy', a)).thenRejected('InvalidQuantity');
    });

    it('a market order meeting only its own account\'s orders is cancelled by self-trade prevention', () => {
      const s = fresh();
      s.given(sell('bob', '1', '100'));
      s.when(market('bob', 'buy', '1')).thenEvents({ type: 'OrderAccepted' }, { type: 'OrderCancelled', reason: 'SelfCrossPrevented' });
    });

    it('a market order\'s trade triggers stops', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100'), sell('alice', '1', '101'));
      const stop = s.place(stopLimit('carol', 'buy', '1', '101', '100'));
      const out = s.when(market('bob', 'buy', '1'));
      assert.deepEqual(out.ofType('StopTriggered').map((e) => e.orderId), [stop]);
      assert.deepEqual(out.trades().map((t) => [t.price, t.takerAccount]), [[10000, 'bob'], [10100, 'carol']]);
    });

    it('the protective limit is rounded inwards to the quote increment', () => {
      const tst = marketFromConfig({
        symbol: 'TSTUSD', base_currency: 'TST', quote_currency: 'USD', tick_size: '1', quote_increment: '0.25',
        min_order_size: '1', status: 'open', market_orders: true,
      });
      const s = scenario({ bookFactory: factory, markets: [...MARKETS, tst] }).given(trader('a', { USD: '1000', TST: '100' }), trader('b', { USD: '1000', TST: '100' }));
      const o = { symbol: 'tstusd' };
      s.given(sell('a', '1', '10.25', o), sell('a', '1', '10.75', o), sell('a', '1', '11', o));
      // 10.25 x 1.05 = 10.7625 -> 10.75
      const up = s.when(market('b', 'buy', '3', o));
      assert.equal(up.ofType('OrderAccepted')[0]!.order.price, 1075);
      assert.deepEqual(up.trades().map((t) => t.price), [1025, 1075]);
      s.given(buy('a', '1', '10.25', o), buy('a', '1', '9.75', o), buy('a', '1', '9.5', o));
      // 10.25 x 0.95 = 9.7375 -> 9.75
      const down = s.when(market('b', 'sell', '3', o));
      assert.equal(down.ofType('OrderAccepted')[0]!.order.price, 975);
      assert.deepEqual(down.trades().map((t) => t.price), [1025, 975]);
    });

    it('works on the other markets that allow them (ethusd, solusd)', () => {
      const s = scenario({ bookFactory: factory }).given(trader('a', { ETH: '1', SOL: '10' }), trader('b', { USD: '10000' }));
      s.given(sell('a', '1', '2500', { symbol: 'ethusd' }), sell('a', '10', '150.125', { symbol: 'solusd' }));
      s.when(market('b', 'buy', '1', { symbol: 'ETHUSD' })).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderFilled');
      s.when(market('b', 'buy', '2.5', { symbol: 'solusd' })).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      assert.equal(s.balance('b', 'SOL').total, '2.5');
      assert.equal(s.balance('b', 'ETH').total, '1');
    });
  });
}
