/**
 * The order-id index leaves a closed order's entry in place (only its page's count goes down):
 * such a stale entry must never be taken for an open order, also once the slot it names holds
 * another order, and a page whose orders all closed is cleared before it is used again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandBody } from '../../src/engine/commands.js';
import type { Event } from '../../src/engine/events.js';
import { Engine } from '../../src/engine/engine.js';
import { buy, cancel, sell, trader } from '../support/commands.js';
import { MARKETS } from '../support/harness.js';

function run(engine: Engine, bodies: CommandBody[], from: { seq: number }): Event[][] {
  return bodies.map((b) => {
    const r = engine.apply({ ...b, seq: ++from.seq, time: 1_700_000_000_000 + from.seq } as never);
    if (!r.ok) assert.fail(`rejected: ${r.rejection.code}`);
    return r.ok ? r.events : [];
  });
}

function acceptedId(events: Event[]): number {
  const e = events.find((x) => x.type === 'OrderAccepted');
  assert.ok(e !== undefined && e.type === 'OrderAccepted');
  return Number(e.order.id);
}

describe('order-id index', () => {
  it('does not find a filled order whose slot now holds a newer order', () => {
    const engine = new Engine({ markets: MARKETS });
    const seq = { seq: 0 };
    run(engine, [...trader('a', { USD: '1000000', BTC: '100' }), ...trader('b', { USD: '1000000', BTC: '100' })], seq);
    // an order that stays open keeps the ids' page in use (an emptied page would be cleared)
    const [keepEv, restEv] = run(engine, [buy('b', '1', '50.00'), sell('a', '1', '100.00')], seq);
    const keep = acceptedId(keepEv!);
    const maker = acceptedId(restEv!);
    const makerSlot = engine.state.orders.slot(maker);
    assert.notEqual(makerSlot, -1);
    run(engine, [buy('b', '1', '100.00')], seq); // fills the maker completely
    assert.equal(engine.state.orders.slot(maker), -1);
    // the next two resting orders take the two freed slots (maker's and taker's)
    const [e1, e2] = run(engine, [sell('a', '2', '101.00'), sell('a', '3', '102.00')], seq);
    const ids = [acceptedId(e1!), acceptedId(e2!)];
    const next = ids.find((id) => engine.state.orders.slot(id) === makerSlot);
    assert.ok(next !== undefined, 'the maker\'s slot was reused');
    assert.equal(engine.state.orders.slot(maker), -1);
    assert.equal(engine.state.orders.has(maker), false);
    assert.equal(engine.state.orders.get(maker), undefined);
    assert.deepEqual([...engine.state.orders.keys()], [keep, ...ids]);
    assert.equal(engine.state.orders.size, 3);
    // to the engine the filled order is not open: a cancel of it is OrderNotFound (the adapter
    // answers it from history), and the order now in its slot stays open
    const r = engine.apply({ ...cancel('a', maker), seq: ++seq.seq, time: 1_700_000_000_000 + seq.seq });
    assert.equal(r.ok ? 'ok' : r.rejection.code, 'OrderNotFound');
    assert.equal(engine.state.orders.has(next), true);
  });

  it('clears a page whose orders all closed before its ids come back into use', () => {
    // 4,096 ids a page: orders on the first pages all close; later ids land on reused pages
    const engine = new Engine({ markets: MARKETS, orderCapacity: 4_096 });
    const seq = { seq: 0 };
    run(engine, trader('a', { USD: '100000000', BTC: '100000' }), seq);
    const open = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const [ev] = run(engine, [buy('a', '0.01', (90 + (i % 100) / 100).toFixed(2))], seq);
      const id = acceptedId(ev!);
      open.add(id);
      if (i % 5 !== 4) {
        run(engine, [cancel('a', id)], seq);
        open.delete(id);
      }
      if (i % 3_000 === 2_999) {
        // close everything older, so whole pages empty and are handed back
        for (const o of [...open]) {
          run(engine, [cancel('a', o)], seq);
          open.delete(o);
        }
      }
    }
    assert.deepEqual([...engine.state.orders.keys()], [...open].sort((x, y) => x - y));
    assert.equal(engine.state.orders.size, open.size);
    for (const id of open) assert.notEqual(engine.state.orders.slot(id), -1);
  });
});
