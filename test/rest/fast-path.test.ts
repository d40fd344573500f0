/**
 * The fast path of private requests (src/api/rest/fast-path.ts): which requests take it, and that
 * it answers exactly as the Fastify routes do. A request is steered to Fastify by a Content-Type
 * that is valid but not in the fast path's list ("text/plain; x=y"); an `onRequest` hook on the
 * app counts the requests Fastify saw.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { frameworkErrors, registerRest } from '../../src/api/rest/index.js';
import { VirtualClock } from '../../src/app/clock.js';
import { Exchange } from '../../src/app/exchange.js';
import { GeminiClient, request, type PostOptions, type Reply } from './client.js';
import { T0 } from './harness.js';

let dir: string;
let exchange: Exchange;
let app: FastifyInstance;
let url: string;
let trader: GeminiClient;
let auditor: GeminiClient;
let fastifySaw = 0;

const VIA_FASTIFY = 'text/plain; x=y';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pollux-fast-path-'));
  exchange = Exchange.open({ dataDir: dir, clock: new VirtualClock(T0), seed: 'fast-path-tests' });
  app = Fastify({ logger: false, frameworkErrors });
  app.addHook('onRequest', async () => {
    fastifySaw++;
  });
  await registerRest(app, exchange);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${addr.port}`;
  const info = await exchange.createAccount({ name: 'fast' });
  await exchange.deposit(info.account, 'USD', '100000');
  await exchange.deposit(info.account, 'BTC', '10');
  const k = exchange.createKey({ account: info.account });
  trader = new GeminiClient(url, k.key, k.secret);
  const a = exchange.createKey({ account: info.account, roles: ['Auditor'] });
  auditor = new GeminiClient(url, a.key, a.secret);
});

after(async () => {
  await app.close();
  exchange.close();
  rmSync(dir, { recursive: true, force: true });
});

/** post, and report whether Fastify's hooks saw the request */
async function post(c: GeminiClient, path: string, params: Record<string, unknown>, o: PostOptions = {}): Promise<{ r: Reply; viaFastify: boolean }> {
  const before = fastifySaw;
  const r = await c.post(path, params, o);
  return { r, viaFastify: fastifySaw > before };
}

/** order ids differ between the two runs of a case; the virtual clock does not move */
function normal(text: string): string {
  return text.replace(/"(order_id|id)":"\d+"/g, '"$1":"N"').replace(/"(cancelledOrders)":\[[\d,]*\]/g, '"$1":[N]');
}

const CASES: { name: string; client: () => GeminiClient; path: string; params: Record<string, unknown>; o?: PostOptions }[] = [
  { name: 'heartbeat', client: () => trader, path: '/v1/heartbeat', params: {} },
  { name: 'balances', client: () => trader, path: '/v1/balances', params: {} },
  { name: 'new order', client: () => trader, path: '/v1/order/new', params: { symbol: 'btcusd', amount: '0.01', price: '100.00', side: 'buy', type: 'exchange limit' } },
  { name: 'engine rejection', client: () => trader, path: '/v1/order/new', params: { symbol: 'btcusd', amount: '-1', price: '100.00', side: 'buy', type: 'exchange limit' } },
  { name: 'cancel of an unknown order', client: () => trader, path: '/v1/order/cancel', params: { order_id: 987654 } },
  { name: 'cancel all', client: () => trader, path: '/v1/order/cancel/all', params: {} },
  { name: 'bad signature', client: () => trader, path: '/v1/order/new', params: {}, o: { signature: 'ab'.repeat(48) } },
  { name: 'missing nonce', client: () => trader, path: '/v1/order/new', params: {}, o: { nonce: null } },
  { name: 'endpoint mismatch', client: () => trader, path: '/v1/order/new', params: {}, o: { request: '/v1/balances' } },
  { name: 'missing role', client: () => auditor, path: '/v1/order/new', params: {} },
  { name: 'missing API key header', client: () => trader, path: '/v1/balances', params: {}, o: { headers: { 'X-GEMINI-APIKEY': null } } },
];

for (const c of CASES) {
  test(`fast path and Fastify route answer alike: ${c.name}`, async () => {
    const fast = await post(c.client(), c.path, c.params, { ...c.o, contentType: 'text/plain' });
    const slow = await post(c.client(), c.path, c.params, { ...c.o, contentType: VIA_FASTIFY });
    assert.equal(fast.viaFastify, false, 'text/plain with no body takes the fast path');
    assert.equal(slow.viaFastify, true, 'an unlisted content type goes to Fastify');
    assert.equal(fast.r.status, slow.r.status);
    assert.equal(fast.r.contentType, slow.r.contentType);
    assert.equal(normal(fast.r.text), normal(slow.r.text));
  });
}

test('no Content-Type, and JSON content types, take the fast path too', async () => {
  for (const contentType of [null, 'application/json', 'application/json; charset=utf-8']) {
    const { r, viaFastify } = await post(trader, '/v1/heartbeat', {}, { contentType });
    assert.equal(r.status, 200);
    assert.equal(viaFastify, false, String(contentType));
  }
});

test('requests with a body, a query string, another method or an unknown path go to Fastify', async () => {
  for (const body of ['empty', 'object', 'copy'] as const) {
    const { r, viaFastify } = await post(trader, '/v1/heartbeat', {}, { body });
    assert.equal(r.status, 200, body);
    // an empty body sent by fetch has Content-Length: 0 and takes the fast path
    assert.equal(viaFastify, body !== 'empty', body);
  }
  const q = await post(trader, '/v1/heartbeat?x=1', {}, { request: '/v1/heartbeat' });
  assert.equal(q.viaFastify, true);
  assert.equal(q.r.status, 200);
  const before = fastifySaw;
  const g = await request(url + '/v1/order/new', { method: 'GET' });
  assert.equal(g.status, 404);
  assert.equal(g.body.reason, 'EndpointNotFound');
  const u = await request(url + '/v1/nothing/here', { method: 'POST' });
  assert.equal(u.status, 404);
  assert.equal(fastifySaw, before + 2);
});

test('an invalid Content-Type is still refused by Fastify (400, BadBody: reason InvalidJson)', async () => {
  const { r, viaFastify } = await post(trader, '/v1/heartbeat', {}, { contentType: 'not a media type' });
  assert.equal(viaFastify, true);
  assert.equal(r.status, 400);
  assert.equal(r.body.reason, 'InvalidJson');
  assert.equal(r.body.message, 'The request body could not be read');
});
