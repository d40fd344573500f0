/**
 * Engine throughput benchmark: Pollux's engine vs nodejs-order-book on one seeded workload.
 *
 *   npm run bench:engine                         # 1,000,000 orders, 3 runs each
 *   npm run bench:engine -- --orders 100000      # quick check (or BENCH_ORDERS=100000)
 *   npm run bench:engine -- --runs 5             # (or BENCH_RUNS=5)
 *   npm run bench:engine -- --only ours          # one implementation
 *   npm run bench:engine -- --idle-wait 0        # do not wait for a quiet machine (BENCH_IDLE_WAIT)
 *   npm run bench:engine -- --warmup 0           # cold: no warm-up run (BENCH_WARMUP; default 200,000)
 *   npm run bench:engine -- --pin off            # do not pin runs to the fastest CPU (BENCH_PIN)
 *   node dist/bench/engine.bench.js --child ours # one run of one implementation, JSON on stdout
 *   BENCH_PROFILE_LOOP=/tmp/ours.cpuprofile node dist/bench/engine.bench.js --child ours
 *                                                # CPU profile of the timed loop only (not the setup)
 *
 * The parent spawns every run in its own fresh Node process, alternating implementations, and
 * reports the median orders/second of each and the ratio. Each run is pinned to the CPU that a
 * short probe found fastest just before it (bench/vcpu.ts: on the 2-vCPU VMs this runs on, one
 * vCPU at a time can run this kind of code up to twice as slowly; both implementations get the
 * same treatment; a run whose CPU turned slow during it, by a probe after it, is run again;
 * `--pin off` leaves runs to the OS scheduler). A child first warms up: it runs its
 * implementation, untimed, on three smaller workloads of other seeds, each on an instance of its
 * own (so the JIT has compiled the hot paths, as in a server that has been up for a while, also
 * the paths only a new instance takes: see WARMUP_INSTANCES). The warm-up instances stay alive until the child exits: V8
 * drops optimised code that refers to objects that died, and a server's code never sees its
 * engine die. It then generates the workload (workload.ts), builds its implementation's input
 * objects, runs a full GC, and times only the loop that places every order and sends the cancels
 * that follow them, on a fresh instance. Orders/second counts the placements only. `--warmup 0`
 * gives the cold figure.
 *
 * Pollux: market btcusd, 64 funded accounts, PlaceOrder commands with decimal strings (the engine
 * parses them) applied with `Engine.applyInto` into a flat event log (src/engine/flat-log.ts: the
 * engine writes every field of every event there), which the loop drains after every command,
 * counting the events by type (and cancel reason), as nodejs-order-book's loop counts its results.
 * After the timed loop, untimed, the same workload runs again on a fresh engine, and that pass reads
 * every field of every event back into a checksum (bigints through the bigint table; string fields
 * as string-table indexes, the table itself folded after the loop); its event counts and final
 * state hash must equal the timed run's. `--readback full` folds the checksum inside the timed loop
 * instead (the default until the seventh session). The checksum is printed with the counts, so
 * runs that differ in any event field show up.
 * Cancels carry the engine's order id as a number (as Gemini's `order_id` is sent in JSON), read
 * back from the OrderAccepted row in the timed loop (it is only known once the order is accepted).
 * nodejs-order-book: `limit({id, side, size, price, accountId, stpMode: EXPIRE_TAKER})` with
 * numbers and `cancel(id)`; EXPIRE_TAKER is the library's equivalent of our self-trade prevention
 * (the rest of the incoming order is dropped, the resting order stays).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import v8 from 'node:v8';
import vm from 'node:vm';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OrderBook, SelfTradePreventionMode, Side, type LimitOrderOptions } from 'nodejs-order-book';
import { loadMarkets } from '../src/app/markets-config.js';
import { stateHash } from '../src/app/state-hash.js';
import { pickCpu, pinned, probeCpu } from './vcpu.js';
import type { Command, CancelOrder, PlaceOrder, Stamp } from '../src/engine/commands.js';
import { Engine } from '../src/engine/engine.js';
import { FlatEventLog, FUNDS_DEPOSITED, FUNDS_WITHDRAWN, NF, NI, ORDER_ACCEPTED, ORDER_CANCELLED, ORDER_FILLED, REASONS, TRADE } from '../src/engine/flat-log.js';
import { LEDGER_DECIMALS } from '../src/engine/ledger.js';
import { parseDecimal } from '../src/domain/decimal.js';
import {
  centsToString,
  DEFAULT_ACCOUNTS,
  DEFAULT_SEED,
  generateWorkload,
  milliToString,
  orderKey,
  PRICE_MAX_CENTS,
  PRICE_MIN_CENTS,
  SIZE_MAX_MILLI,
  SIZE_MIN_MILLI,
  type Workload,
} from './workload.js';

type Impl = 'ours' | 'theirs';
/** what Pollux's timed loop does with the events: count them by type, or fold every field */
type Readback = 'count' | 'full';
const IMPLS: readonly Impl[] = ['ours', 'theirs'];
const LABEL: Record<Impl, string> = { ours: 'Pollux engine', theirs: 'nodejs-order-book' };

