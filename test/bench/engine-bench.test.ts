/**
 * The engine benchmark's own checks, on a small workload (a few seconds; the benchmark itself is
 * `npm run bench:engine`): a Pollux run that only counts events in its timed loop is verified by
 * the untimed full read-back pass; the full read-back inside the loop gives the same checksum and
 * counts; and nodejs-order-book, fed the same workload, leaves as many orders resting.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('../../bench/engine.bench.js', import.meta.url));

interface Child {
  impl: string;
  orders: number;
  counts: Record<string, number | string>;
}

function child(impl: 'ours' | 'theirs', ...extra: string[]): Child {
  const r = spawnSync(process.execPath, [BENCH, '--child', impl, '--orders', '20000', '--warmup', '0', ...extra], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Child;
}

describe('engine benchmark (20,000 orders)', () => {
  let count: Child;
  let full: Child;
  before(() => {
    count = child('ours', '--readback', 'count');
    full = child('ours', '--readback', 'full');
  });

  it('verifies the counting loop against a full read-back of a second pass', () => {
    assert.match(String(count.counts['verification pass']), /^yes/);
    assert.match(String(count.counts['event checksum']), /^[0-9a-f]{16}$/);
    assert.equal(count.counts['ledger conserved'], 'yes');
    assert.ok(Number(count.counts.trades) > 1000, 'the workload trades');
  });

  it('gives the same checksum and counts with the read-back inside the timed loop', () => {
    const strip = (c: Child): Record<string, number | string> => {
      const { ['verification pass']: _v, ...rest } = c.counts;
      return rest;
    };
    assert.match(String(full.counts['verification pass']), /^no/);
    assert.deepEqual(strip(full), strip(count));
  });

  it('leaves as many orders resting as nodejs-order-book on the same workload', () => {
    const theirs = child('theirs');
    assert.equal(theirs.counts['resting at end'], count.counts['resting at end']);
    assert.equal(theirs.counts['cancel requests ok'], count.counts['cancel requests ok']);
  });
});
