/**
 * EngineOptions.orderCapacity: an engine sized up front behaves exactly like one that grows from
 * the default (same events, same exported state) also past its capacity, and nonsense sizes are
 * refused at construction.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandBody } from '../../src/engine/commands.js';
import { Engine } from '../../src/engine/engine.js';
import { exportState } from '../../src/engine/snapshot.js';
import { buy, cancel, sell, trader } from '../support/commands.js';
import { MARKETS } from '../support/harness.js';

function canon(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** 3,000 resting orders (past a capacity of 2,048), some crossing, some cancelled */
function history(): CommandBody[] {
  const cmds: CommandBody[] = [...trader('a', { USD: '100000000', BTC: '100000' }), ...trader('b', { USD: '100000000', BTC: '100000' })];
  for (let i = 0; i < 3_000; i++) {
    const price = (100 + (i % 50) / 100).toFixed(2);
    cmds.push(i % 2 === 0 ? buy('a', '0.01', price) : sell('b', '0.01', (Number(price) + 1).toFixed(2)));
    if (i % 7 === 0) cmds.push(cancel('a', 5 + i));
  }
  cmds.push(sell('b', '3', '99.00'), buy('a', '2', '200.00'));
  return cmds;
}

describe('EngineOptions.orderCapacity', () => {
  it('gives the same events and state as the default, also once the store grows past it', () => {
    const small = new Engine({ markets: MARKETS });
    const sized = new Engine({ markets: MARKETS, orderCapacity: 2_048 });
    let seq = 0;
    for (const body of history()) {
      const cmd = { ...body, seq: ++seq, time: 1_700_000_000_000 + seq };
      assert.equal(canon(sized.apply(structuredClone(cmd))), canon(small.apply(structuredClone(cmd))), `command ${seq}`);
    }
    assert.ok(sized.state.orders.size > 2_048, `only ${sized.state.orders.size} open orders: the store never grew`);
    assert.equal(canon(exportState(sized)), canon(exportState(small)));
  });

  it('reuses the reserved id-index pages and goes past them (open orders sparse over many pages)', () => {
    // capacity 2,048 reserves 8 pages (32,768 ids); open orders here span about 12 pages, then all
    // close (pages go back), then a second round takes them again
    const small = new Engine({ markets: MARKETS });
    const sized = new Engine({ markets: MARKETS, orderCapacity: 2_048 });
    const cmds: CommandBody[] = [...trader('a', { USD: '100000000', BTC: '100000' })];
    for (let round = 0; round < 2; round++) {
      const first = 1 + cmds.filter((c) => c.type === 'PlaceOrder').length; // ids: orders only (nothing trades)
      for (let i = 0; i < 48_000; i++) {
        cmds.push(buy('a', '0.01', '100.00'));
        if (i % 97 !== 0) cmds.push(cancel('a', first + i));
      }
      for (let i = 0; i < 48_000; i += 97) cmds.push(cancel('a', first + i));
    }
    let seq = 0;
    let open = 0;
    for (const body of cmds) {
      const cmd = { ...body, seq: ++seq, time: 1_700_000_000_000 + seq };
      const a = sized.apply(cmd);
      const b = small.apply(cmd);
      assert.equal(canon(a), canon(b), `command ${seq}`);
      open = Math.max(open, sized.state.orders.size);
    }
    assert.ok(open > 400, `only ${open} open orders at most`);
    assert.equal(sized.state.orders.size, 0);
    assert.equal(canon(exportState(sized)), canon(exportState(small)));
  });

  it('refuses sizes that are not a positive integer up to 2^26', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 26 + 1]) {
      assert.throws(() => new Engine({ markets: MARKETS, orderCapacity: bad }), RangeError, String(bad));
    }
  });
});
