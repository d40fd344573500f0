/**
 * The market-data read model (src/app/market-data.ts): candles per time frame in bounded rings,
 * gap filling, the rolling 24-hour figures, duplicate trades, and seeding from the history store
 * (a model seeded at start must equal one that watched every trade live, including after a
 * restart and for a market whose previous trade is more than a year old).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { VirtualClock } from '../../src/app/clock.js';
import { Exchange } from '../../src/app/exchange.js';
import { MarketData, marketDataOf, TIME_FRAMES, type TimeFrame } from '../../src/app/market-data.js';
import { richAccount, trade } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2025-06-02T00:00:00Z */
const T0 = Date.UTC(2025, 5, 2);
const FRAMES = Object.keys(TIME_FRAMES) as TimeFrame[];

function model(start = T0): { md: MarketData; clock: VirtualClock; feed: (price: number, amount: number, symbol?: string) => void } {
  const clock = new VirtualClock(start);
  const md = new MarketData(clock);
  let tid = 0;
  return { md, clock, feed: (price, amount, symbol = 'btcusd') => md.onTrade({ tid: ++tid, symbol, price, amount, time: clock.now() }) };
}

describe('candles', () => {
  test('nothing before the first trade', () => {
    const { md } = model();
    for (const f of FRAMES) assert.deepEqual(md.candles('btcusd', f), []);
    assert.equal(md.day('btcusd'), undefined);
    assert.equal(md.last('btcusd'), undefined);
  });

  test('OHLCV per bucket, newest first, gaps flat at the previous close with volume 0', () => {
    const { md, clock, feed } = model();
    feed(100, 5);
    clock.advance(10_000);
    feed(120, 1);
    feed(90, 2);
    clock.advance(20_000);
    feed(110, 3); // still the first minute
    clock.advance(3 * MIN); // two empty minutes, then this one
    feed(130, 4);
    const c = md.candles('btcusd', '1m');
    assert.deepEqual(c, [
      { time: T0 + 3 * MIN, open: 130, high: 130, low: 130, close: 130, volume: 4 },
      { time: T0 + 2 * MIN, open: 110, high: 110, low: 110, close: 110, volume: 0 },
      { time: T0 + MIN, open: 110, high: 110, low: 110, close: 110, volume: 0 },
      { time: T0, open: 100, high: 120, low: 90, close: 110, volume: 11 },
    ]);
    assert.deepEqual(md.candles('btcusd', '1hr'), [{ time: T0, open: 100, high: 130, low: 90, close: 130, volume: 15 }]);
    assert.deepEqual(md.candles('btcusd', '1day'), [{ time: T0, open: 100, high: 130, low: 90, close: 130, volume: 15 }]);
    // later reads extend the series to the current bucket
    clock.advance(2 * MIN);
    assert.equal(md.candles('btcusd', '1m').length, 6);
    assert.deepEqual(md.candles('btcusd', '1m')[0], { time: T0 + 5 * MIN, open: 130, high: 130, low: 130, close: 130, volume: 0 });
    // symbols are independent and case-insensitive
    assert.deepEqual(md.candles('ETHUSD', '1m'), []);
    assert.equal(md.candles('BTCUSD', '1m').length, 6);
  });

  test('every frame is bounded by its ring; a quiet market stays flat at its last close', () => {
    const { md, clock, feed } = model();
    feed(100, 1);
    clock.advance(400 * DAY);
    for (const f of FRAMES) {
      const c = md.candles('btcusd', f);
      assert.equal(c.length, TIME_FRAMES[f].slots, f);
      assert.ok(c.every((x) => x.open === 100 && x.close === 100 && x.volume === 0), f);
      assert.equal(c[0]!.time, Math.floor(clock.now() / TIME_FRAMES[f].ms) * TIME_FRAMES[f].ms, f);
    }
  });

  test('an overwritten slot still supplies the close before the window', () => {
    const { md, clock, feed } = model();
    feed(100, 1); // minute k0
    clock.advance(1440 * MIN); // minute k0 + 1440: the same 1m slot
    feed(200, 1);
    const c = md.candles('btcusd', '1m');
    assert.equal(c.length, 1440);
    assert.deepEqual(c[0], { time: T0 + 1440 * MIN, open: 200, high: 200, low: 200, close: 200, volume: 1 });
    assert.deepEqual(c[1439], { time: T0 + MIN, open: 100, high: 100, low: 100, close: 100, volume: 0 });
  });

  test('a trade id seen before is ignored', () => {
    const { md } = model();
    md.onTrade({ tid: 5, symbol: 'btcusd', price: 100, amount: 1, time: T0 });
    md.onTrade({ tid: 5, symbol: 'btcusd', price: 100, amount: 1, time: T0 });
    md.onTrade({ tid: 4, symbol: 'btcusd', price: 50, amount: 1, time: T0 });
    assert.deepEqual(md.candles('btcusd', '1m'), [{ time: T0, open: 100, high: 100, low: 100, close: 100, volume: 1 }]);
  });
});

