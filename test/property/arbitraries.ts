/**
 * fast-check arbitraries for random engine histories, and the driver that turns them into commands.
 *
 * A Scenario is plain data: 2-3 markets (mixing scales: btcusd 2/8 decimals, ethbtc 5/6 with BTC as
 * quote, dogeusd 5/6 with a big lot, ethusd 2/6), 3-5 accounts created and funded up front, then a
 * list of Steps. Steps refer to accounts, sessions, markets and orders by index, so a shrunk
 * scenario still makes sense; the Driver resolves them against what the engine has said so far
 * (ids from OrderAccepted events, available balances) into plain JSON Commands. The resolution
 * depends only on the history, so the same scenario gives the same commands for every engine that
 * behaves the same — which is what books-agree and replay rely on.
 *
 * Prices cluster within a few ticks (tick = 0.1% of a centre price) so orders cross often; a few
 * are far out (about 6%) to exercise the 5% price band. Some steps carry deliberately invalid input
 * (`bad`) and must be rejected.
 */
import fc from 'fast-check';
import { loadMarkets } from '../../src/app/markets-config.js';
import type { Market } from '../../src/domain/symbols.js';
import type { Command, CommandBody } from '../../src/engine/commands.js';
import type { Engine, Result } from '../../src/engine/engine.js';
import type { RejectionCode } from '../../src/engine/rejections.js';

export const ALL_MARKETS: readonly Market[] = loadMarkets();

interface MarketShape {
  /** centre price, price units */
  center: number;
  /** price units per tick (0.1% of the centre) */
  tick: number;
  /** amount units per lot */
  lot: number;
}

const SHAPES: Record<string, MarketShape> = {
  btcusd: { center: 3_000_000, tick: 3_000, lot: 100_000 }, // 30000.00 USD, lot 0.001 BTC
  ethbtc: { center: 6_000, tick: 6, lot: 10_000 }, // 0.06000 BTC, lot 0.01 ETH
  dogeusd: { center: 7_000, tick: 7, lot: 100_000_000 }, // 0.07000 USD, lot 100 DOGE
  ethusd: { center: 200_000, tick: 200, lot: 10_000 }, // 2000.00 USD, lot 0.01 ETH
};
export const SYMBOLS = Object.keys(SHAPES);

/** ledger units (10^-18) of a "comfortable" starting balance per currency */
const FUNDING: Record<string, bigint> = {
  USD: 2_000n * 10n ** 18n,
  BTC: 10n ** 17n, // 0.1
  ETH: 10n ** 18n, // 1
  DOGE: 20_000n * 10n ** 18n,
};
/** ledger units of one display step per currency (deposits are mostly whole steps) */
const CURRENCY_STEP: Record<string, bigint> = { USD: 10n ** 16n, BTC: 10n ** 10n, ETH: 10n ** 12n, DOGE: 10n ** 12n };

export const ACCOUNT_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin'];

export function marketOf(symbol: string): Market {
  const m = ALL_MARKETS.find((x) => x.symbol === symbol);
  if (m === undefined) throw new Error(`no market ${symbol}`);
  return m;
}

export function currenciesOf(symbols: readonly string[]): string[] {
  const set = new Set<string>();
  for (const s of symbols) {
    const m = marketOf(s);
    set.add(m.base);
    set.add(m.quote);
  }
  return [...set].sort();
}

// ---------------------------------------------------------------- scenario data

export type BadPlace =
  | 'account'
  | 'symbol'
  | 'side'
  | 'orderType'
  | 'amountZero'
  | 'amountNegative'
  | 'amountJunk'
  | 'amountTooPrecise'
  | 'amountBelowMin'
  | 'amountHuge'
  | 'priceMissing'
  | 'priceJunk'
  | 'priceTooPrecise'
  | 'priceZero'
  | 'stopMissing'
  | 'stopWrongSide'
  | 'stopRatio'
  | 'optionUnknown'
  | 'optionsTwo'
  | 'clientOrderIdLong';

export type Option = '' | 'maker-or-cancel' | 'immediate-or-cancel' | 'fill-or-kill';

