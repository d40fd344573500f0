/**
 * Crash-test child: opens a store in argv[2] (journal writer argv[5]: 'thread' or 'worker',
 * snapshot interval argv[4]) and submits a seeded random workload (argv[3]) from
 * several concurrent submitters until killed. Prints each accepted seq on its own line, only after
 * its promise resolved (i.e. after it is durable), and `ready` once the accounts are set up.
 * The parent SIGKILLs it at a random moment.
 */
import { loadMarkets } from '../../src/app/markets-config.js';
import { openExchangeStore } from '../../src/journal/recovery.js';
import { Workload } from './workload.js';

const [dir, seedText, everyText, writerText] = process.argv.slice(2);
if (dir === undefined || seedText === undefined) throw new Error('usage: crash-child <dir> <seed> [snapshotEvery] [thread|worker]');
const writer = writerText === 'worker' ? 'worker' : 'thread';
const store = openExchangeStore({ dataDir: dir, markets: loadMarkets(), snapshotEvery: Number(everyText ?? 250), writer });
const w = new Workload(Number(seedText));
const ack = (seq: number) => process.stdout.write(`${seq}\n`);

for (const c of w.setup()) {
  const r = await store.sequencer.submit(c);
  if (r.ok) ack(r.seq);
}
process.stdout.write('ready\n');
const deadline = Date.now() + 20_000; // the parent kills us long before this
const worker = async () => {
  while (Date.now() < deadline) {
    const r = await store.sequencer.submit(w.next());
    if (r.ok) {
      w.observe(r.events);
      ack(r.seq);
    }
  }
};
await Promise.all(Array.from({ length: 24 }, worker));
store.close();
