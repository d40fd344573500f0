/**
 * The history store: closed orders and trades, durable and queryable, in the journal's SQLite file.
 *
 * Owns: the tables `history_orders` (final record of every closed order), `history_trades` (every
 * Trade event, both sides), `history_fills` (one row per account side of a trade: the maker's and
 * the taker's) and `history_open_cids` (client order ids of still-open orders, so a fill can carry
 * its order's client id although the Trade event does not), and the reads. The rows a batch adds
 * (history-projection.ts) are written by the journal inside the transaction that commits the batch
 * (`project`, in-thread or in the journal's worker; `onCommit` on this connection when there is no
 * journal), so the history is exactly as durable as the journal and is rolled back with it; that
 * is also why nothing is cached in memory here. Reads run on the main thread's connection: after an
 * acknowledgement its batch is committed and visible there.
 *
 * Invariants: money and ids are INTEGER (price units, amount units, ids: JS safe integers) or TEXT
 * (bigints: filledNotional, fees, as decimal strings); tables are STRICT, so nothing is ever REAL.
 * An order appears here once, when it closes, with its final state; an open order never does (the
 * engine answers for those). Queries return the engine's conventions (number units, bigint ledger
 * units, lower-case symbols, `undefined` for absent optional fields).
 *
 * Ordering and windows: lists are newest first by (time, id). Which `limit` rows are chosen is the
 * `window`: 'newest' (the most recent rows matching) or 'oldest' (the earliest rows matching, still
 * returned newest first). The defaults follow Gemini: /v1/mytrades and /v1/orders/history with a
 * `timestamp` return the earliest rows at or after it (their documented "request X+1" walk needs
 * that), without one the most recent; public /v1/trades with `since_tid` returns the earliest
 * trades after that tid, with `timestamp` the most recent trades after it (strictly).
 *
 * Limits: the store must see every committed batch from the start of the journal (it cannot be
 * attached to a journal that already holds orders). Queries do not cap `limit`; adapters apply
 * Gemini's maxima.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Trade } from '../engine/events.js';
import { historyProjection, type CommittedEntry, type HistoryProjection } from './history-projection.js';
import { PlanRunner, type Plan, type PlanStatements } from './write-plan.js';
import type { CancelReason, ExecOption, OrderKind, OrderRecord, Side } from '../engine/order.js';

export type { CommittedEntry };

/** Which `limit` rows a list picks; results are newest first either way. */
export type HistoryWindow = 'newest' | 'oldest';

export interface ClosedOrdersQuery {
  symbol?: string;
  /** ms, inclusive, on the order's creation time */
  since?: number;
  /** ms, exclusive, on the order's creation time */
  before?: number;
  limit: number;
  /** default: 'oldest' when `since` is given, else 'newest' */
  window?: HistoryWindow;
}

export interface MyTradesQuery {
  symbol?: string;
  /** ms, inclusive */
  since?: number;
  limit: number;
  /** default: 'oldest' when `since` is given, else 'newest' */
  window?: HistoryWindow;
}

export interface SymbolTradesQuery {
  /** ms, exclusive; ignored when `sinceTid` is given */
  since?: number;
  /** exclusive */
  sinceTid?: number;
  limit: number;
  /** default: 'oldest' when `sinceTid` is given, else 'newest' */
  window?: HistoryWindow;
}

/** A trade as the engine published it (both sides). */
export type TradeRecord = Omit<Trade, 'type'>;

/** One account's side of a trade. */
export interface Fill {
  tid: number;
  symbol: string;
  account: string;
  orderId: number;
  /** the client order id of `orderId`, when it had one */
  clientOrderId: string | undefined;
  /** this account's side */
  side: Side;
  isMaker: boolean;
  /** Gemini's `aggressor`: !isMaker */
  aggressor: boolean;
  /** price units */
  price: number;
  /** amount units */
  amount: number;
  /** ledger units of feeCurrency, paid by this account */
  fee: bigint;
  feeCurrency: string;
  time: number;
}