export interface PlaceStep {
  k: 'place';
  acct: number;
  sess: number;
  mkt: number;
  side: 'buy' | 'sell';
  otype: 'limit' | 'stop' | 'market';
  /** ticks from the centre towards the other side (limit price; for stops the stop price) */
  off: number;
  /** stops: ticks between stop price and limit price */
  gap: number;
  /** lots; 0 means the market minimum, -1 a whale order of HUGE_AMOUNT units */
  lots: number;
  /** extra amount steps on top of the lots */
  dust: number;
  option: Option;
  /** number formats: 0 plain, 1 trailing zeros, 2 integer + exponent, 3 scientific */
  fmt: number;
  coid: boolean;
  bad: BadPlace | null;
}

export type CancelMode = 'own' | 'any' | 'closed' | 'bogus';
export interface CancelStep { k: 'cancel'; acct: number; pick: number; mode: CancelMode }
export interface CancelAllStep { k: 'cancelAll'; acct: number; ghost: boolean }
export interface SessionStep { k: 'cancelSession' | 'expire'; sess: number }
export type BadFunds = 'account' | 'currency' | 'zero' | 'negative' | 'junk' | 'tooPrecise';
export interface DepositStep { k: 'deposit'; acct: number; cur: number; units: bigint; lower: boolean; bad: BadFunds | null }
/** pct of the available balance (0 = one ledger unit more than available), or absolute units */
export interface WithdrawStep { k: 'withdraw'; acct: number; cur: number; pct: number; units: bigint | null; bad: BadFunds | null }
export interface StatusStep { k: 'status'; mkt: number; status: string; ghost: boolean }
export interface FeesStep { k: 'fees'; acct: number; maker: number; taker: number; ghost: boolean }
export interface CreateStep { k: 'create'; acct: number; empty: boolean }

export type Step =
  | PlaceStep
  | CancelStep
  | CancelAllStep
  | SessionStep
  | DepositStep
  | WithdrawStep
  | StatusStep
  | FeesStep
  | CreateStep;

export interface AccountSpec {
  makerBps: number | null;
  takerBps: number | null;
  /** per currency (in scenario currency order): tenths of the comfortable funding (0..20, or 10^11 for a whale) */
  funding: number[];
}

export interface Scenario {
  markets: string[];
  accounts: AccountSpec[];
  steps: Step[];
}

// ---------------------------------------------------------------- arbitraries

const idx = fc.nat({ max: 1000 });

const offArb = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: -3, max: 5 }) },
  { weight: 2, arbitrary: fc.integer({ min: -12, max: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(-70, -60, -55, 55, 60, 70) },
);

const badPlaceArb: fc.Arbitrary<BadPlace> = fc.constantFrom(
  'account', 'symbol', 'side', 'orderType', 'amountZero', 'amountNegative', 'amountJunk', 'amountTooPrecise',
  'amountBelowMin', 'amountHuge', 'priceMissing', 'priceJunk', 'priceTooPrecise', 'priceZero', 'stopMissing',
  'stopWrongSide', 'stopRatio', 'optionUnknown', 'optionsTwo', 'clientOrderIdLong',
);

export const placeArb: fc.Arbitrary<PlaceStep> = fc
  .record({
    acct: idx,
    sess: fc.nat({ max: 1 }),
    mkt: idx,
    side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
    otype: fc.oneof(
      { weight: 14, arbitrary: fc.constant<'limit'>('limit') },
      { weight: 3, arbitrary: fc.constant<'stop'>('stop') },
      { weight: 2, arbitrary: fc.constant<'market'>('market') },
    ),
    off: offArb,
    gap: fc.nat({ max: 3 }),
    lots: fc.oneof(
      { weight: 10, arbitrary: fc.integer({ min: 1, max: 10 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 40) },
      { weight: 1, arbitrary: fc.constant(-1) }, // a whale: HUGE_AMOUNT units, near the 2^53 limit
    ),
    dust: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 999 }) }),
    option: fc.oneof(
      { weight: 10, arbitrary: fc.constant<Option>('') },
      { weight: 5, arbitrary: fc.constantFrom<Option>('maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill') },
    ),
    fmt: fc.nat({ max: 3 }),
    coid: fc.boolean(),
    bad: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: badPlaceArb }),
  })
  // options on stop and market orders are refused; keep that rare so most orders get through
  .map((r): PlaceStep => ({ k: 'place', ...r, option: r.otype !== 'limit' && r.gap !== 3 ? '' : r.option }));

const badFundsArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom<BadFunds>('account', 'currency', 'zero', 'negative', 'junk', 'tooPrecise') },
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 60, arbitrary: placeArb },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant<'cancel'>('cancel'),
      acct: idx,
      pick: fc.nat({ max: 10_000 }),
      mode: fc.oneof(
        { weight: 6, arbitrary: fc.constant<CancelMode>('own') },
        { weight: 1, arbitrary: fc.constantFrom<CancelMode>('any', 'closed', 'bogus') },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant<'cancelAll'>('cancelAll'), acct: idx, ghost: fc.boolean() }).map((s) => ({ ...s, ghost: s.ghost && s.acct % 5 === 0 })) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant<'cancelSession'>('cancelSession'), sess: idx }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant<'expire'>('expire'), sess: idx }) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant<'deposit'>('deposit'),
      acct: idx,
      cur: idx,
      units: fc.oneof(
        { weight: 5, arbitrary: fc.bigInt({ min: 1n, max: 20n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 20n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 10n ** 29n, max: 10n ** 33n }) }, // whale money
      ),
      lower: fc.boolean(),
      bad: badFundsArb,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant<'withdraw'>('withdraw'),
      acct: idx,
      cur: idx,
      pct: fc.nat({ max: 100 }),
      units: fc.option(fc.bigInt({ min: 1n, max: 10n ** 19n }), { freq: 4 }),
      bad: badFundsArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant<'status'>('status'),
      mkt: idx,
      status: fc.oneof(
        { weight: 10, arbitrary: fc.constant('open') },
        { weight: 4, arbitrary: fc.constantFrom('closed', 'cancel_only', 'limit_only', 'post_only') },
        { weight: 1, arbitrary: fc.constantFrom('halted', 'OPEN') },
      ),
      ghost: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant<'fees'>('fees'),
      acct: idx,
      maker: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 60 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1000, 1001, 2.5) }),
      taker: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 120 }) }, { weight: 1, arbitrary: fc.constantFrom(-5, 1000, 5000, 0.5) }),
      ghost: fc.boolean(),
    }).map((s) => ({ ...s, ghost: s.ghost && s.acct % 7 === 0 })),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant<'create'>('create'), acct: idx, empty: fc.boolean() }) },
);

export const accountArb: fc.Arbitrary<AccountSpec> = fc.record({
  makerBps: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 3 }),
  takerBps: fc.option(fc.integer({ min: 0, max: 80 }), { freq: 3 }),
  funding: fc.array(fc.oneof({ weight: 24, arbitrary: fc.integer({ min: 3, max: 20 }) }, { weight: 2, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.constant(100_000_000_000) } /* whale: 10^10 x, enough for HUGE_AMOUNT orders */), {
    minLength: 4,
    maxLength: 4,
  }),
});

export function scenarioArb(opts: { minSteps?: number; maxSteps: number }): fc.Arbitrary<Scenario> {
  return fc.record({
    markets: fc.shuffledSubarray(SYMBOLS, { minLength: 2, maxLength: 3 }),
    accounts: fc.array(accountArb, { minLength: 3, maxLength: 5 }),
    steps: fc.array(stepArb, { minLength: opts.minSteps ?? 0, maxLength: opts.maxSteps, size: 'max' }),
  });
}

// ---------------------------------------------------------------- formatting (independent of src/domain)

