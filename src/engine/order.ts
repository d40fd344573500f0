/**
 * Orders as the engine holds them while open, and the immutable record it publishes.
 *
 * Invariants (open orders): 0 < remaining <= amount; remaining + executed == amount;
 * `hold` is exactly what the ledger has reserved for this order (see ledger.ts);
 * `prev`/`next`/`level` belong to the book that holds the order and nobody else touches them.
 */
import { POW10N, type Balance } from './ledger.js';
import type { OrderView } from './sink.js';

export type Side = 'buy' | 'sell';
export type OrderKind = 'limit' | 'stop-limit' | 'market';
export type ExecOption = '' | 'maker-or-cancel' | 'immediate-or-cancel' | 'fill-or-kill';

/** Why an order stopped being live without filling completely. */
export type CancelReason =
  | 'Requested'
  | 'MakerOrCancelWouldTake'
  | 'ImmediateOrCancelWouldPost'
  | 'FillOrKillWouldNotFill'
  | 'SelfCrossPrevented'
  | 'ExceedsPriceLimits'
  | 'HeartbeatTimeout';

/**
 * An open order. The money it reserves (`hold`, ledger units) is not stored as a BigInt: while
 * `hStd` is set it is the standard hold of `remaining`, in exact number parts that the ledger keeps
 * in pending slots — buys: n = price x remaining units of 10^hExp (the market's notional exponent)
 * plus n x max(makerBps, takerBps) units of 10^fExp (the fee exponent); sells: remaining units of
 * 10^hExp (the base exponent). An order whose standard parts would not be safe integers (or a hold
 * restored from a snapshot that is not standard) keeps its hold in `hBig` instead.
 * `filledNotional` likewise is fn (a safe integer) plus fnBig.
 */
export class Order {
  declare id: number;
  declare account: string;
  declare session: string;
  declare symbol: string;
  declare side: Side;
  declare kind: OrderKind;
  /** limit price in price units (for market orders: the protective limit the engine derived) */
  declare price: number;
  /** stop price in price units, 0 when not a stop order */
  declare stopPrice: number;
  declare amount: number;
  declare remaining: number;
  declare option: ExecOption;
  declare clientOrderId: string | undefined;
  declare time: number;
  declare makerBps: number;
  declare takerBps: number;
  /** the ledger balance the hold sits in (quote for buys, base for sells) */
  declare payBal: Balance;
  /** the ledger balance fills are credited to */
  declare getBal: Balance;
  /** exponent of hN (see above) */
  declare hExp: number;
  /** exponent of hF */
  declare fExp: number;
  /** stop orders: false while waiting for the trigger */
  declare triggered: boolean;
  /** true while the order sits in its market's book */
  declare resting: boolean;
  declare prev: Order | null;
  declare next: Order | null;
  declare level: unknown;
  /** links in the account's open-order list (order-index.ts) */
  declare aPrev: Order | null;
  declare aNext: Order | null;
  declare aList: unknown;
  /** filled notional (price units x amount units): fn + fnBig */
  declare fn: number;
  declare fnBig: bigint;
  /** the hold includes the standard hold of `remaining` (see `hold`) */
  declare hStd: boolean;
  declare hBig: bigint;

  constructor(
    id: number, account: string, session: string, symbol: string, side: Side, kind: OrderKind, price: number,
    stopPrice: number, amount: number, remaining: number, option: ExecOption, clientOrderId: string | undefined,
    time: number, makerBps: number, takerBps: number, payBal: Balance, getBal: Balance, hExp: number, fExp: number,
    triggered: boolean,
  ) {
    // The same assignments as init(), written out here on purpose: V8 only gives fields assigned in
    // the constructor body an in-object slot. Calling this.init(...) instead was measured at about
    // 35% fewer orders/s on bench:engine (fields spill into a backing store). Keep both in step.
    this.id = id;
    this.account = account;
    this.session = session;
    this.symbol = symbol;
    this.side = side;
    this.kind = kind;
    this.price = price;
    this.stopPrice = stopPrice;
    this.amount = amount;
    this.remaining = remaining;
    this.option = option;
    this.clientOrderId = clientOrderId;
    this.time = time;
    this.makerBps = makerBps;
    this.takerBps = takerBps;
    this.payBal = payBal;
    this.getBal = getBal;
    this.hExp = hExp;
    this.fExp = fExp;
    this.triggered = triggered;
    this.resting = false;
    this.prev = null;
    this.next = null;
    this.level = null;
    this.aPrev = null;
    this.aNext = null;
    this.aList = null;
    this.fn = 0;
    this.fnBig = 0n;
    this.hStd = false;
    this.hBig = 0n;
  }

