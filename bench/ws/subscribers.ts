/**
 * Child process: N WebSocket subscribers on one URL (Pollux's current API at `/`, or the raw
 * baseline, which answers the same subscribe request). Identical code for both servers.
 *
 * Usage: node subscribers.js <url> <count> <driverIndex>
 * Each socket: connect (no compression), send
 *   {"id":1,"method":"subscribe","params":["btcusd@depth","btcusd@trade"]}
 * and wait for {"id":1,"status":200}. Every frame received is JSON.parsed (what a client does)
 * and checked:
 * - trade frames (`e: "trade"`): `t` strictly increasing per socket; latency from the stamp in
 *   `q` (monotonic µs, see common.ts) and from `E` (the engine's ms time) against this process's
 *   receive time;
 * - depth frames (`e: "depthUpdate"`): `U = previous u + 1` per socket;
 * - close codes and reasons, socket errors, error replies.
 * Frames received inside the measured window [T0, T1) (monotonic µs, from the parent) are counted
 * with their bytes, and only their latencies are recorded.
 * Messages: -> ready {connected, failed}; <- go {T0, T1}; -> progress {min, total, open} every
 * 10 ms (min = fewest trade frames on any open socket, for the raw server's flow control);
 * <- stats -> stats {...}; <- close -> exits.
 */
import WebSocket from 'ws';
import { childFail, exitWithParent, Hist, monoUs, realMs, sleep, stampAge } from './common.js';

interface Sock {
  ws: WebSocket;
  subscribed: boolean;
  open: boolean;
  trades: number;
  depth: number;
  lastT: number;
  lastU: number;
  tidSum: number;
  closeCode: number | undefined;
  closeReason: string;
}

const SUBSCRIBE = JSON.stringify({ id: 1, method: 'subscribe', params: ['btcusd@depth', 'btcusd@trade'] });
const HANDSHAKES_AT_ONCE = 50;

