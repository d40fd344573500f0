/**
 * Child process for the reply-cost probe (http/reply-cost.ts): a bare Fastify server, configured
 * like the hello-world one, with no Pollux code at all. Its routes reply with
 *   GET /        {"hello":"world"}
 *   GET /object  the body of Pollux's /v1/book/btcusd?limit_bids=50&limit_asks=50 for the
 *                benchmark's seeded book, as a pre-built object (Fastify serializes it with
 *                JSON.stringify on every request, as it does for Pollux's handlers)
 *   GET /string  the same body pre-serialized once (a 6 KB string sent as is)
 * so the cost of the reply itself (size, serialization) can be told apart from Pollux's own work.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { childFail } from './children.js';
import { bookPlan } from './book-seed.js';

async function main(): Promise<void> {
  const [orders = '10000', levels = '500', accounts = '50', limit = '50'] = process.argv.slice(2);
  const plan = bookPlan(Number(orders), Number(levels), Number(accounts));
  const stamp = String(Math.floor(Date.now() / 1000));
  const side = (ls: typeof plan.bids) => ls.slice(0, Number(limit)).map((l) => ({ price: l.price, amount: l.amount, timestamp: stamp }));
  const object = { bids: side(plan.bids), asks: side(plan.asks) };
  const text = JSON.stringify(object);
  const json = 'application/json; charset=utf-8';
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  app.get('/object', async (_req, reply) => reply.type(json).send(object));
  app.get('/string', async (_req, reply) => reply.type(json).send(text));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'close') void app.close().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', port, pid: process.pid, bytes: Buffer.byteLength(text) });
}

main().catch(childFail);