describe('24-hour figures', () => {
  test('open is the close before the window; high, low, volumes and hourly changes inside it', () => {
    const { md, clock, feed } = model();
    feed(1000, 3); // hour 0: leaves the window below
    clock.advance(2 * HOUR);
    feed(1100, 2); // hour 2
    feed(900, 1);
    clock.advance(20 * HOUR);
    feed(1050, 4); // hour 22
    clock.advance(2 * HOUR + 30 * MIN); // hour 24 (window: hours 1..24)
    const d = md.day('btcusd')!;
    assert.equal(d.open, 1000);
    assert.equal(d.high, 1100);
    assert.equal(d.low, 900);
    assert.equal(d.close, 1050);
    assert.equal(d.baseVolume, 7);
    assert.equal(d.quoteVolume, 1100n * 2n + 900n + 1050n * 4n);
    assert.equal(d.changes.length, 24);
    assert.deepEqual(d.changes.slice(0, 3), [1050, 1050, 1050]); // hours 24, 23, 22
    assert.equal(d.changes[22], 900); // hour 2
    assert.equal(d.changes[23], 1000); // hour 1: flat at the close before
  });

  test('a market that starts inside the window opens at its first trade', () => {
    const { md, clock, feed } = model();
    feed(500, 1);
    clock.advance(HOUR);
    feed(600, 1);
    const d = md.day('btcusd')!;
    assert.deepEqual([d.open, d.high, d.low, d.close, d.changes], [500, 600, 500, 600, [600, 500]]);
  });
});

describe('seeding from the history store', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function open(dir: string, clock: VirtualClock): Exchange {
    return Exchange.open({ dataDir: dir, clock, seed: 'market-data' });
  }

  function snapshot(md: MarketData, symbols: readonly string[]): unknown {
    return symbols.map((s) => ({ s, last: md.last(s), day: md.day(s), candles: FRAMES.map((f) => md.candles(s, f)) }));
  }

  test('a model seeded at start equals one that saw every trade, also after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-md-'));
    dirs.push(dir);
    const clock = new VirtualClock(T0);
    let ex = open(dir, clock);
    const live = marketDataOf(ex);
    const a = await richAccount(ex, 'alice');
    const b = await richAccount(ex, 'bob');
    // ~2 years of sparse trades, then a burst: exercises every ring's window and carry
    const steps = [0, 400 * DAY, 100 * DAY, 20 * DAY, 3 * DAY, 7 * HOUR, 50 * MIN, 4 * MIN, 30_000];
    let price = 30_000;
    for (const step of steps) {
      clock.advance(step);
      price += 25;
      await trade(ex, a, b, 'btcusd', price % 2 === 0 ? 'buy' : 'sell', '0.5', String(price));
      await trade(ex, b, a, 'ethusd', 'buy', '1.25', String(price / 10));
    }
    clock.advance(90_000);
    const symbols = ex.markets.map((m) => m.symbol);
    const seeded = new MarketData(clock);
    seeded.seed(ex.history, ex.markets);
    assert.deepEqual(snapshot(seeded, symbols), snapshot(live, symbols));
    assert.ok(live.candles('btcusd', '1m').length > 0);

    ex.close();
    ex = open(dir, clock);
    try {
      assert.deepEqual(snapshot(marketDataOf(ex), symbols), snapshot(live, symbols));
    } finally {
      ex.close();
    }
  });

  test('a previous trade more than a year old still carries into every window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pollux-md-'));
    dirs.push(dir);
    const clock = new VirtualClock(T0);
    const ex = open(dir, clock);
    const live = marketDataOf(ex);
    try {
      const a = await richAccount(ex, 'alice');
      const b = await richAccount(ex, 'bob');
      await trade(ex, a, b, 'solusd', 'buy', '2', '150');
      clock.advance(500 * DAY);
      await trade(ex, a, b, 'solusd', 'sell', '1', '151');
      const seeded = new MarketData(clock);
      seeded.seed(ex.history, ex.markets);
      const c = seeded.candles('solusd', '1day');
      assert.equal(c.length, 365);
      assert.equal(c[0]!.close, 151000);
      assert.equal(c[364]!.close, 150000);
      assert.deepEqual(seeded.day('solusd')!.open, 150000);
      assert.deepEqual(snapshot(seeded, ['solusd']), snapshot(live, ['solusd']));
    } finally {
      ex.close();
    }
  });
});
