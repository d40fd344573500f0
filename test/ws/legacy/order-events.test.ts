/**
 * /v1/order/events over real sockets: REST-scheme upgrade authentication and its refusals, the
 * subscription ack, initial open orders, the lifecycle events (accepted, booked, fill, cancelled,
 * closed) with their fields, filters, heartbeats, master keys, error replies, socket_sequence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderEventsHeaders, Recorder, refused, settle, startWsServer, type Trader, type WsServer } from './harness.js';

let s: WsServer;
let maker: Trader;
let taker: Trader;

before(async () => {
  s = await startWsServer('oe');
  maker = await s.trader('oe maker', { USD: '10000000', BTC: '1000', ETH: '10000' });
  taker = await s.trader('oe taker', { USD: '10000000', BTC: '1000', ETH: '10000' });
});
after(() => s.close());

async function place(t: Trader, symbol: string, side: 'buy' | 'sell', amount: string, price: string, extra: Record<string, unknown> = {}): Promise<any> {
  const r = await t.client.post('/v1/order/new', { symbol, side, amount, price, type: 'exchange limit', ...extra });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function cancelAll(): Promise<void> {
  for (const t of [maker, taker]) await t.client.post('/v1/order/cancel/all');
}

function events(c: Recorder): any[] {
  return c.messages.filter(Array.isArray).flat();
}

function open(t: { key: { key: string; secret: string } }, query = '', payloadExtra: Record<string, unknown> = {}): Promise<Recorder> {
  return Recorder.open(`${s.wsUrl}/v1/order/events${query}`, orderEventsHeaders(t.key, payloadExtra));
}

function assertSequenced(msgs: any[]): void {
  msgs.forEach((m, i) => {
    const seqs = Array.isArray(m) ? m.map((e) => e.socket_sequence) : [m.socket_sequence];
    for (const q of seqs) assert.equal(q, i, `message ${i}: ${JSON.stringify(m)}`);
  });
}

describe('/v1/order/events authentication', () => {
  it('refuses the upgrade with REST reasons and statuses', async () => {
    const url = `${s.wsUrl}/v1/order/events`;
    const h = orderEventsHeaders(maker.key);
    assert.deepEqual((await refused(url, {})).body.reason, 'MissingApikeyHeader');
    assert.equal((await refused(url, { 'X-GEMINI-APIKEY': h['X-GEMINI-APIKEY']! })).body.reason, 'MissingPayloadHeader');
    const badSig = await refused(url, { ...h, 'X-GEMINI-SIGNATURE': '00'.repeat(48) });
    assert.deepEqual([badSig.status, badSig.body.reason], [400, 'InvalidSignature']);
    const mismatch = await refused(url, orderEventsHeaders(maker.key, {}, '/v1/orders'));
    assert.equal(mismatch.body.reason, 'EndpointMismatch');
    const once = orderEventsHeaders(maker.key);
    (await Recorder.open(url, once)).close();
    assert.equal((await refused(url, once)).body.reason, 'InvalidNonce', 'a replayed upgrade is refused');
    const fm = s.key({ account: maker.account, roles: ['FundManager'] });
    const role = await refused(url, orderEventsHeaders(fm));
    assert.deepEqual([role.status, role.body.reason], [403, 'MissingRole']);
    const auditor = s.key({ account: maker.account, roles: ['Auditor'] });
    (await Recorder.open(url, orderEventsHeaders(auditor))).close();
    const foreign = await refused(url, orderEventsHeaders(maker.key, { account: taker.account }));
    assert.equal(foreign.body.reason, 'InvalidAccountName');
    assert.equal((await refused(`${url}?symbolFilter=nosuch`, orderEventsHeaders(maker.key))).body.reason, 'InvalidSymbol');
    assert.equal((await refused(`${url}?eventTypeFilter=exploded`, orderEventsHeaders(maker.key))).body.reason, 'InvalidParameter');
  });
});

describe('/v1/order/events stream', () => {
  it('acks, lists open orders as initial, then reports every step of each order', async () => {
    const resting = await place(maker, 'btcusd', 'buy', '1', '29000.00', { client_order_id: 'rest-1' });
    const c = await open(maker);
    const ack = await c.nth(0);
    assert.equal(ack.type, 'subscription_ack');
    assert.equal(typeof ack.accountId, 'number');
    assert.match(ack.subscriptionId, /^orderevents-websocket-[0-9a-f]{32}$/);
    assert.deepEqual([ack.symbolFilter, ack.apiSessionFilter, ack.eventTypeFilter], [[], [], []]);
    assert.equal(ack.socket_sequence, 0);
    const initial = await c.nth(1);
    assert.ok(Array.isArray(initial));
    assert.equal(initial.length, 1);
    const i0 = initial[0];
    assert.deepEqual(i0, {
      type: 'initial',
      order_id: resting.order_id,
      account_name: maker.account,
      client_order_id: 'rest-1',
      api_session: maker.key.key,
      symbol: 'btcusd',
      side: 'buy',
      order_type: 'exchange limit',
      timestamp: resting.timestamp,
      timestampms: resting.timestampms,
      is_live: true,
      is_cancelled: false,
      is_hidden: false,
      avg_execution_price: '0.00',
      executed_amount: '0',
      remaining_amount: '1',
      original_amount: '1',
      price: '29000.00',
      socket_sequence: 1,
    });

    // a resting sell, then a taker that fills it in part and the bid in full
    const sell = await place(maker, 'btcusd', 'sell', '2', '30000.00');
    await c.until((m) => events(c).filter((e) => e.order_id === sell.order_id).length >= 2);
    assert.deepEqual(events(c).filter((e) => e.order_id === sell.order_id).map((e) => e.type), ['accepted', 'booked']);
    await place(taker, 'btcusd', 'buy', '0.5', '30000.00');
    await c.until(() => events(c).some((e) => e.type === 'fill'));
    const fill = events(c).find((e) => e.type === 'fill');
    assert.equal(fill.order_id, sell.order_id);
    assert.equal(fill.is_live, true);
    assert.equal(fill.executed_amount, '0.5');
    assert.equal(fill.remaining_amount, '1.5');
    assert.equal(fill.avg_execution_price, '30000.00');
    assert.equal(typeof fill.event_id, 'string');
    assert.deepEqual({ ...fill.fill, trade_id: 'x' }, { trade_id: 'x', liquidity: 'Maker', price: '30000.00', amount: '0.5', fee: '15.00', fee_currency: 'USD' });

    // the taker's own stream: accepted, fill, closed
    const t = await open(taker, '?heartbeat=false');
    await t.nth(0);
    const taken = await place(taker, 'btcusd', 'sell', '1', '29000.00');
    await t.until(() => events(t).some((e) => e.type === 'closed'));
    assert.deepEqual(events(t).map((e) => e.type), ['accepted', 'fill', 'closed']);
    const [acc, tf, closed] = events(t);
    assert.equal(acc.order_id, taken.order_id);
    assert.equal(acc.is_live, true);
    assert.equal(acc.executed_amount, '0');
    assert.equal(tf.fill.liquidity, 'Taker');
    assert.equal(closed.is_live, false);
    assert.equal(closed.executed_amount, '1');
    assert.ok(BigInt(acc.event_id) < BigInt(tf.event_id) && BigInt(tf.event_id) < BigInt(closed.event_id));
    // the resting bid filled completely: fill, closed on the maker's stream
    await c.until(() => events(c).some((e) => e.type === 'closed' && e.order_id === resting.order_id));
    assert.deepEqual(events(c).filter((e) => e.order_id === resting.order_id).map((e) => e.type), ['initial', 'fill', 'closed']);

    await maker.client.post('/v1/order/cancel', { order_id: sell.order_id });
    await c.until(() => events(c).some((e) => e.type === 'closed' && e.order_id === sell.order_id));
    const tail = events(c).filter((e) => e.order_id === sell.order_id).map((e) => [e.type, e.reason, e.is_live, e.is_cancelled]);
    assert.deepEqual(tail.slice(-2), [
      ['cancelled', 'Requested', false, true],
      ['closed', undefined, false, true],
    ]);
    // options show as behavior; event ids never repeat
    await place(maker, 'ethusd', 'sell', '1', '5000.00', { options: ['maker-or-cancel'] });
    await c.until(() => events(c).some((e) => e.symbol === 'ethusd' && e.type === 'booked'));
    assert.equal(events(c).find((e) => e.symbol === 'ethusd').behavior, 'maker-or-cancel');
    const ids = events(c).filter((e) => e.event_id !== undefined).map((e) => e.event_id);
    assert.equal(new Set(ids).size, ids.length);
    assertSequenced(c.messages);
    assertSequenced(t.messages);
    c.close();
    t.close();
    await cancelAll();
  });

  it('filters by symbol, event type and API session; heartbeats every 5 s unless heartbeat=false', async () => {
    const other = s.key({ account: maker.account });
    await place(maker, 'ethusd', 'buy', '1', '1000.00');
    const bySymbol = await open(maker, '?symbolFilter=BTCUSD');
    const byType = await open(maker, '?eventTypeFilter=fill&eventTypeFilter=closed');
    const bySession = await open(maker, `?apiSessionFilter=${other.key}`);
    const quiet = await open(maker, '?heartbeat=false');
    await Promise.all([bySymbol.nth(0), byType.nth(0), bySession.nth(0), quiet.nth(0)]);
    assert.deepEqual(bySymbol.messages[0].symbolFilter, ['btcusd']);
    assert.deepEqual(byType.messages[0].eventTypeFilter, ['fill', 'closed']);
    assert.deepEqual(bySession.messages[0].apiSessionFilter, [other.key]);
    await settle(30);
    assert.equal(bySymbol.messages.length, 1, 'the ETH order is filtered out of initial');
    assert.equal(byType.messages.length, 1, 'initial not asked for');
    assert.equal(bySession.messages.length, 1);
    assert.equal(quiet.messages.length, 2);

    const { GeminiClient } = await import('../../rest/client.js');
    const viaOther = new GeminiClient(s.url, other.key, other.secret);
    await viaOther.post('/v1/order/new', { symbol: 'btcusd', side: 'sell', amount: '1', price: '31000.00', type: 'exchange limit' });
    await place(taker, 'btcusd', 'buy', '1', '31000.00');
    await byType.until(() => events(byType).some((e) => e.type === 'closed'));
    await bySession.until(() => events(bySession).some((e) => e.type === 'closed'));
    assert.deepEqual(events(byType).map((e) => e.type), ['fill', 'closed']);
    assert.deepEqual(events(bySession).map((e) => e.type), ['accepted', 'booked', 'fill', 'closed']);
    assert.ok(events(bySession).every((e) => e.api_session === other.key));
    await maker.client.post('/v1/order/cancel/all');
    await quiet.until(() => events(quiet).some((e) => e.symbol === 'ethusd' && e.type === 'closed'));
    await settle(30);
    assert.ok(events(bySymbol).every((e) => e.symbol === 'btcusd'));

    s.clock.advance(5_000);
    await bySymbol.until((m) => m.some((x) => x.type === 'heartbeat'));
    const hb = bySymbol.messages.find((x) => x.type === 'heartbeat');
    assert.equal(hb.timestampms, s.clock.now());
    assert.equal(hb.sequence, 0);
    assert.equal(hb.socket_sequence, bySymbol.messages.indexOf(hb));
    assert.equal(hb.trace_id, bySymbol.messages[0].subscriptionId.split('-').pop());
    await settle(30);
    assert.ok(!quiet.messages.some((x) => x.type === 'heartbeat'));
    for (const c of [bySymbol, byType, bySession, quiet]) {
      assertSequenced(c.messages);
      c.close();
    }
    await cancelAll();
  });

  it('master keys: every account without `account`, one account with it', async () => {
    const master = s.key({ scope: 'master', roles: ['Trader'] });
    const all = await open({ key: master });
    const one = await open({ key: master }, '', { account: taker.account });
    await Promise.all([all.nth(0), one.nth(0)]);
    assert.equal(all.messages[0].accountId, 0);
    assert.equal(one.messages[0].accountId, s.exchange.accounts.list().findIndex((a) => a.account === taker.account) + 1);
    await place(maker, 'btcusd', 'sell', '1', '32000.00');
    await place(taker, 'btcusd', 'buy', '1', '32000.00');
    await all.until(() => events(all).filter((e) => e.type === 'closed').length >= 2);
    await one.until(() => events(one).some((e) => e.type === 'closed'));
    assert.deepEqual(new Set(events(all).map((e) => e.account_name)), new Set([maker.account, taker.account]));
    assert.ok(events(one).every((e) => e.account_name === taker.account));
    all.close();
    one.close();
  });

  it('answers client frames with an error and keeps the stream going', async () => {
    const c = await open(maker);
    await c.nth(0);
    c.send('{"type":"subscribe"}');
    const e = await c.nth(1);
    assert.equal(e.result, 'error');
    await place(maker, 'btcusd', 'buy', '1', '100.00');
    await c.until(() => events(c).some((x) => x.type === 'booked'));
    assertSequenced(c.messages.filter((m) => m.result !== 'error'));
    c.close();
    await cancelAll();
  });
});
