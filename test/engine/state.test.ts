/**
 * Whole-state properties: a rejection changes nothing; ids increase without gaps; snapshots
 * round-trip exactly and resume identically; the same commands give the same events on every book.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandBody } from '../../src/engine/commands.js';
import type { Engine } from '../../src/engine/engine.js';
import { exportState, importState, SNAPSHOT_VERSION } from '../../src/engine/snapshot.js';
import {
  BOOKS, MARKETS, buy, cancel, canonical, market, scenario, sell, stopLimit, trader, withdraw,
} from '../support/harness.js';
import { REJECTION_CASES, rejectionBase } from '../support/rejection-cases.js';
import { checkInvariants, randomFlow } from '../support/flows.js';

describe('state', () => {
  for (const { name, factory } of BOOKS) {
    describe(`[${name}]`, () => {
      it('every rejection leaves the exported state, open orders and next id exactly as they were', () => {
        for (const [code, cmd] of Object.entries(REJECTION_CASES)) {
          const s = rejectionBase(factory);
          const before = s.stateJson();
          const open = canonical(['alice', 'bob'].map((a) => s.engine.openOrders(a)));
          const nextId = s.engine.state.nextId;
          const r = s.apply(cmd);
          assert.ok(!r.ok, `${code} case was accepted`);
          assert.equal(s.stateJson(), before, code);
          assert.equal(canonical(['alice', 'bob'].map((a) => s.engine.openOrders(a))), open, code);
          assert.equal(s.engine.state.nextId, nextId, code);
          // and the engine goes on exactly like an engine that never saw the rejected command
          const twin = rejectionBase(factory);
          const next = { ...sell('alice', '0.5', '99'), seq: 999, time: 999 };
          assert.equal(canonical(s.engine.apply(next)), canonical(twin.engine.apply(next)), code);
        }
      });

      it('a rejection does not even add empty balance rows to the account (live and restored engines must list the same balances)', () => {
        const s = scenario({ bookFactory: factory }).given(trader('a', { USD: '10' }));
        s.when(withdraw('a', 'ETH', '1')).thenRejected('InsufficientFunds');
        s.when(sell('a', '1', '100')).thenRejected('InsufficientFunds');
        s.when(buy('a', '1', '0.05', { symbol: 'ethbtc' })).thenRejected('InsufficientFunds');
        assert.deepEqual([...s.engine.account('a')!.balances.keys()], ['USD']);
        const restored = importState({ markets: MARKETS, bookFactory: factory }, s.snapshot());
        assert.deepEqual([...restored.account('a')!.balances.keys()], [...s.engine.account('a')!.balances.keys()]);
      });

      it('order ids and trade ids come from one increasing, gap-free sequence; rejections use none', () => {
        const s = scenario({ bookFactory: factory, firstId: 1000 }).given(trader('a', { USD: '10000', BTC: '10' }), trader('b', { USD: '10000', BTC: '10' }));
        const ids: number[] = [];
        const cmds: CommandBody[] = [
          sell('a', '1', '100'), sell('a', '1', '101'), buy('b', '0.5', '99'),
          buy('b', '1.5', '101'), buy('b', '1', '-1'), cancel('b', '1'), stopLimit('a', 'sell', '0.5', '98', '99'),
          sell('a', '1', '99'), buy('a', '1', '1', { options: ['x'] }), market('b', 'buy', '0.1'),
        ];
        for (const c of cmds) {
          const r = s.apply(c);
          if (!r.ok) continue;
          for (const e of r.events) {
            if (e.type === 'OrderAccepted') ids.push(e.order.id);
            if (e.type === 'Trade') ids.push(e.tid);
          }
        }
        assert.equal(ids[0], 1000);
        assert.deepEqual(ids, ids.map((_, i) => 1000 + i));
        assert.equal(s.engine.state.nextId, 1000 + ids.length);
      });

      it('snapshot: export -> import -> export is the identity, on either book', () => {
        const src = scenario({ bookFactory: factory, priceBandBps: 300, defaultMakerBps: 5, defaultTakerBps: 20 });
        src.applyAll(randomFlow(1, 300));
        src.given(stopLimit('a0', 'buy', '0.01', '150', '149'), stopLimit('a1', 'sell', '0.01', '50', '51', { symbol: 'ethusd' }));
        const snap = src.snapshot();
        assert.equal(snap.version, SNAPSHOT_VERSION);
        const json = JSON.stringify(snap);
        for (const b of BOOKS) {
          const copy = importState({ markets: MARKETS, bookFactory: b.factory }, JSON.parse(json));
          assert.equal(JSON.stringify(exportState(copy)), json, `import into ${b.name}`);
        }
        assert.equal(snap.config.priceBandBps, 300);
        assert.ok(snap.markets.every((m) => m.symbol !== 'btcusd' || (m.bids.length > 1 && m.asks.length > 1 && m.stops.length === 1)));
        assert.ok(snap.fees.length > 0 && snap.accounts.length === 5);
      });

      it('snapshot: an imported engine continues exactly like the original (time priority, stops, fees, ids)', () => {
        const flow = randomFlow(11, 400);
        const cut = 250;
        const orig = scenario({ bookFactory: factory });
        orig.applyAll(flow.slice(0, cut));
        const copy = importState({ markets: MARKETS, bookFactory: factory }, JSON.parse(JSON.stringify(orig.snapshot())));
        let seq = 10_000;
        for (const c of flow.slice(cut)) {
          seq++;
          const stamped = { ...c, seq, time: seq } as Parameters<Engine['apply']>[0];
          assert.equal(canonical(copy.apply(stamped)), canonical(orig.engine.apply(stamped)), `command ${seq}`);
        }
        assert.equal(JSON.stringify(exportState(copy)), orig.stateJson());
      });
    });
  }

  it('importState refuses another snapshot version and unknown markets', () => {
    const snap = scenario().given(trader('a', { USD: '1' })).snapshot();
    assert.throws(() => importState({ markets: MARKETS }, { ...snap, version: SNAPSHOT_VERSION + 1 }), /version/);
    const withGhost = { ...snap, markets: [...snap.markets, { symbol: 'ghostusd', status: 'open' as const, lastPrice: 0, bids: [], asks: [], stops: [] }] };
    assert.throws(() => importState({ markets: MARKETS }, withGhost), /ghostusd/);
  });

  for (const seed of [1, 2, 3]) {
    it(`the same random flow gives byte-identical events on every book, and the invariants hold after each command (seed ${seed})`, () => {
      const flow = randomFlow(seed, 600);
      const runs = BOOKS.map((b) => ({ s: scenario({ bookFactory: b.factory }), out: [] as string[] }));
      const deposits = new Map<string, bigint>();
      let accepted = 0;
      let trades = 0;
      for (const c of flow) {
        for (const run of runs) {
          const r = run.s.apply(c);
          run.out.push(canonical(r));
          if (run === runs[0] && r.ok) {
            accepted++;
            for (const e of r.events) {
              if (e.type === 'FundsDeposited') deposits.set(e.currency, (deposits.get(e.currency) ?? 0n) + e.amount);
              if (e.type === 'FundsWithdrawn') deposits.set(e.currency, (deposits.get(e.currency) ?? 0n) - e.amount);
              if (e.type === 'Trade') trades++;
            }
          }
          checkInvariants(run.s.engine, deposits);
        }
        assert.equal(runs[1]!.out.at(-1), runs[0]!.out.at(-1), `command ${runs[0]!.out.length}: ${canonical(c)}`);
      }
      assert.equal(runs[1]!.s.stateJson(), runs[0]!.s.stateJson());
      assert.ok(accepted > 300 && trades > 50, `the flow exercised the engine (accepted ${accepted}, trades ${trades})`);
      // and the same engine twice is deterministic too
      const again = scenario({ bookFactory: BOOKS[0]!.factory });
      assert.deepEqual(flow.map((c) => canonical(again.apply(c))), runs[0]!.out);
    });
  }
});
