/**
 * The order-entry replies are serialized by hand (orderJsonText): they must be exactly the text
 * JSON.stringify makes of the order object every other endpoint renders (orderJson).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMarkets } from '../../src/app/markets-config.js';
import type { OrderRecord } from '../../src/engine/order.js';
import { orderJson, orderJsonText } from '../../src/api/rest/render.js';

test('orderJsonText is JSON.stringify(orderJson) for every shape of order', () => {
  const markets = loadMarkets();
  const kinds = ['limit', 'stop-limit', 'market'] as const;
  const options = ['', 'maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill'] as const;
  const cids = [undefined, '', 'abc-123', 'quote " back \\ slash', 'ünïcødé ✓ \u2028', '\u0000\u001f'];
  const reasons = [undefined, 'Requested', 'MakerOrCancelWouldTake'] as const;
  let n = 0;
  for (const m of markets.slice(0, 4)) {
    for (const kind of kinds) {
      for (const option of options) {
        for (const [ci, clientOrderId] of cids.entries()) {
          for (const reason of reasons) {
            for (const executed of [0, 3]) {
              const o: OrderRecord = {
                id: 9_007_199_254_740_000 + n,
                account: 'a',
                session: 's',
                symbol: m.symbol,
                side: n % 2 === 0 ? 'buy' : 'sell',
                kind,
                price: 123_456 + ci,
                stopPrice: 120_000,
                amount: 7,
                executed,
                filledNotional: BigInt(executed) * 123_455n,
                option,
                clientOrderId,
                time: 1_700_000_000_123 + n,
                isLive: reason === undefined && executed === 0,
                isCancelled: reason !== undefined || n % 3 === 0,
                reason,
                closedTime: undefined,
              };
              assert.equal(orderJsonText(o, m), JSON.stringify(orderJson(o, m)));
              n++;
            }
          }
        }
      }
    }
  }
  assert.ok(n > 1000);
});
