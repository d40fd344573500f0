/**
 * The flat event log (src/engine/flat-log.ts) on hand-picked histories that reach its rare paths:
 * bigint fees and filled notionals past 2^53, client order ids, stops, every cancel reason the
 * history produces, market status and account events. The random histories are in
 * test/property/flat-log.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandBody } from '../../src/engine/commands.js';
import { Engine } from '../../src/engine/engine.js';
import { FlatEventLog, NI, TRADE } from '../../src/engine/flat-log.js';
import { buy, cancel, expireSession, sell, setFees, setStatus, stopLimit, trader, withdraw } from '../support/commands.js';
import { MARKETS } from '../support/harness.js';

function canon(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v === undefined ? '<undefined>' : v));
}

/** apply `cmds` to two engines, one through apply() and one through applyInto(log); compare after each */
function compare(cmds: CommandBody[]): Set<string> {
  const seen = new Set<string>();
  const a = new Engine({ markets: MARKETS });
  const b = new Engine({ markets: MARKETS });
  const log = new FlatEventLog(1);
  let seq = 0;
  for (const body of cmds) {
    const cmd = { ...body, seq: ++seq, time: 1_700_000_000_000 + seq };
    const r = a.apply(structuredClone(cmd));
    log.clear();
    const rej = b.applyInto(structuredClone(cmd), log);
    if (!r.ok) {
      assert.equal(canon(rej), canon(r.rejection));
      assert.equal(log.count, 0);
      continue;
    }
    assert.equal(rej, null);
    assert.equal(canon(log.events()), canon(r.events), `events of ${canon(body)}`);
    for (const e of r.events) seen.add(e.type === 'OrderCancelled' ? `${e.type}:${e.reason}` : e.type);
  }
  return seen;
}

describe('flat event log', () => {
  it('decodes bigint fees and filled notionals past 2^53 exactly', () => {
    let bigTrades = 0;
    const cmds: CommandBody[] = [
      ...trader('whale', { USD: '300000000' }),
      ...trader('miner', { BTC: '5000' }),
      buy('whale', '1500', '100000.00', { clientOrderId: 'big-one' }),
      sell('miner', '1000', '100000.00'),
      sell('miner', '500', '100000.00'),
    ];
    const a = new Engine({ markets: MARKETS });
    const b = new Engine({ markets: MARKETS });
    const log = new FlatEventLog();
    let seq = 0;
    for (const body of cmds) {
      const cmd = { ...body, seq: ++seq, time: 1_700_000_000_000 + seq };
      const r = a.apply(structuredClone(cmd));
      log.clear();
      assert.equal(b.applyInto(structuredClone(cmd), log), null);
      assert.ok(r.ok);
      assert.equal(canon(log.events()), canon(r.events));
      for (let row = 0; row < log.count; row++) if (log.types[row] === TRADE && log.i[row * NI + 6]! >= 0) bigTrades++;
    }
    assert.equal(bigTrades, 2, 'both fills took the bigint path');
  });

  it('decodes stops, every cancel path, status and account events', () => {
    const seen = compare([
      ...trader('a', { USD: '100000', BTC: '100' }),
      ...trader('b', { USD: '100000', BTC: '100' }, { makerBps: 0, takerBps: 0 }),
      setFees('a', 5, 20),
      sell('b', '1', '100.00'),
      stopLimit('a', 'buy', '1', '120.00', '110.00', { clientOrderId: 'stop-1' }),
      buy('a', '2', '100.00', { options: ['immediate-or-cancel'] }),
      sell('b', '1', '110.00'),
      buy('a', '1', '110.00'),
      buy('a', '1', '90.00'),
      sell('a', '1', '90.00'),
      sell('b', '1', '85.00'),
      sell('b', '1', '86.00'),
      sell('b', '1', '87.00'),
      buy('a', '1', '90.00', { options: ['maker-or-cancel'] }),
      buy('b', '5', '95.00', { options: ['fill-or-kill'] }),
      cancel('a', 999),
      setStatus('btcusd', 'cancel_only'),
      buy('a', '1', '90.00'),
      setStatus('btcusd', 'open'),
      buy('b', '1', '80.00'),
      expireSession('b-key'),
      withdraw('a', 'USD', '1.5'),
    ]);
    assert.deepEqual([...seen].sort(), [
      'AccountCreated', 'FeesChanged', 'FundsDeposited', 'FundsWithdrawn', 'MarketStatusChanged', 'OrderAccepted',
      'OrderCancelled:FillOrKillWouldNotFill', 'OrderCancelled:HeartbeatTimeout', 'OrderCancelled:ImmediateOrCancelWouldPost',
      'OrderCancelled:MakerOrCancelWouldTake', 'OrderCancelled:SelfCrossPrevented', 'OrderFilled', 'StopTriggered', 'Trade',
    ]);
  });
});
