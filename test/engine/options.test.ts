/**
 * Order execution options: none, maker-or-cancel, immediate-or-cancel, fill-or-kill, and the
 * rejections for conflicting, unknown and misplaced options. Runs against every book.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOOKS, buy, market, scenario, sell, stopLimit, trader } from '../support/harness.js';

const BTC = 100_000_000;
const MOC = { options: ['maker-or-cancel'] };
const IOC = { options: ['immediate-or-cancel'] };
const FOK = { options: ['fill-or-kill'] };

for (const { name, factory } of BOOKS) {
  describe(`execution options [${name}]`, () => {
    const fresh = (priceBandBps?: number) =>
      scenario({ bookFactory: factory, ...(priceBandBps === undefined ? {} : { priceBandBps }) }).given(
        trader('alice', { USD: '1000', BTC: '10' }),
        trader('bob', { USD: '1000', BTC: '10' }),
        trader('carol', { USD: '1000', BTC: '10' }),
      );

    it('no option (empty array): fills what crosses and rests the rest', () => {
      const s = fresh();
      s.given(sell('alice', '0.5', '100'));
      const out = s.when(buy('bob', '1', '100', { options: [] }));
      out.thenEvents({ type: 'OrderAccepted', order: { option: '' } }, { type: 'Trade', amount: 50_000_000 }, { type: 'OrderFilled', order: { account: 'alice' } });
      assert.deepEqual(s.depth('btcusd', 'buy'), [[10000, 50_000_000]]);
    });

    it('an absent options field is the same as an empty array', () => {
      const s = fresh();
      const cmd = buy('bob', '1', '100');
      delete (cmd as { options?: string[] }).options;
      s.when(cmd).thenEvents({ type: 'OrderAccepted', order: { option: '' } });
    });

    describe('maker-or-cancel', () => {
      it('rests when it would not take', () => {
        const s = fresh();
        s.given(sell('alice', '1', '100.01'));
        s.when(buy('bob', '1', '100', MOC)).thenEvents({ type: 'OrderAccepted', order: { option: 'maker-or-cancel', isLive: true } });
        assert.deepEqual(s.depth('btcusd', 'buy'), [[10000, BTC]]);
        assert.equal(s.balance('bob', 'USD').held, '100.35');
      });

      it('is cancelled whole (MakerOrCancelWouldTake) when it would take; nothing trades, hold released', () => {
        const s = fresh();
        s.given(sell('alice', '1', '100'));
        const out = s.when(buy('bob', '1', '100', MOC));
        out.thenEvents(
          { type: 'OrderAccepted', order: { option: 'maker-or-cancel' } },
          {
            type: 'OrderCancelled', reason: 'MakerOrCancelWouldTake',
            order: { id: out.orderId, executed: 0, isLive: false, isCancelled: true, reason: 'MakerOrCancelWouldTake', closedTime: s.nextTime - 1 },
          },
        );
        assert.deepEqual(s.balance('bob', 'USD'), { total: '1000', held: '0', available: '1000' });
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, BTC]]);
        assert.deepEqual(s.depth('btcusd', 'buy'), []);
      });

      it('a sell that would take is cancelled too', () => {
        const s = fresh();
        s.given(buy('alice', '1', '100'));
        s.when(sell('bob', '1', '99', MOC)).thenEvents({ type: 'OrderAccepted' }, { type: 'OrderCancelled', reason: 'MakerOrCancelWouldTake' });
        assert.deepEqual(s.balance('bob', 'BTC'), { total: '10', held: '0', available: '10' });
      });

      it('is cancelled when the only crossing order is its own account\'s', () => {
        const s = fresh();
        s.given(sell('bob', '1', '100'));
        s.when(buy('bob', '1', '100', MOC)).thenEvents({ type: 'OrderAccepted' }, { type: 'OrderCancelled', reason: 'MakerOrCancelWouldTake' });
      });
    });

    describe('immediate-or-cancel', () => {
      it('fills what it can and cancels the rest (ImmediateOrCancelWouldPost)', () => {
        const s = fresh();
        const ask = s.place(sell('alice', '0.4', '100'));
        const out = s.when(buy('bob', '1', '100', IOC));
        out.thenEvents(
          { type: 'OrderAccepted', order: { option: 'immediate-or-cancel' } },
          { type: 'Trade', amount: 40_000_000, makerOrderId: ask },
          { type: 'OrderFilled', order: { id: ask } },
          { type: 'OrderCancelled', reason: 'ImmediateOrCancelWouldPost', order: { id: out.orderId, executed: 40_000_000, isCancelled: true } },
        );
        assert.deepEqual(s.balance('bob', 'USD'), { total: '959.86', held: '0', available: '959.86' });
        assert.equal(s.engine.book('btcusd')!.size(), 0);
      });

      it('is cancelled with nothing executed when nothing crosses', () => {
        const s = fresh();
        s.given(sell('alice', '1', '101'));
        s.when(buy('bob', '1', '100', IOC)).thenEvents(
          { type: 'OrderAccepted' },
          { type: 'OrderCancelled', reason: 'ImmediateOrCancelWouldPost', order: { executed: 0 } },
        );
        assert.deepEqual(s.balance('bob', 'USD'), { total: '1000', held: '0', available: '1000' });
      });

      it('fills completely without a cancel when there is enough', () => {
        const s = fresh();
        s.given(sell('alice', '2', '100'));
        s.when(buy('bob', '1', '100', IOC)).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      });

      it('a sell IOC behaves the same way', () => {
        const s = fresh();
        s.given(buy('alice', '0.5', '100'));
        s.when(sell('bob', '1', '100', IOC)).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderCancelled');
        assert.deepEqual(s.balance('bob', 'BTC'), { total: '9.5', held: '0', available: '9.5' });
      });
    });

    describe('fill-or-kill', () => {
      it('fills completely across levels when there is enough', () => {
        const s = fresh();
        s.given(sell('alice', '0.5', '100'), sell('carol', '0.5', '100.5'));
        const out = s.when(buy('bob', '1', '101', FOK));
        out.thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'Trade', 'OrderFilled', 'OrderFilled');
        assert.equal(out.filled()[2]!.order.executed, BTC);
      });

      it('fills when the available amount is exactly the order amount', () => {
        const s = fresh();
        s.given(sell('alice', '0.5', '100'), sell('carol', '0.5', '100'));
        s.when(buy('bob', '1', '100', FOK)).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'Trade', 'OrderFilled', 'OrderFilled');
      });

      it('is killed whole (FillOrKillWouldNotFill) when it cannot fill completely: no trade at all', () => {
        const s = fresh();
        s.given(sell('alice', '0.5', '100'), sell('carol', '0.5', '102'));
        const before = s.depth('btcusd', 'sell');
        const out = s.when(buy('bob', '1', '101', FOK));
        out.thenEvents(
          { type: 'OrderAccepted' },
          { type: 'OrderCancelled', reason: 'FillOrKillWouldNotFill', order: { executed: 0, isCancelled: true } },
        );
        assert.deepEqual(s.depth('btcusd', 'sell'), before);
        assert.deepEqual(s.balance('bob', 'USD'), { total: '1000', held: '0', available: '1000' });
      });

      it('is killed when its own order stands in the way', () => {
        const s = fresh();
        s.given(sell('carol', '0.5', '100'), sell('bob', '0.5', '100.5'), sell('carol', '0.5', '101'));
        s.when(buy('bob', '1.5', '101', FOK)).thenTypes('OrderAccepted', 'OrderCancelled');
        assert.equal(s.engine.book('btcusd')!.size(), 3);
      });

      it('is killed when the liquidity lies beyond the price band', () => {
        const s = fresh(100);
        s.given(sell('alice', '1', '100'), sell('carol', '1', '102'));
        s.when(buy('bob', '2', '105', FOK)).thenEvents({ type: 'OrderAccepted' }, { type: 'OrderCancelled', reason: 'FillOrKillWouldNotFill' });
        assert.equal(s.engine.book('btcusd')!.size(), 2);
      });

      it('a sell FOK is killed when the bids are too thin', () => {
        const s = fresh();
        s.given(buy('alice', '0.5', '100'));
        s.when(sell('bob', '0.6', '100', FOK)).thenTypes('OrderAccepted', 'OrderCancelled');
        assert.deepEqual(s.balance('bob', 'BTC'), { total: '10', held: '0', available: '10' });
      });
    });

    describe('option rejections', () => {
      it('options that are not an array are OptionsMustBeArray; null is the same as none', () => {
        const s = fresh();
        for (const o of ['maker-or-cancel', {}, 1, true, '']) {
          s.when({ ...buy('bob', '1', '100'), options: o }).thenRejected('OptionsMustBeArray');
        }
        s.when({ ...buy('bob', '1', '100'), options: null }).thenEvents({ type: 'OrderAccepted', order: { option: '' } });
      });

      it('two options, even the same one twice, are ConflictingOptions', () => {
        const s = fresh();
        s.when(buy('bob', '1', '100', { options: ['maker-or-cancel', 'immediate-or-cancel'] })).thenRejected('ConflictingOptions');
        s.when(buy('bob', '1', '100', { options: ['fill-or-kill', 'immediate-or-cancel'] })).thenRejected('ConflictingOptions');
        s.when(buy('bob', '1', '100', { options: ['fill-or-kill', 'fill-or-kill'] })).thenRejected('ConflictingOptions');
      });

      it('an unknown option is UnsupportedOption naming it, even beside a known one', () => {
        const s = fresh();
        s.when(buy('bob', '1', '100', { options: ['post-only'] })).thenRejected('UnsupportedOption', 'post-only');
        s.when(buy('bob', '1', '100', { options: ['auction-only'] })).thenRejected('UnsupportedOption', 'auction-only');
        s.when(buy('bob', '1', '100', { options: [''] })).thenRejected('UnsupportedOption');
        s.when(buy('bob', '1', '100', { options: ['maker-or-cancel', 'bogus'] })).thenRejected('UnsupportedOption', 'bogus');
        s.when(buy('bob', '1', '100', { options: [7 as unknown as string] })).thenRejected('UnsupportedOption', '7');
      });

      it('any option on a stop-limit order is UnsupportedOption', () => {
        const s = fresh();
        for (const o of ['maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill']) {
          s.when(stopLimit('bob', 'buy', '1', '100', '99', { options: [o] })).thenRejected('UnsupportedOption');
        }
      });

      it('any option on a market order is UnsupportedOption', () => {
        const s = fresh();
        s.given(sell('alice', '1', '100'));
        for (const o of ['maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill']) {
          s.when(market('bob', 'buy', '1', { options: [o] })).thenRejected('UnsupportedOption');
        }
      });
    });
  });
}
