/**
 * Slow consumers: a connection that stops reading is disconnected once its unsent backlog passes
 * CURRENT_API_SETTINGS.maxBufferedBytes; other connections are unaffected.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CURRENT_API_SETTINGS } from '../../../src/api/ws/current/index.js';
import { SLOW_CONSUMER_CLOSE_CODE } from '../../../src/api/ws/feed/index.js';
import { connect, sleep, startServer, type WsServer } from './harness.js';

let srv: WsServer;
const saved = CURRENT_API_SETTINGS.maxBufferedBytes;

before(async () => {
  CURRENT_API_SETTINGS.maxBufferedBytes = 256 * 1024;
  srv = await startServer();
});
after(async () => {
  CURRENT_API_SETTINGS.maxBufferedBytes = saved;
  await srv.close();
});

test('a client that stops reading is closed (1008 slow consumer); others keep going', async () => {
  // a deep book makes each depth reply large (~40 KB)
  const mm = await srv.trader('Deep', { USD: '100000000', BTC: '100000' });
  const acct = mm.account;
  await Promise.all(
    Array.from({ length: 1500 }, (_, i) =>
      srv.exchange.submit({ type: 'PlaceOrder', account: acct, session: 'bulk', symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.01', price: `${(1000 + i).toFixed(2)}`, options: [] }),
    ),
  );
  const slow = await connect(srv.wsUrl);
  const healthy = await connect(srv.wsUrl);
  await slow.request('subscribe', ['btcusd@trade']);
  await healthy.request('subscribe', ['btcusd@bookTicker']);
  const socket = (slow.ws as unknown as { _socket: import('node:net').Socket })._socket;
  socket.pause();
  // the slow client keeps asking for big replies but reads nothing
  const ask = JSON.stringify({ id: 1, method: 'depth', params: { symbol: 'btcusd', limit: 5000 } });
  for (let i = 0; i < 600; i++) {
    if (slow.ws.readyState !== slow.ws.OPEN) break;
    slow.ws.send(ask);
    if (i % 50 === 49) await sleep(5);
  }
  // the server gives up on it; the healthy client is served meanwhile
  await srv.exchange.submit({ type: 'PlaceOrder', account: acct, session: 'bulk', symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.01', price: '5000.00', options: [] });
  const top = await healthy.next((f) => f['b'] === '5000.00');
  assert.equal(top['s'], 'btcusd');
  await sleep(200);
  socket.resume();
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([slow.closed, new Promise<number>((r) => (timer = setTimeout(() => r(-1), 5000)))]);
  clearTimeout(timer);
  assert.ok(code === SLOW_CONSUMER_CLOSE_CODE || code === 1006, `closed with ${code}`);
  // it was not sent the whole backlog: far fewer replies than requests
  const replies = slow.frames.filter((f) => f['id'] === 1).length;
  assert.ok(replies < 600, `${replies} replies`);
  assert.deepEqual(await healthy.request('ping', undefined, 2), { id: 2, status: 200, result: {} });
  await healthy.close();
});