const SYMBOL = 'btcusd';
/** per account: far more than 1M orders x 1 BTC x 105 USD could ever hold */
const FUND_USD = '10000000000';
const FUND_BTC = '100000000';
const TIME0 = 1_750_000_000_000;
/**
 * Pollux's order store is sized (and its memory written once) at construction for this many open
 * orders, as a deployment that expects that many would configure it (EngineOptions.orderCapacity).
 * The workload leaves about 200,000 orders resting.
 */
const ORDER_CAPACITY = 262_144;

interface ChildResult {
  impl: Impl;
  orders: number;
  cancels: number;
  /** wall-clock time of the timed loop */
  ms: number;
  /** CPU time (user + system, all threads incl. GC helpers) of this process during the loop */
  cpuMs: number;
  /** CPU time of the whole child process (setup included) */
  processCpuMs: number;
  ordersPerSec: number;
  heapUsedMB: number;
  rssMB: number;
  /** implementation-specific counters, all deterministic for a given workload */
  counts: Record<string, number | string>;
}

// ---------------------------------------------------------------- arguments

interface Options {
  orders: number;
  runs: number;
  seed: number;
  child: Impl | undefined;
  only: Impl | undefined;
  /** seconds to wait, before each run, for other processes to quiet down (0 = do not wait) */
  idleWait: number;
  /** orders of a separate warm-up workload each child runs (untimed, on a throwaway instance) first */
  warmup: number;
  /** pin each run to the CPU that a probe found fastest just before it (see vcpu.ts) */
  pin: boolean;
  readback: Readback;
}

