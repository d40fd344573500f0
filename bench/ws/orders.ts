/**
 * Child process: the order flow for the Pollux run — signed Gemini REST `POST /v1/order/new`
 * over keep-alive HTTP on 127.0.0.1, at a steady rate.
 *
 * Setup: the maker key places two large resting orders, sell `makerBtc` @ 100.01 and buy
 * `makerBtc` @ 99.99 (GTC limit orders).
 * Flow: `takers` workers, each with its own API key and its own keep-alive connection, sending
 * one request at a time (so each key's nonces arrive in order). Order i of the schedule is due at
 * start + i / rate; a free worker takes the next order, waits until it is due, and sends an
 * `exchange limit` `immediate-or-cancel` order that crosses the maker: buy @ 100.01 or sell
 * @ 99.99, alternating per worker. The amount is the send-time stamp (common.ts `stampQty`:
 * 1.xxxxxxxx BTC, read when the request is signed), so each order makes exactly one trade whose
 * `q` carries the time its order left this process. Orders not sent by the time they are due
 * (every worker busy) are counted as late, with the lag.
 * Each response must be a 200 whose `executed_amount` equals the amount and whose
 * `remaining_amount` is 0 (one full fill = one trade); anything else is kept (first 10).
 * Messages: <- setup {url, maker, makerBtc} -> setup-done {...}; <- go {url, takers, rate,
 * start, until} -> done {...}; <- close -> exits.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { childFail, exitWithParent, Hist, monoUs, sleep, stampQty } from './common.js';

interface Key {
  key: string;
  secret: string;
  account: string;
}

interface Reply {
  status: number;
  body: string;
}

function post(agent: http.Agent, base: URL, k: Key, payload: Record<string, unknown>): Promise<Reply> {
  const b64 = Buffer.from(JSON.stringify(payload)).toString('base64');
  const sig = createHmac('sha384', k.secret).update(b64).digest('hex');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: String(payload['request']),
        headers: {
          'Content-Type': 'text/plain',
          'Content-Length': '0',
          'Cache-Control': 'no-cache',
          'X-GEMINI-APIKEY': k.key,
          'X-GEMINI-PAYLOAD': b64,
          'X-GEMINI-SIGNATURE': sig,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out (30 s)')));
    req.on('error', reject);
    req.end();
  });
}

let nonce = Date.now() * 1000;

async function setup(m: { url: string; maker: Key; makerBtc: number }): Promise<Record<string, unknown>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = new URL(m.url);
  const out: Record<string, unknown> = { type: 'setup-done' };
  for (const [side, price] of [['sell', '100.01'], ['buy', '99.99']] as const) {
    const r = await post(agent, base, m.maker, {
      request: '/v1/order/new', nonce: ++nonce, symbol: 'btcusd', amount: String(m.makerBtc), price, side, type: 'exchange limit',
    });
    const o = JSON.parse(r.body) as { order_id?: string; is_live?: boolean };
    if (r.status !== 200 || o.is_live !== true) throw new Error(`maker ${side} order: ${r.status} ${r.body.slice(0, 300)}`);
    out[side] = o.order_id;
  }
  agent.destroy();
  return out;
}

async function flow(m: { url: string; takers: Key[]; rate: number; start: number; until: number }): Promise<Record<string, unknown>> {
  const base = new URL(m.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: m.takers.length });
  const periodUs = 1e6 / m.rate;
  let next = 0;
  const st = { sent: 0, filled: 0, bad: 0, errors: 0, late: 0, maxLagMs: 0, lagSumMs: 0 };
  const failures: string[] = [];
  const rest = new Hist();
  /** orders each worker (connection) sent, and its slowest response (ms): shows starvation */
  const perWorker: { sent: number; maxMs: number }[] = m.takers.map(() => ({ sent: 0, maxMs: 0 }));
  const fail = (s: string): void => {
    if (failures.length < 10) failures.push(s.slice(0, 400));
  };

  async function worker(w: number, k: Key): Promise<void> {
    let buy = w % 2 === 0;
    let n = 0;
    for (;;) {
      const due = m.start + next * periodUs;
      if (due >= m.until) return;
      next++;
      const wait = due - monoUs();
      if (wait >= 500) await sleep(Math.round(wait / 1000)); // timers: ±0.5 ms (no busy-waiting)
      const t = monoUs();
      const lagMs = (t - due) / 1000;
      if (lagMs > 5) st.late++;
      st.lagSumMs += lagMs;
      if (lagMs > st.maxLagMs) st.maxLagMs = lagMs;
      const amount = stampQty(t);
      const payload = {
        request: '/v1/order/new', nonce: ++nonce, symbol: 'btcusd', amount, price: buy ? '100.01' : '99.99',
        side: buy ? 'buy' : 'sell', type: 'exchange limit', options: ['immediate-or-cancel'], client_order_id: `wsb-${w}-${n++}`,
      };
      buy = !buy;
      st.sent++;
      perWorker[w]!.sent++;
      try {
        const r = await post(agent, base, k, payload);
        const took = monoUs() - t;
        rest.add(took);
        if (took / 1000 > perWorker[w]!.maxMs) perWorker[w]!.maxMs = took / 1000;
        let o: { executed_amount?: string; remaining_amount?: string } = {};
        try {
          o = JSON.parse(r.body) as typeof o;
        } catch {
          // counted as bad below
        }
        if (r.status === 200 && o.executed_amount === amount && o.remaining_amount === '0') st.filled++;
        else {
          st.bad++;
          fail(`${r.status} ${r.body} (amount ${amount})`);
        }
      } catch (e) {
        st.errors++;
        fail(String(e));
      }
    }
  }

  await Promise.all(m.takers.map((k, w) => worker(w, k)));
  agent.destroy();
  return {
    type: 'done', ...st, meanLagMs: st.sent === 0 ? 0 : st.lagSumMs / st.sent, failures,
    rest: { p50: rest.percentile(50), p99: rest.percentile(99), max: rest.max, mean: rest.mean() },
    perWorkerSent: [Math.min(...perWorker.map((x) => x.sent)), Math.max(...perWorker.map((x) => x.sent))],
    perWorkerMaxMs: [Math.min(...perWorker.map((x) => x.maxMs)), Math.max(...perWorker.map((x) => x.maxMs))],
  };
}

function main(): void {
  exitWithParent();
  process.on('message', (m: { type?: string } & Record<string, unknown>) => {
    if (m.type === 'setup') setup(m as unknown as Parameters<typeof setup>[0]).then((r) => process.send!(r), childFail);
    else if (m.type === 'go') flow(m as unknown as Parameters<typeof flow>[0]).then((r) => process.send!(r), childFail);
    else if (m.type === 'close') process.exit(0);
  });
  process.send!({ type: 'ready', pid: process.pid });
}

main();
