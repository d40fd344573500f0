/**
 * Property: the engine is a deterministic function of its commands, and snapshots lose nothing.
 *
 * - Replaying the accepted commands of a random history into a fresh engine gives the same events
 *   and the same sha256 state hash (sha256 of JSON.stringify(exportState)); so does replaying all
 *   of them, rejected ones included (they are rejected again, the same way).
 * - Snapshot at a random midpoint (through JSON text, as it would be stored) -> importState ->
 *   apply the rest gives the same events and the same final hash as the uninterrupted run, and
 *   export -> import -> export is the identity. Also across book implementations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NaiveBook } from '../../src/engine/book/naive-book.js';
import type { Command } from '../../src/engine/commands.js';
import { Engine, type Result } from '../../src/engine/engine.js';
import { exportState, importState, type EngineSnapshot } from '../../src/engine/snapshot.js';
import { ALL_MARKETS, Driver, scenarioArb, type Scenario } from './arbitraries.js';
import { canon, fcParams, stateHash, stateJson } from './harness.js';
import { TARGETED } from './regressions.js';

interface Run {
  log: { cmd: Command; result: string; ok: boolean }[];
  hash: string;
  /** hash after each command */
  hashes: string[];
}

function record(sc: Scenario): Run {
  const engine = new Engine({ markets: ALL_MARKETS });
  const drv = new Driver(sc, engine);
  const log: Run['log'] = [];
  const hashes: string[] = [];
  while (drv.hasNext()) {
    const p = drv.next();
    const cmd = structuredClone(p.cmd);
    const r = engine.apply(p.cmd);
    drv.record(r);
    log.push({ cmd, result: canon(r), ok: r.ok });
    hashes.push(stateHash(engine));
  }
  return { log, hash: stateHash(engine), hashes };
}

function applyAll(engine: Engine, cmds: Run['log'], what: string): void {
  for (const { cmd, result } of cmds) {
    const r: Result = engine.apply(structuredClone(cmd));
    assert.equal(canon(r), result, `${what}: result differs at seq ${cmd.seq} ${canon(cmd)}`);
  }
}

let runs = 0;
let commands = 0;

test('replaying the accepted commands reproduces events and the state hash', () => {
  fc.assert(
    fc.property(scenarioArb({ minSteps: 5, maxSteps: 150 }), (sc) => {
      const run = record(sc);
      runs++;
      commands += run.log.length;
      const accepted = new Engine({ markets: ALL_MARKETS });
      applyAll(accepted, run.log.filter((x) => x.ok), 'accepted-only replay');
      assert.equal(stateHash(accepted), run.hash, 'accepted-only replay: final hash');
      const all = new Engine({ markets: ALL_MARKETS, bookFactory: () => new NaiveBook() });
      applyAll(all, run.log, 'full replay (naive book)');
      assert.equal(stateHash(all), run.hash, 'full replay: final hash');
      // rejections leave no trace in the state hash
      for (let i = 1; i < run.log.length; i++) {
        if (!run.log[i]!.ok) assert.equal(run.hashes[i], run.hashes[i - 1], 'a rejection changed the hash');
      }
    }),
    fcParams(1000, TARGETED.map((t): [Scenario] => [t.scenario])),
  );
  console.log(`replay: ${runs} histories, ${commands} commands`);
});

/** JSON text round trip, as a stored snapshot would make */
function stored(snap: EngineSnapshot): EngineSnapshot {
  return JSON.parse(JSON.stringify(snap)) as EngineSnapshot;
}

// Regression cases: the targeted histories cut just after setup, a few steps in, and at the end;
// plus any [scenario, cut] that once broke snapshot/restore.
const SNAPSHOT_REGRESSIONS: [Scenario, number][] = TARGETED.flatMap((t): [Scenario, number][] => [[t.scenario, 12], [t.scenario, 15], [t.scenario, 1_000_000]]);

test('snapshot at a random midpoint, import, apply the rest: same events and hash', () => {
  fc.assert(
    fc.property(scenarioArb({ minSteps: 5, maxSteps: 150 }), fc.nat(), (sc, cutSeed) => {
      const run = record(sc);
      const cut = cutSeed % (run.log.length + 1);
      const first = new Engine({ markets: ALL_MARKETS });
      applyAll(first, run.log.slice(0, cut), 'before the cut');
      assert.equal(stateHash(first), cut === 0 ? stateHash(new Engine({ markets: ALL_MARKETS })) : run.hashes[cut - 1], 'hash at the cut');
      const snap = stored(exportState(first));
      for (const bookFactory of [undefined, () => new NaiveBook()]) {
        const restored = importState(bookFactory === undefined ? { markets: ALL_MARKETS } : { markets: ALL_MARKETS, bookFactory }, structuredClone(snap));
        assert.equal(stateJson(restored), stateJson(first), 'export -> import -> export is the identity');
        applyAll(restored, run.log.slice(cut), `after restoring at ${cut}`);
        assert.equal(stateHash(restored), run.hash, `final hash after restoring at ${cut}`);
      }
      // the original engine, carried on, agrees too (the snapshot did not disturb it)
      applyAll(first, run.log.slice(cut), 'original after export');
      assert.equal(stateHash(first), run.hash);
    }),
    fcParams(1000, SNAPSHOT_REGRESSIONS),
  );
});
