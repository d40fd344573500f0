/**
 * The history store's write side: which rows a committed batch adds to `history_orders`,
 * `history_trades`, `history_fills` and `history_open_cids` (schema and reads: history.ts).
 *
 * Owns: turning a batch's events into plan rows (write-plan.ts), on the thread that applied the
 * batch; the journal writes them in the batch's own transaction (in-thread or in its worker).
 * Invariants: ids, prices and amounts go as integers, bigints (filled notional, fees) as decimal
 * text, so nothing is ever a float; an order is written once, when it closes, with its final
 * state; a fill takes its order's client order id from `history_open_cids`, written when the order
 * was accepted and deleted when it closes, so the rows must be applied in plan order.
 */
import type { Command } from '../engine/commands.js';
import type { Event, Trade } from '../engine/events.js';
import type { OrderRecord } from '../engine/order.js';
import type { Plan, PlanStatements } from './write-plan.js';

/** One committed command and the events the engine produced for it. */
export interface CommittedEntry {
  readonly cmd: Command;
  readonly events: readonly Event[];
}

export type HistoryProjection = (batch: readonly CommittedEntry[], plan: Plan) => void;

/** Define the history's write statements on `statements`; returns the projection that uses them. */
export function historyProjection(statements: PlanStatements): HistoryProjection {
  const insOrder = statements.define(`INSERT INTO history_orders
    (id, account, session, symbol, side, kind, price, stop_price, amount, executed, filled_notional,
     option, client_order_id, time, closed_time, is_cancelled, reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 17);
  const insTrade = statements.define(`INSERT INTO history_trades
    (tid, symbol, price, amount, taker_side, maker_order_id, taker_order_id, maker_account,
     taker_account, maker_fee, taker_fee, fee_currency, time)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 13);
  const insFill = statements.define(`INSERT INTO history_fills
    (tid, is_maker, account, order_id, client_order_id, symbol, side, price, amount, fee, fee_currency, time)
    VALUES (?, ?, ?, ?,
     (SELECT client_order_id FROM history_open_cids WHERE order_id = ?),
     ?, ?, ?, ?, ?, ?, ?)`, 12);
  const insCid = statements.define('INSERT INTO history_open_cids (order_id, client_order_id) VALUES (?, ?)', 2);
  const delCid = statements.define('DELETE FROM history_open_cids WHERE order_id = ?', 1);

  function closeOrder(plan: Plan, o: OrderRecord, fallbackTime: number): void {
    plan.push(
      insOrder,
      o.id,
      o.account,
      o.session,
      o.symbol,
      o.side,
      o.kind,
      o.price,
      o.stopPrice,
      o.amount,
      o.executed,
      o.filledNotional.toString(),
      o.option,
      o.clientOrderId ?? null,
      o.time,
      o.closedTime ?? fallbackTime,
      o.isCancelled ? 1 : 0,
      o.reason ?? null,
    );
    if (o.clientOrderId !== undefined) plan.push(delCid, o.id);
  }

  function recordTrade(plan: Plan, t: Trade): void {
    const makerFee = t.makerFee.toString();
    const takerFee = t.takerFee.toString();
    plan.push(insTrade, t.tid, t.symbol, t.price, t.amount, t.takerSide, t.makerOrderId, t.takerOrderId, t.makerAccount, t.takerAccount, makerFee, takerFee, t.feeCurrency, t.time);
    const makerSide = t.takerSide === 'buy' ? 'sell' : 'buy';
    plan.push(insFill, t.tid, 1, t.makerAccount, t.makerOrderId, t.makerOrderId, t.symbol, makerSide, t.price, t.amount, makerFee, t.feeCurrency, t.time);
    plan.push(insFill, t.tid, 0, t.takerAccount, t.takerOrderId, t.takerOrderId, t.symbol, t.takerSide, t.price, t.amount, takerFee, t.feeCurrency, t.time);
  }

  return (batch, plan) => {
    for (const { cmd, events } of batch) {
      for (const e of events) {
        switch (e.type) {
          case 'OrderAccepted':
            if (e.order.clientOrderId !== undefined) plan.push(insCid, e.order.id, e.order.clientOrderId);
            break;
          case 'Trade':
            recordTrade(plan, e);
            break;
          case 'OrderFilled':
          case 'OrderCancelled':
            closeOrder(plan, e.order, cmd.time);
            break;
          case 'AccountCreated':
          case 'FeesChanged':
          case 'FundsDeposited':
          case 'FundsWithdrawn':
          case 'StopTriggered':
          case 'MarketStatusChanged':
            break;
          default: {
            const _exhaustive: never = e;
            throw new Error(`history: unknown event ${JSON.stringify(_exhaustive)}`);
          }
        }
      }
    }
  };
}
