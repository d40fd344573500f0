/**
 * The order-event hub of /v1/order/events: turns each committed batch's order updates into legacy
 * steps once (order-event-json.ts `stepsOf`) and hands every connection the steps of the
 * accounts it follows.
 *
 * Owns: the join between a connection's `initial` list and the live stream. `open()` reads the
 * open orders from the engine and the sequencer's last seq S in one synchronous step; live steps
 * of commands with seq <= S are then skipped for that connection, because the engine already
 * applied them when the list was read (their batch may not have been durable yet). So each
 * order change reaches a connection exactly once: in `initial` or as a live event.
 * Invariants: steps are delivered in engine order (batch order, then event order); one feed
 * listener for all connections, attached while there is at least one.
 * Known limit: an `initial` list may show a command that is applied but whose journal batch is
 * still being written (milliseconds), as REST's open-order reads may.
 */
import type { Exchange } from '../../../app/exchange.js';
import type { Market } from '../../../domain/symbols.js';
import { recordOf, type OrderRecord } from '../../../engine/order.js';
import type { BatchDigest, Feed, Unsubscribe } from '../feed/index.js';
import { stepsOf, type OrderStep } from './order-event-json.js';

export interface OrderSink {
  /** the account followed; undefined: every account (a master key that named none) */
  readonly account: string | undefined;
  /** steps of commands with seq <= afterSeq are already in the connection's initial list */
  readonly afterSeq: number;
  deliver(steps: readonly OrderStep[]): void;
}

export interface OpenOrders {
  /** the sequencer's last seq when the list was read */
  seq: number;
  orders: { order: OrderRecord; market: Market }[];
}

export class OrderEventHub {
  private readonly byAccount = new Map<string, Set<OrderSink>>();
  private readonly everyAccount = new Set<OrderSink>();
  private off: Unsubscribe | undefined;
  private count = 0;

  constructor(
    private readonly exchange: Exchange,
    private readonly feed: Feed,
  ) {}

  /** the open orders of `account` (or of every account), oldest first, and the seq they reflect */
  openOrders(account: string | undefined): OpenOrders {
    const engine = this.exchange.engine;
    const seq = this.exchange.store.sequencer.lastSeq;
    const records =
      account !== undefined
        ? engine.openOrders(account)
        : [...engine.state.orders.values()].sort((a, b) => a.id - b.id).map((o) => recordOf(o, true));
    return { seq, orders: records.map((order) => ({ order, market: engine.market(order.symbol)!.market })) };
  }

  add(sink: OrderSink): Unsubscribe {
    if (sink.account === undefined) this.everyAccount.add(sink);
    else {
      let set = this.byAccount.get(sink.account);
      if (set === undefined) this.byAccount.set(sink.account, (set = new Set()));
      set.add(sink);
    }
    if (this.count++ === 0) this.off = this.feed.onBatch((d) => this.onBatch(d));
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (sink.account === undefined) this.everyAccount.delete(sink);
      else {
        const set = this.byAccount.get(sink.account);
        set?.delete(sink);
        if (set?.size === 0) this.byAccount.delete(sink.account);
      }
      if (--this.count === 0) {
        this.off?.();
        this.off = undefined;
      }
    };
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
  }

  private onBatch(d: BatchDigest): void {
    if (d.orders.length === 0) return;
    const steps = stepsOf(d.orders);
    for (const sink of [...this.everyAccount]) deliver(sink, steps);
    if (this.byAccount.size === 0) return;
    const per = new Map<string, OrderStep[]>();
    for (const s of steps) {
      const a = s.order.account;
      if (!this.byAccount.has(a)) continue;
      const list = per.get(a);
      if (list === undefined) per.set(a, [s]);
      else list.push(s);
    }
    for (const [a, list] of per) for (const sink of [...(this.byAccount.get(a) ?? [])]) deliver(sink, list);
  }
}

function deliver(sink: OrderSink, steps: readonly OrderStep[]): void {
  const fresh = steps.filter((s) => s.update === undefined || s.update.seq > sink.afterSeq);
  if (fresh.length > 0) sink.deliver(fresh);
}