function parseArgs(argv: string[]): Options {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const int = (v: string | undefined, dflt: number, what: string): number => {
    if (v === undefined || v === '') return dflt;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bad ${what}: ${v}`);
    return n;
  };
  const nonNegative = (v: string | undefined, dflt: number, what: string): number => (v === '0' ? 0 : int(v, dflt, what));
  const impl = (v: string | undefined): Impl | undefined => {
    if (v === undefined) return undefined;
    if (v !== 'ours' && v !== 'theirs') throw new Error(`expected ours or theirs, got ${v}`);
    return v;
  };
  return {
    orders: int(flag('orders') ?? process.env.BENCH_ORDERS, 1_000_000, 'order count'),
    runs: int(flag('runs') ?? process.env.BENCH_RUNS, 3, 'run count'),
    seed: int(flag('seed') ?? process.env.BENCH_SEED, DEFAULT_SEED, 'seed'),
    child: impl(flag('child')),
    only: impl(flag('only')),
    idleWait: nonNegative(flag('idle-wait') ?? process.env.BENCH_IDLE_WAIT, 60, 'idle wait'),
    warmup: nonNegative(flag('warmup') ?? process.env.BENCH_WARMUP, 200_000, 'warm-up order count'),
    pin: pinFlag(flag('pin') ?? process.env.BENCH_PIN),
    readback: readbackFlag(flag('readback') ?? process.env.BENCH_READBACK),
  };
}

function readbackFlag(v: string | undefined): Readback {
  if (v === undefined || v === '' || v === 'count') return 'count';
  if (v === 'full') return 'full';
  throw new Error(`expected --readback count or full, got ${v}`);
}

function pinFlag(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'auto') return true;
  if (v === 'off') return false;
  throw new Error(`expected --pin auto or off, got ${v}`);
}

// ---------------------------------------------------------------- Pollux engine

/** a fresh engine with the workload's funded accounts, and the workload's commands */
function oursSetup(w: Workload): {
  engine: Engine;
  places: (PlaceOrder & Stamp)[];
  cancels: ((CancelOrder & Stamp) | null)[];
} {
  const engine = new Engine({ markets: loadMarkets(), orderCapacity: ORDER_CAPACITY });
  const market = engine.market(SYMBOL);
  if (market === undefined) throw new Error(`no ${SYMBOL} market`);
  const { base, quote } = market.market;
  let seq = 0;
  // (plain literals, as an adapter builds them: a spread copy makes a new object shape per call,
  // and the engine's dispatch would then see more shapes than the handful a server sends it)
  const setup = (cmd: Command & Stamp): void => {
    const r = engine.apply(cmd);
    if (!r.ok) throw new Error(`setup ${JSON.stringify(cmd)} rejected: ${r.rejection.code}`);
  };
  const accounts: string[] = [];
  for (let a = 0; a < w.accounts; a++) {
    const id = `acct${String(a).padStart(2, '0')}`;
    accounts.push(id);
    setup({ type: 'CreateAccount', account: id, seq: ++seq, time: TIME0 });
    setup({ type: 'Deposit', account: id, currency: quote, amount: FUND_USD, seq: ++seq, time: TIME0 });
    setup({ type: 'Deposit', account: id, currency: base, amount: FUND_BTC, seq: ++seq, time: TIME0 });
  }

  // ---- pre-build every command (untimed) ----
  const priceText: string[] = [];
  for (let c = PRICE_MIN_CENTS; c <= PRICE_MAX_CENTS; c++) priceText[c] = centsToString(c);
  const sizeText: string[] = [];
  for (let m = SIZE_MIN_MILLI; m <= SIZE_MAX_MILLI; m++) sizeText[m] = milliToString(m);
  const n = w.orders;
  const places: (PlaceOrder & Stamp)[] = new Array(n);
  const cancels: ((CancelOrder & Stamp) | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    places[i] = {
      type: 'PlaceOrder',
      account: accounts[w.account[i]!]!,
      session: 'bench',
      symbol: SYMBOL,
      side: w.side[i] === 0 ? 'buy' : 'sell',
      orderType: 'exchange limit',
      amount: sizeText[w.sizeMilli[i]!]!,
      price: priceText[w.priceCents[i]!]!,
      options: [],
      seq: ++seq,
      time: TIME0 + i,
    };
    const t = w.cancelAfter[i]!;
    cancels[i] = t < 0 ? null : { type: 'CancelOrder', account: accounts[w.account[t]!]!, orderId: 0, seq: ++seq, time: TIME0 + i };
  }
  return { engine, places, cancels };
}

interface LoopCounts {
  accepted: number;
  rejected: number;
  rejections: Map<string, number>;
  cancelOk: number;
  cancelMissing: number;
}

/**
 * Apply every placement, and the cancel that follows it, into `log`; after each accepted command
 * the reader reads the log: `full` folds every field of every event into the checksum, otherwise
 * the events are only counted by type (and cancel reason).
 */
function oursLoop(
  engine: Engine,
  places: (PlaceOrder & Stamp)[],
  cancels: ((CancelOrder & Stamp) | null)[],
  cancelAfter: Int32Array,
  ids: Int32Array,
  log: FlatEventLog,
  reader: LogReader,
  full: boolean,
): LoopCounts {
  let accepted = 0;
  let rejected = 0;
  let cancelOk = 0;
  let cancelMissing = 0;
  const rejections = new Map<string, number>();
  const n = places.length;
  for (let i = 0; i < n; i++) {
    log.clear();
    const r = engine.applyInto(places[i]!, log);
    if (r === null) {
      accepted++;
      if (log.types[0] === ORDER_ACCEPTED) ids[i] = log.f[0]!;
      if (full) reader.consume(); else reader.count();
    } else {
      rejected++;
      rejections.set(r.code, (rejections.get(r.code) ?? 0) + 1);
    }
    const c = cancels[i];
    if (c !== null && c !== undefined) {
      c.orderId = ids[cancelAfter[i]!]!;
      log.clear();
      const rc = engine.applyInto(c, log);
      if (rc === null) {
        cancelOk++;
        if (full) reader.consume(); else reader.count();
      } else {
        cancelMissing++;
      }
    }
  }
  return { accepted, rejected, rejections, cancelOk, cancelMissing };
}

/**
 * `verify`: after the timed loop, run the workload again, untimed, on a fresh engine with the full
 * read-back, and require the same event counts and the same final state (state hash) as the timed
 * run (the printed checksum is that pass's). The warm-up runs skip it.
 */
function runOurs(w: Workload, readback: Readback, verify: boolean): ChildResult {
  const { engine, places, cancels } = oursSetup(w);
  const market = engine.market(SYMBOL)!;
  const { base, quote } = market.market;
  const n = w.orders;
  /** engine order id of workload order i; 0 when it was refused (ids stay below 2^31: checked after the loop) */
  const ids = new Int32Array(n);
  ids.fill(0); // map its pages now, not in the timed loop
  const log = new FlatEventLog(1024);
  const reader = new LogReader(log);
  RETAINED.push(engine, log, reader, places, cancels);
  const full = readback === 'full';

  // ---- timed ----
  fullGc();
  const stopProfile = startLoopProfile();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loop = oursLoop(engine, places, cancels, w.cancelAfter, ids, log, reader, full);
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu0);
  stopProfile();

  // ---- checks (untimed): money is conserved exactly, books and indexes agree ----
  const deposited = (text: string): bigint => BigInt(w.accounts) * parseDecimal(text, LEDGER_DECIMALS)!;
  const conserved = [
    [quote, deposited(FUND_USD)],
    [base, deposited(FUND_BTC)],
  ].every(([cur, dep]) => {
    let sum = engine.state.feesCollected.get(cur as string) ?? 0n;
    for (const a of engine.state.accounts.values()) sum += a.balances.get(cur as string)?.total ?? 0n;
    return sum === dep;
  });
  if (engine.state.nextId > 2 ** 31) throw new Error('order ids past 2^31: the ids array cannot hold them');
  const resting = market.book.size();
  if (!conserved) throw new Error('ledger not conserved');
  if (resting !== engine.state.orders.size) throw new Error('book and order index disagree');

  // (memory now, before the verification pass makes a second engine)
  const mem = memory();

  // ---- the full read-back, untimed, when the timed loop only counted ----
  let checked = reader;
  let verified = 'no (full read-back in the timed loop)';
  if (!full && verify) {
    const again = oursSetup(w);
    const log2 = new FlatEventLog(1024);
    const reader2 = new LogReader(log2);
    oursLoop(again.engine, again.places, again.cancels, w.cancelAfter, new Int32Array(n), log2, reader2, true);
    const same = reader2.events === reader.events && reader2.trades === reader.trades && reader2.filled === reader.filled &&
      reader2.cancelled.every((x, k) => x === reader.cancelled[k]);
    if (!same) throw new Error('the verification pass counted other events than the timed loop');
    if (stateHash(again.engine) !== stateHash(engine)) throw new Error('the verification pass ended in another state than the timed loop');
    checked = reader2;
    verified = 'yes (same event counts and state hash)';
  } else if (!full) {
    verified = 'skipped';
  }
  const SELF_CROSS = REASONS.indexOf('SelfCrossPrevented');

  return {
    impl: 'ours',
    orders: n,
    cancels: w.cancels,
    ms,
    cpuMs,
    ordersPerSec: n / (ms / 1000),
    ...mem,
    processCpuMs: cpuSince(), // (the whole process, verification pass included)
    counts: {
      accepted: loop.accepted,
      rejected: loop.rejected,
      rejections: [...loop.rejections].map(([k, v]) => `${k}:${v}`).join(',') || 'none',
      trades: reader.trades,
      events: reader.events,
      'orders filled': reader.filled,
      'self-cross cancelled': reader.cancelled[SELF_CROSS]!,
      'price-band cancelled': reader.cancelled[REASONS.indexOf('ExceedsPriceLimits')]!,
      'cancel requests ok': loop.cancelOk,
      'cancel requests not found': loop.cancelMissing,
      'other cancelled (requested)': reader.cancelled.reduce((a, b) => a + b, 0) - reader.cancelled[SELF_CROSS]! - reader.cancelled[REASONS.indexOf('ExceedsPriceLimits')]!,
      'event checksum': checked === reader && !full ? 'not computed' : (checked.strings(), checked.checksum()),
      'verification pass': verified,
      'resting at end': resting,
      'ledger conserved': conserved ? 'yes' : 'NO',
    },
  };
}

/**
 * Reads back every event of the flat log: every column of every row goes into a running
 * Fletcher-style checksum (two 32-bit sums; a number column as the two 32-bit words of its
 * IEEE-754 bits, read through an Int32Array over the same memory), bigint fields are resolved
 * through the bigint table; and events are counted by type and cancel reason. String fields are
 * indexes into the log's string table (interned in first-use order, so the same events give the
 * same indexes): they are folded as such, and the table's text is folded once after the loop.
 */
class LogReader {
  events = 0;
  trades = 0;
  filled = 0;
  /** OrderCancelled events by reason code */
  readonly cancelled: number[] = REASONS.map(() => 0);
  private a = 1;
  private b = 0;
  /** the log's number columns seen as 32-bit words (re-made when the log grows) */
  private fColumn: Float64Array | undefined;
  private fWords: Int32Array<ArrayBufferLike> = new Int32Array(0);

  constructor(private readonly log: FlatEventLog) {}

  /** fold and count every row of the log */
  consume(): void {
    const log = this.log;
    const n = log.count;
    const types = log.types;
    if (log.f !== this.fColumn) {
      this.fColumn = log.f;
      this.fWords = new Int32Array(log.f.buffer, log.f.byteOffset, log.f.length * 2);
    }
    const fw = this.fWords;
    const ints = log.i;
    let a = this.a;
    let b = this.b;
    this.events += n;
    for (let r = 0; r < n; r++) {
      const t = types[r]!;
      a = (a + t) | 0;
      b = (b + a) | 0;
      // the NF number columns of the row as their raw 32-bit halves (every bit of every number),
      // and the NI int columns, written out (NF = 8, NI = 9)
      const k = r * 2 * NF;
      a = (a + fw[k]!) | 0; b = (b + a) | 0; a = (a + fw[k + 1]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 2]!) | 0; b = (b + a) | 0; a = (a + fw[k + 3]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 4]!) | 0; b = (b + a) | 0; a = (a + fw[k + 5]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 6]!) | 0; b = (b + a) | 0; a = (a + fw[k + 7]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 8]!) | 0; b = (b + a) | 0; a = (a + fw[k + 9]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 10]!) | 0; b = (b + a) | 0; a = (a + fw[k + 11]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 12]!) | 0; b = (b + a) | 0; a = (a + fw[k + 13]!) | 0; b = (b + a) | 0;
      a = (a + fw[k + 14]!) | 0; b = (b + a) | 0; a = (a + fw[k + 15]!) | 0; b = (b + a) | 0;
      const bi = r * NI;
      a = (a + ints[bi]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 1]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 2]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 3]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 4]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 5]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 6]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 7]!) | 0; b = (b + a) | 0;
      a = (a + ints[bi + 8]!) | 0; b = (b + a) | 0;
      // the bigint fields, resolved (string fields are string-table indexes, folded above; the
      // table itself is folded once, after the loop: see strings())
      if (t === TRADE) {
        this.trades++;
        if (ints[bi + 6]! >= 0) a = (a + big(log.bigs[ints[bi + 6]!]!) + big(log.bigs[ints[bi + 7]!]!)) | 0;
      } else if (t === ORDER_ACCEPTED || t === ORDER_FILLED || t === ORDER_CANCELLED) {
        if (t === ORDER_FILLED) this.filled++;
        else if (t === ORDER_CANCELLED) this.cancelled[ints[bi + 8]!]!++;
        if (ints[bi + 7]! >= 0) a = (a + big(log.bigs[ints[bi + 7]!]!)) | 0;
      } else if (t === FUNDS_DEPOSITED || t === FUNDS_WITHDRAWN) {
        a = (a + big(log.bigs[ints[bi + 2]!]!)) | 0;
      }
      b = (b + a) | 0;
    }
    this.a = a;
    this.b = b;
  }

  /** count every row of the log by type (and cancel reason), reading no other field */
  count(): void {
    const log = this.log;
    const n = log.count;
    const types = log.types;
    const ints = log.i;
    this.events += n;
    for (let r = 0; r < n; r++) {
      const t = types[r]!;
      if (t === TRADE) this.trades++;
      else if (t === ORDER_FILLED) this.filled++;
      else if (t === ORDER_CANCELLED) this.cancelled[ints[r * NI + 8]!]!++;
    }
  }

  /** fold the log's string table (every string, in table order, character by character) */
  strings(): void {
    let a = this.a;
    let b = this.b;
    for (const s of this.log.strings) {
      for (let k = 0; k < s.length; k++) {
        a = (a + s.charCodeAt(k)) | 0;
        b = (b + a) | 0;
      }
      a = (a + s.length) | 0;
      b = (b + a) | 0;
    }
    this.a = a;
    this.b = b;
  }

  checksum(): string {
    return `${(this.b >>> 0).toString(16).padStart(8, '0')}${(this.a >>> 0).toString(16).padStart(8, '0')}`;
  }
}

if (NF !== 8 || NI !== 9) throw new Error('LogReader.consume is written out for NF = 8, NI = 9');

/** a bigint field's contribution: its low 32 bits and its bit length */
function big(x: bigint): number {
  return Number(BigInt.asIntN(32, x)) + x.toString(16).length;
}

// ---------------------------------------------------------------- nodejs-order-book

function runTheirs(w: Workload, _readback: Readback, _verify: boolean): ChildResult {
  const ob = new OrderBook();
  const n = w.orders;
  const accounts: string[] = [];
  for (let a = 0; a < w.accounts; a++) accounts.push(`acct${String(a).padStart(2, '0')}`);

  // ---- pre-build every request (untimed) ----
  const keys: string[] = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = orderKey(i);
  const limits: LimitOrderOptions[] = new Array(n);
  const cancels: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    limits[i] = {
      id: keys[i]!,
      side: w.side[i] === 0 ? Side.BUY : Side.SELL,
      size: w.sizeMilli[i]! / 1000,
      price: w.priceCents[i]! / 100,
      accountId: accounts[w.account[i]!]!,
      stpMode: SelfTradePreventionMode.EXPIRE_TAKER,
    };
    const t = w.cancelAfter[i]!;
    cancels[i] = t < 0 ? null : keys[t]!;
  }

  let accepted = 0;
  let errors = 0;
  let stp = 0;
  let makerFills = 0;
  let doneEntries = 0;
  let cancelOk = 0;
  let cancelMissing = 0;
  const STP_CODE = 1202;
  RETAINED.push(ob, limits, cancels);

  // ---- timed ----
  fullGc();
  const stopProfile = startLoopProfile();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = ob.limit(limits[i]!);
    const done = r.done.length;
    doneEntries += done;
    if (r.err === null) {
      accepted++;
      // taker fully filled: its own summary is the last `done` entry, plus at most one partial maker
      makerFills += r.quantityLeft === 0 ? done - 1 + (r.partial !== null ? 1 : 0) : done;
    } else {
      errors++;
      if (r.err.code === STP_CODE) stp++;
      makerFills += done;
    }
    const c = cancels[i];
    if (c !== null && c !== undefined) {
      if (ob.cancel(c) !== undefined) cancelOk++;
      else cancelMissing++;
    }
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu0);
  stopProfile();

  // ---- after (untimed): resting orders whose size fell off the 0.001 grid (float residue) ----
  const snap = ob.snapshot();
  let resting = 0;
  let offGrid = 0;
  for (const level of [...snap.bids, ...snap.asks]) {
    for (const o of level.orders) {
      resting++;
      const k = o.size * 1000;
      if (Math.abs(k - Math.round(k)) > 1e-6) offGrid++;
    }
  }

  return {
    impl: 'theirs',
    orders: n,
    cancels: w.cancels,
    ms,
    cpuMs,
    ordersPerSec: n / (ms / 1000),
    ...memory(),
    counts: {
      'accepted (err null)': accepted,
      errors,
      'STP (EXPIRE_TAKER) errors': stp,
      'maker fills (~trades)': makerFills,
      'done entries': doneEntries,
      'cancel requests ok': cancelOk,
      'cancel requests not found': cancelMissing,
      'resting at end': resting,
      'resting sizes off the 0.001 grid': offGrid,
    },
  };
}

/**
 * With BENCH_PROFILE_LOOP=<file>, profile the CPU from here until the returned function is called
 * (the timed loop only) and write the profile there. Diagnosis only: the figures of a profiled run
 * are not comparable with others.
 */
function startLoopProfile(): () => void {
  const out = process.env.BENCH_PROFILE_LOOP;
  if (out === undefined || out === '') return () => undefined;
  const session = new Session();
  session.connect();
  // the inspector dispatches synchronously on the main thread
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  return () => {
    session.post('Profiler.stop', (err, r) => {
      if (err === null) writeFileSync(out, JSON.stringify(r.profile));
      session.disconnect();
    });
  };
}

/**
 * Every instance a child made, with its input, kept alive until the child exits. Optimised code
 * can refer to objects it met while it was compiled (V8 keeps such references weak); when those
 * die, at the full GC before the timed loop, all that code is thrown away and the timed loop
 * starts in the interpreter again (measured: the first 50,000 orders took about twice as long).
 * A server's engine lives as long as its process, so its code never loses them.
 */
const RETAINED: unknown[] = [];

/**
 * Warm-up instances (the warm-up's orders are split between them). Code V8 optimised on one
 * instance meets the paths only a new instance takes (an empty book's first levels, say) on the
 * next, deoptimises and is optimised again with them; with three, the timed instance starts with
 * none left (checked with --trace-deopt: no deopt in the timed loop, two remained with two).
 */
const WARMUP_INSTANCES = 3;

/** seed of the k-th warm-up workload: the run's seed with these bits flipped, xor k */
const WARMUP_SEED_XOR = 0x9e37_79b9;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * A full collection before a timed loop, so that the garbage of the set-up (the pre-built input
 * objects promoted, the warm-up's garbage) is not collected on the clock; then half a second idle,
 * so that the collector's concurrent sweeping of what it freed is done before the clock starts too
 * (without it, sweeping ran during the first part of the loop: 3–4% of the loop's CPU profile).
 * Both implementations get the same.
 */
function fullGc(): void {
  gc();
  gc();
  sleepMs(500);
}

function cpuSince(start?: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function memory(): { heapUsedMB: number; rssMB: number; processCpuMs: number } {
  const m = process.memoryUsage();
  return { heapUsedMB: Math.round(m.heapUsed / 2 ** 20), rssMB: Math.round(m.rss / 2 ** 20), processCpuMs: cpuSince() };
}

// ---------------------------------------------------------------- parent

/** busy and total jiffies over all CPUs, from /proc/stat (undefined off Linux) */
function cpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every mainstream kernel */
const JIFFY_MS = 10;

/** fraction of the machine other processes kept busy between two samples, given our own CPU ms */
function othersBusy(a: ReturnType<typeof cpuJiffies>, b: ReturnType<typeof cpuJiffies>, ownCpuMs: number): number {
  if (a === undefined || b === undefined || b.total <= a.total) return NaN;
  return Math.max(0, (b.busy - a.busy - ownCpuMs / JIFFY_MS) / (b.total - a.total));
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Wait (up to `maxSeconds`) until other processes use less than `threshold` of the machine over a
 * one-second sample, so a run is not measured while something else hogs the CPUs.
 * Returns the last sample's busy fraction.
 */
function waitForQuiet(maxSeconds: number, threshold = 0.1): number {
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const a = cpuJiffies();
    sleepMs(1000);
    const busy = othersBusy(a, cpuJiffies(), 0);
    if (!(busy >= threshold) || Date.now() >= deadline) return busy;
  }
}

const pct = (x: number): string => (Number.isNaN(x) ? 'n/a' : `${Math.round(100 * x)}%`);

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** the commit the engine was built from, and whether the engine's sources had uncommitted changes */
function gitRevision(): string {
  const git = (...args: string[]): string | undefined => {
    const r = spawnSync('git', args, { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const head = git('rev-parse', '--short', 'HEAD');
  if (head === undefined) return 'unknown (not a git checkout)';
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', ':/src/engine', ':/src/domain');
  return `${head}${dirty ? '  (with uncommitted changes to src/engine or src/domain)' : ''}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmtInt = (x: number): string => Math.round(x).toLocaleString('en-US');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

/**
 * A pinned run whose CPU probes more than SLOWED times slower after the run than just before it is
 * not counted and is run again (at most MAX_ATTEMPTS times in all; the last attempt counts anyway).
 */
const SLOWED = 1.4;
const MAX_ATTEMPTS = 4;

function spawnRun(impl: Impl, opts: Options, cpu: number | undefined): ChildResult {
  const script = fileURLToPath(import.meta.url);
  const args = [script, '--child', impl, '--orders', String(opts.orders), '--seed', String(opts.seed), '--warmup', String(opts.warmup), '--readback', opts.readback];
  const [cmd, argv] = pinned(cpu, args);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) {
    process.stderr.write(r.stderr ?? '');
    throw new Error(`${impl} run failed (status ${r.status}, signal ${r.signal})`);
  }
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ChildResult;
}

function parent(opts: Options): void {
  const impls = opts.only === undefined ? IMPLS : [opts.only];
  console.log('Engine benchmark: Pollux engine vs nodejs-order-book');
  console.log(`  date       ${new Date().toISOString()}`);
  console.log(`  node       ${process.version} (${process.platform}/${process.arch})`);
  console.log(`  cpu        ${cpuModel()}`);
  console.log(`  nproc      ${os.availableParallelism()}`);
  console.log(`  memory     ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  console.log(`  source     ${gitRevision()}`);
  console.log(
    `  workload   ${fmtInt(opts.orders)} limit orders, seed ${opts.seed}, price 100 +/- 5 (0.01 tick), ` +
      `size 0.001..1 (0.001 step), 50/50 buy/sell, ${DEFAULT_ACCOUNTS} accounts, ` +
      `10% chance of a cancel of one of the last 10,000 orders after each order`,
  );
  console.log(`  runs       ${opts.runs} per implementation, each in a fresh process, alternating`);
  console.log(
    opts.warmup > 0
      ? `  warm-up    each process first runs ${fmtInt(opts.warmup)} orders of other seeds on ${WARMUP_INSTANCES} instances (untimed, kept alive), ` +
          'then a full GC before the timed loop'
      : '  warm-up    none (cold: the timed loop includes JIT warm-up); a full GC before the timed loop',
  );
  console.log(
    `  noise      before each run, wait up to ${opts.idleWait} s for other processes to use < 10% of the CPUs; ` +
      `"other load" = share of all CPUs used by other processes`,
  );
  console.log(
    opts.readback === 'count'
      ? '  read-back  Pollux\'s timed loop counts each command\'s events by type (as nodejs-order-book\'s counts its results); after it,\n' +
          '             untimed, a second pass on a fresh engine folds every field of every event into the checksum and must\n' +
          '             give the same event counts and state hash (--readback full: the fold inside the timed loop)'
      : '  read-back  Pollux\'s timed loop folds every field of every event into the checksum (--readback full)',
  );
  const canPin = opts.pin && pickCpu() !== undefined;
  console.log(
    canPin
      ? '  pinning    each run is pinned (taskset) to the CPU a short probe found fastest just before it; "probe" = ns per item\n' +
          '             on each CPU before the run, and on the run\'s CPU after it (see bench/vcpu.ts); a run whose CPU probes\n' +
          `             more than ${SLOWED}x slower after it than before is run again (at most ${MAX_ATTEMPTS} attempts)\n`
      : `  pinning    none (${opts.pin ? 'no taskset, or a single CPU' : '--pin off'}): runs go where the OS schedules them\n`,
  );

  const results: Record<Impl, ChildResult[]> = { ours: [], theirs: [] };
  for (let run = 1; run <= opts.runs; run++) {
    for (const impl of impls) {
      for (let attempt = 1; ; attempt++) {
        const before = opts.idleWait > 0 ? waitForQuiet(opts.idleWait) : NaN;
        const pick = canPin ? pickCpu() : undefined;
        const j0 = cpuJiffies();
        const r = spawnRun(impl, opts, pick?.cpu);
        const during = othersBusy(j0, cpuJiffies(), r.processCpuMs);
        const after = pick === undefined ? NaN : probeCpu(pick.cpu);
        const chosen = pick?.probes.find((p) => p.cpu === pick.cpu)?.ns ?? NaN;
        // the CPU turned slow while the run was on it: the figure is the VM's, not the code's
        const turned = after > chosen * SLOWED && attempt < MAX_ATTEMPTS;
        const probes = pick === undefined ? '' : `  cpu ${pick.cpu} (probe ${pick.probes.map((p) => `${p.cpu}: ${p.ns.toFixed(1)}`).join(', ')}; after ${after.toFixed(1)})`;
        console.log(
          `  run ${run} ${LABEL[impl].padEnd(18)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ` +
            `${fmtInt(r.ordersPerSec).padStart(10)} orders/s  cpu ${(r.cpuMs / 1000).toFixed(2)} s  ` +
            `heap ${r.heapUsedMB} MB  rss ${r.rssMB} MB  other load: ${pct(before)} before, ${pct(during)} during${probes}` +
            (turned ? '  -> not counted: its CPU turned slow during the run; run again' : ''),
        );
        if (!turned) {
          results[impl].push(r);
          break;
        }
      }
    }
  }

  console.log('');
  for (const impl of impls) {
    const rs = results[impl];
    const first = JSON.stringify(rs[0]!.counts);
    const same = rs.every((r) => JSON.stringify(r.counts) === first);
    console.log(`${LABEL[impl]} — ${fmtInt(rs[0]!.cancels)} cancel requests in the workload${same ? '' : '  (WARNING: counts differ between runs)'}`);
    for (const [k, v] of Object.entries(rs[0]!.counts)) console.log(`  ${k.padEnd(34)} ${typeof v === 'number' ? fmtInt(v) : v}`);
    console.log('');
  }

  const rows: string[][] = [
    [
      'implementation',
      ...results[impls[0]!].map((_, i) => `run ${i + 1} (orders/s)`),
      'median orders/s',
      'median time (s)',
      'median orders/CPU-s',
    ],
  ];
  const med: Partial<Record<Impl, number>> = {};
  const medCpu: Partial<Record<Impl, number>> = {};
  for (const impl of impls) {
    const rs = results[impl];
    med[impl] = median(rs.map((r) => r.ordersPerSec));
    medCpu[impl] = median(rs.map((r) => r.orders / (r.cpuMs / 1000)));
    rows.push([
      LABEL[impl],
      ...rs.map((r) => fmtInt(r.ordersPerSec)),
      fmtInt(med[impl]!),
      median(rs.map((r) => r.ms / 1000)).toFixed(2),
      fmtInt(medCpu[impl]!),
    ]);
  }
  console.log(table(rows));
  if (med.ours !== undefined && med.theirs !== undefined) {
    console.log(`\nratio ours/theirs (median orders/s, wall clock): ${(med.ours / med.theirs).toFixed(2)}x`);
    console.log(`ratio ours/theirs (median orders per CPU-second):  ${(medCpu.ours! / medCpu.theirs!).toFixed(2)}x`);
  }
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
if (opts.child !== undefined) {
  const run = opts.child === 'ours' ? runOurs : runTheirs;
  // warm-up: the same code paths on other workloads and instances, so the timed loop measures
  // optimised code rather than the JIT's first minutes; the results are discarded, the instances
  // kept (see RETAINED)
  if (opts.warmup > 0) {
    const part = Math.ceil(opts.warmup / WARMUP_INSTANCES);
    for (let k = 0; k < WARMUP_INSTANCES; k++) run(generateWorkload(part, (opts.seed ^ WARMUP_SEED_XOR ^ k) >>> 0), opts.readback, false);
  }
  const w = generateWorkload(opts.orders, opts.seed);
  const r = run(w, opts.readback, true);
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  parent(opts);
}
