/**
 * Child process: Pollux as an embedding user runs it — `startExchange` from src/index.ts (the
 * programmatic API; `startServer` from src/server as a fallback) on 127.0.0.1, port 0, a fresh
 * data directory, default durability (the SQLite journal with group commit). The N benchmark
 * accounts are provisioned by that API at start (`accounts`: funded with USD and BTC, one Trader
 * key each) and their keys are sent to the parent.
 *
 * Usage (by http.bench.ts): node pollux-server.js <dataDir> <accounts>
 * Messages: -> ready {port, url, entry, keys:[{key, secret, account}]}; <- stats -> stats {journal,
 * openOrders, rssMB, cpuTicks: main thread and whole process};
 * <- seed-book {orders, levels} -> seeded {...} (places the book of http/book-seed.ts through the
 * programmatic API, `exchange.submit`, the same commands the REST adapter submits);
 * <- close -> (exits).
 */
import { readFileSync } from 'node:fs';
import { childFail } from './children.js';
import { bookPlan, type SeedOrder } from './book-seed.js';

/** what the benchmark needs from a running Pollux (structural, so this file does not pin the API) */
interface RunningLike {
  port: number;
  url: string;
  info(): { accounts: { account: string; keys: { key: string; secret: string }[] }[] };
  exchange: {
    engine: {
      openOrders(account: string): unknown[];
      book(symbol: string): { size(): number; depth(side: 'buy' | 'sell', limit: number): unknown[] } | undefined;
    };
    submit(cmd: Record<string, unknown>): Promise<{ ok: true; events: { type: string }[] } | { ok: false; rejection: { code: string } }>;
    store: { journal: { stats: { batches: number; commands: number; maxBatch: number; syncs: number } } };
  };
  close(): Promise<void>;
}

type Starter = (opts: Record<string, unknown>) => Promise<RunningLike>;

async function loadStarter(): Promise<{ start: Starter; entry: string }> {
  const index = new URL('../../src/index.js', import.meta.url).href;
  const m = (await import(index)) as Record<string, unknown>;
  if (typeof m.startExchange === 'function') return { start: m.startExchange as Starter, entry: 'startExchange (src/index.ts)' };
  if (typeof m.startServer === 'function') return { start: m.startServer as Starter, entry: 'startServer (src/server)' };
  throw new Error('dist/src/index.js exports neither startExchange nor startServer');
}

/** CPU ticks (utime + stime, 10 ms each) of the main thread and of the whole process (Linux; NaN elsewhere) */
function cpuTicks(): { main: number; all: number } {
  const ticks = (path: string): number => {
    try {
      const s = readFileSync(path, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]);
    } catch {
      return NaN;
    }
  };
  return { main: ticks(`/proc/self/task/${process.pid}/stat`), all: ticks('/proc/self/stat') };
}

async function main(): Promise<void> {
  const [dataDir, nArg] = process.argv.slice(2);
  if (dataDir === undefined) throw new Error('usage: pollux-server.js <dataDir> <accounts>');
  const n = Number(nArg ?? 50);
  const { start, entry } = await loadStarter();
  const accounts = Array.from({ length: n }, (_, i) => ({
    name: `bench ${i}`,
    account: `bench-${i}`,
    funds: { USD: '10000000', BTC: '1000' },
    keys: [{ roles: ['Trader'], label: 'http bench' }],
  }));
  // BENCH_JOURNAL_WRITER=thread|worker picks the journal's writer (A/B runs); unset: the default
  const journalWriter = process.env.BENCH_JOURNAL_WRITER || undefined;
  const running = await start({ port: 0, host: '127.0.0.1', dataDir, clock: 'system', accounts, journalWriter });
  const keys: { key: string; secret: string; account: string }[] = [];
  for (const a of running.info().accounts) {
    if (!a.account.startsWith('bench-')) continue;
    const k = a.keys[0];
    if (k === undefined) throw new Error(`account ${a.account} came back without a key`);
    keys.push({ key: k.key, secret: k.secret, account: a.account });
  }
  if (keys.length !== n) throw new Error(`asked for ${n} accounts, got ${keys.length}`);
  const ex = running.exchange;
  const keyOf = new Map(keys.map((k) => [k.account, k.key]));

  /** place one seed order; returns how many trades it made */
  const place = async (o: SeedOrder): Promise<number> => {
    const account = `bench-${o.account}`;
    const r = await ex.submit({
      type: 'PlaceOrder', account, session: keyOf.get(account)!, symbol: 'btcusd', side: o.side,
      orderType: 'exchange limit', amount: o.amount, price: o.price, options: [],
    });
    if (!r.ok) throw new Error(`seed order ${JSON.stringify(o)} rejected: ${r.rejection.code}`);
    return r.events.filter((e) => e.type === 'Trade').length;
  };

  const seedBook = async (orders: number, levels: number): Promise<Record<string, unknown>> => {
    const t0 = performance.now();
    const plan = bookPlan(orders, levels, n);
    let trades = 0;
    for (const o of plan.tradeOrders) trades += await place(o); // in order: each sell rests, its buy takes it
    if (trades !== plan.trades.length) throw new Error(`seed trades: ${trades}, expected ${plan.trades.length}`);
    const book = ex.engine.book('btcusd')!;
    if (book.size() !== 0) throw new Error(`book not empty after the seed trades: ${book.size()} orders`);
    // the resting orders, up to 500 in flight (the journal batches them)
    for (let i = 0; i < plan.resting.length; i += 500) {
      const made = await Promise.all(plan.resting.slice(i, i + 500).map(place));
      if (made.some((t) => t !== 0)) throw new Error('a resting seed order traded');
    }
    return {
      type: 'seeded',
      ms: performance.now() - t0,
      trades,
      resting: book.size(),
      bidLevels: book.depth('buy', 0).length,
      askLevels: book.depth('sell', 0).length,
    };
  };

  process.on('message', (m: { type?: string; orders?: number; levels?: number }) => {
    if (m.type === 'seed-book') {
      seedBook(m.orders ?? 10_000, m.levels ?? 500).then((r) => process.send!(r), childFail);
    } else if (m.type === 'stats') {
      let open = 0;
      for (const k of keys) open += ex.engine.openOrders(k.account).length;
      process.send!({ type: 'stats', journal: { ...ex.store.journal.stats }, openOrders: open, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20), cpuTicks: cpuTicks() });
    } else if (m.type === 'close') {
      void running.close().then(
        () => process.exit(0),
        (e) => childFail(e),
      );
    }
  });
  process.send!({ type: 'ready', port: running.port, url: running.url, entry, keys, pid: process.pid });
}

main().catch(childFail);
