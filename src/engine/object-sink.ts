/**
 * The adapter from the typed sink (sink.ts) to today's `Event` objects: what `Engine.apply`
 * returns to every consumer (journal, REST, WebSocket, tests).
 *
 * Invariants: the objects are exactly those the engine used to build itself, field for field and
 * in the same key order (so their JSON is byte-identical); fees are bigints in ledger units.
 * Events are appended to a reusable buffer and copied out at exact size by `take()`.
 */
import type { MarketStatus } from '../domain/symbols.js';
import type { Event } from './events.js';
import { POW10N } from './ledger.js';
import { recordOf, type CancelReason } from './order.js';
import { BUY, F, I, Row, type OrderStore } from './order-store.js';
import type { EngineSink, OrderView } from './sink.js';

export class ObjectSink implements EngineSink {
  private readonly a: Event[] = [];
  private n = 0;
  /** the time of the command being applied (see EngineSink.begin) */
  private time = 0;

  private push(e: Event): void {
    this.a[this.n++] = e;
  }

  /** the events appended since the last take/clear, in a fresh array; empties the buffer */
  take(): Event[] {
    const n = this.n;
    if (n === 0) return [];
    const a = this.a;
    const out = a.slice(0, n);
    for (let i = 0; i < n; i++) a[i] = undefined as unknown as Event;
    this.n = 0;
    return out;
  }

  clear(): void {
    for (let i = 0; i < this.n; i++) this.a[i] = undefined as unknown as Event;
    this.n = 0;
  }

  begin(time: number): void {
    this.time = time;
  }

  accountCreated(account: string, makerBps: number, takerBps: number): void {
    this.push({ type: 'AccountCreated', account, makerBps, takerBps });
  }

  feesChanged(account: string, makerBps: number, takerBps: number): void {
    this.push({ type: 'FeesChanged', account, makerBps, takerBps });
  }

  fundsDeposited(account: string, currency: string, amount: bigint): void {
    this.push({ type: 'FundsDeposited', account, currency, amount });
  }

  fundsWithdrawn(account: string, currency: string, amount: bigint): void {
    this.push({ type: 'FundsWithdrawn', account, currency, amount });
  }

  marketStatusChanged(symbol: string, status: MarketStatus): void {
    this.push({ type: 'MarketStatusChanged', symbol, status });
  }

  orderAccepted(o: OrderView): void {
    this.push({ type: 'OrderAccepted', order: recordOf(o, true) });
  }

  stopTriggered(orderId: number, symbol: string): void {
    this.push({ type: 'StopTriggered', orderId, symbol, time: this.time });
  }

  trade(
    tid: number, symbol: string, price: number, amount: number, store: OrderStore, maker: number, taker: number,
    makerFee: number, takerFee: number, feeExp: number, bigFees: boolean, makerFeeBig: bigint, takerFeeBig: bigint,
    feeCurrency: string,
  ): void {
    const names = store.accountNames;
    this.push({
      type: 'Trade',
      tid,
      symbol,
      price,
      amount,
      takerSide: store.i[taker * Row.I + I.side] === BUY ? 'buy' : 'sell',
      makerOrderId: store.f[maker * Row.F + F.id]!,
      takerOrderId: store.f[taker * Row.F + F.id]!,
      makerAccount: names[store.i[maker * Row.I + I.account]!]!,
      takerAccount: names[store.i[taker * Row.I + I.account]!]!,
      makerFee: bigFees ? makerFeeBig : feeOf(makerFee, feeExp),
      takerFee: bigFees ? takerFeeBig : feeOf(takerFee, feeExp),
      feeCurrency,
      time: this.time,
    });
  }

  orderFilled(o: OrderView): void {
    this.push({ type: 'OrderFilled', order: recordOf(o, false, undefined, this.time) });
  }

  orderCancelled(o: OrderView, reason: CancelReason): void {
    this.push({ type: 'OrderCancelled', order: recordOf(o, false, reason, this.time), reason });
  }
}

/** fee x 10^exp ledger units, as a bigint */
export function feeOf(fee: number, exp: number): bigint {
  return fee === 0 ? 0n : BigInt(fee) * POW10N[exp]!;
}
