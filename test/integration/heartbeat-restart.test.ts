/**
 * Require-heartbeat across a restart: a key whose deadline passed while the exchange was down has
 * its orders cancelled as the exchange starts; a key still within its deadline keeps them until
 * the deadline, measured from its last request before the stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtualClock } from '../../src/app/clock.js';
import { Exchange } from '../../src/app/exchange.js';

const T0 = Date.UTC(2025, 0, 1);

async function setup(dir: string, clock: VirtualClock) {
  const ex = Exchange.open({ dataDir: dir, clock });
  await ex.createAccount({ name: 'Alpha' });
  await ex.deposit('alpha', 'USD', '1000');
  const early = ex.createKey({ account: 'alpha', requireHeartbeat: true });
  const late = ex.createKey({ account: 'alpha', requireHeartbeat: true });
  const place = (session: string) =>
    ex.submit({ type: 'PlaceOrder', account: 'alpha', session, symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.01', price: '100.00', options: [] });
  ex.touch(early);
  assert.equal((await place(early.key)).ok, true);
  clock.advance(20_000);
  ex.touch(late);
  assert.equal((await place(late.key)).ok, true);
  return { ex, early, late };
}

test('deadlines that passed while the exchange was down fire on start; the others later', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pollux-hb-'));
  try {
    const clock = new VirtualClock(T0);
    const { ex, early, late } = await setup(dir, clock);
    ex.close();

    // down for 15 s: early was last seen 35 s ago (overdue), late 15 s ago (not yet)
    clock.advance(15_000);
    const ex2 = Exchange.open({ dataDir: dir, clock });
    try {
      await sleep(20); // the expiry is submitted on start; let it commit
      const open = ex2.engine.openOrders('alpha');
      assert.deepEqual(open.map((o) => o.session), [late.key]);
      const closed = ex2.history.closedOrdersByAccount('alpha', { limit: 10 });
      assert.deepEqual(closed.map((o) => [o.session, o.reason]), [[early.key, 'HeartbeatTimeout']]);

      clock.advance(14_999); // late's deadline is 30 s after its last request
      await sleep(10);
      assert.equal(ex2.engine.openOrders('alpha').length, 1);
      clock.advance(1);
      await sleep(20);
      assert.equal(ex2.engine.openOrders('alpha').length, 0);
    } finally {
      ex2.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
