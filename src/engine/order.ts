/**
 * Orders as the engine holds them while open, and the immutable record it publishes.
 *
 * Invariants (open orders): 0 < remaining <= amount; remaining + executed == amount;
 * `hold` is exactly what the ledger has reserved for this order (see ledger.ts);
 * `prev`/`next`/`level` belong to the book that holds the order and nobody else touches them.
 */
import { POW10N, type Balance } from './ledger.js';

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
 * An open order. Money it reserves (`hold`, ledger units) is kept as exact parts so the hot path
 * allocates no BigInt: hN units of 10^hExp ledger units (buys: the notional price x remaining at the
 * market's notional exponent; sells: the remaining amount at the base exponent), plus hF units of
 * 10^fExp (buys: notional x fee headroom bps, at the fee exponent), plus hBig (ledger units, used
 * when a part would not be a safe integer, and for holds restored from a snapshot that are not in
 * the standard form). `filledNotional` likewise is fn (a safe integer) plus fnBig.
 */
export class Order {
  remaining: number;
  /** filled notional (price units x amount units): fn + fnBig */
  fn = 0;
  fnBig = 0n;
  hN = 0;
  hF = 0;
  hBig = 0n;
  /** stop orders: false while waiting for the trigger */
  triggered: boolean;
  /** true while the order sits in its market's book */
  resting = false;
  prev: Order | null = null;
  next: Order | null = null;
  level: unknown = null;
  /** links in the account's open-order list (order-index.ts) */
  aPrev: Order | null = null;
  aNext: Order | null = null;
  aList: unknown = null;

  constructor(
    readonly id: number,
    readonly account: string,
    readonly session: string,
    readonly symbol: string,
    readonly side: Side,
    readonly kind: OrderKind,
    /** limit price in price units (for market orders: the protective limit the engine derived) */
    readonly price: number,
    /** stop price in price units, 0 when not a stop order */
    readonly stopPrice: number,
    readonly amount: number,
    remaining: number,
    readonly option: ExecOption,
    readonly clientOrderId: string | undefined,
    readonly time: number,
    readonly makerBps: number,
    readonly takerBps: number,
    /** the ledger balance the hold sits in (quote for buys, base for sells) */
    readonly payBal: Balance,
    /** the ledger balance fills are credited to */
    readonly getBal: Balance,
    /** exponent of hN (see above) */
    readonly hExp: number,
    /** exponent of hF */
    readonly fExp: number,
    triggered: boolean,
  ) {
    this.remaining = remaining;
    this.triggered = triggered;
  }

  /** sum of fill price x fill amount, in priceUnits x amountUnits */
  get filledNotional(): bigint {
    return this.fnBig === 0n ? BigInt(this.fn) : this.fnBig + BigInt(this.fn);
  }

  /** exactly what the ledger has reserved for this order (ledger units) */
  get hold(): bigint {
    let h = this.hBig;
    if (this.hN !== 0) h += BigInt(this.hN) * POW10N[this.hExp]!;
    if (this.hF !== 0) h += BigInt(this.hF) * POW10N[this.fExp]!;
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

export function recordOf(o: Order, isLive: boolean, reason?: CancelReason, closedTime?: number): OrderRecord {
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
    filledNotional: o.fn === 0 && o.fnBig === 0n ? 0n : o.filledNotional,
    option: o.option,
    clientOrderId: o.clientOrderId,
    time: o.time,
    isLive,
    isCancelled: reason !== undefined,
    reason,
    closedTime,
  };
}
