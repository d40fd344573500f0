/**
 * Given/when/then harness for engine tests.
 *
 *   const s = scenario({ bookFactory }).given(...trader('alice', { USD: '1000' }));
 *   s.when(buy('alice', '1', '100.00')).thenTypes('OrderAccepted');
 *   assert.deepEqual(s.balance('alice', 'USD'), { total: '1000', held: '100.35', available: '899.65' });
 *
 * `given` applies commands and fails the test if any is rejected; `when` applies one command and
 * returns an Outcome to assert on (`thenEvents`, `thenTypes`, `thenRejected`). A rejected `when`
 * is also checked to have left the exported state byte-identical.
 * Commands are stamped with an increasing `seq` and `time` (time = startTime + seq).
 */
import assert from 'node:assert/strict';
import { loadMarkets } from '../../src/app/markets-config.js';
import { formatDecimal, parseDecimal } from '../../src/domain/decimal.js';
import type { Market } from '../../src/domain/symbols.js';
import type { BookFactory } from '../../src/engine/book/book.js';
import { FastBook } from '../../src/engine/book/fast-book.js';
import { NaiveBook } from '../../src/engine/book/naive-book.js';
import type { CommandBody } from '../../src/engine/commands.js';
import { Engine, type EngineOptions, type Result } from '../../src/engine/engine.js';
import type { Event, OrderAccepted, OrderCancelled, OrderFilled, Trade } from '../../src/engine/events.js';
import { LEDGER_DECIMALS } from '../../src/engine/ledger.js';
import type { RejectionCode } from '../../src/engine/rejections.js';
import { exportState, type EngineSnapshot } from '../../src/engine/snapshot.js';

export * from './commands.js';

/** The shipped market table, loaded once. */
export const MARKETS: readonly Market[] = loadMarkets();

/** Every order-book implementation; order/matching suites run once per entry. */
export const BOOKS: readonly { name: string; factory: BookFactory }[] = [
  { name: 'FastBook', factory: () => new FastBook() },
  { name: 'NaiveBook', factory: () => new NaiveBook() },
];

export interface ScenarioOptions extends Partial<EngineOptions> {
  /** time of the command with seq 0; each command gets startTime + seq */
  startTime?: number;
}

export interface BalanceView {
  total: string;
  held: string;
  available: string;
}

/** ledger units (10^-18) as a decimal string */
export function ledger(v: bigint): string {
  return formatDecimal(v, LEDGER_DECIMALS);
}

/** JSON of anything that may contain bigints (for byte-for-byte comparisons) */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

type Given = CommandBody | readonly CommandBody[];

export class Scenario {
  readonly engine: Engine;
  private seq = 0;
  private readonly startTime: number;

  constructor(opts: ScenarioOptions = {}) {
    const { startTime, ...rest } = opts;
    this.engine = new Engine({ ...rest, markets: opts.markets ?? MARKETS });
    this.startTime = startTime ?? 1_700_000_000_000;
  }

  /** seq the next command will get */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /** time the next command will get */
  get nextTime(): number {
    return this.startTime + this.seq + 1;
  }

  /** apply without any assertion */
  apply(body: CommandBody): Result {
    this.seq++;
    return this.engine.apply({ ...body, seq: this.seq, time: this.startTime + this.seq } as Parameters<Engine['apply']>[0]);
  }

  /** apply commands that must all be accepted */
  given(...cmds: Given[]): this {
    for (const c of cmds.flat() as CommandBody[]) {
      const r = this.apply(c);
      if (!r.ok) assert.fail(`given ${c.type} was rejected: ${r.rejection.code} ${r.rejection.detail ?? ''}\n${canonical(c)}`);
    }
    return this;
  }

  /** apply commands, rejected or not (for random flows); returns how many were accepted */
  applyAll(cmds: readonly CommandBody[]): number {
    let n = 0;
    for (const c of cmds) if (this.apply(c).ok) n++;
    return n;
  }

  /** apply a PlaceOrder that must be accepted and return the new order id */
  place(cmd: CommandBody): number {
    const r = this.apply(cmd);
    if (!r.ok) assert.fail(`place was rejected: ${r.rejection.code} ${r.rejection.detail ?? ''}\n${canonical(cmd)}`);
    const acc = r.events.find((e): e is OrderAccepted => e.type === 'OrderAccepted');
    assert.ok(acc !== undefined, 'place produced no OrderAccepted');
    return acc.order.id;
  }

