/**
 * The funds check's fast path (matching.ts `lbUnits`): an amount of x units of 10^e ledger units
 * converted to the lower-bound scale (10^LB_EXP) must never come out below the exact ceiling, or an
 * order could hold more than the available funds; and it may be above it by at most 2.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LB_EXP, POW10N } from '../../src/engine/ledger.js';
import { lbUnits } from '../../src/engine/matching.js';

const MAX = Number.MAX_SAFE_INTEGER;

function check(x: number, e: number): void {
  const got = lbUnits(x, e);
  const exact = BigInt(x) * POW10N[e]!; // ledger units
  const unit = POW10N[LB_EXP]!;
  const ceil = (exact + unit - 1n) / unit;
  if (got > MAX) return; // only ever fails the fast path (available funds are below 2^53 there)
  assert.ok(BigInt(got) >= ceil, `lbUnits(${x}, ${e}) = ${got} < ${ceil}`);
  assert.ok(BigInt(got) <= ceil + 2n, `lbUnits(${x}, ${e}) = ${got} > ${ceil} + 2`);
}

describe('funds bound (lbUnits)', () => {
  it('is at least the exact ceiling and at most 2 above it, for every exponent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10 ** 12 })), fc.integer({ min: 0, max: LB_EXP + 5 }), (x, e) => check(x, e)),
      { numRuns: 20_000 },
    );
  });

  it('holds at the edges (multiples of the divisor, their neighbours, the largest safe integers)', () => {
    for (let e = 0; e <= LB_EXP + 5; e++) {
      for (const x of [0, 1, 2, 9, 10, 11, 99, 100, 101, 10 ** 10 - 1, 10 ** 10, 10 ** 10 + 1, 2 ** 52, MAX - 1, MAX]) check(x, e);
      for (let k = 1; k <= 15; k++) for (const d of [-1, 0, 1]) check(Math.min(MAX, 10 ** k + d), e);
    }
  });
});
