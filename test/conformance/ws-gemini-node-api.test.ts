/**
 * gemini-node-api (unmodified, npm 4.3.x, `WebsocketClient`) against Pollux's legacy WebSocket
 * APIs: `connect` + `subscribe` (/v2/marketdata: l2 and candles), `connectMarket` (/v1/marketdata
 * with its query flags) and `connectOrders` (/v1/order/events, REST-signed upgrade, filters, a
 * master key naming an account), after orders and trades placed through the exchange.
 *
 * Server: test/ws/legacy's harness (Exchange.open on a temp dir, virtual clock, Fastify,
 * registerRest + attachWebSockets, port 0). Client configuration: `wsUri` = ws://127.0.0.1:<port>
 * (its documented option; paths are resolved against it). Its WebSocket clients sign with
 * Date.now() nonces, so they get keys of their own (the REST test client's nonces are smaller).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebsocketClient } from 'gemini-node-api';
import { amountText, priceText } from '../../src/api/rest/render.js';
import { startWsServer, type Trader, type WsServer } from '../ws/legacy/harness.js';

let s: WsServer;
let maker: Trader;
let taker: Trader;
const open: WebsocketClient[] = [];

/** messages a client received, per socket name ("v2", "orders", or the v1 symbol) */
function record(c: WebsocketClient): Map<string, any[]> {
  const seen = new Map<string, any[]>();
  c.on('message', (m: unknown, market: string) => {
    const l = seen.get(market) ?? [];
    l.push(m);
    seen.set(market, l);
  });
  c.on('error', () => undefined);
  return seen;
}

