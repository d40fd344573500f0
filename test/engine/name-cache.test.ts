/**
 * The account cache answers exactly what the accounts map answers: names that share a cache slot
 * evict each other without ever returning the wrong account, equal text in another string object
 * finds the same account, and unknown names or non-strings find nothing (and are not cached).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Account } from '../../src/engine/ledger.js';
import { AccountCache, nameSlot } from '../../src/engine/name-cache.js';

function account(id: string): Account {
  return { id } as Account;
}

describe('AccountCache', () => {
  it('agrees with the map for any sequence of lookups, colliding slots included', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 300 }),
        (names, picks) => {
          const map = new Map(names.slice(0, Math.ceil(names.length / 2)).map((n) => [n, account(n)]));
          const cache = new AccountCache(map);
          for (const p of picks) {
            const name = names[p % names.length]!;
            assert.equal(cache.get(name), map.get(name));
            // the same text in a fresh string object
            assert.equal(cache.get(name.split('').join('')), map.get(name));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds two accounts whose names share a slot, alternately', () => {
    const a = 'acct00';
    let b = '';
    for (let i = 0; b === ''; i++) if (`x${i}` !== a && nameSlot(`x${i}`) === nameSlot(a)) b = `x${i}`;
    const map = new Map([[a, account(a)], [b, account(b)]]);
    const cache = new AccountCache(map);
    for (let i = 0; i < 4; i++) {
      assert.equal(cache.get(a)?.id, a);
      assert.equal(cache.get(b)?.id, b);
    }
  });

  it('finds nothing for unknown names and non-strings', () => {
    const cache = new AccountCache(new Map([['a', account('a')]]));
    for (const v of [undefined, null, 1, {}, ['a'], 'b', '']) assert.equal(cache.get(v), undefined);
    assert.equal(cache.get('a')?.id, 'a');
  });
});
