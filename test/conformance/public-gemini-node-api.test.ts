/**
 * gemini-node-api's PublicClient (unmodified, npm `gemini-node-api` 4.x) reading Pollux's public
 * market data after trades made through the engine. The only configuration is `apiUri` (the
 * client's documented option for another server). Server: test/rest's harness.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PublicClient } from 'gemini-node-api';
import { startServer, T0, type TestServer } from '../rest/harness.js';
import { place, richAccount, trade } from '../rest-public/support.js';

const HOUR = 3_600_000;

let s: TestServer;
let c: PublicClient;

before(async () => {
  s = await startServer();
  c = new PublicClient({ apiUri: s.url });
  const ex = s.exchange;
  const a = await richAccount(ex, 'alice');
  const b = await richAccount(ex, 'bob');
  await trade(ex, a, b, 'btcusd', 'buy', '0.5', '30000'); // 12:00
  s.clock.advance(HOUR);
  await trade(ex, a, b, 'btcusd', 'sell', '0.25', '30100'); // 13:00
  await place(ex, a, 'btcusd', 'buy', '0.1', '29000');
  await place(ex, a, 'btcusd', 'sell', '0.2', '31000');
  await place(ex, b, 'btcusd', 'sell', '0.3', '31500');
  s.clock.advance(5 * 60_000); // 13:05
});
after(() => s.close());

describe('gemini-node-api PublicClient', () => {
  it('getSymbols and getSymbol', async () => {
    const symbols = await c.getSymbols();
    assert.deepEqual(symbols, s.exchange.markets.map((m) => m.symbol).sort());
    const d = await c.getSymbol({ symbol: 'btcusd' });
    assert.equal(d.symbol, 'BTCUSD');
    assert.equal(d.base_currency, 'BTC');
    assert.equal(d.quote_currency, 'USD');
    assert.equal(d.tick_size, 1e-8);
    assert.equal(d.quote_increment, 0.01);
    assert.equal(d.min_order_size, '0.00001');
    assert.equal(d.status, 'open');
  });

  it('getTicker v1 (default symbol btcusd) and v2', async () => {
    const v1 = await c.getTicker();
    assert.deepEqual(v1, { bid: '29000.00', ask: '31000.00', last: '30100.00', volume: { BTC: '0.75', USD: '22525', timestamp: s.clock.now() } });
    const v2 = await c.getTicker({ symbol: 'BTCUSD', v: 'v2' });
    assert.deepEqual(v2, {
      symbol: 'BTCUSD',
      open: '30000.00',
      high: '30100.00',
      low: '30000.00',
      close: '30100.00',
      changes: ['30100', '30000'],
      bid: '29000.00',
      ask: '31000.00',
    });
  });

  it('getCandles (default 1day, and 1hr)', async () => {
    assert.deepEqual(await c.getCandles(), [[Date.UTC(2025, 5, 2), 30000, 30100, 30000, 30100, 0.75]]);
    assert.deepEqual(await c.getCandles({ symbol: 'btcusd', time_frame: '1hr' }), [
      [T0 + HOUR, 30100, 30100, 30100, 30100, 0.25],
      [T0, 30000, 30000, 30000, 30000, 0.5],
    ]);
    const m5 = await c.getCandles({ time_frame: '5m' });
    assert.equal(m5.length, 14); // 12:00 .. 13:05
    assert.deepEqual(m5[0], [T0 + HOUR + 5 * 60_000, 30100, 30100, 30100, 30100, 0]);
  });

  it('getOrderBook with limits', async () => {
    const stamp = String(Math.floor(s.clock.now() / 1000));
    const all = await c.getOrderBook();
    assert.deepEqual(all, {
      bids: [{ price: '29000.00', amount: '0.1', timestamp: stamp }],
      asks: [
        { price: '31000.00', amount: '0.2', timestamp: stamp },
        { price: '31500.00', amount: '0.3', timestamp: stamp },
      ],
    });
    const top = await c.getOrderBook({ symbol: 'btcusd', limit_bids: 1, limit_asks: 1 });
    assert.equal(top.asks.length, 1);
    assert.equal(top.bids.length, 1);
  });

  it('getTradeHistory (its default limit_trades=500), with timestamp and include_breaks', async () => {
    const all = await c.getTradeHistory();
    assert.deepEqual(
      all.map((t) => [t.type, t.price, t.amount, t.timestampms, t.timestamp, t.exchange]),
      [
        ['sell', '30100.00', '0.25', T0 + HOUR, (T0 + HOUR) / 1000, 'gemini'],
        ['buy', '30000.00', '0.5', T0, T0 / 1000, 'gemini'],
      ],
    );
    const later = await c.getTradeHistory({ timestamp: T0, include_breaks: true });
    assert.equal(later.length, 1);
    assert.equal(later[0]!.broken, false);
  });

  it('getPriceFeed', async () => {
    const feed = await c.getPriceFeed();
    assert.deepEqual(
      feed.find((p) => p.pair === 'BTCUSD'),
      { pair: 'BTCUSD', price: '30100.00', percentChange24h: '0.0033' },
    );
    assert.equal(feed.length, s.exchange.markets.length);
  });

  it('getCurrentAuction and getAuctionHistory: no auctions', async () => {
    assert.deepEqual(await c.getCurrentAuction(), {});
    assert.deepEqual(await c.getAuctionHistory(), []);
  });

  it('errors reject with the server message', async () => {
    await assert.rejects(c.getTicker({ symbol: 'nopeusd' }), /Unknown or invalid symbol/);
    await assert.rejects(c.getCandles({ time_frame: '2m' as '1m' }), /time frame/);
  });
});
