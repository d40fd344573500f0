/**
 * Journal benchmark: durable commands/s through the sequencer with group commit (SQLite WAL; each
 * batch committed with synchronous=NORMAL, then one fdatasync of the WAL off the event loop before
 * anything is acknowledged), and restart time for a state of 100,000 resting orders.
 *
 * Run: npm run bench:journal   (POLLUX_BENCH_DIR=/some/disk to choose where the database lives;
 * POLLUX_BENCH_SECONDS to change the throughput run length, default 3)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMarkets } from '../src/app/markets-config.js';
import type { CommandBody } from '../src/engine/commands.js';
import { Engine } from '../src/engine/engine.js';
import { openExchangeStore, replayFromScratch, type ExchangeStore } from '../src/journal/recovery.js';

const markets = loadMarkets();
const SECONDS = Number(process.env.POLLUX_BENCH_SECONDS ?? 3);
const base = process.env.POLLUX_BENCH_DIR ?? tmpdir();

function tempDir(): string {
  return mkdtempSync(join(base, 'pollux-bench-'));
}

async function fund(store: ExchangeStore, accounts: string[]): Promise<void> {
  await Promise.all(
    accounts.flatMap((a) => [
      store.sequencer.submit({ type: 'CreateAccount', account: a }),
      store.sequencer.submit({ type: 'Deposit', account: a, currency: 'USD', amount: '1000000000' }),
      store.sequencer.submit({ type: 'Deposit', account: a, currency: 'BTC', amount: '100000' }),
      store.sequencer.submit({ type: 'Deposit', account: a, currency: 'ETH', amount: '1000000' }),
    ]),
  );
}

function restingOrder(account: string, i: number): CommandBody {
  const buy = i % 2 === 0;
  const eth = i % 5 === 0;
  const level = i % 1000;
  const price = eth ? (buy ? 2000 - level * 0.01 : 3000 + level * 0.01) : buy ? 40000 - level * 0.01 : 60000 + level * 0.01;
  return {
    type: 'PlaceOrder', account, session: `key-${account}`, symbol: eth ? 'ethusd' : 'btcusd', side: buy ? 'buy' : 'sell',
    orderType: 'exchange limit', amount: eth ? '0.01' : '0.0001', price: price.toFixed(2), options: [],
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** `submitters` concurrent loops of PlaceOrder then CancelOrder of it, for SECONDS */
async function throughput(submitters: number): Promise<void> {
  const dir = tempDir();
  const store = openExchangeStore({ dataDir: dir, markets, snapshotEvery: 0 });
  try {
    const accounts = Array.from({ length: submitters }, (_, i) => `t${i}`);
    await fund(store, accounts);
    const b0 = { ...store.journal.stats };
    const lat: number[] = [];
    let n = 0;
    const end = performance.now() + SECONDS * 1000;
    const worker = async (account: string) => {
      let i = 0;
      while (performance.now() < end) {
        let t = performance.now();
        const r = await store.sequencer.submit(restingOrder(account, i++));
        lat.push(performance.now() - t);
        if (!r.ok) throw new Error(`rejected: ${r.rejection.code}`);
        const id = r.events[0]!.type === 'OrderAccepted' ? r.events[0].order.id : 0;
        t = performance.now();
        const c = await store.sequencer.submit({ type: 'CancelOrder', account, orderId: String(id) });
        lat.push(performance.now() - t);
        if (!c.ok) throw new Error(`cancel rejected: ${c.rejection.code}`);
        n += 2;
      }
    };
    const t0 = performance.now();
    await Promise.all(accounts.map(worker));
    const secs = (performance.now() - t0) / 1000;
    const batches = store.journal.stats.batches - b0.batches;
    console.log(
      `  ${String(submitters).padStart(3)} submitters: ${Math.round(n / secs).toLocaleString('en-US').padStart(7)} durable cmds/s` +
        `  (${n} cmds in ${secs.toFixed(2)} s, ${batches} batches = fsyncs, avg ${(n / batches).toFixed(1)}/batch,` +
        ` ack latency p50 ${pct(lat, 50).toFixed(2)} ms p99 ${pct(lat, 99).toFixed(2)} ms)`,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the same PlaceOrder/Cancel mix applied straight to an engine: the ceiling without a journal */
function engineOnly(): void {
  const e = new Engine({ markets });
  let seq = 0;
  const ap = (c: CommandBody) => e.apply({ ...c, seq: ++seq, time: seq } as never);
  ap({ type: 'CreateAccount', account: 'x' });
  ap({ type: 'Deposit', account: 'x', currency: 'USD', amount: '1000000000' });
  ap({ type: 'Deposit', account: 'x', currency: 'BTC', amount: '100000' });
  ap({ type: 'Deposit', account: 'x', currency: 'ETH', amount: '1000000' });
  const N = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < N / 2; i++) {
    const r = ap(restingOrder('x', i));
    const id = r.ok && r.events[0]!.type === 'OrderAccepted' ? r.events[0].order.id : 0;
    ap({ type: 'CancelOrder', account: 'x', orderId: String(id) });
  }
  console.log(`  engine alone (no journal, same mix): ${Math.round(N / ((performance.now() - t0) / 1000)).toLocaleString('en-US')} cmds/s`);
}

async function restart(orders: number, tail: number): Promise<void> {
  const dir = tempDir();
  try {
    let store = openExchangeStore({ dataDir: dir, markets, snapshotEvery: 0 });
    const accounts = Array.from({ length: 100 }, (_, i) => `r${i}`);
    await fund(store, accounts);
    let t0 = performance.now();
    let next = 0;
    await Promise.all(
      accounts.map(async (a) => {
        while (next < orders) {
          const r = await store.sequencer.submit(restingOrder(a, next++));
          if (!r.ok) throw new Error(`rejected: ${r.rejection.code}`);
        }
      }),
    );
    const buildS = (performance.now() - t0) / 1000;
    const resting = [...store.engine.state.markets.values()].reduce((n, m) => n + m.book.size(), 0);
    t0 = performance.now();
    const snap = store.snapshot();
    const snapMs = performance.now() - t0;
    const hash = store.stateHash();
    const lastSeq = store.sequencer.lastSeq;
    store.close();
    console.log(`  built ${resting.toLocaleString('en-US')} resting orders (${lastSeq} commands) in ${buildS.toFixed(2)} s; ` +
      `snapshot at seq ${snap.seq}: ${(snap.bytes / 1e6).toFixed(1)} MB in ${snapMs.toFixed(0)} ms`);

    t0 = performance.now();
    store = openExchangeStore({ dataDir: dir, markets, snapshotEvery: 0 });
    let ms = performance.now() - t0;
    if (store.stateHash() !== hash) throw new Error('restart hash mismatch');
    console.log(`  restart from snapshot (tail 0): ${ms.toFixed(0)} ms  (snapshot ${store.recovery.snapshotSeq}, replayed ${store.recovery.replayed})`);

    for (let i = 0; i < tail; i += 2) {
      const r = await store.sequencer.submit(restingOrder('r0', i + 1_000_000));
      const id = r.ok && r.events[0]!.type === 'OrderAccepted' ? r.events[0].order.id : 0;
      await store.sequencer.submit({ type: 'CancelOrder', account: 'r0', orderId: String(id) });
    }
    const hash2 = store.stateHash();
    store.close();
    t0 = performance.now();
    store = openExchangeStore({ dataDir: dir, markets, snapshotEvery: 0 });
    ms = performance.now() - t0;
    if (store.stateHash() !== hash2) throw new Error('restart hash mismatch (tail)');
    console.log(`  restart from snapshot + ${store.recovery.replayed} tail commands: ${ms.toFixed(0)} ms`);
    const path = store.path;
    store.close();

    t0 = performance.now();
    const full = replayFromScratch(path, markets);
    ms = performance.now() - t0;
    if (full.hash !== hash2) throw new Error('full replay hash mismatch');
    console.log(`  for comparison, full replay of all ${full.lastSeq} journaled commands: ${ms.toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`journal bench — node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), db under ${base}`);
console.log(`durable throughput (PlaceOrder + CancelOrder, WAL, one fdatasync per batch, ${SECONDS} s each):`);
engineOnly();
for (const n of [1, 10, 50, 200]) await throughput(n);
console.log('restart with 100,000 resting orders:');
await restart(100_000, 10_000);
