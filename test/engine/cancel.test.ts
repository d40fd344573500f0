/**
 * Every cancel path: one order, unknown/closed/foreign orders, all of an account, a session,
 * a heartbeat expiry — and that each releases exactly the hold it should. Runs against every book.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BOOKS, buy, cancel, cancelAll, cancelSession, expireSession, scenario, sell, stopLimit, trader,
} from '../support/harness.js';

const BTC = 100_000_000;

for (const { name, factory } of BOOKS) {
  describe(`cancel [${name}]`, () => {
    const fresh = () =>
      scenario({ bookFactory: factory }).given(
        trader('alice', { USD: '1000', BTC: '10', ETH: '10' }),
        trader('bob', { USD: '1000', BTC: '10', ETH: '10' }),
      );

    describe('one order', () => {
      it('takes a resting order out of the book with reason Requested and releases its hold', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100', { clientOrderId: 'mine' }));
        const out = s.when(cancel('alice', id));
        out.thenEvents({
          type: 'OrderCancelled', reason: 'Requested',
          order: {
            id, account: 'alice', kind: 'limit', side: 'buy', price: 10000, amount: BTC, executed: 0, clientOrderId: 'mine',
            isLive: false, isCancelled: true, reason: 'Requested', closedTime: s.nextTime - 1,
          },
        });
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '0', available: '1000' });
        assert.deepEqual(s.depth('btcusd', 'buy'), []);
        assert.equal(s.engine.book('btcusd')!.size(), 0);
        assert.deepEqual(s.openIds('alice'), []);
        assert.equal(s.engine.order(id), undefined);
      });

      it('releases exactly that order\'s hold and leaves the others\'', () => {
        const s = fresh();
        const a = s.place(buy('alice', '1', '100'));
        s.given(buy('alice', '0.5', '99.99'), sell('alice', '2', '200'), sell('alice', '0.3', '2100', { symbol: 'ethusd' }));
        // 100.35 + 0.5 x 99.99 x 1.0035 (50.1699825) = 150.5199825
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '150.5199825', available: '849.4800175' });
        s.when(cancel('alice', a)).thenTypes('OrderCancelled');
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '50.1699825', available: '949.8300175' });
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '10', held: '2', available: '8' });
        assert.deepEqual(s.balance('alice', 'ETH'), { total: '10', held: '0.3', available: '9.7' });
      });

      it('cancelling a partially filled order keeps what was filled and releases only the rest', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100'));
        s.given(sell('bob', '0.25', '100'));
        const out = s.when(cancel('alice', id));
        out.thenEvents({ type: 'OrderCancelled', order: { executed: 25_000_000, filledNotional: 10000n * 25_000_000n } });
        // paid 25 + 10 bps
        assert.deepEqual(s.balance('alice', 'USD'), { total: '974.975', held: '0', available: '974.975' });
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '10.25', held: '0', available: '10.25' });
      });

      it('a sell releases its held base', () => {
        const s = fresh();
        const id = s.place(sell('alice', '1.5', '100'));
        s.when(cancel('alice', id)).thenTypes('OrderCancelled');
        assert.deepEqual(s.balance('alice', 'BTC'), { total: '10', held: '0', available: '10' });
      });

      it('keeps FIFO for the other orders at the level (cancelling the middle one)', () => {
        const s = fresh().given(trader('carol', { BTC: '5' }));
        const a = s.place(sell('alice', '1', '100'));
        const c = s.place(sell('carol', '1', '100'));
        const a2 = s.place(sell('alice', '1', '100'));
        s.given(cancel('carol', c));
        assert.deepEqual(s.depth('btcusd', 'sell'), [[10000, 2 * BTC]]);
        const out = s.when(buy('bob', '2', '100'));
        assert.deepEqual(out.trades().map((t) => t.makerOrderId), [a, a2]);
      });

      it('accepts the id as a JSON number too', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100'));
        s.when({ type: 'CancelOrder', account: 'alice', orderId: id as unknown as string }).thenEvents({ type: 'OrderCancelled', order: { id } });
        s.when({ type: 'CancelOrder', account: 'alice', orderId: 1.5 as unknown as string }).thenRejected('OrderNotFound');
      });

      it('an order that is already cancelled is OrderNotFound', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100'));
        s.given(cancel('alice', id));
        s.when(cancel('alice', id)).thenRejected('OrderNotFound');
      });

      it('an order that has filled is OrderNotFound', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100'));
        s.given(sell('bob', '1', '100'));
        s.when(cancel('alice', id)).thenRejected('OrderNotFound');
      });

      it('an IOC/market order is never open afterwards: OrderNotFound', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100', { options: ['immediate-or-cancel'] }));
        s.when(cancel('alice', id)).thenRejected('OrderNotFound');
      });

      it('unknown or malformed ids are OrderNotFound', () => {
        const s = fresh();
        s.given(buy('alice', '1', '100'));
        for (const id of ['999', '0', '-1', '1.0', '1e0', 'abc', '', ' 1', '12345678901234567']) {
          s.when(cancel('alice', id)).thenRejected('OrderNotFound');
        }
      });

      it('another account\'s order is OrderNotFound and stays live', () => {
        const s = fresh();
        const id = s.place(buy('alice', '1', '100'));
        s.when(cancel('bob', id)).thenRejected('OrderNotFound');
        s.when(cancel('nobody', id)).thenRejected('OrderNotFound');
        assert.deepEqual(s.openIds('alice'), [id]);
        assert.equal(s.engine.order(id)?.isLive, true);
      });
    });

    describe('all orders of an account', () => {
      it('cancels every open order of the account, in id order, across markets and sessions, stops included', () => {
        const s = fresh();
        const ids = [
          s.place(buy('alice', '1', '100', { session: 'k1' })),
          s.place(sell('alice', '1', '200', { session: 'UI' })),
          s.place(sell('alice', '1', '2000', { symbol: 'ethusd', session: 'k2' })),
          s.place(stopLimit('alice', 'buy', '1', '150', '140')),
        ];
        const bobs = s.place(buy('bob', '1', '99'));
        const out = s.when(cancelAll('alice'));
        assert.deepEqual(out.events.map((e) => (e.type === 'OrderCancelled' ? [e.order.id, e.reason] : e.type)), ids.map((id) => [id, 'Requested']));
        assert.deepEqual(s.openIds('alice'), []);
        assert.deepEqual(s.openIds('bob'), [bobs]);
        for (const c of ['USD', 'BTC', 'ETH']) assert.equal(s.balance('alice', c).held, '0', c);
        assert.equal(s.engine.state.markets.get('btcusd')!.stops.length, 0);
        assert.deepEqual(s.depth('btcusd', 'buy'), [[9900, BTC]]);
      });

      it('an account without open orders: success, no events', () => {
        const s = fresh();
        s.when(cancelAll('bob')).thenTypes();
      });

      it('an unknown account is UnknownAccount', () => {
        fresh().when(cancelAll('nobody')).thenRejected('UnknownAccount', 'nobody');
      });
    });

    describe('session', () => {
      const withSessions = () => {
        const s = fresh();
        const k1 = [
          s.place(buy('alice', '1', '100', { session: 'k1' })),
          s.place(sell('alice', '1', '2000', { symbol: 'ethusd', session: 'k1' })),
          s.place(stopLimit('alice', 'sell', '1', '90', '95', { session: 'k1' })),
        ];
        const other = [s.place(buy('alice', '1', '99', { session: 'k2' })), s.place(buy('alice', '1', '98', { session: 'UI' }))];
        const bob = s.place(sell('bob', '1', '101', { session: 'k3' }));
        return { s, k1, other, bob };
      };

      it('CancelSessionOrders cancels only that session\'s orders (all markets, stops too), reason Requested', () => {
        const { s, k1, other, bob } = withSessions();
        const out = s.when(cancelSession('k1'));
        assert.deepEqual(out.cancelled().map((e) => [e.order.id, e.reason, e.order.session]), k1.map((id) => [id, 'Requested', 'k1']));
        assert.equal(out.events.length, 3);
        assert.deepEqual(s.openIds('alice'), other);
        assert.deepEqual(s.openIds('bob'), [bob]);
        // remaining holds: 99 x 1.0035 + 98 x 1.0035 = 197.6895
        assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '197.6895', available: '802.3105' });
        assert.deepEqual(s.balance('alice', 'BTC').held, '0');
        assert.deepEqual(s.balance('alice', 'ETH').held, '0');
      });

      it('ExpireSession cancels the session\'s orders with reason HeartbeatTimeout', () => {
        const { s, k1, other } = withSessions();
        const out = s.when(expireSession('k1'));
        assert.deepEqual(
          out.cancelled().map((e) => [e.order.id, e.reason, e.order.reason, e.order.isCancelled, e.order.closedTime]),
          k1.map((id) => [id, 'HeartbeatTimeout', 'HeartbeatTimeout', true, s.nextTime - 1]),
        );
        assert.deepEqual(s.openIds('alice'), other);
      });

      it('a session without orders (or unknown) is a success with no events', () => {
        const { s } = withSessions();
        s.when(cancelSession('nope')).thenTypes();
        s.when(expireSession('nope')).thenTypes();
        s.given(cancelSession('k1'));
        s.when(expireSession('k1')).thenTypes();
      });
    });
  });
}
