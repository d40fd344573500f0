/**
 * Exchange stop limit orders: validation, waiting off-book, trigger by the last trade price,
 * triggering at placement, cascades, order of triggering, cancelling a pending stop.
 * Runs against every book.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOOKS, buy, cancel, scenario, sell, setStatus, stopLimit, trader } from '../support/harness.js';

const BTC = 100_000_000;

for (const { name, factory } of BOOKS) {
  describe(`stop limit orders [${name}]`, () => {
    const fresh = () =>
      scenario({ bookFactory: factory }).given(
        trader('alice', { USD: '1000', BTC: '10', ETH: '10' }),
        trader('bob', { USD: '1000', BTC: '10', ETH: '10' }),
        trader('carol', { USD: '1000', BTC: '10' }),
        trader('dave', { USD: '1000', BTC: '10', ETH: '10' }),
      );

    describe('validation', () => {
      it('a missing, zero, malformed or off-step stop price is InvalidStopPrice', () => {
        const s = fresh();
        const noStop = stopLimit('bob', 'buy', '1', '100', '99');
        delete noStop.stopPrice;
        s.when(noStop).thenRejected('InvalidStopPrice');
        for (const sp of ['0', '-99', 'abc', '99.001', '']) s.when(stopLimit('bob', 'buy', '1', '100', sp)).thenRejected('InvalidStopPrice');
      });

      it('the limit price is checked before the stop price', () => {
        fresh().when(stopLimit('bob', 'buy', '1', 'x', 'y')).thenRejected('InvalidPrice');
      });

      it('a buy stop above its limit price is InvalidStopPriceBuy; equal is allowed', () => {
        const s = fresh();
        s.when(stopLimit('bob', 'buy', '1', '100', '100.01')).thenRejected('InvalidStopPriceBuy');
        s.when(stopLimit('bob', 'buy', '1', '100', '100')).thenEvents({ type: 'OrderAccepted', order: { kind: 'stop-limit', stopPrice: 10000 } });
      });

      it('a sell stop below its limit price is InvalidStopPriceSell; equal is allowed', () => {
        const s = fresh();
        s.when(stopLimit('bob', 'sell', '1', '100', '99.99')).thenRejected('InvalidStopPriceSell');
        s.when(stopLimit('bob', 'sell', '1', '100', '100')).thenOk();
      });

      it('a stop more than 50% away from the limit is InvalidStopPriceRatio; exactly 50% is allowed', () => {
        const s = fresh();
        s.when(stopLimit('bob', 'buy', '1', '100', '49.99')).thenRejected('InvalidStopPriceRatio');
        s.when(stopLimit('bob', 'buy', '1', '100', '50')).thenOk();
        s.when(stopLimit('bob', 'sell', '1', '100', '150.01')).thenRejected('InvalidStopPriceRatio');
        s.when(stopLimit('bob', 'sell', '1', '100', '150')).thenOk();
      });

      it('a stop needs the funds for its limit order at placement', () => {
        const s = scenario({ bookFactory: factory }).given(trader('poor', { USD: '100' }));
        s.when(stopLimit('poor', 'buy', '1', '100', '99')).thenRejected('InsufficientFunds');
        s.when(stopLimit('poor', 'sell', '1', '100', '101')).thenRejected('InsufficientFunds');
      });

      it('a stop on a closed market is MarketNotOpen', () => {
        const s = fresh().given(setStatus('btcusd', 'closed'));
        s.when(stopLimit('bob', 'buy', '1', '100', '99')).thenRejected('MarketNotOpen');
      });
    });

    it('waits off the book, holding funds for its limit price', () => {
      const s = fresh();
      const out = s.when(stopLimit('bob', 'buy', '1', '106', '105', { clientOrderId: 'st' }));
      out.thenEvents({
        type: 'OrderAccepted',
        order: { kind: 'stop-limit', price: 10600, stopPrice: 10500, amount: BTC, isLive: true, clientOrderId: 'st', option: '' },
      });
      assert.deepEqual(s.depth('btcusd', 'buy'), []);
      assert.equal(s.engine.book('btcusd')!.size(), 0);
      assert.deepEqual(s.openIds('bob'), [out.orderId]);
      assert.equal(s.engine.order(out.orderId)?.kind, 'stop-limit');
      // 106 x 1.0035 = 106.371
      assert.deepEqual(s.balance('bob', 'USD'), { total: '1000', held: '106.371', available: '893.629' });
    });

    it('a buy stop triggers when a trade between others prints at or above its stop, then trades as a limit', () => {
      const s = fresh();
      s.given(sell('alice', '1', '105'), sell('carol', '1', '106'));
      const stop = s.place(stopLimit('bob', 'buy', '1', '106', '105'));
      const out = s.when(buy('dave', '1', '105'));
      out.thenEvents(
        { type: 'OrderAccepted', order: { account: 'dave' } },
        { type: 'Trade', price: 10500, takerAccount: 'dave' },
        { type: 'OrderFilled', order: { account: 'alice' } },
        { type: 'OrderFilled', order: { account: 'dave' } },
        { type: 'StopTriggered', orderId: stop, symbol: 'btcusd', time: s.nextTime - 1 },
        { type: 'Trade', price: 10600, takerOrderId: stop, makerAccount: 'carol', takerSide: 'buy' },
        { type: 'OrderFilled', order: { account: 'carol' } },
        { type: 'OrderFilled', order: { id: stop, kind: 'stop-limit', executed: BTC } },
      );
      // the stop was the taker: 106 + 35 bps
      assert.deepEqual(s.balance('bob', 'USD'), { total: '893.629', held: '0', available: '893.629' });
      assert.equal(s.engine.state.markets.get('btcusd')!.stops.length, 0);
    });

    it('a buy stop does not trigger on a trade below its stop', () => {
      const s = fresh();
      s.given(sell('alice', '1', '104.99'));
      s.given(stopLimit('bob', 'buy', '1', '106', '105'));
      s.when(buy('dave', '1', '104.99')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderFilled');
      assert.equal(s.engine.state.markets.get('btcusd')!.stops.length, 1);
    });

    it('a sell stop triggers when a trade prints at or below its stop', () => {
      const s = fresh();
      s.given(buy('alice', '1', '95'), buy('carol', '1', '94'));
      const stop = s.place(stopLimit('bob', 'sell', '1', '94', '95'));
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '10', held: '1', available: '9' });
      const out = s.when(sell('dave', '1', '95'));
      out.thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderFilled', 'StopTriggered', 'Trade', 'OrderFilled', 'OrderFilled');
      assert.deepEqual(out.trades().map((t) => [t.price, t.takerOrderId === stop]), [[9500, false], [9400, true]]);
      // received 94 - 35 bps = 93.671
      assert.deepEqual(s.balance('bob', 'USD'), { total: '1093.671', held: '0', available: '1093.671' });
      assert.deepEqual(s.balance('bob', 'BTC'), { total: '9', held: '0', available: '9' });
    });

    it('a triggered stop that finds nothing to take rests in the book as a limit order', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100'));
      const stop = s.place(stopLimit('bob', 'buy', '1', '99', '99'));
      const out = s.when(buy('dave', '1', '100'));
      assert.deepEqual(out.ofType('StopTriggered').map((e) => e.orderId), [stop]);
      assert.deepEqual(s.depth('btcusd', 'buy'), [[9900, BTC]]);
      assert.equal(s.balance('bob', 'USD').held, '99.3465');
      // and it can be cancelled from the book
      s.when(cancel('bob', stop)).thenEvents({ type: 'OrderCancelled', reason: 'Requested', order: { id: stop } });
      assert.deepEqual(s.depth('btcusd', 'buy'), []);
      assert.equal(s.balance('bob', 'USD').held, '0');
    });

    it('nothing triggers before the first trade of the market', () => {
      const s = fresh();
      s.when(stopLimit('bob', 'sell', '1', '94', '95')).thenTypes('OrderAccepted');
      s.when(stopLimit('dave', 'buy', '1', '1', '1')).thenTypes('OrderAccepted');
      assert.equal(s.engine.state.markets.get('btcusd')!.stops.length, 2);
    });

    it('a stop whose condition the last trade price already meets triggers at placement', () => {
      const s = fresh();
      s.given(sell('alice', '1', '100'), buy('dave', '1', '100'), sell('carol', '1', '101'));
      const out = s.when(stopLimit('bob', 'buy', '1', '101', '100'));
      const id = out.orderId;
      out.thenEvents(
        { type: 'OrderAccepted', order: { id, kind: 'stop-limit', isLive: true } },
        { type: 'StopTriggered', orderId: id },
        { type: 'Trade', price: 10100, takerOrderId: id },
        { type: 'OrderFilled', order: { account: 'carol' } },
        { type: 'OrderFilled', order: { id } },
      );
      // the last price is now 101: stops just beyond it wait, a sell stop at it triggers
      s.when(stopLimit('bob', 'buy', '1', '102', '101.01')).thenTypes('OrderAccepted');
      s.when(stopLimit('bob', 'sell', '1', '100', '100.99')).thenTypes('OrderAccepted');
      const rest = s.when(stopLimit('bob', 'sell', '1', '100', '101'));
      rest.thenTypes('OrderAccepted', 'StopTriggered');
      assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, BTC]]);
    });

    it('a cascade: a triggered stop\'s trade triggers the next stop, in one command', () => {
      const s = fresh();
      s.given(buy('alice', '1', '95'), buy('alice', '1', '93'), buy('alice', '1', '90'));
      const a = s.place(stopLimit('bob', 'sell', '1', '93', '95'));
      const b = s.place(stopLimit('carol', 'sell', '1', '90', '93'));
      const out = s.when(sell('dave', '1', '95'));
      out.thenEvents(
        { type: 'OrderAccepted' },
        { type: 'Trade', price: 9500 },
        { type: 'OrderFilled' },
        { type: 'OrderFilled' },
        { type: 'StopTriggered', orderId: a },
        { type: 'Trade', price: 9300, takerOrderId: a },
        { type: 'OrderFilled' },
        { type: 'OrderFilled', order: { id: a } },
        { type: 'StopTriggered', orderId: b },
        { type: 'Trade', price: 9000, takerOrderId: b },
        { type: 'OrderFilled' },
        { type: 'OrderFilled', order: { id: b } },
      );
      assert.equal(s.engine.state.markets.get('btcusd')!.lastPrice, 9000);
      assert.deepEqual(s.depth('btcusd', 'buy'), []);
    });

    it('stops triggered by the same trade run oldest first', () => {
      const s = fresh();
      s.given(sell('alice', '0.1', '100'), sell('alice', '2', '101'));
      const first = s.place(stopLimit('bob', 'buy', '1', '101', '100'));
      const second = s.place(stopLimit('carol', 'buy', '1', '101', '99'));
      const out = s.when(buy('dave', '0.1', '100'));
      assert.deepEqual(out.ofType('StopTriggered').map((e) => e.orderId), [first, second]);
      assert.deepEqual(out.trades().map((t) => t.takerOrderId).slice(1), [first, second]);
    });

    it('trades in another market do not trigger a stop', () => {
      const s = fresh();
      s.given(stopLimit('bob', 'buy', '1', '101', '100'), sell('alice', '1', '2000', { symbol: 'ethusd' }));
      s.when(buy('dave', '0.1', '2000', { symbol: 'ethusd' })).thenTypes('OrderAccepted', 'Trade', 'OrderFilled');
      assert.equal(s.engine.state.markets.get('btcusd')!.stops.length, 1);
    });

    it('stops cannot push a price level past 2^53 - 1 units (the limit placement enforces with InvalidQuantity)', () => {
      const s = scenario({ bookFactory: factory }).given(trader('whale', { BTC: '200000000' }), trader('a', { BTC: '1' }), trader('b', { USD: '1000' }));
      // each stop alone fits: 50,000,000 BTC = 5e15 units; a plain second order at the same level would be refused
      s.given(sell('whale', '50000000', '100'));
      s.when(sell('whale', '50000000', '100')).thenRejected('InvalidQuantity', 'too large');
      s.given(cancel('whale', s.openIds('whale')[0]!));
      const st1 = s.when(stopLimit('whale', 'sell', '50000000', '100', '100'));
      const st2 = s.when(stopLimit('whale', 'sell', '50000000', '100', '100'));
      s.given(sell('a', '1', '100'));
      const trigger = s.when(buy('b', '1', '100'));
      // however the engine resolves it (refusing the second stop, or cancelling it when it
      // triggers), no level may end up holding more than 2^53 - 1 units
      let sum = 0n;
      s.engine.book('btcusd')!.scan('sell', (o) => ((sum += BigInt(o.remaining)), true));
      const level = s.engine.book('btcusd')!.levelAmount('sell', 10000);
      assert.ok(sum <= BigInt(Number.MAX_SAFE_INTEGER), `resting at 100.00: ${sum} units (accepted: ${st1.result.ok}, ${st2.result.ok}; ` +
        `trigger events: ${trigger.events.map((e) => e.type).join(',')})`);
      assert.equal(BigInt(level), sum);
    });

    it('a pending stop can be cancelled: its hold is released and it never triggers', () => {
      const s = fresh();
      s.given(sell('alice', '1', '105'), sell('carol', '1', '106'));
      const stop = s.place(stopLimit('bob', 'buy', '1', '106', '105'));
      s.when(cancel('bob', stop)).thenEvents({
        type: 'OrderCancelled', reason: 'Requested',
        order: { id: stop, kind: 'stop-limit', isLive: false, isCancelled: true, executed: 0, closedTime: s.nextTime - 1 },
      });
      assert.deepEqual(s.balance('bob', 'USD'), { total: '1000', held: '0', available: '1000' });
      assert.equal(s.engine.state.markets.get('btcusd')!.stops.length, 0);
      s.when(buy('dave', '1', '105')).thenTypes('OrderAccepted', 'Trade', 'OrderFilled', 'OrderFilled');
      s.when(cancel('bob', stop)).thenRejected('OrderNotFound');
    });
  });
}
