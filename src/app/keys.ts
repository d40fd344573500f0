/**
 * API keys and their nonces, kept in the exchange database.
 *
 * Owns: key creation (Gemini's formats: `account-…` for account-scoped keys, `master-…` for
 * master keys, 28-character secrets), roles and flags, and the nonce rules:
 * - default keys: each nonce must be strictly greater than the last one accepted for the key;
 * - time-based keys: the nonce (seconds, ms, µs or ns since the epoch) must be within ±30 s of
 *   server time.
 * Invariants: a key's last nonce only grows; it is written to the database in the same
 * transaction as the journal batch that follows it (see Exchange), or by a short timer when no
 * command follows, so a restart does not reopen replay of anything acknowledged. Those writes go
 * through the journal's writer (this thread or its worker); a new key is written at once, with
 * synchronous=FULL, on this thread's connection (rare, and durable before it is handed out).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SqliteDatabase } from '../journal/journal-api.js';
import type { Plan, PlanStatements } from '../journal/write-plan.js';

export type Role = 'Trader' | 'FundManager' | 'Auditor' | 'Administrator';
export const ROLES: readonly Role[] = ['Trader', 'FundManager', 'Auditor', 'Administrator'];
export type KeyScope = 'account' | 'master';

export interface ApiKey {
  readonly key: string;
  readonly secret: string;
  /** the account an account-scoped key acts for; null for master keys */
  readonly account: string | null;
  readonly scope: KeyScope;
  readonly roles: readonly Role[];
  readonly requireHeartbeat: boolean;
  readonly timeNonce: boolean;
  readonly label: string;
  readonly created: number;
}

export interface NewKey {
  scope?: KeyScope;
  account?: string;
  roles?: readonly Role[];
  requireHeartbeat?: boolean;
  timeNonce?: boolean;
  label?: string;
}

export type NonceCheck = { ok: true; value: bigint } | { ok: false; why: string };

/** ±30 s window of time-based nonces */
export const NONCE_WINDOW_MS = 30_000;

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function encode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += ALPHABET[bytes[i % bytes.length]! % ALPHABET.length];
  return out;
}

/** a nonce as Gemini accepts it: a JSON integer or a string of digits */
export function parseNonce(v: unknown): bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? BigInt(v) : undefined;
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) {
    const n = BigInt(v);
    return n > 0n ? n : undefined;
  }
  return undefined;
}

/** a time-based nonce in ms, whatever unit it was sent in (s, ms, µs, ns) */
export function nonceToMs(n: bigint): number {
  if (n < 100_000_000_000n) return Number(n) * 1000; // seconds
  if (n < 100_000_000_000_000n) return Number(n); // ms
  if (n < 100_000_000_000_000_000n) return Number(n / 1000n); // µs
  return Number(n / 1_000_000n); // ns
}

export class KeyStore {
  private readonly keys = new Map<string, ApiKey>();
  private readonly lastNonce = new Map<string, bigint>();
  private readonly lastSeen = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private seedCounter = 0;
  private readonly insertKey;
  private readonly upsertState;

