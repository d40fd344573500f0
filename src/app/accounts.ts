/**
 * The account directory: display names, Gemini account types and creation times of accounts.
 *
 * Owns: the `accounts` table, a projection of `CreateAccount` commands written inside the journal
 * transaction that makes them durable (so it can never disagree with the engine after a crash).
 * Balances and orders live in the engine; this only answers "who is this account".
 */
import type { CommittedEntry, SqliteDatabase } from '../journal/journal-api.js';
import type { Plan, PlanStatements } from '../journal/write-plan.js';

export interface AccountInfo {
  /** short name: the account id everywhere */
  account: string;
  name: string;
  type: 'exchange' | 'custody';
  created: number;
}

/** Gemini's short-name rule: lower case, symbols removed, spaces to dashes */
export function shortNameOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/\s+/g, '-');
}

export class AccountDirectory {
  private readonly byId = new Map<string, AccountInfo>();
  private readonly insert;

  /** `statements`: the journal's, which writes the rows `project` puts in a batch's plan */
  constructor(db: SqliteDatabase, statements: PlanStatements) {
    db.exec(`CREATE TABLE IF NOT EXISTS accounts (
      account TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, created INTEGER NOT NULL
    ) STRICT`);
    this.insert = statements.define(`INSERT INTO accounts VALUES (?,?,?,?)`, 4);
    for (const r of db.prepare(`SELECT * FROM accounts ORDER BY created, rowid`).all() as AccountInfo[]) this.byId.set(r.account, r);
  }

  /** journal projection: the accounts a batch created (rows in `plan`, and in memory at once) */
  project(batch: readonly CommittedEntry[], plan: Plan): void {
    for (const { cmd, events } of batch) {
      if (cmd.type !== 'CreateAccount' || events.length === 0) continue;
      const info: AccountInfo = {
        account: cmd.account,
        name: cmd.name ?? cmd.account,
        type: cmd.accountType ?? 'exchange',
        created: cmd.time,
      };
      plan.push(this.insert, info.account, info.name, info.type, info.created);
      this.byId.set(info.account, info);
    }
  }

  get(account: string): AccountInfo | undefined {
    return this.byId.get(account);
  }

  list(): AccountInfo[] {
    return [...this.byId.values()];
  }
}
