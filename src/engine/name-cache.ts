/**
 * Direct-mapped caches keyed by short names (account names, currencies, symbols): the slot of a
 * name is a mix of its length and last two characters, where such names differ, so a hit costs a
 * string comparison (a pointer comparison when callers pass the same string object each time, as
 * the adapters do) instead of a hash-map lookup.
 *
 * Invariant: a cache only answers what its backing map would answer; entries are never stale
 * because the names it caches are never removed from the map (accounts are never deleted).
 */
import type { Account } from './ledger.js';

export const NAME_SLOTS = 256;

/** the cache slot of a name, 0..NAME_SLOTS-1 */
export function nameSlot(s: string): number {
  const n = s.length;
  return n === 0 ? 0 : (n * 31 + s.charCodeAt(n - 1) * 7 + (n > 1 ? s.charCodeAt(n - 2) : 0)) & (NAME_SLOTS - 1);
}

/** accounts by name, in front of the engine's accounts map */
export class AccountCache {
  private readonly keys: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  private readonly values: (Account | undefined)[] = new Array<Account | undefined>(NAME_SLOTS).fill(undefined);

  constructor(private readonly accounts: ReadonlyMap<string, Account>) {}

  /** the account named `name` (undefined for unknown names and for anything not a string) */
  get(name: unknown): Account | undefined {
    if (typeof name !== 'string') return undefined;
    const h = nameSlot(name);
    if (this.keys[h] === name) return this.values[h];
    const a = this.accounts.get(name);
    if (a !== undefined) {
      this.keys[h] = name;
      this.values[h] = a;
    }
    return a;
  }
}
