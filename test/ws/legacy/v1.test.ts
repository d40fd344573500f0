/**
 * /v1/marketdata/:symbol and /v1/multimarketdata over real sockets: the initial update, change
 * and trade events with their reasons, the query flags (bids/offers/trades/top_of_book/
 * heartbeat), socket_sequence, refusals of unknown symbols, error replies to client frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Recorder, refused, settle, startWsServer, type Trader, type WsServer } from './harness.js';

let s: WsServer;
let maker: Trader;
let taker: Trader;

before(async () => {
  s = await startWsServer('v1');
  maker = await s.trader('v1 maker', { USD: '10000000', BTC: '1000', ETH: '10000' });
  taker = await s.trader('v1 taker', { USD: '10000000', BTC: '1000', ETH: '10000' });
});
after(() => s.close());

async function place(t: Trader, symbol: string, side: 'buy' | 'sell', amount: string, price: string): Promise<any> {
  const r = await t.client.post('/v1/order/new', { symbol, side, amount, price, type: 'exchange limit' });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function cancelAll(): Promise<void> {
  for (const t of [maker, taker]) await t.client.post('/v1/order/cancel/all');
}

function assertSequenced(msgs: any[]): void {
  msgs.forEach((m, i) => assert.equal(m.socket_sequence, i, `message ${i}: ${JSON.stringify(m)}`));
}

describe('/v1/marketdata/:symbol', () => {
  it('starts with the book as initial changes, then sends place/trade/cancel changes and trades', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'btcusd', 'sell', '2', '30010.00');
    const third = await place(maker, 'btcusd', 'sell', '1', '30020.00');
    const c = await Recorder.open(`${s.wsUrl}/v1/marketdata/btcusd`);
    const init = await c.nth(0);
    assert.equal(init.type, 'update');
    assert.equal(init.socket_sequence, 0);
    assert.equal(typeof init.eventId, 'number');
    assert.equal(init.timestamp, undefined);
    assert.deepEqual(init.events, [
      { type: 'change', price: '30000.00', side: 'bid', reason: 'initial', remaining: '1', delta: '1' },
      { type: 'change', price: '30010.00', side: 'ask', reason: 'initial', remaining: '2', delta: '2' },
      { type: 'change', price: '30020.00', side: 'ask', reason: 'initial', remaining: '1', delta: '1' },
    ]);
    await maker.client.post('/v1/order/cancel', { order_id: third.order_id });
    assert.equal((await c.nth(1)).events[0].reason, 'cancel');

    await place(maker, 'btcusd', 'buy', '0.5', '30000.00');
    const place1 = await c.nth(2);
    assert.equal(place1.eventId, init.eventId + 2);
    assert.equal(place1.timestampms, s.clock.now());
    assert.equal(place1.timestamp, Math.floor(s.clock.now() / 1000));
    assert.deepEqual(place1.events, [{ type: 'change', price: '30000.00', side: 'bid', reason: 'place', remaining: '1.5', delta: '0.5' }]);

    const o = await place(taker, 'btcusd', 'buy', '0.75', '30010.00');
    const tr = await c.nth(3);
    assert.equal(tr.events.length, 2);
    const [trade, change] = tr.events;
    assert.equal(trade.type, 'trade');
    assert.equal(typeof trade.tid, 'number');
    assert.deepEqual({ ...trade, tid: 0 }, { type: 'trade', tid: 0, price: '30010.00', amount: '0.75', makerSide: 'ask' });
    assert.deepEqual(change, { type: 'change', price: '30010.00', side: 'ask', reason: 'trade', remaining: '1.25', delta: '-0.75' });
    assert.equal(o.is_live, false);

    await cancelAll();
    await c.until((m) => m.length >= 5);
    const cancels = c.messages.slice(4).flatMap((m) => m.events);
    assert.deepEqual(
      cancels.map((e: any) => [e.side, e.price, e.reason, e.remaining, e.delta]).sort(),
      [
        ['ask', '30010.00', 'cancel', '0', '-1.25'],
        ['bid', '30000.00', 'cancel', '0', '-1.5'],
      ],
    );
    assertSequenced(c.messages);
    c.close();
  });

  it('honours the flags: trades only, bids only, heartbeats', async () => {
    const tradesOnly = await Recorder.open(`${s.wsUrl}/v1/marketdata/BTCUSD?trades=true&heartbeat=true`);
    const bidsOnly = await Recorder.open(`${s.wsUrl}/v1/marketdata/btcusd?bids=true&offers=false&trades=false`);
    const noTrades = await Recorder.open(`${s.wsUrl}/v1/marketdata/btcusd?trades=false`);
    await Promise.all([tradesOnly.nth(0), bidsOnly.nth(0), noTrades.nth(0)]);
    assert.deepEqual(tradesOnly.messages[0].events, []);
    await place(maker, 'btcusd', 'sell', '1', '31000.00');
    await place(maker, 'btcusd', 'buy', '1', '29000.00');
    await place(taker, 'btcusd', 'buy', '0.1', '31000.00');
    await noTrades.until((m) => m.length >= 4);
    await bidsOnly.until((m) => m.length >= 2);
    await tradesOnly.until((m) => m.length >= 2);
    assert.deepEqual(tradesOnly.messages[1].events.map((e: any) => e.type), ['trade']);
    assert.ok(bidsOnly.messages.slice(1).flatMap((m) => m.events).every((e: any) => e.side === 'bid'));
    assert.ok(noTrades.messages.flatMap((m) => m.events).every((e: any) => e.type === 'change'));
    s.clock.advance(5_000);
    await tradesOnly.until((m) => m.some((x) => x.type === 'heartbeat'));
    const hb = tradesOnly.messages.find((x) => x.type === 'heartbeat');
    assert.deepEqual(hb, { type: 'heartbeat', socket_sequence: tradesOnly.messages.indexOf(hb) });
    await settle(30);
    assert.ok(!noTrades.messages.some((x) => x.type === 'heartbeat'), 'no heartbeats unless asked for');
    for (const c of [tradesOnly, bidsOnly, noTrades]) {
      assertSequenced(c.messages);
      c.close();
    }
    await cancelAll();
  });

  it('top_of_book sends the best bid and ask, and an emptied side as remaining 0', async () => {
    await place(maker, 'ethusd', 'buy', '1', '1900.00');
    await place(maker, 'ethusd', 'buy', '1', '1800.00');
    const c = await Recorder.open(`${s.wsUrl}/v1/marketdata/ethusd?top_of_book=true&trades=false&bids=true&offers=true`);
    const init = await c.nth(0);
    assert.deepEqual(init.events, [{ type: 'change', price: '1900.00', side: 'bid', reason: 'initial', remaining: '1' }]);
    await place(maker, 'ethusd', 'sell', '2', '2000.00');
    const ask = await c.nth(1);
    assert.deepEqual(ask.events, [{ type: 'change', price: '2000.00', side: 'ask', reason: 'top-of-book', remaining: '2' }]);
    await place(maker, 'ethusd', 'buy', '1', '1700.00'); // not the top: nothing
    await place(taker, 'ethusd', 'sell', '1', '1900.00'); // the best bid goes, 1800 is next
    const next = await c.nth(2);
    assert.deepEqual(next.events, [{ type: 'change', price: '1800.00', side: 'bid', reason: 'top-of-book', remaining: '1' }]);
    await cancelAll();
    await c.until((m) => m.some((x) => x.events?.some((e: any) => e.side === 'ask' && e.remaining === '0')));
    await c.until((m) => m.some((x) => x.events?.some((e: any) => e.side === 'bid' && e.remaining === '0')));
    assertSequenced(c.messages);
    c.close();
  });

  it('sends a two-level book as two initial updates (ccxt reads two initial changes as a top-of-book pair)', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'btcusd', 'sell', '2', '30010.00');
    const c = await Recorder.open(`${s.wsUrl}/v1/marketdata/btcusd`);
    await c.until((m) => m.length >= 2);
    assert.deepEqual(c.messages.map((m) => m.events.map((e: any) => e.price)), [['30000.00'], ['30010.00']]);
    assert.deepEqual(c.messages.map((m) => m.socket_sequence), [0, 1]);
    assert.equal(c.messages[0].eventId, c.messages[1].eventId);
    c.close();
    await cancelAll();
  });

  it('refuses unknown symbols before the upgrade and answers client frames with an error', async () => {
    const r = await refused(`${s.wsUrl}/v1/marketdata/nosuch`);
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'InvalidSymbol');
    assert.equal(r.body.result, 'error');
    const c = await Recorder.open(`${s.wsUrl}/v1/marketdata/btcusd`);
    await c.nth(0);
    c.send('hello');
    const e = await c.nth(1);
    assert.equal(e.result, 'error');
    assert.equal(e.socket_sequence, undefined);
    c.close();
  });
});

describe('/v1/multimarketdata', () => {
  it('streams several symbols, one symbol per message, with symbol on every event', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'ethusd', 'sell', '1', '2000.00');
    const c = await Recorder.open(`${s.wsUrl}/v1/multimarketdata?symbols=BTCUSD,ethusd&heartbeat=true&trades=true&bids=true&offers=true`);
    await c.until((m) => m.length >= 2);
    assert.deepEqual(c.messages[0].events, [{ type: 'change', price: '30000.00', side: 'bid', reason: 'initial', remaining: '1', delta: '1', symbol: 'BTCUSD' }]);
    assert.deepEqual(c.messages[1].events, [{ type: 'change', price: '2000.00', side: 'ask', reason: 'initial', remaining: '1', delta: '1', symbol: 'ETHUSD' }]);
    // one command touching both books is not possible; two commands in one batch are
    await Promise.all([
      s.exchange.submit({ type: 'PlaceOrder', account: taker.account, session: 'UI', symbol: 'btcusd', side: 'sell', orderType: 'exchange limit', amount: '0.5', price: '30000.00', options: [] }),
      s.exchange.submit({ type: 'PlaceOrder', account: taker.account, session: 'UI', symbol: 'ethusd', side: 'buy', orderType: 'exchange limit', amount: '0.5', price: '2000.00', options: [] }),
    ]);
    await c.until((m) => m.length >= 4);
    for (const m of c.messages.slice(2)) {
      const syms = new Set(m.events.map((e: any) => e.symbol));
      assert.equal(syms.size, 1, JSON.stringify(m));
      assert.deepEqual(m.events.map((e: any) => e.type), ['trade', 'change']);
    }
    assert.deepEqual(c.messages.slice(2).map((m) => m.events[0].symbol).sort(), ['BTCUSD', 'ETHUSD']);
    assertSequenced(c.messages);
    const bad = await refused(`${s.wsUrl}/v1/multimarketdata?symbols=btcusd,nosuch`);
    assert.equal(bad.body.reason, 'InvalidSymbol');
    const none = await refused(`${s.wsUrl}/v1/multimarketdata`);
    assert.equal(none.status, 400);
    c.close();
    await cancelAll();
  });
});
