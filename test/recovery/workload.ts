/**
 * A seeded random workload for journal, recovery and crash tests: accounts, deposits, crossing
 * limit orders, market/IOC/maker-or-cancel/stop orders, cancels (some of unknown ids, which the
 * engine rejects) and the odd invalid command. Tracks live orders from the events it is shown.
 */
import type { CommandBody } from '../../src/engine/commands.js';
import type { Event } from '../../src/engine/events.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Workload {
  readonly rand: () => number;
  readonly accounts: string[];
  private readonly live = new Map<number, string>();

  constructor(seed: number, accounts = 8) {
    this.rand = mulberry32(seed);
    this.accounts = Array.from({ length: accounts }, (_, i) => `acct${i}`);
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  setup(): CommandBody[] {
    const out: CommandBody[] = [];
    for (const a of this.accounts) {
      out.push({ type: 'CreateAccount', account: a });
      out.push({ type: 'Deposit', account: a, currency: 'USD', amount: '10000000' });
      out.push({ type: 'Deposit', account: a, currency: 'BTC', amount: '1000' });
      out.push({ type: 'Deposit', account: a, currency: 'ETH', amount: '10000' });
    }
    return out;
  }

  /** learn which orders are live from a result's events */
  observe(events: readonly Event[]): void {
    for (const e of events) {
      if (e.type === 'OrderAccepted') this.live.set(e.order.id, e.order.account);
      else if (e.type === 'OrderFilled' || e.type === 'OrderCancelled') this.live.delete(e.order.id);
    }
  }

  get liveCount(): number {
    return this.live.size;
  }

  next(): CommandBody {
    const r = this.rand();
    const account = this.pick(this.accounts);
    if (r < 0.25 && this.live.size > 0) {
      const ids = [...this.live.keys()];
      const id = ids[this.int(Math.min(ids.length, 64))]!;
      return { type: 'CancelOrder', account: this.live.get(id)!, orderId: String(id) };
    }
    if (r < 0.28) return { type: 'CancelOrder', account, orderId: String(1_000_000_000 + this.int(1000)) }; // rejected
    if (r < 0.285) return { type: 'CancelAllOrders', account };
    if (r < 0.30) return { type: 'Deposit', account, currency: this.pick(['USD', 'BTC']), amount: `${1 + this.int(100)}.5` };
    if (r < 0.31) return { type: 'Withdraw', account, currency: 'USD', amount: '1.25' };
    if (r < 0.32) return { type: 'PlaceOrder', account, session: 's', symbol: 'btcusd', side: 'buy', orderType: 'exchange limit', amount: '0.1', price: '1.001', options: [] }; // rejected: price step
    const btc = this.rand() < 0.75;
    const side = this.rand() < 0.5 ? 'buy' : 'sell';
    const symbol = btc ? 'btcusd' : 'ethusd';
    const mid = btc ? 50000 : 3000;
    const ticks = this.int(41) - 20; // +-20 ticks around mid, so orders cross often
    const price = ((mid * 100 + ticks * (btc ? 100 : 10)) / 100).toFixed(2);
    const amount = btc ? (0.0001 * (1 + this.int(50))).toFixed(4) : (0.01 * (1 + this.int(50))).toFixed(2);
    const session = `key-${account}`;
    const k = this.rand();
    if (k < 0.05) return { type: 'PlaceOrder', account, session, symbol, side, orderType: 'exchange market', amount, options: [] };
    if (k < 0.08) {
      const stop = side === 'buy' ? (Number(price) - 1).toFixed(2) : (Number(price) + 1).toFixed(2);
      return { type: 'PlaceOrder', account, session, symbol, side, orderType: 'exchange stop limit', amount, price, stopPrice: stop, options: [] };
    }
    const options = k < 0.15 ? ['immediate-or-cancel'] : k < 0.2 ? ['maker-or-cancel'] : k < 0.22 ? ['fill-or-kill'] : [];
    return { type: 'PlaceOrder', account, session, symbol, side, orderType: 'exchange limit', amount, price, options, clientOrderId: `c${this.int(1e6)}` };
  }
}