export interface History {
  /** Put a batch's rows in the journal's plan (written in the batch's transaction). */
  readonly project: HistoryProjection;
  /** Record a committed batch on the store's own connection (no `statements` given). Call inside the journal's transaction (wraps itself in one if not). */
  onCommit(db: BetterSqlite3.Database, batch: readonly CommittedEntry[]): void;
  /** `batch` is durable, so its rows are committed: lookups stop looking at it in memory */
  settle(batch: readonly CommittedEntry[]): void;
  closedOrder(id: number): OrderRecord | undefined;
  closedOrdersByAccount(account: string, q: ClosedOrdersQuery): OrderRecord[];
  /** the newest closed order of `account` with that client order id */
  orderByClientId(account: string, clientOrderId: string): OrderRecord | undefined;
  tradesByAccount(account: string, q: MyTradesQuery): Fill[];
  /** the fills of one order (that order's side only), oldest first (execution order) */
  tradesForOrder(orderId: number): Fill[];
  tradesBySymbol(symbol: string, q: SymbolTradesQuery): TradeRecord[];
  tradeById(tid: number): TradeRecord | undefined;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_orders (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  session TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  kind TEXT NOT NULL,
  price INTEGER NOT NULL,
  stop_price INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  executed INTEGER NOT NULL,
  filled_notional TEXT NOT NULL,
  option TEXT NOT NULL,
  client_order_id TEXT,
  time INTEGER NOT NULL,
  closed_time INTEGER NOT NULL,
  is_cancelled INTEGER NOT NULL,
  reason TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS history_orders_account ON history_orders (account, time, id);
-- no (account, symbol, time, id) index: every closed order is written inside the journal's
-- transaction, and each index puts one more page per account into every batch; a symbol filter
-- walks the account's rows in time order instead. Older databases drop it on open.
DROP INDEX IF EXISTS history_orders_account_symbol;
CREATE INDEX IF NOT EXISTS history_orders_client_id ON history_orders (account, client_order_id, time, id)
  WHERE client_order_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS history_trades (
  tid INTEGER PRIMARY KEY,
  symbol TEXT NOT NULL,
  price INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  taker_side TEXT NOT NULL,
  maker_order_id INTEGER NOT NULL,
  taker_order_id INTEGER NOT NULL,
  maker_account TEXT NOT NULL,
  taker_account TEXT NOT NULL,
  maker_fee TEXT NOT NULL,
  taker_fee TEXT NOT NULL,
  fee_currency TEXT NOT NULL,
  time INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS history_trades_symbol_time ON history_trades (symbol, time, tid);
CREATE INDEX IF NOT EXISTS history_trades_symbol_tid ON history_trades (symbol, tid);

CREATE TABLE IF NOT EXISTS history_fills (
  tid INTEGER NOT NULL,
  is_maker INTEGER NOT NULL,
  account TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  client_order_id TEXT,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  price INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  fee TEXT NOT NULL,
  fee_currency TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (tid, is_maker)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_fills_account ON history_fills (account, time, tid);
CREATE INDEX IF NOT EXISTS history_fills_account_symbol ON history_fills (account, symbol, time, tid);
CREATE INDEX IF NOT EXISTS history_fills_order ON history_fills (order_id, tid);

CREATE TABLE IF NOT EXISTS history_open_cids (
  order_id INTEGER PRIMARY KEY,
  client_order_id TEXT NOT NULL
) STRICT;
`;

interface OrderRow {
  id: number;
  account: string;
  session: string;
  symbol: string;
  side: string;
  kind: string;
  price: number;
  stop_price: number;
  amount: number;
  executed: number;
  filled_notional: string;
  option: string;
  client_order_id: string | null;
  time: number;
  closed_time: number;
  is_cancelled: number;
  reason: string | null;
}

interface TradeRow {
  tid: number;
  symbol: string;
  price: number;
  amount: number;
  taker_side: string;
  maker_order_id: number;
  taker_order_id: number;
  maker_account: string;
  taker_account: string;
  maker_fee: string;
  taker_fee: string;
  fee_currency: string;
  time: number;
}

interface FillRow {
  tid: number;
  is_maker: number;
  account: string;
  order_id: number;
  client_order_id: string | null;
  symbol: string;
  side: string;
  price: number;
  amount: number;
  fee: string;
  fee_currency: string;
  time: number;
}

function orderOf(r: OrderRow): OrderRecord {
  return {
    id: r.id,
    account: r.account,
    session: r.session,
    symbol: r.symbol,
    side: r.side as Side,
    kind: r.kind as OrderKind,
    price: r.price,
    stopPrice: r.stop_price,
    amount: r.amount,
    executed: r.executed,
    filledNotional: BigInt(r.filled_notional),
    option: r.option as ExecOption,
    clientOrderId: r.client_order_id ?? undefined,
    time: r.time,
    isLive: false,
    isCancelled: r.is_cancelled === 1,
    reason: (r.reason ?? undefined) as CancelReason | undefined,
    closedTime: r.closed_time,
  };
}

/** a closed order from an event, exactly as a read of its history_orders row returns it */
function closedRecord(o: OrderRecord, fallbackTime: number): OrderRecord {
  return {
    id: o.id,
    account: o.account,
    session: o.session,
    symbol: o.symbol,
    side: o.side,
    kind: o.kind,
    price: o.price,
    stopPrice: o.stopPrice,
    amount: o.amount,
    executed: o.executed,
    filledNotional: o.filledNotional,
    option: o.option,
    clientOrderId: o.clientOrderId,
    time: o.time,
    isLive: false,
    isCancelled: o.isCancelled,
    reason: o.reason,
    closedTime: o.closedTime ?? fallbackTime,
  };
}

function tradeOf(r: TradeRow): TradeRecord {
  return {
    tid: r.tid,
    symbol: r.symbol,
    price: r.price,
    amount: r.amount,
    takerSide: r.taker_side as Side,
    makerOrderId: r.maker_order_id,
    takerOrderId: r.taker_order_id,
    makerAccount: r.maker_account,
    takerAccount: r.taker_account,
    makerFee: BigInt(r.maker_fee),
    takerFee: BigInt(r.taker_fee),
    feeCurrency: r.fee_currency,
    time: r.time,
  };
}

function fillOf(r: FillRow): Fill {
  const isMaker = r.is_maker === 1;
  return {
    tid: r.tid,
    symbol: r.symbol,
    account: r.account,
    orderId: r.order_id,
    clientOrderId: r.client_order_id ?? undefined,
    side: r.side as Side,
    isMaker,
    aggressor: !isMaker,
    price: r.price,
    amount: r.amount,
    fee: BigInt(r.fee),
    feeCurrency: r.fee_currency,
    time: r.time,
  };
}

/** a non-negative integer row count (non-numbers and negatives count as 0) */
function limitOf(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * Build "select ... where <conds> order by <time>,<id> <dir> limit ?" and, for the 'oldest'
 * window, reverse in JS so the caller always gets newest first.
 */
function listSql(table: string, conds: string[], timeCol: string, idCol: string, window: HistoryWindow): string {
  const dir = window === 'newest' ? 'DESC' : 'ASC';
  return `SELECT * FROM ${table} WHERE ${conds.join(' AND ')} ORDER BY ${timeCol} ${dir}, ${idCol} ${dir} LIMIT @limit`;
}

/** WHERE conditions and parameters shared by the per-account list queries */
function accountFilter(account: string, q: { symbol?: string; since?: number }, limit: number): { conds: string[]; p: Record<string, unknown> } {
  const conds = ['account = @account'];
  const p: Record<string, unknown> = { account, limit };
  if (q.symbol !== undefined) {
    conds.push('symbol = @symbol');
    p['symbol'] = q.symbol.toLowerCase();
  }
  if (q.since !== undefined) {
    conds.push('time >= @since');
    p['since'] = q.since;
  }
  return { conds, p };
}

/**
 * The history store on `db`. With `statements` (a journal), its rows are written by that journal
 * through `project`; without, `onCommit` writes them on `db` itself.
 */
export function createHistory(db: BetterSqlite3.Database, statements?: PlanStatements): History {
  db.exec(SCHEMA);

  // the write side; without a journal's statement table, a local one on `db` (onCommit)
  const local = statements === undefined ? new PlanRunner(db) : undefined;
  const rows = historyProjection(statements ?? local!);
  /**
   * Closed orders whose rows were handed to the journal's writer but are not known to be committed
   * yet (another thread writes them): lookups by id and client id see them at once, as they would
   * with an in-thread writer. Dropped when their batch is durable (then committed and visible).
   */
  const unsettled = new Map<number, OrderRecord>();
  const project: HistoryProjection = (batch, plan) => {
    rows(batch, plan);
    for (const { cmd, events } of batch) {
      for (const e of events) if (e.type === 'OrderFilled' || e.type === 'OrderCancelled') unsettled.set(e.order.id, closedRecord(e.order, cmd.time));
    }
  };

  const getOrder = db.prepare<[number], OrderRow>('SELECT * FROM history_orders WHERE id = ?');
  const getByCid = db.prepare<[string, string], OrderRow>(
    `SELECT * FROM history_orders WHERE account = ? AND client_order_id = ?
     ORDER BY time DESC, id DESC LIMIT 1`,
  );
  const getTrade = db.prepare<[number], TradeRow>('SELECT * FROM history_trades WHERE tid = ?');
  const getOrderFills = db.prepare<[number], FillRow>(
    'SELECT * FROM history_fills WHERE order_id = ? ORDER BY tid ASC',
  );

  /** statements for the list queries, one per shape of filter, prepared on first use */
  const cache = new Map<string, BetterSqlite3.Statement>();
  const stmt = (sql: string): BetterSqlite3.Statement => {
    let s = cache.get(sql);
    if (s === undefined) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };

  const recordInTx = db.transaction((plan: Plan) => local!.apply(plan));

  return {
    project,

    onCommit(d, batch) {
      if (d !== db) throw new Error('history: onCommit called with a different database than createHistory');
      if (local === undefined) throw new Error('history: its rows are written by the journal (use project)');
      const plan: Plan = [];
      project(batch, plan);
      if (db.inTransaction) local.apply(plan);
      else recordInTx(plan);
    },

    settle(batch) {
      if (unsettled.size === 0) return;
      for (const { events } of batch) {
        for (const e of events) if (e.type === 'OrderFilled' || e.type === 'OrderCancelled') unsettled.delete(e.order.id);
      }
    },

    closedOrder(id) {
      const u = unsettled.get(id);
      if (u !== undefined) return { ...u };
      const r = getOrder.get(id);
      return r === undefined ? undefined : orderOf(r);
    },

    closedOrdersByAccount(account, q) {
      const limit = limitOf(q.limit);
      if (limit === 0) return [];
      const { conds, p } = accountFilter(account, q, limit);
      if (q.before !== undefined) {
        conds.push('time < @before');
        p['before'] = q.before;
      }
      const window = q.window ?? (q.since !== undefined ? 'oldest' : 'newest');
      const rows = stmt(listSql('history_orders', conds, 'time', 'id', window)).all(p) as OrderRow[];
      if (window === 'oldest') rows.reverse();
      return rows.map(orderOf);
    },

    orderByClientId(account, clientOrderId) {
      let newest: OrderRecord | undefined;
      for (const o of unsettled.values()) {
        if (o.account !== account || o.clientOrderId !== clientOrderId) continue;
        if (newest === undefined || o.time > newest.time || (o.time === newest.time && o.id > newest.id)) newest = o;
      }
      if (newest !== undefined) return { ...newest }; // closed after anything committed
      const r = getByCid.get(account, clientOrderId);
      return r === undefined ? undefined : orderOf(r);
    },

    tradesByAccount(account, q) {
      const limit = limitOf(q.limit);
      if (limit === 0) return [];
      const { conds, p } = accountFilter(account, q, limit);
      const window = q.window ?? (q.since !== undefined ? 'oldest' : 'newest');
      const rows = stmt(listSql('history_fills', conds, 'time', 'tid', window)).all(p) as FillRow[];
      if (window === 'oldest') rows.reverse();
      return rows.map(fillOf);
    },

    tradesForOrder(orderId) {
      return getOrderFills.all(orderId).map(fillOf);
    },

    tradesBySymbol(symbol, q) {
      const limit = limitOf(q.limit);
      if (limit === 0) return [];
      const conds = ['symbol = @symbol'];
      const p: Record<string, unknown> = { symbol: symbol.toLowerCase(), limit };
      let window: HistoryWindow;
      let sql: string;
      if (q.sinceTid !== undefined) {
        // tid order is time order here: both come from the sequencer and only grow
        conds.push('tid > @sinceTid');
        p['sinceTid'] = q.sinceTid;
        window = q.window ?? 'oldest';
        sql = `SELECT * FROM history_trades WHERE ${conds.join(' AND ')} ORDER BY tid ${window === 'newest' ? 'DESC' : 'ASC'} LIMIT @limit`;
      } else {
        if (q.since !== undefined) {
        conds.push('time > @since');
        p['since'] = q.since;
      }
        window = q.window ?? 'newest';
        sql = listSql('history_trades', conds, 'time', 'tid', window);
      }
      const rows = stmt(sql).all(p) as TradeRow[];
      if (window === 'oldest') rows.reverse();
      return rows.map(tradeOf);
    },

    tradeById(tid) {
      const r = getTrade.get(tid);
      return r === undefined ? undefined : tradeOf(r);
    },
  };
}
