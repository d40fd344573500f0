/**
 * Exchange limit orders: validation, resting, matching at the maker's price, price-time priority,
 * partial fills, average price, exact fees and holds. Runs against every book implementation.
 * btcusd units: price in cents (100.00 -> 10000), amount in satoshi (1 -> 100_000_000).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDecimal } from '../../src/domain/decimal.js';
import { marketFromConfig } from '../../src/domain/symbols.js';
import {
  BOOKS, L, MARKETS, account, buy, deposit, limit, scenario, sell, setFees, trader,
} from '../support/harness.js';

const BTC = 100_000_000;

for (const { name, factory } of BOOKS) {
  describe(`limit orders [${name}]`, () => {
    const fresh = () =>
      scenario({ bookFactory: factory }).given(
        trader('alice', { USD: '1000', BTC: '10' }),
        trader('bob', { USD: '1000', BTC: '10' }),
        trader('carol', { USD: '1000', BTC: '10' }),
        trader('dave', { USD: '1000', BTC: '10' }),
      );

    describe('validation', () => {
      it('rejects an unknown account with UnknownAccount', () => {
        fresh().when(buy('nobody', '1', '100')).thenRejected('UnknownAccount', 'nobody');
      });

      it('rejects an unknown or non-string symbol with InvalidSymbol', () => {
        const s = fresh();
        s.when(buy('alice', '1', '100', { symbol: 'xyzusd' })).thenRejected('InvalidSymbol');
        s.when({ ...buy('alice', '1', '100'), symbol: 42 as unknown as string }).thenRejected('InvalidSymbol');
      });

      it('rejects a side other than buy/sell with InvalidSide', () => {
        const s = fresh();
        for (const side of ['hold', '', 'buyy']) s.when(limit('alice', side, '1', '100')).thenRejected('InvalidSide');
      });

      it('rejects an unknown order type with InvalidOrderType', () => {
        const s = fresh();
        for (const t of ['limit', 'exchange  limit', 'exchange stop', '']) {
          s.when({ ...buy('alice', '1', '100'), orderType: t }).thenRejected('InvalidOrderType');
        }
      });

      it('accepts symbol, side and type in any case and normalises them', () => {
        const s = fresh();
        const out = s.when({ ...limit('alice', 'BUY', '1', '100', { symbol: 'BTCUSD' }), orderType: 'Exchange Limit' });
        out.thenEvents({ type: 'OrderAccepted', order: { symbol: 'btcusd', side: 'buy', kind: 'limit', price: 10000, amount: BTC } });
      });

      it('rejects bad amounts with InvalidQuantity', () => {
        const s = fresh();
        for (const a of ['0', '-1', 'abc', '', '0.000000001', '0.000009', '1e20', '1,5']) {
          s.when(buy('alice', a, '1')).thenRejected('InvalidQuantity');
        }
        s.when({ ...buy('alice', '1', '1'), amount: undefined as unknown as string }).thenRejected('InvalidQuantity');
      });

      it('accepts exactly the minimum order size, in exponent form too', () => {
        const s = fresh();
        s.when(buy('alice', '0.00001', '100')).thenEvents({ type: 'OrderAccepted', order: { amount: 1000 } });
        s.when(buy('alice', '1e-5', '100')).thenEvents({ type: 'OrderAccepted', order: { amount: 1000 } });
        s.when(buy('alice', '0.0000100000', '100')).thenEvents({ type: 'OrderAccepted', order: { amount: 1000 } });
      });

      it('accepts amounts and prices in exponent form exactly as their plain decimal value', () => {
        const s = scenario({ bookFactory: factory }).given(trader('a', { BTC: '100' }));
        s.when(sell('a', '1.5e1', '1e2')).thenEvents({ type: 'OrderAccepted', order: { amount: 15 * BTC, price: 10000 } });
        // 12.34567891 BTC at 100.01 USD: the mantissa has more places than the scale, the value does not
        s.when(sell('a', '1.234567891e1', '1.0001e2')).thenEvents({ type: 'OrderAccepted', order: { amount: 1_234_567_891, price: 10001 } });
        s.when(sell('a', '0.000000001e1', '100')).thenRejected('InvalidQuantity'); // 1e-8 BTC is below the minimum
        s.when(sell('a', '0.00000001e3', '100')).thenEvents({ type: 'OrderAccepted', order: { amount: 1000 } });
        s.when(sell('a', '0.0000100000e0', '100.0000000000001e0')).thenRejected('InvalidPrice');
      });

      it('accepts JSON numbers for amount and price, by their shortest decimal form', () => {
        const s = fresh();
        const num = (x: number) => x as unknown as string;
        s.when(sell('alice', num(0.5), num(100.25))).thenEvents({ type: 'OrderAccepted', order: { amount: 50_000_000, price: 10025 } });
        s.when(sell('alice', num(1e-5), num(100))).thenEvents({ type: 'OrderAccepted', order: { amount: 1000 } });
        s.when(sell('alice', num(0.1 + 0.2), num(100))).thenRejected('InvalidQuantity'); // 0.30000000000000004
        s.when(sell('alice', num(Number.NaN), num(100))).thenRejected('InvalidQuantity');
        s.when(sell('alice', num(1), num(Infinity))).thenRejected('InvalidPrice');
      });

      it('rejects bad prices with InvalidPrice', () => {
        const s = fresh();
        for (const p of ['0', '-100', '100.001', 'abc', '', '1e20']) s.when(buy('alice', '1', p)).thenRejected('InvalidPrice');
        const noPrice = buy('alice', '1', '100');
        delete noPrice.price;
        s.when(noPrice).thenRejected('InvalidPrice');
      });

      it('checks amount and price against the tick size and quote increment steps', () => {
        const tst = marketFromConfig({
          symbol: 'TSTUSD', base_currency: 'TST', quote_currency: 'USD', tick_size: '0.5', quote_increment: '0.25',
          min_order_size: '1', status: 'open',
        });
        const s = scenario({ bookFactory: factory, markets: [...MARKETS, tst] }).given(trader('alice', { USD: '1000', TST: '100' }));
        const o = { symbol: 'tstusd' };
        s.when(sell('alice', '1.2', '10.25', o)).thenRejected('InvalidQuantity');
        s.when(sell('alice', '0.5', '10.25', o)).thenRejected('InvalidQuantity'); // below min 1
        s.when(sell('alice', '1.5', '10.10', o)).thenRejected('InvalidPrice');
        s.when(sell('alice', '1.5', '10.25', o)).thenEvents({ type: 'OrderAccepted', order: { amount: 15, price: 1025 } });
        s.when(sell('alice', '1', '10.5', o)).thenEvents({ type: 'OrderAccepted', order: { amount: 10, price: 1050 } });
      });

      it('rejects a client order id that is not a string with ClientOrderIdMustBeString; null means none', () => {
        const s = fresh();
        for (const cid of [42, {}, ['a'], true]) {
          s.when({ ...buy('alice', '1', '1'), clientOrderId: cid as unknown as string }).thenRejected('ClientOrderIdMustBeString');
        }
        s.when({ ...buy('alice', '1', '1'), clientOrderId: null as unknown as string })
          .thenEvents({ type: 'OrderAccepted', order: { clientOrderId: undefined } });
      });

      it('rejects a client order id over 100 characters; 100 is fine and is kept', () => {
        const s = fresh();
        s.when(buy('alice', '1', '1', { clientOrderId: 'x'.repeat(101) })).thenRejected('ClientOrderIdTooLong');
        s.when(buy('alice', '1', '1', { clientOrderId: 'y'.repeat(100) }))
          .thenEvents({ type: 'OrderAccepted', order: { clientOrderId: 'y'.repeat(100) } });
      });

      it('rejects a buy whose hold (price x amount x (1 + max fee)) exceeds the available quote', () => {
        const s = scenario({ bookFactory: factory }).given(trader('alice', { USD: '100.349999' }), trader('bob', { USD: '100.35' }));
        s.when(buy('alice', '1', '100')).thenRejected('InsufficientFunds');
        s.when(buy('bob', '1', '100')).thenEvents({ type: 'OrderAccepted' });
        assert.deepEqual(s.balance('bob', 'USD'), { total: '100.35', held: '100.35', available: '0' });
      });

      it('rejects a sell of more base than is available, counting what is already held', () => {
        const s = scenario({ bookFactory: factory }).given(trader('alice', { BTC: '1' }));
        s.when(sell('alice', '1.00000001', '100')).thenRejected('InsufficientFunds');
        s.when(sell('alice', '0.6', '100')).thenOk();
        s.when(sell('alice', '0.40000001', '100')).thenRejected('InsufficientFunds');
        s.when(sell('alice', '0.4', '100')).thenOk();
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '1', held: '1', available: '0' });
      });

      it('rejects an order that would push a price level past 2^53 units with InvalidQuantity', () => {
        const s = scenario({ bookFactory: factory }).given(trader('whale', { BTC: '100000000' }));
        s.when(sell('whale', '90000000', '100')).thenOk();
        s.when(sell('whale', '1000000', '100')).thenRejected('InvalidQuantity', 'too large');
        s.when(sell('whale', '1000000', '100.01')).thenOk();
      });
    });

    describe('resting', () => {
      it('a buy that crosses nothing rests and holds price x amount x (1 + 35 bps)', () => {
        const s = fresh();
        const out = s.when(buy('alice', '1', '100', { clientOrderId: 'c1' }));
        out.thenEvents({
          type: 'OrderAccepted',
          order: {
            id: 1, account: 'alice', session: 'alice-key', symbol: 'btcusd', side: 'buy', kind: 'limit', price: 10000,
            stopPrice: 0, amount: BTC, executed: 0, filledNotional: 0n, option: '', clientOrderId: 'c1', isLive: true,
            isCancelled: false, reason: undefined, closedTime: undefined, time: out.scenario.nextTime - 1,
          },
        });
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '100.35', available: '899.65' });
        assert.deepEqual(s.depth('btcusd', 'buy'), [[10000, BTC]]);
        assert.deepEqual(s.depth('btcusd', 'sell'), []);
        assert.equal(s.engine.order(1)?.isLive, true);
      });

      it('a sell rests and holds exactly its amount of base', () => {
        const s = fresh();
        s.when(sell('alice', '0.25', '100')).thenTypes('OrderAccepted');
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '10', held: '0.25', available: '9.75' });
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '0', available: '1000' });
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, 25_000_000]]);
      });

      it('a bid below the best ask and an ask above the best bid do not trade', () => {
        const s = fresh();
        s.given(sell('alice', '1', '100.01'));
        s.when(buy('bob', '1', '100')).thenTypes('OrderAccepted');
        s.when(sell('carol', '1', '100.02')).thenTypes('OrderAccepted');
        assert.deepEqual(s.depth('btcusd', 'buy'), [[10000, BTC]]);
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10001, BTC], [10002, BTC]]);
      });
    });

    describe('matching', () => {
      it('a crossing buy trades at the maker price; maker pays 10 bps, taker 35 bps, in USD, exactly', () => {
        const s = fresh();
        const ask = s.place(sell('alice', '1', '100'));
        const out = s.when(buy('bob', '1', '100'));
        const bid = out.orderId;
        out.thenEvents(
          { type: 'OrderAccepted', order: { id: bid, isLive: true } },
          {
            type: 'Trade', tid: bid + 1, symbol: 'btcusd', price: 10000, amount: BTC, takerSide: 'buy', makerOrderId: ask,
            takerOrderId: bid, makerAccount: 'alice', takerAccount: 'bob', makerFee: L('0.10'), takerFee: L('0.35'), feeCurrency: 'USD',
          },
          { type: 'OrderFilled', order: { id: ask, executed: BTC, isLive: false, isCancelled: false, filledNotional: 10000n * BigInt(BTC) } },
          { type: 'OrderFilled', order: { id: bid, executed: BTC, isLive: false, closedTime: out.scenario.nextTime - 1 } },
        );
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1099.9', held: '0', available: '1099.9' });
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '9', held: '0', available: '9' });
        assert.deepEqual(s.balance('bob', 'USD'), { total: '899.65', held: '0', available: '899.65' });
        assert.deepEqual(s.balance('bob', 'BTC'), { total: '11', held: '0', available: '11' });
        assert.equal(s.fees('USD'), '0.45');
        assert.equal(s.engine.book('btcusd')!.size(), 0);
        assert.deepEqual(s.openIds('alice'), []);
        assert.equal(s.engine.order(ask), undefined);
      });

      it('a buy taker gets price improvement: pays the maker price and its whole hold is released', () => {
        const s = fresh();
        s.given(sell('alice', '1', '100'));
        const out = s.when(buy('bob', '1', '110'));
        assert.equal(out.trades()[0]!.price, 10000);
        assert.deepEqual(s.balance('bob', 'USD'), { total: '899.65', held: '0', available: '899.65' });
      });

      it('a sell taker trades at the (higher) bid price and receives notional minus its taker fee', () => {
        const s = fresh();
        s.given(buy('alice', '1', '100'));
        const out = s.when(sell('bob', '1', '90'));
        assert.deepEqual(out.trades().map((t) => [t.price, t.takerSide, t.makerFee, t.takerFee]), [[10000, 'sell', L('0.1'), L('0.35')]]);
        assert.deepEqual(s.balance('bob', 'USD'), { total: '1099.65', held: '0', available: '1099.65' });
        assert.deepEqual(s.balance('bob', 'BTC'), { total: '9', held: '0', available: '9' });
        assert.deepEqual(s.balance('alice', 'USD'), { total: '899.9', held: '0', available: '899.9' });
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '11', held: '0', available: '11' });
        assert.equal(s.fees('USD'), '0.45');
      });

      it('a partially filled taker rests the rest at its limit with the hold recomputed for the rest', () => {
        const s = fresh();
        const ask = s.place(sell('alice', '0.4', '100'));
        const out = s.when(buy('bob', '1', '101'));
        out.thenEvents(
          { type: 'OrderAccepted' },
          { type: 'Trade', price: 10000, amount: 40_000_000, makerOrderId: ask, makerFee: L('0.04'), takerFee: L('0.14') },
          { type: 'OrderFilled', order: { id: ask } },
        );
        // 1000 - 40 - 0.14 = 959.86; hold 0.6 x 101 x 1.0035 = 60.8121
        assert.deepEqual(s.balance('bob', 'USD'), { total: '959.86', held: '60.8121', available: '899.0479' });
        assert.deepEqual(s.depth('btcusd', 'buy'), [[10100, 60_000_000]]);
        const rec = s.engine.order(out.orderId)!;
        assert.equal(rec.executed, 40_000_000);
        assert.equal(rec.isLive, true);
      });

      it('a partially filled maker keeps its place, its hold shrinking by exactly the fill', () => {
        const s = fresh();
        const ask = s.place(sell('alice', '1', '100'));
        s.given(sell('carol', '1', '100'));
        s.when(buy('bob', '0.25', '100')).thenEvents(
          { type: 'OrderAccepted' },
          { type: 'Trade', makerOrderId: ask, amount: 25_000_000 },
          { type: 'OrderFilled', order: { account: 'bob' } },
        );
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '9.75', held: '0.75', available: '9' });
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1024.975', held: '0', available: '1024.975' });
        assert.deepEqual(s.balance('bob', 'USD'), { total: '974.9125', held: '0', available: '974.9125' });
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, 175_000_000]]);
        // alice is still first at 100
        assert.equal(s.when(buy('dave', '0.75', '100')).trades()[0]!.makerOrderId, ask);
      });

      it('a maker buy that is partially filled keeps a hold for exactly its remaining amount', () => {
        const s = fresh();
        s.given(buy('alice', '1', '100'));
        s.given(sell('bob', '0.3', '100'));
        // paid 30 + 0.03 fee; hold 0.7 x 100 x 1.0035 = 70.245
        assert.deepEqual(s.balance('alice', 'USD'), { total: '969.97', held: '70.245', available: '899.725' });
        assert.deepEqual(s.balance('bob', 'USD'), { total: '1029.895', held: '0', available: '1029.895' });
      });

      it('walks several levels; the average price is filledNotional / executed', () => {
        const s = fresh();
        s.given(sell('alice', '0.5', '100'), sell('carol', '0.5', '101'));
        const out = s.when(buy('bob', '1', '101'));
        assert.deepEqual(out.trades().map((t) => [t.price, t.amount, t.makerAccount]), [[10000, 50_000_000, 'alice'], [10100, 50_000_000, 'carol']]);
        const taker = out.filled().find((e) => e.order.account === 'bob')!.order;
        assert.equal(taker.filledNotional, 1_005_000_000_000n);
        assert.equal(formatDecimal(taker.filledNotional / BigInt(taker.executed), 2), '100.5');
        // taker: 100.50 notional + 35 bps = 100.85175
        assert.deepEqual(s.balance('bob', 'USD'), { total: '899.14825', held: '0', available: '899.14825' });
        assert.deepEqual(s.balance('alice', 'USD').total, '1049.95');
        assert.deepEqual(s.balance('carol', 'USD').total, '1050.4495');
        assert.equal(s.fees('USD'), '0.45225');
      });

      it('trades never cross the taker limit: the rest rests at the limit', () => {
        const s = fresh();
        s.given(sell('alice', '1', '100'), sell('carol', '1', '100.02'));
        const out = s.when(buy('bob', '2', '100.01'));
        assert.equal(out.trades().length, 1);
        assert.deepEqual(s.depth('btcusd', 'buy'), [[10001, BTC]]);
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10002, BTC]]);
      });
    });

    describe('price-time priority', () => {
      it('better price first, then first-in first-out within a level', () => {
        const s = fresh();
        const a1 = s.place(sell('alice', '1', '100'));
        const c1 = s.place(sell('carol', '1', '100'));
        const d1 = s.place(sell('dave', '1', '99'));
        const first = s.when(buy('bob', '1.5', '100'));
        assert.deepEqual(first.trades().map((t) => [t.makerOrderId, t.price, t.amount]), [[d1, 9900, BTC], [a1, 10000, 50_000_000]]);
        const second = s.when(buy('bob', '1', '100'));
        assert.deepEqual(second.trades().map((t) => [t.makerOrderId, t.amount]), [[a1, 50_000_000], [c1, 50_000_000]]);
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, 50_000_000]]);
      });

      it('bids: the highest first, then arrival order', () => {
        const s = fresh();
        const a = s.place(buy('alice', '1', '100'));
        const c = s.place(buy('carol', '1', '101'));
        const d = s.place(buy('dave', '1', '101'));
        const out = s.when(sell('bob', '3', '99'));
        assert.deepEqual(out.trades().map((t) => t.makerOrderId), [c, d, a]);
      });

      it('a partially filled maker stays ahead of later orders at its price', () => {
        const s = fresh();
        const a = s.place(buy('alice', '1', '100'));
        s.given(sell('bob', '0.1', '100'));
        const c = s.place(buy('carol', '1', '100'));
        const out = s.when(sell('dave', '1', '100'));
        assert.deepEqual(out.trades().map((t) => [t.makerOrderId, t.amount]), [[a, 90_000_000], [c, 10_000_000]]);
      });
    });

    describe('fee rates', () => {
      it('uses each account\'s own rates; zero-fee accounts pay nothing', () => {
        const s = scenario({ bookFactory: factory }).given(
          trader('mm', { BTC: '1' }, { makerBps: 0, takerBps: 0 }),
          trader('t', { USD: '200' }, { makerBps: 20, takerBps: 50 }),
        );
        s.given(sell('mm', '1', '100'));
        const out = s.when(buy('t', '1', '100'));
        assert.deepEqual(out.trades().map((x) => [x.makerFee, x.takerFee]), [[0n, L('0.5')]]);
        assert.equal(s.balance('mm', 'USD').total, '100');
        assert.deepEqual(s.balance('t', 'USD'), { total: '99.5', held: '0', available: '99.5' });
        assert.equal(s.fees('USD'), '0.5');
      });

      it('a buy holds at the larger of the maker and taker rates', () => {
        const s = scenario({ bookFactory: factory }).given(trader('a', { USD: '1000' }, { makerBps: 50, takerBps: 10 }));
        s.given(buy('a', '1', '100'));
        assert.equal(s.balance('a', 'USD').held, '100.5');
      });

      it('the rates are fixed when the order is accepted; SetFees applies to later orders', () => {
        const s = fresh();
        const ask = s.place(sell('alice', '1', '100'));
        s.given(setFees('alice', 0, 0), setFees('bob', 0, 0));
        const out = s.when(buy('bob', '1', '100'));
        assert.deepEqual(out.trades().map((t) => [t.makerOrderId, t.makerFee, t.takerFee]), [[ask, L('0.1'), 0n]]);
        assert.equal(s.balance('bob', 'USD').total, '900');
      });

      it('fees on a non-USD quote are charged in that quote currency (ethbtc)', () => {
        const s = scenario({ bookFactory: factory }).given(trader('a', { ETH: '10' }), trader('b', { BTC: '1' }));
        s.given(sell('a', '2', '0.05', { symbol: 'ethbtc' }));
        const out = s.when(buy('b', '2', '0.05', { symbol: 'ethbtc' }));
        // notional 0.1 BTC; maker 10 bps = 0.0001, taker 35 bps = 0.00035
        assert.deepEqual(out.trades().map((t) => [t.feeCurrency, t.makerFee, t.takerFee]), [['BTC', L('0.0001'), L('0.00035')]]);
        assert.equal(s.balance('a', 'BTC').total, '0.0999');
        assert.equal(s.balance('b', 'BTC').total, '0.89965');
        assert.equal(s.balance('b', 'ETH').total, '2');
        assert.equal(s.fees('BTC'), '0.00045');
        assert.equal(s.fees('USD'), '0');
      });
    });

    it('balances are conserved per currency across many trades (totals + fees = deposits)', () => {
      const s = fresh();
      s.given(
        sell('alice', '0.3', '100'), sell('carol', '0.7', '100.5'), buy('dave', '0.2', '99'),
        buy('bob', '1.1', '101'), sell('carol', '0.5', '98'), account('zed'), deposit('zed', 'USD', '0.000000000000000001'),
      );
      for (const cur of ['USD', 'BTC']) {
        let sum = 0n;
        for (const a of s.engine.state.accounts.values()) {
          const b = a.balances.get(cur);
          if (b === undefined) continue;
          assert.ok(b.held >= 0n && b.held <= b.total, `${a.id} ${cur} held within total`);
          sum += b.total;
        }
        sum += s.engine.state.feesCollected.get(cur) ?? 0n;
        assert.equal(sum, cur === 'USD' ? L('4000.000000000000000001') : L('40'), cur);
      }
    });
  });
}