  when(cmd: CommandBody): Outcome {
    const before = this.stateJson();
    const result = this.apply(cmd);
    return new Outcome(this, result, before);
  }

  snapshot(): EngineSnapshot {
    return exportState(this.engine);
  }

  stateJson(): string {
    return JSON.stringify(exportState(this.engine));
  }

  balance(account: string, currency: string): BalanceView {
    const a = this.engine.account(account);
    const b = a?.balances.get(currency) ?? { total: 0n, held: 0n };
    return { total: ledger(b.total), held: ledger(b.held), available: ledger(b.total - b.held) };
  }

  /** fees collected in a currency, as a decimal string */
  fees(currency: string): string {
    return ledger(this.engine.state.feesCollected.get(currency) ?? 0n);
  }

  /** ids of an account's open orders, ascending */
  openIds(account: string): number[] {
    return this.engine.openOrders(account).map((o) => o.id);
  }

  /** [price, amount] per level from the best outwards, in market units */
  depth(symbol: string, side: 'buy' | 'sell'): [number, number][] {
    return this.engine.book(symbol)!.depth(side, 0).map((l) => [l.price, l.amount]);
  }
}

/** deep partial match: every key of `expected` must equal the same key of `actual` */
export function matches(actual: unknown, expected: unknown, path = '$'): string | null {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return `${path}: expected an object, got ${canonical(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const err = matches((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
      if (err !== null) return err;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path}: expected ${canonical(expected)}, got ${canonical(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const err = matches(actual[i], expected[i], `${path}[${i}]`);
      if (err !== null) return err;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : `${path}: expected ${canonical(expected)}, got ${canonical(actual)}`;
}

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type EventPattern = DeepPartial<Event> & { type: Event['type'] };

export class Outcome {
  constructor(readonly scenario: Scenario, readonly result: Result, private readonly before: string) {}

  /** the events; fails when the command was rejected */
  get events(): Event[] {
    if (!this.result.ok) assert.fail(`expected success, got rejection ${this.result.rejection.code} ${this.result.rejection.detail ?? ''}`);
    return this.result.events;
  }

  thenOk(): this {
    void this.events;
    return this;
  }

  /** exact list of event types, in order */
  thenTypes(...types: Event['type'][]): this {
    assert.deepEqual(this.events.map((e) => e.type), types);
    return this;
  }

  /** exactly these events, in order, each matching its (partial) pattern */
  thenEvents(...patterns: EventPattern[]): this {
    const ev = this.events;
    assert.deepEqual(ev.map((e) => e.type), patterns.map((p) => p.type), 'event types');
    for (let i = 0; i < patterns.length; i++) {
      const err = matches(ev[i], patterns[i], `events[${i}]`);
      if (err !== null) assert.fail(err);
    }
    return this;
  }

  /** rejected with this code (and detail, if given); the state must not have changed */
  thenRejected(code: RejectionCode, detail?: string): this {
    assert.ok(!this.result.ok, `expected rejection ${code}, got events ${this.result.ok ? this.result.events.map((e) => e.type).join(',') : ''}`);
    assert.equal(this.result.rejection.code, code);
    if (detail !== undefined) assert.equal(this.result.rejection.detail, detail);
    assert.equal(this.scenario.stateJson(), this.before, 'a rejection must leave the state unchanged');
    return this;
  }

  ofType<T extends Event['type']>(type: T): Extract<Event, { type: T }>[] {
    return this.events.filter((e): e is Extract<Event, { type: T }> => e.type === type);
  }

  trades(): Trade[] {
    return this.ofType('Trade');
  }

  cancelled(): OrderCancelled[] {
    return this.ofType('OrderCancelled');
  }

  filled(): OrderFilled[] {
    return this.ofType('OrderFilled');
  }

  /** id of the order this command created */
  get orderId(): number {
    const a = this.ofType('OrderAccepted');
    assert.equal(a.length, 1, 'exactly one OrderAccepted');
    return a[0]!.order.id;
  }
}

export function scenario(opts: ScenarioOptions = {}): Scenario {
  return new Scenario(opts);
}

/** shorthand: a scenario with the default (fast) book and default options */
export function given(...cmds: Given[]): Scenario {
  return new Scenario().given(...cmds);
}

/** ledger units of a decimal string: L('0.35') === 350000000000000000n */
export function L(text: string): bigint {
  const v = parseDecimal(text, LEDGER_DECIMALS);
  if (v === null) throw new RangeError(`not a ledger amount: ${text}`);
  return v;
}
