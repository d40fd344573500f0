/**
 * Child process: a bare Fastify hello-world (`GET /` -> {"hello":"world"}) on 127.0.0.1, port 0,
 * logging off — the baseline the Pollux figures are compared with.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { childFail } from './children.js';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'close') void app.close().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', port, pid: process.pid });
}

main().catch(childFail);
