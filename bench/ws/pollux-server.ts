/**
 * Child process: Pollux as an embedding user runs it — `startExchange` from src/index.ts on
 * 127.0.0.1, port 0, a fresh data directory, the system clock and the default durability (SQLite
 * journal, WAL, synchronous=FULL, group commit). It provisions, through `startExchange({accounts})`,
 * one maker account and N taker accounts, all at 0 bps fees, each with one Trader key, and sends
 * the keys to the parent. The WebSocket feed is untouched: subscribers use the current API at `/`.
 *
 * Usage: node pollux-server.js <dataDir> <takers> <makerBtc>
 * Messages: -> ready {port, url, wsUrl, maker, takers}; <- stats -> stats {...}; <- close -> exits.
 */
import { childFail, exitWithParent } from './common.js';

interface KeyOut {
  key: string;
  secret: string;
  account: string;
}

/** what the benchmark needs from a running Pollux (structural, so this file does not pin the API) */
interface RunningLike {
  port: number;
  url: string;
  wsUrl: string;
  info(): { accounts: { account: string; keys: { key: string; secret: string }[] }[] };
  exchange: {
    engine: { openOrders(account: string): unknown[] };
    store: { journal: { stats: { batches: number; commands: number; maxBatch: number } } };
  };
  close(): Promise<void>;
}

async function main(): Promise<void> {
  exitWithParent();
  const [dataDir, takersArg, makerBtcArg] = process.argv.slice(2);
  if (dataDir === undefined) throw new Error('usage: pollux-server.js <dataDir> <takers> <makerBtc>');
  const takers = Number(takersArg ?? 16);
  const makerBtc = Number(makerBtcArg ?? 100_000);
  const index = new URL('../../src/index.js', import.meta.url).href;
  const { startExchange } = (await import(index)) as { startExchange: (o: Record<string, unknown>) => Promise<RunningLike> };
  const accounts = [
    {
      name: 'ws bench maker',
      account: 'wsb-maker',
      makerBps: 0,
      takerBps: 0,
      // the two resting orders: sell makerBtc @ 100.01 and buy makerBtc @ 99.99 (USD hold ~100 * makerBtc)
      funds: { BTC: String(makerBtc + 10), USD: String(Math.ceil(makerBtc * 100) + 10_000) },
      keys: [{ roles: ['Trader'], label: 'ws bench maker' }],
    },
    ...Array.from({ length: takers }, (_, i) => ({
      name: `ws bench taker ${i}`,
      account: `wsb-taker-${i}`,
      makerBps: 0,
      takerBps: 0,
      funds: { USD: '1000000', BTC: '10000' },
      keys: [{ roles: ['Trader'], label: 'ws bench taker' }],
    })),
  ];
  const running = await startExchange({ port: 0, host: '127.0.0.1', dataDir, clock: 'system', accounts });
  const keys = new Map<string, KeyOut>();
  for (const a of running.info().accounts) {
    const k = a.keys[0];
    if (a.account.startsWith('wsb-') && k !== undefined) keys.set(a.account, { key: k.key, secret: k.secret, account: a.account });
  }
  const maker = keys.get('wsb-maker');
  const takerKeys = Array.from({ length: takers }, (_, i) => keys.get(`wsb-taker-${i}`));
  if (maker === undefined || takerKeys.some((k) => k === undefined)) throw new Error('startExchange did not return the benchmark accounts and keys');
  const ex = running.exchange;

  process.on('message', (m: { type?: string }) => {
    if (m.type === 'stats') {
      process.send!({
        type: 'stats',
        journal: { ...ex.store.journal.stats },
        makerOpenOrders: ex.engine.openOrders('wsb-maker').length,
        takerOpenOrders: takerKeys.reduce((t, k) => t + ex.engine.openOrders(k!.account).length, 0),
        rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
      });
    } else if (m.type === 'close') {
      void running.close().then(
        () => process.exit(0),
        (e) => childFail(e),
      );
    }
  });
  process.send!({ type: 'ready', port: running.port, url: running.url, wsUrl: running.wsUrl, maker, takers: takerKeys, pid: process.pid });
}

main().catch(childFail);
