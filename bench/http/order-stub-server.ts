/**
 * Child process for the order-entry driver-ceiling probe (http/driver-ceiling.ts): a bare
 * `node:http` server with no Pollux code, no authentication, no engine and no journal. It answers
 *   POST /v1/order/new     200, an order in Pollux's reply shape (same fields, about the same
 *                          length) with a fresh order_id (1, 2, 3, ... in arrival order)
 *   POST /v1/order/cancel  200, the same shape with is_live false and is_cancelled true
 *   GET /                  {"hello":"world"}
 * so the benchmark's order-entry load (http/gemini.ts) can run against a server that costs almost
 * nothing: what it reaches is what the load generator itself can drive on this machine.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { childFail } from './children.js';

const JSON_TYPE = 'application/json; charset=utf-8';

function order(id: number, live: boolean): string {
  const t = Date.now();
  return (
    `{"order_id":"${id}","id":"${id}","symbol":"btcusd","exchange":"gemini","avg_execution_price":"0.00",` +
    `"side":"buy","type":"exchange limit","timestamp":"${Math.floor(t / 1000)}","timestampms":${t},` +
    `"is_live":${live},"is_cancelled":${!live},"is_hidden":false,"was_forced":false,"executed_amount":"0",` +
    `"remaining_amount":"0.001","options":[],"price":"1.00","original_amount":"0.001"}`
  );
}

function main(): void {
  let next = 1;
  const server = createServer((req, res) => {
    // drain whatever body there is (the benchmark sends none)
    req.resume();
    let text: string;
    if (req.method === 'POST' && req.url === '/v1/order/new') text = order(next++, true);
    else if (req.method === 'POST' && req.url === '/v1/order/cancel') text = order(next, false);
    else if (req.method === 'GET' && req.url === '/') text = '{"hello":"world"}';
    else {
      res.writeHead(404, { 'content-type': JSON_TYPE, 'content-length': '2' });
      res.end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    process.on('message', (m: { type?: string }) => {
      if (m.type === 'close') server.close(() => process.exit(0));
    });
    process.send!({ type: 'ready', port, pid: process.pid });
  });
}

try {
  main();
} catch (e) {
  childFail(e);
}