  /** `statements`: the journal's, which writes nonce state (`project`); `db` is read at start and takes new keys */
  constructor(private readonly db: SqliteDatabase, statements: PlanStatements, private readonly seed?: string) {
    db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      key TEXT PRIMARY KEY, secret TEXT NOT NULL, account TEXT, scope TEXT NOT NULL, roles TEXT NOT NULL,
      require_heartbeat INTEGER NOT NULL, time_nonce INTEGER NOT NULL, label TEXT NOT NULL, created INTEGER NOT NULL
    ) STRICT`);
    db.exec(`CREATE TABLE IF NOT EXISTS api_key_state (
      key TEXT PRIMARY KEY, last_nonce TEXT, last_seen INTEGER
    ) STRICT`);
    this.insertKey = db.prepare(`INSERT INTO api_keys VALUES (?,?,?,?,?,?,?,?,?)`);
    this.upsertState = statements.define(`INSERT INTO api_key_state (key, last_nonce, last_seen) VALUES (?,?,?)
      ON CONFLICT(key) DO UPDATE SET last_nonce = excluded.last_nonce, last_seen = excluded.last_seen`, 3);
    for (const r of db.prepare(`SELECT * FROM api_keys ORDER BY created, rowid`).all() as Record<string, unknown>[]) {
      const k: ApiKey = {
        key: r.key as string,
        secret: r.secret as string,
        account: (r.account as string | null) ?? null,
        scope: r.scope as KeyScope,
        roles: (r.roles as string).split(',').filter(Boolean) as Role[],
        requireHeartbeat: r.require_heartbeat === 1,
        timeNonce: r.time_nonce === 1,
        label: r.label as string,
        created: r.created as number,
      };
      this.keys.set(k.key, k);
      this.seedCounter++;
    }
    for (const r of db.prepare(`SELECT * FROM api_key_state`).all() as Record<string, unknown>[]) {
      if (typeof r.last_nonce === 'string') this.lastNonce.set(r.key as string, BigInt(r.last_nonce));
      if (typeof r.last_seen === 'number') this.lastSeen.set(r.key as string, r.last_seen);
    }
  }

  /** fresh random (or, with a seed, reproducible) key material */
  private material(scope: KeyScope): { key: string; secret: string } {
    const n = this.seedCounter++;
    const bytes =
      this.seed === undefined
        ? randomBytes(64)
        : Buffer.concat([createHmac('sha256', this.seed).update(`key:${n}`).digest(), createHmac('sha256', this.seed).update(`secret:${n}`).digest()]);
    return { key: `${scope}-${encode(bytes.subarray(0, 32), 20)}`, secret: encode(bytes.subarray(32), 28) };
  }

  create(spec: NewKey, now: number): ApiKey {
    const scope = spec.scope ?? 'account';
    if (scope === 'account' && (spec.account === undefined || spec.account === '')) throw new Error('an account-scoped key needs an account');
    const roles: Role[] = [...new Set<Role>(spec.roles ?? ['Trader'])];
    for (const r of roles) if (!ROLES.includes(r)) throw new Error(`unknown role ${r}`);
    if (roles.includes('Auditor') && roles.length > 1) throw new Error('the Auditor role cannot be combined with other roles');
    if (roles.includes('Administrator') && scope !== 'master') throw new Error('the Administrator role is for master keys only');
    let m = this.material(scope);
    while (this.keys.has(m.key)) m = this.material(scope);
    const k: ApiKey = {
      ...m,
      account: scope === 'account' ? spec.account! : null,
      scope,
      roles,
      requireHeartbeat: spec.requireHeartbeat === true,
      timeNonce: spec.timeNonce === true,
      label: spec.label ?? '',
      created: now,
    };
    this.insertKey.run(k.key, k.secret, k.account, k.scope, k.roles.join(','), k.requireHeartbeat ? 1 : 0, k.timeNonce ? 1 : 0, k.label, k.created);
    this.keys.set(k.key, k);
    return k;
  }

  get(key: string): ApiKey | undefined {
    return this.keys.get(key);
  }

  list(): ApiKey[] {
    return [...this.keys.values()];
  }

  /** check a nonce for `key` and, when good, record it as the key's latest */
  useNonce(k: ApiKey, raw: unknown, now: number): NonceCheck {
    const n = parseNonce(raw);
    if (n === undefined) return { ok: false, why: 'Nonce must be a positive integer, or a string of digits' };
    if (k.timeNonce) {
      const ms = nonceToMs(n);
      if (Math.abs(ms - now) > NONCE_WINDOW_MS) return { ok: false, why: `Nonce '${raw}' is not within 30 seconds of server time ${now}` };
    } else {
      const last = this.lastNonce.get(k.key);
      if (last !== undefined && n <= last) return { ok: false, why: `Nonce '${raw}' has not increased since your last call to the Gemini API` };
    }
    const last = this.lastNonce.get(k.key);
    if (last === undefined || n > last) this.lastNonce.set(k.key, n);
    this.dirty.add(k.key);
    return { ok: true, value: n };
  }

  /** any authenticated private request from this key (heartbeat bookkeeping) */
  touch(key: string, now: number): void {
    this.lastSeen.set(key, now);
    this.dirty.add(key);
  }

  seen(key: string): number | undefined {
    return this.lastSeen.get(key);
  }

  /** put changed nonces / last-seen times in `plan` (a journal batch's, or an aside) */
  project(plan: Plan): void {
    if (this.dirty.size === 0) return;
    for (const key of this.dirty) {
      plan.push(this.upsertState, key, this.lastNonce.get(key)?.toString() ?? null, this.lastSeen.get(key) ?? null);
    }
    this.dirty.clear();
  }

  get hasDirty(): boolean {
    return this.dirty.size > 0;
  }
}