/** decimal text of `units` x 10^-decimals; fmt 0 minimal, 1 with trailing zeros, 2 integer + exponent, 3 scientific */
export function fmtUnits(units: bigint, decimals: number, fmt = 0): string {
  const neg = units < 0n;
  const u = neg ? -units : units;
  let s: string;
  if (fmt === 2) {
    s = `${u}e-${decimals}`;
  } else if (fmt === 3) {
    // scientific: one digit before the point, the rest after, and an exponent ("2.9000000000e7")
    const digits = u.toString();
    s = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${digits.length - 1 - decimals}`;
  } else {
    const digits = u.toString().padStart(decimals + 1, '0');
    const int = digits.slice(0, digits.length - decimals);
    let frac = decimals > 0 ? digits.slice(digits.length - decimals) : '';
    if (fmt === 0) frac = frac.replace(/0+$/, '');
    else frac += '00';
    s = frac.length > 0 ? `${int}.${frac}` : int;
  }
  return neg ? `-${s}` : s;
}

// ---------------------------------------------------------------- driver

export type Expect = 'ok' | 'reject' | 'either';

export interface Planned {
  cmd: Command;
  /** what a correct engine must do with it, judged from the step alone and the state before */
  expect: Expect;
  /** when expect is 'reject' and the code is certain */
  code?: RejectionCode;
  /** Deposit / Withdraw: the exact ledger amount the text denotes */
  ledger?: { account: string; currency: string; amount: bigint };
  step: Step | null;
  /** PlaceOrder: the order a correct engine must accept (if it accepts), in market units */
  intent?: Intent;
}

export interface Intent {
  account: string;
  session: string;
  symbol: string;
  side: 'buy' | 'sell';
  kind: 'limit' | 'stop-limit' | 'market';
  /** 0 for market orders (the engine derives a protective limit) */
  price: number;
  stopPrice: number;
  amount: number;
  option: Option;
  clientOrderId: string | undefined;
}

/** three of these fit in one price level, a fourth would pass Number.MAX_SAFE_INTEGER */
export const HUGE_AMOUNT = 2_900_000_000_000_000;

const BOGUS_IDS = ['0', '99999999', 'abc', '-1', '', '1.0', '12345678901234567890', ' 1', '1e3'];
export const T0 = 1_700_000_000_000;

/**
 * Turns a scenario into stamped commands one at a time. Call `next()` for a command, apply it,
 * then `record(result)` before asking for the next. `lookup` is the engine whose state is read for
 * withdrawals (available balance); the choice never depends on anything but the history.
 */
export class Driver {
  seq = 0;
  time = T0;
  readonly accounts: string[];
  readonly currencies: string[];
  readonly sessions: string[];
  /** every id an OrderAccepted has announced, in order, with its account */
  readonly accepted: { id: number; account: string }[] = [];
  readonly closed = new Set<number>();
  private readonly queue: (() => Planned)[] = [];
  private pendingStep = false;

  constructor(readonly sc: Scenario, readonly lookup: Engine) {
    this.accounts = sc.accounts.map((_, i) => ACCOUNT_NAMES[i]!);
    this.currencies = currenciesOf(sc.markets);
    this.sessions = this.accounts.flatMap((a) => [`${a}-k0`, `${a}-k1`]);
    sc.accounts.forEach((spec, i) => {
      const account = this.accounts[i]!;
      this.queue.push(() => {
        const body: CommandBody = { type: 'CreateAccount', account };
        if (spec.makerBps !== null) body.makerBps = spec.makerBps;
        if (spec.takerBps !== null) body.takerBps = spec.takerBps;
        return this.plan(body, 'ok', null);
      });
      this.currencies.forEach((currency, ci) => {
        const tenths = spec.funding[ci % spec.funding.length]!;
        if (tenths === 0) return;
        const amount = (FUNDING[currency]! * BigInt(tenths)) / 10n;
        this.queue.push(() => {
          const p = this.plan({ type: 'Deposit', account, currency, amount: fmtUnits(amount, 18) }, 'ok', null);
          p.ledger = { account, currency, amount };
          return p;
        });
      });
    });
    for (const step of sc.steps) this.queue.push(() => this.materialize(step));
  }

  /** cancel everything at the end, so every accepted order must have closed */
  addTeardown(): void {
    for (const account of this.accounts) this.queue.push(() => this.plan({ type: 'CancelAllOrders', account }, 'ok', null));
  }

  hasNext(): boolean {
    return this.queue.length > 0;
  }

  next(): Planned {
    if (this.pendingStep) throw new Error('record() the previous result first');
    this.pendingStep = true;
    return this.queue.shift()!();
  }

  record(r: Result): void {
    this.pendingStep = false;
    if (!r.ok) return;
    for (const e of r.events) {
      if (e.type === 'OrderAccepted') this.accepted.push({ id: e.order.id, account: e.order.account });
      else if (e.type === 'OrderFilled' || e.type === 'OrderCancelled') this.closed.add(e.order.id);
    }
  }

  private plan(body: CommandBody, expect: Expect, step: Step | null, code?: RejectionCode): Planned {
    this.seq += 1;
    this.time += 1 + ((this.seq * 7919) % 997);
    const cmd = { ...body, seq: this.seq, time: this.time } as Command;
    const p: Planned = { cmd, expect, step };
    if (code !== undefined) p.code = code;
    return p;
  }

  private materialize(step: Step): Planned {
    const acctName = (i: number) => this.accounts[i % this.accounts.length]!;
    switch (step.k) {
      case 'place':
        return this.place(step);
      case 'cancel': {
        const account = acctName(step.acct);
        const open = this.accepted.filter((o) => !this.closed.has(o.id));
        let orderId: string;
        let expect: Expect = 'either';
        if (step.mode === 'own') {
          const mine = open.filter((o) => o.account === account);
          if (mine.length === 0) return this.plan({ type: 'CancelOrder', account, orderId: '424242' }, 'reject', step, 'OrderNotFound');
          orderId = String(mine[step.pick % mine.length]!.id);
          expect = 'ok';
        } else if (step.mode === 'any') {
          if (open.length === 0) return this.plan({ type: 'CancelOrder', account, orderId: '0' }, 'reject', step, 'OrderNotFound');
          const o = open[step.pick % open.length]!;
          orderId = String(o.id);
          expect = o.account === account ? 'ok' : 'reject';
        } else if (step.mode === 'closed') {
          const done = this.accepted.filter((o) => this.closed.has(o.id));
          if (done.length === 0) return this.plan({ type: 'CancelOrder', account, orderId: '7' }, 'either', step);
          orderId = String(done[step.pick % done.length]!.id);
          expect = 'reject';
        } else {
          orderId = BOGUS_IDS[step.pick % BOGUS_IDS.length]!;
          // ' 1' and '1e3' and '1.0' are not canonical ids; only an exact live id of ours may cancel
          const live = open.find((o) => String(o.id) === orderId && o.account === account);
          expect = live !== undefined ? 'ok' : 'reject';
        }
        return this.plan({ type: 'CancelOrder', account, orderId }, expect, step, expect === 'reject' ? 'OrderNotFound' : undefined);
      }
      case 'cancelAll':
        if (step.ghost) return this.plan({ type: 'CancelAllOrders', account: 'ghost' }, 'reject', step, 'UnknownAccount');
        return this.plan({ type: 'CancelAllOrders', account: acctName(step.acct) }, 'ok', step);
      case 'cancelSession':
      case 'expire': {
        const all = [...this.sessions, 'ghost-session'];
        const session = all[step.sess % all.length]!;
        return this.plan({ type: step.k === 'expire' ? 'ExpireSession' : 'CancelSessionOrders', session }, 'ok', step);
      }
      case 'deposit': {
        const account = step.bad === 'account' ? 'ghost' : acctName(step.acct);
        const cur = this.currencies[step.cur % this.currencies.length]!;
        const currency = step.bad === 'currency' ? 'XYZ' : step.lower ? cur.toLowerCase() : cur;
        const amount = step.units * (step.units > 1000n ? 1n : CURRENCY_STEP[cur]!);
        const text = step.bad === null ? fmtUnits(amount, 18, Number(step.units % 4n)) : fundsText(amount, step.bad);
        const p = this.plan({ type: 'Deposit', account, currency, amount: text }, step.bad === null ? 'ok' : 'reject', step, fundsCode(step.bad));
        if (step.bad === null) p.ledger = { account, currency: cur, amount };
        return p;
      }
      case 'withdraw': {
        const account = step.bad === 'account' ? 'ghost' : acctName(step.acct);
        const cur = this.currencies[step.cur % this.currencies.length]!;
        const bal = this.lookup.account(acctName(step.acct))?.balances.get(cur);
        const avail = bal === undefined ? 0n : bal.total - bal.held;
        let amount: bigint;
        if (step.units !== null) amount = step.units;
        else if (step.pct === 0) amount = avail + 1n;
        else amount = (avail * BigInt(step.pct)) / 100n;
        if (amount <= 0n) amount = 1n;
        const currency = step.bad === 'currency' ? 'XYZ' : cur;
        const text = fundsText(amount, step.bad);
        if (step.bad !== null) return this.plan({ type: 'Withdraw', account, currency, amount: text }, 'reject', step, fundsCode(step.bad));
        const ok = amount <= avail;
        const p = this.plan({ type: 'Withdraw', account, currency, amount: text }, ok ? 'ok' : 'reject', step, ok ? undefined : 'InsufficientFunds');
        if (ok) p.ledger = { account, currency: cur, amount };
        return p;
      }
      case 'status': {
        const symbol = this.sc.markets[step.mkt % this.sc.markets.length]!;
        const valid = ['open', 'closed', 'cancel_only', 'limit_only', 'post_only'].includes(step.status);
        if (step.ghost) return this.plan({ type: 'SetMarketStatus', symbol: 'xyzusd', status: 'open' }, 'reject', step, 'InvalidSymbol');
        return this.plan(
          { type: 'SetMarketStatus', symbol: step.mkt % 2 === 0 ? symbol.toUpperCase() : symbol, status: step.status as 'open' },
          valid ? 'ok' : 'reject',
          step,
          valid ? undefined : 'InvalidMarketStatus',
        );
      }
      case 'fees': {
        const account = step.ghost ? 'ghost' : acctName(step.acct);
        const valid = (n: number) => Number.isInteger(n) && n >= 0 && n <= 1000;
        if (step.ghost) return this.plan({ type: 'SetFees', account, makerBps: step.maker, takerBps: step.taker }, 'reject', step, 'UnknownAccount');
        const ok = valid(step.maker) && valid(step.taker);
        return this.plan({ type: 'SetFees', account, makerBps: step.maker, takerBps: step.taker }, ok ? 'ok' : 'reject', step, ok ? undefined : 'InvalidFees');
      }
      case 'create':
        if (step.empty) return this.plan({ type: 'CreateAccount', account: '' }, 'reject', step, 'UnknownAccount');
        return this.plan({ type: 'CreateAccount', account: acctName(step.acct) }, 'reject', step, 'AccountExists');
      default: {
        const _exhaustive: never = step;
        return _exhaustive;
      }
    }
  }

  private place(st: PlaceStep): Planned {
    const account = st.bad === 'account' ? 'ghost' : this.accounts[st.acct % this.accounts.length]!;
    const owner = this.accounts[st.acct % this.accounts.length]!;
    const session = `${owner}-k${st.sess}`;
    const symbol = this.sc.markets[st.mkt % this.sc.markets.length]!;
    const m = marketOf(symbol);
    const shape = SHAPES[symbol]!;
    const isBuy = st.side === 'buy';
    // positive offsets are aggressive (buys above, sells below the centre), so orders cross often
    let price = shape.center + (isBuy ? st.off : -st.off) * shape.tick;
    let stopPrice = 0;
    if (st.otype === 'stop') {
      stopPrice = price;
      price = isBuy ? stopPrice + st.gap * shape.tick : stopPrice - st.gap * shape.tick;
    }
    const lots = st.lots === 0 ? m.minAmount : st.lots === -1 ? HUGE_AMOUNT : st.lots * shape.lot;
    const amount = lots + st.dust * m.amountStep;
    const body: CommandBody & { type: 'PlaceOrder' } = {
      type: 'PlaceOrder',
      account,
      session,
      symbol: st.mkt % 3 === 1 ? symbol.toUpperCase() : symbol,
      side: st.sess === 1 ? st.side.toUpperCase() : st.side,
      orderType: st.otype === 'limit' ? 'exchange limit' : st.otype === 'stop' ? 'exchange stop limit' : 'exchange market',
      amount: fmtUnits(BigInt(amount), m.amountDecimals, st.fmt),
      options: st.option === '' ? [] : [st.option],
    };
    if (st.otype !== 'market') body.price = fmtUnits(BigInt(price), m.priceDecimals, (st.fmt + 1) % 4);
    if (st.otype === 'stop') body.stopPrice = fmtUnits(BigInt(stopPrice), m.priceDecimals, st.fmt);
    if (st.coid) body.clientOrderId = `c-${this.seq + 1}`;

    // would the order be refused even without `bad`? (option on a non-limit, market order where none)
    const natural = (st.option !== '' && st.otype !== 'limit') || (st.otype === 'market' && !m.marketOrders);
    let code: RejectionCode | undefined;
    switch (st.bad) {
      case null:
        break;
      case 'account': code = 'UnknownAccount'; break;
      case 'symbol': body.symbol = 'xyzusd'; code = 'InvalidSymbol'; break;
      case 'side': body.side = 'hold'; code = 'InvalidSide'; break;
      case 'orderType': body.orderType = 'exchange iceberg'; code = 'InvalidOrderType'; break;
      case 'amountZero': body.amount = '0'; code = 'InvalidQuantity'; break;
      case 'amountNegative': body.amount = `-${body.amount}`; code = 'InvalidQuantity'; break;
      case 'amountJunk': body.amount = '1.2.3'; code = 'InvalidQuantity'; break;
      case 'amountTooPrecise': body.amount = `${fmtUnits(BigInt(amount), m.amountDecimals, 1)}7`; code = 'InvalidQuantity'; break;
      case 'amountBelowMin': body.amount = fmtUnits(BigInt(m.minAmount - m.amountStep), m.amountDecimals); code = 'InvalidQuantity'; break;
      case 'amountHuge': body.amount = '1e30'; code = 'InvalidQuantity'; break;
      case 'priceMissing':
      case 'priceJunk':
      case 'priceTooPrecise':
      case 'priceZero':
        if (st.otype === 'market') { code = undefined; break; } // market orders ignore price
        if (st.bad === 'priceMissing') delete body.price;
        else if (st.bad === 'priceJunk') body.price = 'abc';
        else if (st.bad === 'priceZero') body.price = '0';
        else body.price = `${fmtUnits(BigInt(price), m.priceDecimals, 1)}1`;
        code = 'InvalidPrice';
        break;
      case 'stopMissing':
      case 'stopWrongSide':
      case 'stopRatio':
        if (st.otype !== 'stop') { code = undefined; break; }
        if (st.bad === 'stopMissing') { delete body.stopPrice; code = 'InvalidStopPrice'; }
        else if (st.bad === 'stopWrongSide') {
          body.stopPrice = fmtUnits(BigInt(isBuy ? price + shape.tick : price - shape.tick), m.priceDecimals);
          code = isBuy ? 'InvalidStopPriceBuy' : 'InvalidStopPriceSell';
        } else {
          // a buy's stop at 40% of the price, a sell's at 160%: right side, too far
          body.stopPrice = fmtUnits(BigInt(isBuy ? Math.floor(price * 0.4) : Math.ceil(price * 1.6)), m.priceDecimals);
          code = 'InvalidStopPriceRatio';
        }
        break;
      case 'optionUnknown': body.options = ['post-only']; code = 'UnsupportedOption'; break;
      case 'optionsTwo': body.options = ['maker-or-cancel', 'immediate-or-cancel']; code = 'ConflictingOptions'; break;
      case 'clientOrderIdLong': body.clientOrderId = 'x'.repeat(101); code = 'ClientOrderIdTooLong'; break;
      default: {
        const _exhaustive: never = st.bad;
        return _exhaustive;
      }
    }
    if (natural) {
      // checks run in a fixed order: account, symbol, side, type, options, client order id, amount...
      const early = code === 'UnknownAccount' || code === 'InvalidSymbol' || code === 'InvalidSide' || code === 'InvalidOrderType';
      let first: RejectionCode;
      if (early) first = code!;
      else if (st.otype === 'market' && !m.marketOrders) first = 'InvalidOrderType';
      else first = code === 'ConflictingOptions' ? 'ConflictingOptions' : 'UnsupportedOption';
      return this.plan(body, 'reject', st, first);
    }
    if (code === undefined) {
      // clean (or the `bad` part is one this order type ignores): if accepted, it must be exactly this
      const p = this.plan(body, 'either', st);
      p.intent = {
        account, session, symbol, side: st.side,
        kind: st.otype === 'limit' ? 'limit' : st.otype === 'stop' ? 'stop-limit' : 'market',
        price: st.otype === 'market' ? 0 : price, stopPrice, amount, option: st.option, clientOrderId: body.clientOrderId,
      };
      return p;
    }
    return this.plan(body, 'reject', st, code);
  }
}

function fundsText(amount: bigint, bad: BadFunds | null): string {
  switch (bad) {
    case 'zero': return '0';
    case 'negative': return `-${fmtUnits(amount, 18)}`;
    case 'junk': return '12abc';
    case 'tooPrecise': return '0.0000000000000000001';
    default: return fmtUnits(amount, 18);
  }
}

function fundsCode(bad: BadFunds | null): RejectionCode | undefined {
  switch (bad) {
    case null: return undefined;
    case 'account': return 'UnknownAccount';
    case 'currency': return 'InvalidCurrency';
    default: return 'InvalidAmount';
  }
}
