/**
 * Child process: the baseline — a bare `ws` server (same `ws` package as Pollux, no compression)
 * on 127.0.0.1, port 0, broadcasting to every connected socket as fast as its receivers absorb.
 *
 * Broadcast is the idiom from ws's README: one string, `client.send(text)` for every client in
 * `wss.clients` that is OPEN. The string is a trade frame of exactly Pollux's shape
 * (common.ts `tradeFrameLike`): `E` = Date.now() at the broadcast, `q` = the monotonic stamp,
 * alternating price/side, `t` increasing — so frames have the same size as Pollux's and the
 * receivers treat both identically. A subscribe request gets Pollux's reply,
 * {"id":…,"status":200,"result":null}, and nothing else is parsed.
 *
 * Flow control ("the max rate it can" without piling megabytes into kernel buffers): the parent
 * forwards the receivers' progress (fewest frames received on any open socket); the server keeps
 * at most `window` frames per socket in flight beyond that, and broadcasts one frame per event-loop
 * turn (setImmediate) while it may.
 * Messages: -> ready {port}; <- go {until (monotonic µs), window}; <- credit {min};
 * -> done {sent, ...} when `until` passes; <- close -> exits.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { childFail, exitWithParent, monoUs, stampQty, tradeFrameLike } from './common.js';

async function main(): Promise<void> {
  exitWithParent();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', () => resolve());
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.on('message', (data: Buffer) => {
      let id: unknown = null;
      try {
        id = (JSON.parse(data.toString()) as { id?: unknown }).id ?? null;
      } catch {
        // answer anyway
      }
      ws.send(JSON.stringify({ id, status: 200, result: null }));
    });
    ws.on('error', () => undefined);
  });

  let sent = 0;
  let acked = 0;
  let until = 0;
  let window = 100;
  let running = false;
  let idle = false;
  let waits = 0;
  let maxBuffered = 0;
  let sends = 0;

  function broadcast(): void {
    const buy = sent % 2 === 0;
    const text = tradeFrameLike(Date.now(), 1000 + 2 * sent, buy ? '100.01' : '99.99', stampQty(monoUs()), !buy);
    for (const c of wss.clients) {
      if (c.readyState === WebSocket.OPEN) {
        c.send(text);
        sends++;
      }
    }
    sent++;
  }

  function finish(): void {
    running = false;
    for (const c of wss.clients) maxBuffered = Math.max(maxBuffered, c.bufferedAmount);
    process.send!({ type: 'done', sent, sends, waits, maxBuffered, connections, clients: wss.clients.size });
  }

  function pump(): void {
    idle = false;
    if (!running) return;
    if (monoUs() >= until) return finish();
    if (sent - acked >= window) {
      idle = true; // a credit message restarts the pump
      waits++;
      return;
    }
    broadcast();
    if ((sent & 63) === 0) for (const c of wss.clients) maxBuffered = Math.max(maxBuffered, c.bufferedAmount);
    setImmediate(pump);
  }

  process.on('message', (m: { type?: string; until?: number; window?: number; min?: number }) => {
    if (m.type === 'go') {
      until = m.until!;
      window = m.window ?? window;
      running = true;
      setImmediate(pump);
      // stop on time even while waiting for credit
      const check = setInterval(() => {
        if (!running) return clearInterval(check);
        if (idle && monoUs() >= until) {
          clearInterval(check);
          finish();
        }
      }, 20);
    } else if (m.type === 'credit') {
      acked = Math.max(acked, m.min!);
      if (idle && running) {
        idle = false;
        setImmediate(pump);
      }
    } else if (m.type === 'close') {
      for (const c of wss.clients) c.terminate();
      wss.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1000).unref();
    }
  });
  process.send!({ type: 'ready', port, pid: process.pid });
}

main().catch(childFail);
