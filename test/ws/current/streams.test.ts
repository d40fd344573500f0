/**
 * Every stream of the current WebSocket API over real connections: bookTicker, trade, partial
 * depth, differential depth (with and without snapshots, 100 ms and 1 s), orders@account,
 * orders@session, balances@account, and the {stream, data} wrapper.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, signedHeaders, sleep, startServer, type Client, type Frame, type Trader, type WsServer } from './harness.js';

let srv: WsServer;
let maker: Trader;
let taker: Trader;

before(async () => {
  srv = await startServer();
  maker = await srv.trader('Maker', { USD: '1000000', BTC: '100', ETH: '1000' });
  taker = await srv.trader('Taker', { USD: '1000000', BTC: '100', ETH: '1000' });
});
after(async () => srv.close());

async function order(t: Trader, side: string, amount: string, price: string, extra: Record<string, unknown> = {}): Promise<any> {
  const r = await t.rest.post('/v1/order/new', { symbol: 'btcusd', side, type: 'exchange limit', amount, price, ...extra });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function reset(): Promise<void> {
  await maker.rest.post('/v1/order/cancel/all', {});
  await taker.rest.post('/v1/order/cancel/all', {});
}

const isEvent = (e: string) => (f: Frame) => f['e'] === e;

test('bookTicker: best bid/ask on every change, E in ns, u the book update id', async () => {
  await reset();
  const c = await connect(srv.wsUrl);
  await c.request('subscribe', ['btcusd@bookTicker']);
  srv.clock.advance(1000);
  await order(maker, 'buy', '1', '100.00');
  const f1 = await c.next((f) => f['s'] === 'btcusd' && f['b'] === '100.00');
  assert.deepEqual(Object.keys(f1), ['u', 'E', 's', 'b', 'B', 'a', 'A']);
  assert.equal(f1['B'], '1');
  assert.equal(f1['a'], '0');
  assert.equal(f1['E'], srv.clock.now() * 1e6);
  await order(maker, 'sell', '2', '101.00');
  const f2 = await c.next((f) => f['a'] === '101.00');
  assert.equal(f2['A'], '2');
  assert.ok(f2['u'] > f1['u']);
  // a change below the top does not produce a frame
  const n = c.events.length;
  await order(maker, 'buy', '1', '90.00');
  await order(maker, 'buy', '1', '100.00');
  const f3 = await c.next((f) => f['B'] === '2');
  assert.equal(c.events.length, n + 1, 'one frame for the top change, none for the deep level');
  assert.equal(f3['b'], '100.00');
  await c.close();
});

test('trade: every trade with id, price, quantity, time and maker flag', async () => {
  await reset();
  const c = await connect(srv.wsUrl);
  await c.request('subscribe', ['btcusd@trade']);
  await order(maker, 'sell', '1', '200.00');
  await order(maker, 'sell', '1', '201.00');
  const t = await order(taker, 'buy', '1.5', '201.00');
  const trades = await c.count(isEvent('trade'), 2);
  assert.deepEqual(trades.map((f) => [f['p'], f['q'], f['m'], f['s']]), [['200.00', '1', false, 'btcusd'], ['201.00', '0.5', false, 'btcusd']]);
  assert.ok(trades[1]!['t'] > trades[0]!['t']);
  assert.equal(trades[0]!['E'], trades[0]!['T']);
  assert.equal(trades[0]!['T'], t.timestampms * 1e6);
  // a seller taking: buyer is maker
  await order(maker, 'buy', '1', '150.00');
  await order(taker, 'sell', '1', '150.00');
  const sellTaken = await c.next((f) => f['e'] === 'trade' && f['p'] === '150.00');
  assert.equal(sellTaken['m'], true);
  await c.close();
});

test('partial depth: a frame at subscribe, then one per interval, top N levels', async () => {
  await reset();
  for (let i = 0; i < 7; i++) await order(maker, 'buy', '1', `${100 - i}.00`);
  await order(maker, 'sell', '1', '110.00');
  const c = await connect(srv.wsUrl);
  await c.request('subscribe', ['btcusd@depth5@100ms']);
  const first = await c.next((f) => 'lastUpdateId' in f);
  assert.equal(first['bids'].length, 5);
  assert.deepEqual(first['bids'][0], ['100.00', '1']);
  assert.deepEqual(first['asks'], [['110.00', '1']]);
  assert.equal(first['s'], 'btcusd');
  await order(maker, 'buy', '1', '105.00');
  const later = await c.next((f) => 'lastUpdateId' in f && f['bids'][0][0] === '105.00');
  assert.ok(later['lastUpdateId'] > first['lastUpdateId']);
  assert.equal(later['bids'].length, 5);
  const n = c.events.length;
  await sleep(350);
  assert.ok(c.events.length - n >= 2, 'frames keep coming every 100 ms');
  await c.close();
});

async function checkDiffChain(c: Client, stream: (f: Frame) => boolean): Promise<Frame[]> {
  const frames = c.events.filter(stream);
  for (let i = 1; i < frames.length; i++) assert.equal(frames[i]!['U'], frames[i - 1]!['u'] + 1, 'update ids chain');
  return frames;
}

test('differential depth @100ms with snapshot=-1: snapshot frame, then diffs chaining U = u + 1', async () => {
  await reset();
  await order(maker, 'buy', '1', '100.00');
  await order(maker, 'sell', '1', '101.00');
  const c = await connect(srv.wsUrl, { query: 'snapshot=-1' });
  const ack = await c.request('subscribe', ['btcusd@depth@100ms']);
  assert.deepEqual(ack, { id: ack.id, status: 200, result: null });
  const snap = await c.next(isEvent('depthUpdate'));
  assert.equal(snap['U'], snap['u']);
  assert.deepEqual(snap['b'], [['100.00', '1']]);
  assert.deepEqual(snap['a'], [['101.00', '1']]);
  assert.equal(c.frames.indexOf(ack) < c.frames.indexOf(snap), true, 'ack before snapshot');
  const b = await order(maker, 'buy', '2', '100.00');
  await order(taker, 'buy', '0.5', '101.00', { options: ['maker-or-cancel'] }); // cancelled: book unchanged
  await order(taker, 'buy', '1', '101.00'); // takes the ask
  await maker.rest.post('/v1/order/cancel', { order_id: b.order_id });
  const last = await c.next((f) => f['e'] === 'depthUpdate' && f['b'].some((l: string[]) => l[0] === '100.00' && l[1] === '1'), 3000, c.frames.indexOf(snap) + 1);
  const frames = await checkDiffChain(c, isEvent('depthUpdate'));
  assert.equal(frames[0], snap);
  assert.equal(frames[1]!['U'], snap['u'] + 1);
  assert.ok(last['u'] >= last['U']);
  // the client's book equals the exchange's
  const book = new Map<string, string>();
  for (const f of frames) for (const [side, levels] of [['b', f['b']], ['a', f['a']]] as const) for (const [p, q] of levels) q === '0' ? book.delete(`${side}${p}`) : book.set(`${side}${p}`, q);
  assert.deepEqual([...book].sort(), [['b100.00', '1']]);
  await c.close();
});

test('differential depth without snapshot, and with snapshot=N (top N)', async () => {
  await reset();
  for (let i = 0; i < 4; i++) await order(maker, 'sell', '1', `${120 + i}.00`);
  const plain = await connect(srv.wsUrl);
  const top2 = await connect(srv.wsUrl, { query: 'snapshot=2' });
  await plain.request('subscribe', ['btcusd@depth@100ms']);
  await top2.request('subscribe', ['btcusd@depth@100ms']);
  const s = await top2.next(isEvent('depthUpdate'));
  assert.deepEqual(s['a'], [['120.00', '1'], ['121.00', '1']]);
  assert.deepEqual(s['b'], []);
  await order(maker, 'sell', '1', '119.00');
  const d = await plain.next(isEvent('depthUpdate'));
  assert.deepEqual(d['a'], [['119.00', '1']]);
  const d2 = await top2.next((f) => f['e'] === 'depthUpdate' && f !== s);
  assert.equal(d2['U'], s['u'] + 1);
  assert.equal(d2['U'], d['U']);
  await plain.close();
  await top2.close();
});

test('differential depth @1s merges a second of changes into one frame', async () => {
  await reset();
  const c = await connect(srv.wsUrl);
  await c.request('subscribe', ['btcusd@depth']);
  const t0 = Date.now();
  for (let i = 0; i < 5; i++) await order(maker, 'buy', '1', `${80 + i}.00`);
  const f = await c.next(isEvent('depthUpdate'), 3000);
  assert.ok(Date.now() - t0 < 2500);
  assert.equal(f['b'].length, 5, 'one frame for five orders');
  assert.deepEqual(f['b'][0], ['84.00', '1']);
  assert.ok(f['u'] - f['U'] >= 4);
  await c.close();
});

test('wrap=true sends {stream, data}', async () => {
  await reset();
  const c = await connect(srv.wsUrl, { query: 'wrap=true' });
  await c.request('subscribe', ['btcusd@bookTicker']);
  await order(maker, 'buy', '1', '100.00');
  const f = await c.next((x) => x['stream'] === 'btcusd@bookTicker');
  assert.equal(f['data']['b'], '100.00');
  await c.close();
});

test('orders@account, orders@session and balances@account', async () => {
  await reset();
  const k2 = srv.exchange.createKey({ account: maker.account });
  const c = await connect(srv.wsUrl, { headers: signedHeaders(maker.key), query: 'wrap=true' });
  assert.equal((await c.request('subscribe', ['orders@account', 'orders@session', 'balances@account'])).status, 200);
  // placed with this connection's key: on both order streams
  const own = await order(maker, 'sell', '1', '300.00', { client_order_id: 'mine' });
  // placed with another key of the account: on orders@account only
  const { GeminiClient } = await import('../../rest/client.js');
  const other = (await new GeminiClient(srv.url, k2.key, k2.secret).post('/v1/order/new', { symbol: 'btcusd', side: 'sell', type: 'exchange limit', amount: '1', price: '301.00' })).body;
  await order(taker, 'buy', '1.5', '301.00');
  await maker.rest.post('/v1/order/cancel', { order_id: other.order_id });
  await c.count((f) => f['stream'] === 'orders@account' && f['data']['X'] === 'CANCELED', 1);
  await sleep(50);
  const on = (stream: string) => c.events.filter((f) => f['stream'] === stream).map((f) => f['data'] as Frame);
  const account = on('orders@account');
  const session = on('orders@session');
  const ownId = Number(own.order_id);
  const otherId = Number(other.order_id);
  const statuses = (us: Frame[], id: number) => us.filter((u) => u['i'] === id).map((u) => u['X']);
  assert.deepEqual(statuses(account, ownId), ['NEW', 'OPEN', 'FILLED']);
  assert.deepEqual(statuses(session, ownId), ['NEW', 'OPEN', 'FILLED']);
  assert.deepEqual(statuses(account, otherId), ['NEW', 'OPEN', 'PARTIALLY_FILLED', 'CANCELED']);
  assert.deepEqual(statuses(session, otherId), []);
  const fill = account.find((u) => u['i'] === ownId && u['X'] === 'FILLED')!;
  assert.equal(fill['e'], 'orderUpdate');
  assert.equal(fill['s'], 'BTCUSD');
  assert.equal(fill['S'], 'SELL');
  assert.equal(fill['o'], 'LIMIT');
  assert.equal(fill['c'], 'mine');
  assert.equal(fill['q'], '1');
  assert.equal(fill['p'], '300.00');
  assert.equal(fill['Z'], '1');
  assert.equal(fill['L'], '300.00');
  assert.equal(fill['z'], '0');
  assert.equal(fill['m'], true);
  assert.equal(typeof fill['t'], 'number');
  const partial = account.find((u) => u['i'] === otherId && u['X'] === 'PARTIALLY_FILLED')!;
  assert.equal(partial['Z'], '0.5');
  assert.equal(partial['z'], '0.5');
  const cancelled = account.find((u) => u['i'] === otherId && u['X'] === 'CANCELED')!;
  assert.equal(cancelled['r'], 'Requested');
  assert.equal(cancelled['Z'], '0.5', 'cumulative on CANCELED');
  // balances: absolute, only touched currencies
  const bal = on('balances@account');
  assert.ok(bal.length >= 3);
  assert.ok(bal.every((b) => b['e'] === 'balanceUpdate'));
  const lastUsd = bal.flatMap((b) => b['B']).filter((x: any) => x.a === 'USD').at(-1);
  const restBal = (await maker.rest.post('/v1/balances', {})).body.find((r: any) => r.currency === 'USD');
  assert.equal(lastUsd.c, restBal.amount);
  assert.equal(lastUsd.f, restBal.available);
  await c.close();
});

test('a refused order.place sends REJECTED on the placing connection', async () => {
  const c = await connect(srv.wsUrl, { headers: signedHeaders(taker.key) });
  await c.request('subscribe', ['orders@session']);
  const r = await c.request('order.place', { symbol: 'btcusd', side: 'BUY', type: 'LIMIT', price: '1.001', quantity: '1', clientOrderId: 'bad-1' });
  assert.equal(r.error.reason, 'InvalidPrice');
  const rej = await c.next((f) => f['X'] === 'REJECTED');
  assert.equal(rej['r'], 'InvalidPrice');
  assert.equal(rej['c'], 'bad-1');
  assert.equal(rej['s'], 'BTCUSD');
  await c.close();
});
