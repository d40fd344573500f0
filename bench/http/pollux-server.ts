/**
 * Child process: Pollux as an embedding user runs it — `startExchange` from src/index.ts (the
 * programmatic API; `startServer` from src/server as a fallback) on 127.0.0.1, port 0, a fresh
 * data directory, default durability (the SQLite journal with group commit). The N benchmark
 * accounts are provisioned by that API at start (`accounts`: funded with USD and BTC, one Trader
 * key each) and their keys are sent to the parent.
 *
 * Usage (by http.bench.ts): node pollux-server.js <dataDir> <accounts>
 * Messages: -> ready {port, url, entry, keys:[{key, secret, account}]}; <- stats -> stats {...};
 * <- close -> (exits).
 */
import { childFail } from './children.js';

/** what the benchmark needs from a running Pollux (structural, so this file does not pin the API) */
interface RunningLike {
  port: number;
  url: string;
  info(): { accounts: { account: string; keys: { key: string; secret: string }[] }[] };
  exchange: {
    engine: { openOrders(account: string): unknown[] };
    store: { journal: { stats: { batches: number; commands: number; maxBatch: number } } };
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
  const running = await start({ port: 0, host: '127.0.0.1', dataDir, clock: 'system', accounts });
  const keys: { key: string; secret: string; account: string }[] = [];
  for (const a of running.info().accounts) {
    if (!a.account.startsWith('bench-')) continue;
    const k = a.keys[0];
    if (k === undefined) throw new Error(`account ${a.account} came back without a key`);
    keys.push({ key: k.key, secret: k.secret, account: a.account });
  }
  if (keys.length !== n) throw new Error(`asked for ${n} accounts, got ${keys.length}`);
  const ex = running.exchange;

  process.on('message', (m: { type?: string }) => {
    if (m.type === 'stats') {
      let open = 0;
      for (const k of keys) open += ex.engine.openOrders(k.account).length;
      process.send!({ type: 'stats', journal: { ...ex.store.journal.stats }, openOrders: open, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) });
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
