/**
 * The engine's amount and price parser (matching.ts `parseUnits`): its fast path for short plain
 * decimals must agree exactly with the full parser (domain/decimal.ts) on every input, valid or
 * not, so taking the fast path never changes what is accepted or what value results.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePositiveUnits } from '../../src/domain/decimal.js';
import { parseUnits } from '../../src/engine/matching.js';

function reference(text: string, decimals: number, step: number): number | undefined {
  const n = parsePositiveUnits(text, decimals);
  return n !== undefined && n % step === 0 ? n : undefined;
}

const chars = fc.constantFrom('0', '1', '2', '5', '9', '.', '-', 'e', ' ', '+', 'x');
const decimalLike = fc.oneof(
  fc.array(chars, { maxLength: 18 }).map((a) => a.join('')),
  fc.tuple(fc.nat({ max: 10 ** 9 }), fc.nat({ max: 10 ** 9 }), fc.nat({ max: 10 })).map(([a, b, z]) => `${a}.${'0'.repeat(z)}${b}`),
  fc.nat().map(String),
);

describe('parseUnits', () => {
  it('agrees with the full decimal parser on any short text', () => {
    fc.assert(
      fc.property(decimalLike, fc.integer({ min: 0, max: 10 }), fc.constantFrom(1, 2, 5, 100), (text, decimals, step) => {
        assert.equal(parseUnits(text, decimals, step), reference(text, decimals, step), JSON.stringify([text, decimals, step]));
      }),
      { numRuns: 20_000 },
    );
  });

  it('handles the edge forms', () => {
    for (const t of ['0', '0.0', '.5', '5.', '.', '', '1.', '100.23', '0.123', '00.10', '1.234567891', '999999999999999', '1e3', ' 1', '1 ', '+1', '-1', '1..2', '1.2.3']) {
      for (const d of [0, 2, 8]) assert.equal(parseUnits(t, d, 1), reference(t, d, 1), JSON.stringify([t, d]));
    }
  });
});