async function until(pred: () => boolean, what: string, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function place(t: Trader, symbol: string, side: 'buy' | 'sell', amount: string, price: string): Promise<any> {
  const r = await t.client.post('/v1/order/new', { symbol, side, amount, price, type: 'exchange limit' });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

/** the engine's book as "side:price" -> amount text */
function engineBook(symbol: string): Map<string, string> {
  const ms = s.exchange.engine.market(symbol)!;
  const out = new Map<string, string>();
  for (const side of ['buy', 'sell'] as const) {
    for (const l of ms.book.depth(side, 0)) out.set(`${side}:${priceText(l.price, ms.market)}`, amountText(l.amount, ms.market));
  }
  return out;
}

function sameBook(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

before(async () => {
  s = await startWsServer('gna-ws');
  maker = await s.trader('gna ws maker', { USD: '10000000', BTC: '1000', ETH: '10000' });
  taker = await s.trader('gna ws taker', { USD: '10000000', BTC: '1000', ETH: '10000' });
});

afterEach(async () => {
  for (const t of [maker, taker]) await t.client.post('/v1/order/cancel/all');
});

after(async () => {
  for (const c of open) for (const ws of Object.values(c.sockets)) ws.terminate();
  await s.close();
});

describe('gemini-node-api WebsocketClient on the legacy WebSocket APIs', () => {
  it('connect + subscribe (v2): l2 snapshot and updates rebuild the engine book; trades; candles', async () => {
    await place(maker, 'btcusd', 'buy', '1', '30000.00');
    await place(maker, 'btcusd', 'sell', '2', '30010.00');
    const c = new WebsocketClient({ wsUri: s.wsUrl });
    open.push(c);
    const seen = record(c);
    await c.connect();
    await c.subscribe([
      { name: 'l2', symbols: ['BTCUSD'] },
      { name: 'candles_1m', symbols: ['BTCUSD'] },
    ]);
    const v2 = () => seen.get('v2') ?? [];
    await until(() => v2().some((m) => m.type === 'l2_updates'), 'the l2 snapshot');
    await place(taker, 'btcusd', 'buy', '0.5', '30010.00');
    await place(maker, 'btcusd', 'buy', '0.3', '29995.00');
    const book = new Map<string, string>();
    const apply = () => {
      book.clear();
      for (const m of v2()) {
        if (m.type !== 'l2_updates') continue;
        for (const [side, price, amount] of m.changes) {
          if (amount === '0') book.delete(`${side}:${price}`);
          else book.set(`${side}:${price}`, amount);
        }
      }
      return sameBook(book, engineBook('btcusd'));
    };
    await until(apply, 'the l2 book to equal the engine book');
    assert.equal(book.get('sell:30010.00'), '1.5');
    const trade = v2().find((m) => m.type === 'trade');
    assert.equal(trade.symbol, 'BTCUSD');
    assert.equal(trade.price, '30010.00');
    assert.equal(trade.quantity, '0.5');
    assert.equal(trade.side, 'buy');
    await until(() => v2().filter((m) => m.type === 'candles_1m_updates').length >= 2, 'a candle update');
    const minute = Math.floor(s.clock.now() / 60_000) * 60_000;
    const candle = v2().filter((m) => m.type === 'candles_1m_updates').at(-1).changes[0];
    assert.deepEqual(candle, [minute, 30010, 30010, 30010, 30010, 0.5]);
    await c.unsubscribe([{ name: 'l2', symbols: ['BTCUSD'] }]);
    await c.disconnect();
  });

  it('connectMarket (v1): initial changes, then place/trade changes and trade events; heartbeats', async () => {
    await place(maker, 'ethusd', 'buy', '2', '1990.00');
    await place(maker, 'ethusd', 'sell', '1', '2010.00');
    await place(maker, 'ethusd', 'sell', '1', '2020.00');
    const c = new WebsocketClient({ wsUri: s.wsUrl, symbol: 'ethusd' });
    open.push(c);
    const seen = record(c);
    await c.connectMarket({ symbol: 'ethusd', heartbeat: true, top_of_book: false, bids: true, offers: true, trades: true, auctions: false });
    const msgs = () => seen.get('ethusd') ?? [];
    await until(() => msgs().length > 0, 'the initial update');
    assert.equal(msgs()[0].socket_sequence, 0);
    assert.ok(msgs()[0].events.every((e: any) => e.type === 'change' && e.reason === 'initial'));
    await place(taker, 'ethusd', 'buy', '1.5', '2020.00');
    const book = new Map<string, string>();
    await until(() => {
      book.clear();
      for (const m of msgs()) {
        if (m.type !== 'update') continue;
        for (const e of m.events) {
          if (e.type !== 'change') continue;
          const k = `${e.side === 'bid' ? 'buy' : 'sell'}:${e.price}`;
          if (e.remaining === '0') book.delete(k);
          else book.set(k, e.remaining);
        }
      }
      return sameBook(book, engineBook('ethusd'));
    }, 'the v1 book to equal the engine book');
    const trades = msgs().flatMap((m) => m.events ?? []).filter((e: any) => e.type === 'trade');
    assert.deepEqual(
      trades.map((t: any) => [t.price, t.amount, t.makerSide]),
      [
        ['2010.00', '1', 'ask'],
        ['2020.00', '0.5', 'ask'],
      ],
    );
    s.clock.advance(5_000);
    await until(() => msgs().some((m) => m.type === 'heartbeat'), 'a heartbeat');
    msgs().forEach((m, i) => assert.equal(m.socket_sequence, i));
    await c.disconnectMarket({ symbol: 'ethusd' });
  });

  it('connectOrders: ack with the parsed filters, accepted/booked/fill/closed events', async () => {
    const k = s.key({ account: taker.account });
    const c = new WebsocketClient({ wsUri: s.wsUrl, key: k.key, secret: k.secret });
    open.push(c);
    const seen = record(c);
    await c.connectOrders({ symbolFilter: 'btcusd', eventTypeFilter: ['accepted', 'booked', 'fill', 'closed'] });
    const msgs = () => seen.get('orders') ?? [];
    await until(() => msgs().length > 0, 'the ack');
    const ack = msgs()[0];
    assert.equal(ack.type, 'subscription_ack');
    assert.deepEqual(ack.symbolFilter, ['btcusd']);
    assert.deepEqual(ack.eventTypeFilter, ['accepted', 'booked', 'fill', 'closed']);
    assert.deepEqual(ack.apiSessionFilter, []);
    const o = await place(taker, 'btcusd', 'buy', '1', '29000.00');
    await place(taker, 'ethusd', 'buy', '1', '1000.00'); // filtered out
    await place(maker, 'btcusd', 'sell', '1', '29000.00');
    const events = () => msgs().filter(Array.isArray).flat();
    await until(() => events().some((e) => e.type === 'closed'), 'the closed event');
    assert.deepEqual(events().map((e) => e.type), ['accepted', 'booked', 'fill', 'closed']);
    assert.ok(events().every((e) => e.order_id === o.order_id && e.symbol === 'btcusd'));
    const fill = events().find((e) => e.type === 'fill');
    assert.equal(fill.fill.liquidity, 'Maker');
    assert.equal(fill.fill.price, '29000.00');
    assert.equal(fill.fill.amount, '1');
    assert.equal(fill.fill.fee_currency, 'USD');
    msgs().forEach((m, i) => {
      for (const e of Array.isArray(m) ? m : [m]) assert.equal(e.socket_sequence, i);
    });
    await c.disconnectOrders();
  });

  it('connectOrders with a master key and `account`: that account only', async () => {
    const m = s.key({ scope: 'master', roles: ['Trader'] });
    const c = new WebsocketClient({ wsUri: s.wsUrl, key: m.key, secret: m.secret });
    open.push(c);
    const seen = record(c);
    await c.connectOrders({ account: maker.account });
    const msgs = () => seen.get('orders') ?? [];
    await until(() => msgs().length > 0, 'the ack');
    await place(taker, 'btcusd', 'buy', '1', '100.00');
    const mine = await place(maker, 'btcusd', 'buy', '1', '101.00');
    const events = () => msgs().filter(Array.isArray).flat();
    await until(() => events().some((e) => e.type === 'booked'), 'the booked event');
    assert.ok(events().every((e) => e.account_name === maker.account && e.order_id === mine.order_id));
    await c.disconnectOrders();
  });
});
