/**
 * /v2/marketdata over real sockets: subscribe/unsubscribe, the initial l2 snapshot with recent
 * trades, incremental l2_updates and trade messages, candles, heartbeats from the exchange clock,
 * error replies for bad frames (the connection keeps working), and the slow-consumer rule.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Recorder, settle, startWsServer, type Trader, type WsServer } from './harness.js';

let s: WsServer;
let maker: Trader;
let taker: Trader;

before(async () => {
  s = await startWsServer('v2');
  maker = await s.trader('v2 maker', { USD: '10000000', BTC: '1000', ETH: '10000' });
  taker = await s.trader('v2 taker', { USD: '10000000', BTC: '1000', ETH: '10000' });
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

const v2 = () => Recorder.open(`${s.wsUrl}/v2/marketdata`);
const ofType = (msgs: any[], type: string, symbol?: string) => msgs.filter((m) => m.type === type && (symbol === undefined || m.symbol === symbol));

describe('/v2/marketdata l2', () => {
  it('sends the whole book and recent trades first, then level changes and trades', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'btcusd', 'buy', '0.5', '29999.50');
    await place(maker, 'btcusd', 'sell', '2', '30010.00');
    await place(maker, 'ethusd', 'sell', '3', '2000.00');
    await place(taker, 'btcusd', 'sell', '0.25', '30000.00'); // trades with the 30000 bid
    const c = await v2();
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD', 'ETHUSD'] }] });
    await c.until((m) => ofType(m, 'l2_updates').length >= 2);
    const btc = ofType(c.messages, 'l2_updates', 'BTCUSD')[0];
    assert.deepEqual(btc.changes, [
      ['buy', '30000.00', '0.75'],
      ['buy', '29999.50', '0.5'],
      ['sell', '30010.00', '2'],
    ]);
    assert.deepEqual(btc.auction_events, []);
    assert.equal(btc.trades.length, 1);
    const t0 = btc.trades[0];
    assert.equal(t0.type, 'trade');
    assert.equal(t0.symbol, 'BTCUSD');
    assert.equal(t0.price, '30000.00');
    assert.equal(t0.quantity, '0.25');
    assert.equal(t0.side, 'sell');
    assert.equal(t0.timestamp, s.clock.now());
    assert.equal(typeof t0.event_id, 'number');
    assert.equal(t0.eventid, t0.event_id);
    const eth = ofType(c.messages, 'l2_updates', 'ETHUSD')[0];
    assert.deepEqual(eth.changes, [['sell', '2000.00', '3']]);
    assert.deepEqual(eth.trades, []);

    const n = c.messages.length;
    await place(taker, 'btcusd', 'buy', '0.5', '30010.00'); // takes half the ask
    await place(maker, 'btcusd', 'buy', '1', '29000.00');
    await c.until((m) => m.length >= n + 3);
    const live = c.messages.slice(n);
    const trade = live.find((m) => m.type === 'trade');
    assert.deepEqual(
      { ...trade, event_id: 0, tid: 0 },
      { type: 'trade', symbol: 'BTCUSD', event_id: 0, timestamp: s.clock.now(), price: '30010.00', quantity: '0.5', side: 'buy', tid: 0 },
    );
    const updates = ofType(live, 'l2_updates', 'BTCUSD');
    assert.deepEqual(updates[0].changes, [['sell', '30010.00', '1.5']]);
    assert.equal(updates[0].trades, undefined);
    assert.deepEqual(updates[1].changes, [['buy', '29000.00', '1']]);

    // a removed level is sent as "0"
    await cancelAll();
    await c.until((m) => ofType(m, 'l2_updates', 'ETHUSD').length >= 2);
    await c.until((m) => m.some((x) => x.type === 'l2_updates' && x.symbol === 'BTCUSD' && x.changes.some((ch: any) => ch[1] === '29000.00' && ch[2] === '0')));
    c.close();
  });

  it('does not send a second snapshot for a repeated subscription; unsubscribe stops the symbol', async () => {
    const c = await v2();
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['btcusd'] }] });
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD'] }] });
    await c.nth(0);
    await place(maker, 'btcusd', 'buy', '1', '100.00');
    await c.until((m) => m.length >= 2);
    assert.equal(c.messages.filter((m) => m.trades !== undefined).length, 1);
    c.send({ type: 'unsubscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD'] }] });
    await settle(50);
    const n = c.messages.length;
    await place(maker, 'btcusd', 'buy', '1', '101.00');
    await settle(50);
    assert.equal(c.messages.length, n);
    await cancelAll();
    c.close();
  });

  it('answers bad frames with an error and keeps serving', async () => {
    const c = await v2();
    c.send('not json');
    c.send([1, 2]);
    c.send({ type: 'subscribe' });
    c.send({ type: 'resubscribe', subscriptions: [] });
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l3', symbols: ['BTCUSD'] }] });
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['NOPE', 7] }] });
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: 'BTCUSD' }] });
    c.ws.send(Buffer.from([0xff, 0xfe, 0x00]), { binary: true });
    await c.until((m) => m.length >= 8);
    assert.deepEqual(
      c.messages.map((m) => m.reason),
      ['InvalidJson', 'InvalidJson', 'InvalidJson', 'InvalidJson', 'InvalidSubscription', 'NoValidTradingPairs', 'InvalidJson', 'InvalidJson'],
    );
    for (const m of c.messages) {
      assert.equal(m.result, 'error');
      assert.equal(typeof m.message, 'string');
    }
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['NOPE', 'ETHUSD'] }] });
    await c.until((m) => m.some((x) => x.type === 'l2_updates' && x.symbol === 'ETHUSD'));
    c.close();
  });

  it('sends heartbeats as the exchange clock passes 5 s', async () => {
    const c = await v2();
    s.clock.advance(5_000);
    await c.until((m) => m.some((x) => x.type === 'heartbeat'));
    assert.deepEqual(c.messages.find((x) => x.type === 'heartbeat'), { type: 'heartbeat', timestamp: s.clock.now() });
    s.clock.advance(1_000);
    await settle(30);
    assert.equal(ofType(c.messages, 'heartbeat').length, 1);
    c.close();
  });
});

describe('/v2/marketdata candles', () => {
  it('sends the candles held, then the changed ones after each trade; echoes the name used', async () => {
    const c = await v2();
    c.send({ type: 'subscribe', subscriptions: [{ name: 'candles_1m', symbols: ['ETHUSD'] }, { name: 'candles_1hr', symbols: ['ETHUSD'] }] });
    await c.until((m) => m.length >= 2);
    const first = ofType(c.messages, 'candles_1m_updates', 'ETHUSD')[0];
    assert.deepEqual(first.changes, []); // no ETH trade yet
    assert.ok(ofType(c.messages, 'candles_1hr_updates', 'ETHUSD')[0]);
    s.clock.advance(60_000);
    await place(maker, 'ethusd', 'sell', '2', '2000.00');
    await place(taker, 'ethusd', 'buy', '1', '2000.00');
    await c.until((m) => ofType(m, 'candles_1m_updates').length >= 2 && ofType(m, 'candles_1hr_updates').length >= 2);
    const upd = ofType(c.messages, 'candles_1m_updates')[1];
    const bucket = Math.floor(s.clock.now() / 60_000) * 60_000;
    assert.deepEqual(upd.changes, [[bucket, 2000, 2000, 2000, 2000, 1]]);
    await place(taker, 'ethusd', 'buy', '0.5', '2000.00');
    await c.until((m) => ofType(m, 'candles_1m_updates').length >= 3);
    assert.deepEqual(ofType(c.messages, 'candles_1m_updates')[2].changes, [[bucket, 2000, 2000, 2000, 2000, 1.5]]);
    // a new subscriber sees the candle in its first message
    const d = await v2();
    d.send({ type: 'subscribe', subscriptions: [{ name: 'candles_1m', symbols: ['ETHUSD'] }] });
    const init = await d.nth(0);
    assert.deepEqual(init.changes[0], [bucket, 2000, 2000, 2000, 2000, 1.5]);
    await cancelAll();
    c.close();
    d.close();
  });
});

describe('/v2/marketdata slow consumers', () => {
  it('closes a connection that stops reading instead of buffering without bound', async () => {
    // a deep book makes every snapshot large (~100 KB)
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 1500; i++) {
      pending.push(s.exchange.submit({ type: 'PlaceOrder', account: maker.account, session: 'UI', symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.001', price: (1000 + i).toFixed(2), options: [] }));
    }
    await Promise.all(pending);
    const c = await v2();
    const fine = await v2();
    fine.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD'] }] });
    await fine.nth(0);
    c.ws.pause();
    const before = s.ws.wss.clients.size;
    for (let i = 0; i < 400; i++) {
      c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD'] }] });
      c.send({ type: 'unsubscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD'] }] });
    }
    const until = Date.now() + 10_000;
    while (s.ws.wss.clients.size >= before && Date.now() < until) await settle(50);
    assert.equal(s.ws.wss.clients.size, before - 1, 'the slow client was dropped');
    c.ws.resume();
    const code = await c.waitClosed(5000);
    assert.ok(code === 1008 || code === 1006, `close code ${code}`);
    // the reading client is unaffected
    await place(maker, 'btcusd', 'buy', '1', '5.00');
    await fine.until((m) => m.some((x) => x.type === 'l2_updates' && x.changes.some((ch: any) => ch[1] === '5.00')));
    fine.close();
    await cancelAll();
  });
});