  /**
   * (Re)initialise every field. The engine recycles the objects of closed orders (nothing outside
   * the engine may keep an Order once it is closed: events carry OrderRecord copies).
   */
  init(
    id: number, account: string, session: string, symbol: string, side: Side, kind: OrderKind, price: number,
    stopPrice: number, amount: number, remaining: number, option: ExecOption, clientOrderId: string | undefined,
    time: number, makerBps: number, takerBps: number, payBal: Balance, getBal: Balance, hExp: number, fExp: number,
    triggered: boolean,
  ): this {
    this.id = id;
    this.account = account;
    this.session = session;
    this.symbol = symbol;
    this.side = side;
    this.kind = kind;
    this.price = price;
    this.stopPrice = stopPrice;
    this.amount = amount;
    this.remaining = remaining;
    this.option = option;
    this.clientOrderId = clientOrderId;
    this.time = time;
    this.makerBps = makerBps;
    this.takerBps = takerBps;
    this.payBal = payBal;
    this.getBal = getBal;
    this.hExp = hExp;
    this.fExp = fExp;
    this.triggered = triggered;
    this.resting = false;
    this.prev = null;
    this.next = null;
    this.level = null;
    this.aPrev = null;
    this.aNext = null;
    this.aList = null;
    this.fn = 0;
    this.fnBig = 0n;
    this.hStd = false;
    this.hBig = 0n;
    return this;
  }

  /** sum of fill price x fill amount, in priceUnits x amountUnits */
  get filledNotional(): bigint {
    return this.fnBig === 0n ? BigInt(this.fn) : this.fnBig + BigInt(this.fn);
  }

  /** exactly what the ledger has reserved for this order (ledger units) */
  get hold(): bigint {
    let h = this.hBig;
    const r = this.remaining;
    if (this.hStd && r > 0) {
      if (this.side === 'buy') {
        const n = this.price * r;
        h += BigInt(n) * POW10N[this.hExp]! + BigInt(n * (this.makerBps > this.takerBps ? this.makerBps : this.takerBps)) * POW10N[this.fExp]!;
      } else {
        h += BigInt(r) * POW10N[this.hExp]!;
      }
    }
    return h;
  }

  /** add one fill's notional (a safe integer) */
  addFilled(pq: number): void {
    const v = this.fn + pq;
    if (v <= Number.MAX_SAFE_INTEGER) this.fn = v;
    else {
      this.fnBig += BigInt(this.fn) + BigInt(pq);
      this.fn = 0;
    }
  }
}

export interface OrderRecord {
  readonly id: number;
  readonly account: string;
  readonly session: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: OrderKind;
  readonly price: number;
  readonly stopPrice: number;
  readonly amount: number;
  readonly executed: number;
  readonly filledNotional: bigint;
  readonly option: ExecOption;
  readonly clientOrderId: string | undefined;
  readonly time: number;
  readonly isLive: boolean;
  readonly isCancelled: boolean;
  readonly reason: CancelReason | undefined;
  /** time the order stopped being live, when it has */
  readonly closedTime: number | undefined;
}

/** the published record of an order (a copy: it does not change when the order does) */
export function recordOf(o: OrderView, isLive: boolean, reason?: CancelReason, closedTime?: number): OrderRecord {
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
    executed: o.amount - o.remaining,
    filledNotional: o.fnBig === 0n ? (o.fn === 0 ? 0n : BigInt(o.fn)) : o.fnBig + BigInt(o.fn),
    option: o.option,
    clientOrderId: o.clientOrderId,
    time: o.time,
    isLive,
    isCancelled: reason !== undefined,
    reason,
    closedTime,
  };
}
