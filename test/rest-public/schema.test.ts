/**
 * Schema conformance of the public endpoints: every route in PUBLIC_ENDPOINTS is called with data
 * behind it, and every reply is validated against the trimmed Gemini schemas
 * (test/fixtures/gemini-schemas/public-*.json; errors against error.json). The suite fails if a
 * route is never called or a public schema file is never used, and proves the schemas reject the
 * mistakes that matter (numbers where Gemini sends strings and back, missing fields, short
 * candles).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PUBLIC_ENDPOINTS } from '../../src/api/rest/public/index.js';
import { startServer, type TestServer } from '../rest/harness.js';
import { get, place, problems, richAccount, schema, seen, trade } from './support.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/gemini-schemas/', import.meta.url));

describe('the trimmed public schemas reject what they should', () => {
  test('pubticker: prices are strings (or null), volume has a timestamp', () => {
    const ok = { bid: '1.00', ask: null, last: '1.00', volume: { BTC: '1', USD: '1', timestamp: 1 } };
    assert.deepEqual(problems(schema('public-pubticker'), ok), []);
    assert.notDeepEqual(problems(schema('public-pubticker'), { ...ok, bid: 1 }), []);
    assert.notDeepEqual(problems(schema('public-pubticker'), { bid: '1', ask: '1', volume: ok.volume }), []);
    assert.notDeepEqual(problems(schema('public-pubticker'), { ...ok, volume: { BTC: '1' } }), []);
  });

  test('candles: six numbers each', () => {
    assert.deepEqual(problems(schema('public-candles'), [[1, 2, 3, 4, 5, 6]]), []);
    assert.notDeepEqual(problems(schema('public-candles'), [[1, 2, 3, 4, 5]]), []);
    assert.notDeepEqual(problems(schema('public-candles'), [[1, 2, 3, 4, 5, 6, 7]]), []);
    assert.notDeepEqual(problems(schema('public-candles'), [[1, '2', 3, 4, 5, 6]]), []);
  });

  test('symbol details: tick size and quote increment are numbers, no stray fields', () => {
    const ok = {
      symbol: 'BTCUSD', base_currency: 'BTC', quote_currency: 'USD', tick_size: 1e-8, quote_increment: 0.01,
      min_order_size: '0.00001', status: 'open', wrap_enabled: false, product_type: 'spot', contract_type: 'vanilla', contract_price_currency: null,
    };
    assert.deepEqual(problems(schema('public-symbol-details'), ok), []);
    assert.notDeepEqual(problems(schema('public-symbol-details'), { ...ok, tick_size: '1e-8' }), []);
    assert.notDeepEqual(problems(schema('public-symbol-details'), { ...ok, extra: 1 }), []);
    assert.notDeepEqual(problems(schema('public-symbol-details'), { ...ok, status: 'halted' }), []);
  });

  test('trades and book: closed objects with the documented types', () => {
    const t = { timestamp: 1, timestampms: 1000, tid: 5, price: '1.00', amount: '1', exchange: 'gemini', type: 'buy' };
    assert.deepEqual(problems(schema('public-trades'), [t, { ...t, broken: false }]), []);
    assert.notDeepEqual(problems(schema('public-trades'), [{ ...t, type: 'Buy' }]), []);
    assert.notDeepEqual(problems(schema('public-trades'), [{ ...t, tid: '5' }]), []);
    assert.notDeepEqual(problems(schema('public-book'), { bids: [{ price: '1', amount: '1', timestamp: 1 }], asks: [] }), []);
  });
});

describe('every public route replies in its schema', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
    const a = await richAccount(s.exchange, 'alice');
    const b = await richAccount(s.exchange, 'bob');
    await trade(s.exchange, a, b, 'btcusd', 'buy', '0.1', '30000');
    s.clock.advance(90_000);
    await trade(s.exchange, a, b, 'btcusd', 'sell', '0.2', '30010');
    await place(s.exchange, a, 'btcusd', 'buy', '0.3', '29000');
    await place(s.exchange, b, 'btcusd', 'sell', '0.4', '31000');
  });
  after(() => s.close());

  /** a concrete URL for each route, and the schema its 200 (or documented error) reply must meet */
  const calls: Record<string, [string, string][]> = {
    '/v1/symbols': [['/v1/symbols', 'public-symbols']],
    '/v1/symbols/details/:symbol': [['/v1/symbols/details/ETHBTC', 'public-symbol-details']],
    '/v1/network/:token': [['/v1/network/sol', 'public-network'], ['/v1/network/gbp', 'error']],
    '/v1/feepromos': [['/v1/feepromos', 'public-feepromos']],
    '/v1/pubticker/:symbol': [['/v1/pubticker/btcusd', 'public-pubticker'], ['/v1/pubticker/linkusd', 'public-pubticker']],
    '/v2/ticker/:symbol': [['/v2/ticker/btcusd', 'public-ticker-v2'], ['/v2/ticker/linkusd', 'public-ticker-v2']],
    '/v1/pricefeed': [['/v1/pricefeed', 'public-pricefeed']],
    '/v1/book/:symbol': [['/v1/book/btcusd?limit_bids=0&limit_asks=5', 'public-book']],
    '/v1/trades/:symbol': [['/v1/trades/btcusd?include_breaks=true', 'public-trades'], ['/v1/trades/btcusd?limit_trades=z', 'error']],
    '/v2/candles/:symbol/:time_frame': [['/v2/candles/btcusd/1m', 'public-candles'], ['/v2/candles/btcusd/7m', 'error']],
    '/v1/fundingamount/:symbol': [['/v1/fundingamount/btcgusdperp', 'error']],
    '/v1/nextfundingtimestamp/:symbol': [['/v1/nextfundingtimestamp/btcgusdperp', 'error']],
    '/v1/fundingamountreport/records.xlsx': [['/v1/fundingamountreport/records.xlsx?symbol=btcgusdperp', 'error']],
    '/v1/riskstats/:symbol': [['/v1/riskstats/btcgusdperp', 'error']],
    '/v1/perpetuals/fundingrates/:symbol': [['/v1/perpetuals/fundingrates/btcgusdperp', 'error']],
    '/v2/derivatives/candles/:symbol/:time_frame': [['/v2/derivatives/candles/btcgusdperp/1m', 'error']],
    '/v1/prediction-markets/volume/:date': [['/v1/prediction-markets/volume/2026-01-02', 'public-prediction-error']],
    '/v1/prediction-markets/volume/:date/hourly': [['/v1/prediction-markets/volume/x/hourly', 'public-prediction-error']],
    '/v1/auction/:symbol': [['/v1/auction/btcusd', 'public-auction']],
    '/v1/auction/:symbol/history': [['/v1/auction/btcusd/history', 'public-auction-history']],
    '/v1/staking/rates': [['/v1/staking/rates', 'public-staking-rates']],
  };

  test('each route, with data and without, success and error', async () => {
    const routes = PUBLIC_ENDPOINTS.map((e) => e.path).sort();
    assert.deepEqual(Object.keys(calls).sort(), routes, 'every public route has a call here (and no call names a missing route)');
    for (const list of Object.values(calls)) for (const [url, name] of list) await get(s.url, url, name);
    assert.ok(seen.has('public-candles') && seen.has('public-trades'));
  });

  test('every public schema file was used for a successful reply', () => {
    const files = readdirSync(DIR).filter((f) => f.startsWith('public-') && f.endsWith('.json')).map((f) => f.slice(0, -5));
    for (const f of files) if (f !== 'public-prediction-error') assert.ok(seen.has(f), `${f}.json was never met`);
  });
});
