/**
 * Write plans: the rows a batch's projections (history, accounts, key nonces) and the asides
 * (snapshots, idle nonce flushes) write, as one flat list of primitives.
 *
 * Owns: the plan format and the statement table it refers to. A plan is
 * `[stmtId, arg1, .., argN, stmtId, arg1, ..]`, where each statement was defined once with its SQL
 * text and its number N of positional parameters (`define`). A plan holds only strings, safe
 * integers and null, so it costs one cheap structured clone to hand to the journal's worker, and
 * the in-thread journal runs the very same plan on its own connection: both writers execute the
 * same statements with the same values, in the same order.
 * Invariants: statement ids are dense indices in definition order; a statement is prepared on
 * first use (the schema it needs was created before it was defined); applying a plan that names an
 * unknown statement or ends inside a row throws (inside the caller's transaction, so nothing of it
 * is kept). Money never passes as a float here: amounts are integer units, bigints their decimal
 * text.
 */
import type BetterSqlite3 from 'better-sqlite3';

export type SqlValue = string | number | null;
/** `[stmtId, ...args, stmtId, ...args]` */
export type Plan = SqlValue[];

export interface StatementDef {
  sql: string;
  /** positional parameters (`?`) of `sql` */
  arity: number;
}

/** Where a module registers the statements it puts in plans. */
export interface PlanStatements {
  /** register a write statement with `arity` positional parameters; returns its id for plans */
  define(sql: string, arity: number): number;
}

/** A statement table bound to one connection: defines, prepares lazily, applies plans. */
export class PlanRunner implements PlanStatements {
  private readonly defs: StatementDef[] = [];
  private readonly stmts: (BetterSqlite3.Statement | undefined)[] = [];

  constructor(private readonly db: BetterSqlite3.Database) {}

  define(sql: string, arity: number): number {
    if (!Number.isInteger(arity) || arity < 0) throw new RangeError(`bad arity ${arity}`);
    this.defs.push({ sql, arity });
    return this.defs.length - 1;
  }

  /** add definitions made elsewhere (the main thread's table, mirrored in the worker) */
  addDefs(defs: readonly StatementDef[]): void {
    for (const d of defs) this.define(d.sql, d.arity);
  }

  /** Run every row of `plan`, in order. Call inside a transaction. */
  apply(plan: readonly SqlValue[]): void {
    let i = 0;
    while (i < plan.length) {
      const id = plan[i];
      const def = typeof id === 'number' ? this.defs[id] : undefined;
      if (def === undefined) throw new Error(`write plan: unknown statement ${String(id)} at ${i}`);
      const end = i + 1 + def.arity;
      if (end > plan.length) throw new Error(`write plan: row of statement ${id} cut short`);
      let st = this.stmts[id as number];
      if (st === undefined) this.stmts[id as number] = st = this.db.prepare(def.sql);
      st.run(...plan.slice(i + 1, end));
      i = end;
    }
  }
}