async function main(): Promise<void> {
  exitWithParent();
  const [url, countArg, idxArg] = process.argv.slice(2);
  if (url === undefined) throw new Error('usage: subscribers.js <url> <count> <index>');
  const count = Number(countArg ?? 500);
  const driver = Number(idxArg ?? 0);

  let T0 = Infinity;
  let T1 = Infinity;
  const win = { msgs: 0, bytes: 0, trades: 0, tradeBytes: 0, depth: 0, depthBytes: 0, other: 0 };
  const all = { msgs: 0, bytes: 0, trades: 0, depth: 0, other: 0, errorReplies: 0, badJson: 0 };
  const checks = { tradeOrder: 0, depthGaps: 0, noStamp: 0 };
  const latStamp = new Hist();
  const latE = new Hist();
  const errors: string[] = [];
  const socks: Sock[] = [];
  let firstErrorReply = '';

  function onFrame(s: Sock, data: Buffer): void {
    const now = monoUs();
    all.msgs++;
    all.bytes += data.length;
    const inWin = now >= T0 && now < T1;
    if (inWin) {
      win.msgs++;
      win.bytes += data.length;
    }
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      all.badJson++;
      return;
    }
    const e = m['e'];
    if (e === 'trade') {
      all.trades++;
      s.trades++;
      const t = m['t'] as number;
      if (!(t > s.lastT)) checks.tradeOrder++;
      s.lastT = t;
      s.tidSum += t;
      if (inWin) {
        win.trades++;
        win.tradeBytes += data.length;
        const age = stampAge(m['q'] as string, now);
        if (Number.isNaN(age)) checks.noStamp++;
        else latStamp.add(age);
        latE.add((realMs() - (m['E'] as number) / 1e6) * 1000);
      }
    } else if (e === 'depthUpdate') {
      all.depth++;
      s.depth++;
      const U = m['U'] as number;
      const u = m['u'] as number;
      if (s.lastU !== 0 && U !== s.lastU + 1) checks.depthGaps++;
      s.lastU = u;
      if (inWin) {
        win.depth++;
        win.depthBytes += data.length;
      }
    } else if (m['id'] === 1 && m['status'] === 200) {
      s.subscribed = true;
    } else {
      all.other++;
      if (inWin) win.other++;
      if (m['status'] !== undefined && m['status'] !== 200) {
        all.errorReplies++;
        if (firstErrorReply === '') firstErrorReply = data.toString().slice(0, 300);
      }
    }
  }

  function open(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url!, { perMessageDeflate: false });
      const s: Sock = { ws, subscribed: false, open: false, trades: 0, depth: 0, lastT: -1, lastU: 0, tidSum: 0, closeCode: undefined, closeReason: '' };
      socks.push(s);
      let settled = false;
      const done = (): void => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      ws.on('open', () => {
        s.open = true;
        ws.send(SUBSCRIBE);
      });
      ws.on('message', (data: Buffer) => {
        const was = s.subscribed;
        onFrame(s, data);
        if (!was && s.subscribed) done();
      });
      ws.on('error', (e) => {
        if (errors.length < 20) errors.push(e.message);
        done();
      });
      ws.on('close', (code, reason) => {
        s.open = false;
        s.closeCode = code;
        s.closeReason = reason.toString();
        done();
      });
    });
  }

  // connect, HANDSHAKES_AT_ONCE at a time, within 60 s
  const deadline = performance.now() + 60_000;
  let started = 0;
  const lanes = Array.from({ length: Math.min(HANDSHAKES_AT_ONCE, count) }, async () => {
    while (started < count && performance.now() < deadline) {
      started++;
      await open();
    }
  });
  await Promise.race([Promise.all(lanes), sleep(60_000)]);
  const connected = socks.filter((s) => s.subscribed && s.open).length;

  const progress = setInterval(() => {
    let min = Infinity;
    let total = 0;
    let openN = 0;
    for (const s of socks) {
      total += s.trades;
      if (!s.open) continue;
      openN++;
      if (s.trades < min) min = s.trades;
    }
    process.send!({ type: 'progress', driver, min: openN === 0 ? 0 : min, total, open: openN });
  }, 10);
  progress.unref();

  process.on('message', (m: { type?: string; T0?: number; T1?: number }) => {
    if (m.type === 'go') {
      T0 = m.T0!;
      T1 = m.T1!;
    } else if (m.type === 'stats') {
      const closes = new Map<string, number>();
      for (const s of socks) {
        if (s.open) continue;
        const k = `${s.closeCode ?? '-'} ${s.closeReason}`;
        closes.set(k, (closes.get(k) ?? 0) + 1);
      }
      const tradeCounts = socks.map((s) => s.trades);
      const tidSums = new Map<number, number>();
      for (const s of socks) tidSums.set(s.tidSum, (tidSums.get(s.tidSum) ?? 0) + 1);
      process.send!({
        type: 'stats',
        driver,
        sockets: socks.length,
        open: socks.filter((s) => s.open).length,
        subscribed: socks.filter((s) => s.subscribed).length,
        closes: [...closes.entries()],
        errors,
        win,
        all,
        checks,
        firstErrorReply,
        tradesMin: Math.min(...tradeCounts),
        tradesMax: Math.max(...tradeCounts),
        depthMin: Math.min(...socks.map((s) => s.depth)),
        depthMax: Math.max(...socks.map((s) => s.depth)),
        /** distinct per-socket sums of trade ids: 1 when every socket saw the same trades */
        tidSumsDistinct: tidSums.size,
        latStamp: latStamp.toJSON(),
        latE: latE.toJSON(),
      });
    } else if (m.type === 'close') {
      for (const s of socks) s.ws.terminate();
      setTimeout(() => process.exit(0), 50);
    }
  });
  process.send!({ type: 'ready', connected, failed: count - connected, errors: errors.slice(0, 5), pid: process.pid });
}

main().catch(childFail);
