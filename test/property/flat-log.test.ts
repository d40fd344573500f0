/**
 * Property: the flat event log (src/engine/flat-log.ts) records exactly the events `apply` returns.
 *
 * Two engines get the same random command sequence: one through `apply` (Event objects, built by
 * the object sink), one through `applyInto` a FlatEventLog. After every command the log, decoded,
 * must be byte-identical (canonical JSON, key order included) to `apply`'s events, the rejections
 * must be the same, and the two state hashes equal. The log is cleared between commands, as a
 * consumer that drains it would; its string table persists across clears.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Engine } from '../../src/engine/engine.js';
import { FlatEventLog, NI, TRADE } from '../../src/engine/flat-log.js';
import { ALL_MARKETS, Driver, scenarioArb, type Scenario } from './arbitraries.js';
import { canon, fcParams, stateHash } from './harness.js';
import { TARGETED } from './regressions.js';

let histories = 0;
let events = 0;
let bigRows = 0;
let bigFeeTrades = 0;
let bigNotionals = 0;

test('decoding the flat log gives exactly the events apply() returns', () => {
  fc.assert(
    fc.property(scenarioArb({ minSteps: 5, maxSteps: 150 }), (sc: Scenario) => {
      const objects = new Engine({ markets: ALL_MARKETS });
      const flat = new Engine({ markets: ALL_MARKETS });
      const log = new FlatEventLog(2); // small, so growing is exercised
      const drv = new Driver(sc, objects);
      while (drv.hasNext()) {
        const p = drv.next();
        const cmd = structuredClone(p.cmd);
        const r = objects.apply(p.cmd);
        drv.record(r);
        log.clear();
        const rej = flat.applyInto(cmd, log);
        if (r.ok) {
          assert.equal(rej, null, `seq ${cmd.seq}: applyInto rejected what apply accepted`);
          assert.equal(canon(log.events()), canon(r.events), `seq ${cmd.seq} ${canon(cmd)}: events differ`);
          events += log.count;
          bigRows += log.bigs.length;
          for (let row = 0; row < log.count; row++) if (log.types[row] === TRADE && log.i[row * NI + 6]! >= 0) bigFeeTrades++;
          for (const e of r.events) {
            if ('order' in e && e.order.filledNotional > BigInt(Number.MAX_SAFE_INTEGER)) bigNotionals++;
          }
        } else {
          assert.equal(canon(rej), canon(r.rejection), `seq ${cmd.seq}: rejection differs`);
          assert.equal(log.count, 0, `seq ${cmd.seq}: a rejection produced events`);
        }
      }
      assert.equal(stateHash(flat), stateHash(objects), 'state hashes differ');
      histories++;
    }),
    fcParams(500, TARGETED.map((t): [Scenario] => [t.scenario])),
  );
  console.log(`flat-log: ${histories} histories, ${events} events, ${bigRows} bigint cells, ${bigFeeTrades} trades with bigint fees, ${bigNotionals} records with filled notional past 2^53`);
});

test('decode refuses a row that was not written', () => {
  const log = new FlatEventLog();
  assert.throws(() => log.decode(0), RangeError);
  log.accountCreated('a', 1, 2);
  assert.deepEqual(log.events(), [{ type: 'AccountCreated', account: 'a', makerBps: 1, takerBps: 2 }]);
  log.clear();
  assert.equal(log.count, 0);
  assert.throws(() => log.decode(0), RangeError);
});
