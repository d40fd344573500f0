/**
 * Self-trade prevention, price-band protection and market status. Runs against every book.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BOOKS, buy, cancel, cancelAll, market, scenario, sell, setStatus, stopLimit, trader,
} from '../support/harness.js';

const BTC = 100_000_000;

for (const { name, factory } of BOOKS) {
  const fresh = (priceBandBps?: number) =>
    scenario({ bookFactory: factory, ...(priceBandBps === undefined ? {} : { priceBandBps }) }).given(
      trader('alice', { USD: '1000', BTC: '10', ETH: '10' }),
      trader('bob', { USD: '1000', BTC: '10', ETH: '10' }),
      trader('carol', { USD: '1000', BTC: '10' }),
      trader('dave', { USD: '1000', BTC: '10' }),
    );

  describe(`self-trade prevention [${name}]`, () => {
    it('an order that would meet its own account\'s order is cancelled (SelfCrossPrevented), nothing trades', () => {
      const s = fresh();
      const ask = s.place(sell('alice', '1', '100'));
      const out = s.when(buy('alice', '1', '100'));
      out.thenEvents(
        { type: 'OrderAccepted' },
        { type: 'OrderCancelled', reason: 'SelfCrossPrevented', order: { id: out.orderId, executed: 0, reason: 'SelfCrossPrevented' } },
      );
      assert.deepEqual(s.openIds('alice'), [ask]);
      assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '0', available: '1000' });
      assert.deepEqual(s.balance('alice', 'BTC'), { total: '10', held: '1', available: '9' });
    });

    it('fills against others first, then cancels the rest on reaching its own order', () => {
      const s = fresh();
      const c = s.place(sell('carol', '0.5', '99'));
      const own = s.place(sell('alice', '1', '100'));
      s.given(sell('dave', '1', '100'));
      const out = s.when(buy('alice', '2', '100'));
      out.thenEvents(
        { type: 'OrderAccepted' },
        { type: 'Trade', makerOrderId: c, amount: 50_000_000 },
        { type: 'OrderFilled', order: { id: c } },
        { type: 'OrderCancelled', reason: 'SelfCrossPrevented', order: { executed: 50_000_000 } },
      );
      // dave's ask behind alice's at 100 is not reached either
      assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, 2 * BTC]]);
      assert.deepEqual(s.openIds('alice'), [own]);
      // 1000 - 49.5 - 35 bps (0.17325)
      assert.deepEqual(s.balance('alice', 'USD'), { total: '950.32675', held: '0', available: '950.32675' });
    });

    it('works for sells into the same account\'s bids', () => {
      const s = fresh();
      s.given(buy('bob', '1', '100'));
      s.when(sell('bob', '1', '90')).thenEvents({ type: 'OrderAccepted' }, { type: 'OrderCancelled', reason: 'SelfCrossPrevented' });
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '10', held: '0', available: '10' });
    });

    it('applies per account, not per session', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100', { session: 'k1' }));
      s.when(buy('alice', '1', '100', { session: 'k2' })).thenTypes('OrderAccepted', 'OrderCancelled');
      s.when(buy('bob', '1', '100', { session: 'k1' })).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderFilled');
    });

    it('an own order that does not cross is no obstacle', () => {
      const s = fresh();
      s.given(sell('alice', '1', '101'));
      s.when(buy('alice', '1', '100')).thenTypes('OrderAccepted');
    });

    it('a triggered stop meeting its own account\'s order is cancelled the same way', () => {
      const s = fresh();
      s.given(sell('carol', '0.1', '100'), sell('bob', '1', '100.5'));
      const stop = s.place(stopLimit('bob', 'buy', '1', '101', '100'));
      const out = s.when(buy('dave', '0.1', '100'));
      assert.deepEqual(out.cancelled().map((e) => [e.order.id, e.reason]), [[stop, 'SelfCrossPrevented']]);
      assert.equal(s.balance('bob', 'USD').held, '0');
    });
  });

  describe(`price band [${name}]`, () => {
    it('stops a taker beyond first fill price x (1 + band) and cancels the rest (ExceedsPriceLimits)', () => {
      const s = fresh(100);
      s.given(sell('alice', '1', '100'), sell('carol', '1', '101'), sell('dave', '1', '101.01'));
      const out = s.when(buy('bob', '3', '105'));
      out.thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'Trade', 'OrderFilled', 'OrderCancelled');
      assert.deepEqual(out.trades().map((t) => t.price), [10000, 10100]);
      assert.deepEqual(out.cancelled().map((e) => [e.reason, e.order.executed, e.order.reason]), [['ExceedsPriceLimits', 2 * BTC, 'ExceedsPriceLimits']]);
      assert.deepEqual(s.depth('btcusd', 'sell'), [[10101, BTC]]);
      assert.deepEqual(s.depth('btcusd', 'buy'), []);
      assert.deepEqual(s.balance('bob', 'USD').held, '0');
    });

    it('defaults to 500 bps', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100'), sell('carol', '1', '105'), sell('dave', '1', '105.01'));
      const out = s.when(buy('bob', '3', '110'));
      assert.deepEqual(out.trades().map((t) => t.price), [10000, 10500]);
      assert.deepEqual(out.cancelled().map((e) => e.reason), ['ExceedsPriceLimits']);
    });

    it('protects sells too: floor is first fill price x (1 - band)', () => {
      const s = fresh();
      s.given(buy('alice', '1', '100'), buy('carol', '1', '95'), buy('dave', '1', '94.99'));
      const out = s.when(sell('bob', '3', '90'));
      assert.deepEqual(out.trades().map((t) => t.price), [10000, 9500]);
      assert.deepEqual(out.cancelled().map((e) => e.reason), ['ExceedsPriceLimits']);
      assert.deepEqual(s.depth('btcusd', 'buy'), [[9499, BTC]]);
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '8', held: '0', available: '8' });
    });

    it('is measured from the first fill, not from the limit price', () => {
      const s = fresh(100);
      s.given(sell('alice', '1', '150'), sell('carol', '1', '151.5'), sell('dave', '1', '151.51'));
      const out = s.when(buy('bob', '3', '200'));
      assert.deepEqual(out.trades().map((t) => t.price), [15000, 15150]);
    });

    it('priceBandBps 0 turns it off', () => {
      const s = fresh(0);
      s.given(sell('alice', '1', '100'), sell('carol', '1', '150'), sell('dave', '1', '199'));
      const out = s.when(buy('bob', '3', '200'));
      assert.deepEqual(out.trades().map((t) => t.price), [10000, 15000, 19900]);
      assert.deepEqual(out.cancelled(), []);
    });

    it('a taker that stops at its own limit rests instead (the band is not hit)', () => {
      const s = fresh(100);
      s.given(sell('alice', '1', '100'), sell('carol', '1', '102'));
      s.when(buy('bob', '2', '100.5')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      assert.deepEqual(s.depth('btcusd', 'buy'), [[10050, BTC]]);
    });
  });

  describe(`market status [${name}]`, () => {
    it('SetMarketStatus changes it and says so; symbol in any case', () => {
      const s = fresh();
      s.when(setStatus('BTCUSD', 'closed')).thenEvents({ type: 'MarketStatusChanged', symbol: 'btcusd', status: 'closed' });
      assert.equal(s.engine.market('btcusd')!.status, 'closed');
      assert.equal(s.engine.market('ethusd')!.status, 'open');
    });

    it('SetMarketStatus rejects unknown symbols and statuses', () => {
      const s = fresh();
      s.when(setStatus('xyzusd', 'closed')).thenRejected('InvalidSymbol');
      s.when(setStatus('btcusd', 'paused')).thenRejected('InvalidMarketStatus');
      s.when(setStatus('btcusd', 'OPEN')).thenRejected('InvalidMarketStatus');
    });

    it('every market starts with its configured status (open)', () => {
      const s = fresh();
      for (const ms of s.engine.state.markets.values()) assert.equal(ms.status, 'open');
    });

    for (const st of ['closed', 'cancel_only'] as const) {
      it(`${st}: every new order is MarketNotOpen; other markets are unaffected`, () => {
        const s = fresh();
        const resting = s.place(buy('alice', '1', '100'));
        s.given(setStatus('btcusd', st));
        s.when(buy('bob', '1', '99')).thenRejected('MarketNotOpen', `market is ${st}`);
        s.when(sell('bob', '1', '100', { options: ['maker-or-cancel'] })).thenRejected('MarketNotOpen');
        s.when(sell('bob', '1', '100', { options: ['immediate-or-cancel'] })).thenRejected('MarketNotOpen');
        s.when(stopLimit('bob', 'buy', '1', '100', '99')).thenRejected('MarketNotOpen');
        s.when(market('bob', 'sell', '1')).thenRejected('MarketNotOpen');
        s.when(buy('bob', '0.1', '2000', { symbol: 'ethusd' })).thenOk();
        assert.deepEqual(s.openIds('alice'), [resting]);
      });
    }

    it('cancel_only: cancelling still works', () => {
      const s = fresh();
      const a = s.place(buy('alice', '1', '100'));
      s.given(buy('alice', '1', '99'), setStatus('btcusd', 'cancel_only'));
      s.when(cancel('alice', a)).thenEvents({ type: 'OrderCancelled', reason: 'Requested' });
      s.when(cancelAll('alice')).thenTypes('OrderCancelled');
      assert.equal(s.balance('alice', 'USD').held, '0');
    });

    it('post_only: only maker-or-cancel orders are accepted', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100'), setStatus('btcusd', 'post_only'));
      s.when(buy('bob', '1', '99')).thenRejected('MarketNotOpen', 'market is post_only');
      s.when(buy('bob', '1', '99', { options: ['immediate-or-cancel'] })).thenRejected('MarketNotOpen');
      s.when(buy('bob', '1', '99', { options: ['fill-or-kill'] })).thenRejected('MarketNotOpen');
      s.when(stopLimit('bob', 'buy', '1', '99', '98')).thenRejected('MarketNotOpen');
      s.when(market('bob', 'buy', '1')).thenRejected('MarketNotOpen');
      s.when(buy('bob', '1', '99', { options: ['maker-or-cancel'] })).thenTypes('OrderAccepted');
      s.when(buy('bob', '1', '100', { options: ['maker-or-cancel'] })).thenEvents(
        { type: 'OrderAccepted' }, { type: 'OrderCancelled', reason: 'MakerOrCancelWouldTake' },
      );
    });

    it('limit_only: limit orders (and their options) trade, market orders are MarketNotOpen', () => {
      const s = fresh();
      s.given(sell('alice', '2', '100'), setStatus('btcusd', 'limit_only'));
      s.when(market('bob', 'buy', '1')).thenRejected('MarketNotOpen', 'market is limit_only');
      s.when(buy('bob', '0.5', '100')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      s.when(buy('bob', '0.5', '100', { options: ['immediate-or-cancel'] })).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      s.when(stopLimit('bob', 'buy', '1', '101', '100')).thenTypes('OrderAccepted', 'StopTriggered', 'Trade', 'OrderFilled', 'OrderFilled');
    });

    it('re-opening the market accepts orders again', () => {
      const s = fresh();
      s.given(setStatus('btcusd', 'closed'), setStatus('btcusd', 'open'));
      s.when(buy('bob', '1', '99')).thenTypes('OrderAccepted');
      s.when(market('alice', 'sell', '0.5')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
    });
  });
}
