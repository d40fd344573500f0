/**
 * gemini-node-api 4.3.0 (unmodified, npm) against a running Pollux.
 *
 * What the client sends (node_modules/gemini-node-api/build/src/auth.js, public.js): every private
 * call is a POST to `apiUri + request` with headers X-GEMINI-APIKEY/PAYLOAD/SIGNATURE,
 * `Content-Type: text/plain`, `Content-Length: 0`, no body; the payload is
 * `{request, ...params, nonce}` with `nonce` a JSON *number* (Date.now() by default). Order
 * parameters are typed as numbers in its .d.ts (`amount: number`, `price: number`,
 * `order_id: number`), so a TypeScript user sends JSON numbers. A non-2xx answer rejects with
 * `new Error(body.message ?? body.reason)` — the `reason` is lost when a message is present.
 *
 * Configuration used: `apiUri` = Pollux's base URL, and the client's documented `nonce` setter
 * with a strictly increasing millisecond counter: Date.now() repeats within a millisecond and a
 * local server answers faster than that, so two calls could carry the same nonce and the second
 * would be (rightly) refused with InvalidNonce.
 *
 * Each scenario makes its own funded accounts, so every balance below is exact.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { AuthenticatedClient, PublicClient, type Balance, type OrderStatus, type PastTrade } from 'gemini-node-api';
import { MAKER_BPS, TAKER_BPS, dec, eventually, startPollux, type Pollux, type TestKey } from './harness.js';

let px: Pollux;

/** strictly increasing millisecond nonces, shared by every client of this process */
let lastNonce = 0;
function nextNonce(): number {
  lastNonce = Math.max(Date.now(), lastNonce + 1);
  return lastNonce;
}

function client(key: TestKey): AuthenticatedClient {
  const c = new AuthenticatedClient({ key: key.key, secret: key.secret, apiUri: px.url, symbol: 'btcusd' });
  c.nonce = nextNonce;
  return c;
}

interface Pair {
  maker: AuthenticatedClient;
  taker: AuthenticatedClient;
}

async function pair(makerFunds: Record<string, string>, takerFunds: Record<string, string>): Promise<Pair> {
  const m = await px.newAccount(makerFunds);
  const t = await px.newAccount(takerFunds);
  return { maker: client(m.key), taker: client(t.key) };
}

/** currency -> {amount, available} as exact decimal strings without trailing zeros */
async function balances(c: AuthenticatedClient): Promise<Record<string, { amount: string; available: string }>> {
  const list: Balance[] = await c.getAvailableBalances();
  assert.ok(Array.isArray(list));
  const out: Record<string, { amount: string; available: string }> = {};
  for (const b of list) {
    assert.equal(b.type, 'exchange');
    assert.equal(typeof b.amount, 'string', 'amounts are strings');
    assert.equal(typeof b.available, 'string');
    assert.equal(typeof b.availableForWithdrawal, 'string');
    out[b.currency] = { amount: dec(b.amount), available: dec(b.available) };
  }
  return out;
}

function checkOrderShape(o: OrderStatus): void {
  assert.match(o.order_id, /^\d+$/, 'order_id is a string of digits');
  assert.equal(o.id, o.order_id);
  assert.equal(o.exchange, 'gemini');
  assert.equal(typeof o.timestamp, 'string');
  assert.equal(typeof o.timestampms, 'number');
  assert.equal(typeof o.is_live, 'boolean');
  assert.equal(typeof o.is_cancelled, 'boolean');
  assert.equal(o.is_hidden, false);
  assert.equal(o.was_forced, false);
  assert.ok(Array.isArray(o.options));
  for (const f of ['executed_amount', 'remaining_amount', 'original_amount', 'avg_execution_price', 'price'] as const) {
    assert.equal(typeof o[f], 'string', `${f} is a string`);
  }
}

before(async () => {
  px = await startPollux('gna');
});

afterEach(async () => {
  await px.clearBooks();
});

after(async () => {
  await px?.close();
});

describe('gemini-node-api: limit order lifecycle between two accounts', () => {
  it('newOrder, getOrderStatus, getActiveOrders, cross, getPastTrades with fees, balances, cancelOrder', async () => {
    const { maker, taker } = await pair({ BTC: '2' }, { USD: '100000' });

    const sell = await maker.newOrder({ symbol: 'btcusd', side: 'sell', type: 'exchange limit', amount: 1, price: 30000, client_order_id: 'gna-sell-1' });
    checkOrderShape(sell);
    assert.equal(sell.symbol, 'btcusd');
    assert.equal(sell.side, 'sell');
    assert.equal(sell.type, 'exchange limit');
    assert.equal(sell.is_live, true);
    assert.equal(sell.is_cancelled, false);
    assert.equal(dec(sell.price!), '30000');
    assert.equal(dec(sell.original_amount!), '1');
    assert.equal(dec(sell.executed_amount!), '0');
    assert.equal(dec(sell.remaining_amount!), '1');
    assert.equal(sell.client_order_id, 'gna-sell-1');
    assert.equal(sell.timestampms, px.now());
    assert.equal(sell.timestamp, String(Math.floor(px.now() / 1000)));
    assert.deepEqual(sell.options, []);
    const sellId = Number(sell.order_id); // the client's types want order_id: number

    const st = await maker.getOrderStatus({ order_id: sellId });
    checkOrderShape(st);
    assert.equal(st.order_id, sell.order_id);
    assert.equal(st.is_live, true);

    const active = await maker.getActiveOrders();
    assert.deepEqual(active.map((o) => o.order_id), [sell.order_id]);
    checkOrderShape(active[0]!);
    assert.deepEqual(await taker.getActiveOrders(), []);

    let mb = await balances(maker);
    assert.deepEqual(mb['BTC'], { amount: '2', available: '1' });

    // cross with the buy/sell helpers (they force `side`)
    const buy = await taker.buy({ symbol: 'btcusd', type: 'exchange limit', amount: 0.4, price: 30000 });
    checkOrderShape(buy);
    assert.equal(buy.side, 'buy');
    assert.equal(buy.is_live, false);
    assert.equal(buy.is_cancelled, false);
    assert.equal(dec(buy.executed_amount!), '0.4');
    assert.equal(dec(buy.remaining_amount!), '0');
    assert.equal(dec(buy.avg_execution_price), '30000');

    const partly = await maker.getOrderStatus({ order_id: sellId, include_trades: true });
    assert.equal(partly.is_live, true);
    assert.equal(dec(partly.executed_amount!), '0.4');
    assert.equal(dec(partly.remaining_amount!), '0.6');
    assert.ok(Array.isArray(partly.trades), 'include_trades adds trades');
    assert.equal(partly.trades!.length, 1);
    assert.equal(dec(partly.trades![0]!.amount), '0.4');

    // past trades: 12000 USD notional, taker fee 35 bps = 42, maker fee 10 bps = 12, in USD
    const tt = await taker.getPastTrades({ symbol: 'btcusd' });
    assert.equal(tt.length, 1);
    checkTrade(tt[0]!, { type: 'Buy', aggressor: true, order_id: buy.order_id, fee: String((12000 * TAKER_BPS) / 10000) });
    const mt = await maker.getPastTrades(); // the client's default symbol (btcusd) and limit_trades 500
    assert.equal(mt.length, 1);
    checkTrade(mt[0]!, { type: 'Sell', aggressor: false, order_id: sell.order_id, fee: String((12000 * MAKER_BPS) / 10000) });
    assert.equal(mt[0]!.client_order_id, 'gna-sell-1');
    assert.equal(mt[0]!.tid, tt[0]!.tid, 'both sides of a trade share its tid');
    assert.deepEqual(await maker.getPastTrades({ symbol: 'ethusd' }), []);

    const tb = await balances(taker);
    assert.deepEqual(tb['USD'], { amount: '87958', available: '87958' });
    assert.deepEqual(tb['BTC'], { amount: '0.4', available: '0.4' });
    mb = await balances(maker);
    assert.deepEqual(mb['USD'], { amount: '11988', available: '11988' });
    assert.deepEqual(mb['BTC'], { amount: '1.6', available: '1' });

    const cancelled = await maker.cancelOrder({ order_id: sellId });
    checkOrderShape(cancelled);
    assert.equal(cancelled.is_live, false);
    assert.equal(cancelled.is_cancelled, true);
    assert.equal(cancelled.reason, 'Requested');
    assert.equal(dec(cancelled.executed_amount!), '0.4');
    assert.equal(dec(cancelled.remaining_amount!), '0.6');
    assert.deepEqual(await maker.getActiveOrders(), []);
    mb = await balances(maker);
    assert.deepEqual(mb['BTC'], { amount: '1.6', available: '1.6' });

    const again = await maker.cancelOrder({ order_id: sellId });
    assert.equal(again.is_cancelled, true, 'cancelling a cancelled order succeeds without effect');
    const final = await maker.getOrderStatus({ order_id: sellId });
    assert.equal(final.is_cancelled, true);
    assert.equal(dec(final.executed_amount!), '0.4');
    const byClientId = await maker.getOrderStatus({ client_order_id: 'gna-sell-1' } as unknown as { order_id: number });
    assert.equal(byClientId.order_id, sell.order_id, 'order status by client_order_id');
  });
});

function checkTrade(t: PastTrade, w: { type: 'Buy' | 'Sell'; aggressor: boolean; order_id: string; fee: string }): void {
  assert.equal(dec(t.price), '30000');
  assert.equal(dec(t.amount), '0.4');
  assert.equal(t.type, w.type);
  assert.equal(t.aggressor, w.aggressor);
  assert.equal(t.fee_currency, 'USD');
  assert.equal(dec(t.fee_amount), w.fee);
  assert.equal(t.order_id, w.order_id);
  assert.equal(typeof t.tid, 'number');
  assert.equal(typeof t.timestamp, 'number');
  assert.equal(t.timestampms, px.now());
  assert.equal(t.is_auction_fill, false);
  assert.equal(t.exchange, 'gemini');
}

describe('gemini-node-api: order options', () => {
  it('immediate-or-cancel, fill-or-kill, maker-or-cancel', async () => {
    const { maker, taker } = await pair({ BTC: '5' }, { USD: '100000' });

    await maker.sell({ type: 'exchange limit', amount: 1, price: 30000 });
    const ioc = await taker.buy({ type: 'exchange limit', amount: 1.5, price: 30000, options: ['immediate-or-cancel'] });
    assert.equal(ioc.is_cancelled, true);
    assert.equal(ioc.is_live, false);
    assert.equal(ioc.reason, 'ImmediateOrCancelWouldPost');
    assert.equal(dec(ioc.executed_amount!), '1');
    assert.equal(dec(ioc.remaining_amount!), '0.5');
    assert.deepEqual(ioc.options, ['immediate-or-cancel']);

    await maker.sell({ type: 'exchange limit', amount: 0.5, price: 31000 });
    const fokKilled = await taker.buy({ type: 'exchange limit', amount: 1, price: 31000, options: ['fill-or-kill'] });
    assert.equal(fokKilled.is_cancelled, true);
    assert.equal(fokKilled.reason, 'FillOrKillWouldNotFill');
    assert.equal(dec(fokKilled.executed_amount!), '0');
    const fokFilled = await taker.buy({ type: 'exchange limit', amount: 0.5, price: 31000, options: ['fill-or-kill'] });
    assert.equal(fokFilled.is_cancelled, false);
    assert.equal(fokFilled.is_live, false);
    assert.equal(dec(fokFilled.executed_amount!), '0.5');

    await maker.sell({ type: 'exchange limit', amount: 0.5, price: 32000 });
    const mocTaken = await taker.buy({ type: 'exchange limit', amount: 0.1, price: 32000, options: ['maker-or-cancel'] });
    assert.equal(mocTaken.is_cancelled, true);
    assert.equal(mocTaken.reason, 'MakerOrCancelWouldTake');
    assert.equal(dec(mocTaken.executed_amount!), '0');
    const mocRests = await taker.buy({ type: 'exchange limit', amount: 0.1, price: 31000, options: ['maker-or-cancel'] });
    assert.equal(mocRests.is_live, true);
    assert.deepEqual(mocRests.options, ['maker-or-cancel']);

    const tb = await balances(taker);
    assert.deepEqual(tb['USD'], { amount: '54340.75', available: '51229.9' });
    assert.deepEqual(tb['BTC'], { amount: '1.5', available: '1.5' });
    const fees = (await taker.getPastTrades()).map((t) => dec(t.fee_amount)).sort();
    assert.deepEqual(fees, ['105', '54.25']);
    const mb = await balances(maker);
    assert.deepEqual(mb['USD'], { amount: '45454.5', available: '45454.5' });
    assert.deepEqual(mb['BTC'], { amount: '3.5', available: '3' });
  });
});

describe('gemini-node-api: heartbeat, cancelSession, cancelAll', () => {
  it('heartbeat keeps a require-heartbeat session; silence and cancelSession cancel only its orders; cancelAll cancels all', async () => {
    const m = await px.newAccount({ BTC: '1' });
    const plain = client(m.key);
    const hb = client(await px.newKey(m.account, { requireHeartbeat: true }));

    const o1 = await hb.sell({ type: 'exchange limit', amount: 0.1, price: 40000 });
    const o2 = await hb.sell({ type: 'exchange limit', amount: 0.1, price: 40001 });
    const o3 = await plain.sell({ type: 'exchange limit', amount: 0.1, price: 40002 });

    px.advance(20_000);
    assert.deepEqual(await hb.heartbeat(), { result: 'ok' });
    px.advance(20_000);
    assert.equal((await plain.getOrderStatus({ order_id: Number(o1.order_id) })).is_live, true);

    const cs = await hb.cancelSession();
    assert.equal(cs.result, 'ok');
    assert.deepEqual([...cs.details.cancelledOrders].sort(), [Number(o1.order_id), Number(o2.order_id)].sort(), 'cancelledOrders are numbers');
    assert.deepEqual(cs.details.cancelRejects, []);
    assert.deepEqual((await plain.getActiveOrders()).map((o) => o.order_id), [o3.order_id]);

    const o4 = await hb.sell({ type: 'exchange limit', amount: 0.1, price: 40003 });
    px.advance(31_000);
    const expired = await eventually(async () => {
      const o = await plain.getOrderStatus({ order_id: Number(o4.order_id) });
      return o.is_cancelled ? o : undefined;
    }, 3000, 'heartbeat expiry');
    assert.equal(expired.reason, 'HeartbeatTimeout');
    assert.equal((await plain.getOrderStatus({ order_id: Number(o3.order_id) })).is_live, true);

    const o5 = await plain.sell({ type: 'exchange limit', amount: 0.1, price: 40004 });
    const ca = await plain.cancelAll();
    assert.equal(ca.result, 'ok');
    assert.deepEqual([...ca.details.cancelledOrders].sort(), [Number(o3.order_id), Number(o5.order_id)].sort());
    assert.deepEqual(await plain.getActiveOrders(), []);
    assert.deepEqual((await balances(plain))['BTC'], { amount: '1', available: '1' });
  });
});

describe('gemini-node-api: stop-limit orders and master keys', () => {
  it('newOrder type "exchange stop limit" with stop_price answers type "stop-limit" and waits', async () => {
    const m = await px.newAccount({ BTC: '1' });
    const c = client(m.key);
    const o = await c.sell({ type: 'exchange stop limit', amount: 0.5, price: 28900, stop_price: 29000 });
    checkOrderShape(o);
    assert.equal(o.type, 'stop-limit');
    assert.equal(dec(o.stop_price!), '29000');
    assert.equal(dec(o.price!), '28900');
    assert.deepEqual((await c.getActiveOrders()).map((x) => x.order_id), [o.order_id]);
    const cancelled = await c.cancelOrder({ order_id: Number(o.order_id) });
    assert.equal(cancelled.is_cancelled, true);
  });

  it('a master key names the account in every call ({account})', async () => {
    const a = await px.newAccount({ BTC: '1', USD: '1000' });
    const mk = await px.running.createKey({ master: true, roles: ['Trader'] });
    assert.match(mk.key, /^master-/);
    const master = client({ key: mk.key, secret: mk.secret });
    const account = { account: a.account };

    const bal = await master.getAvailableBalances(account);
    assert.equal(dec(bal.find((b) => b.currency === 'BTC')!.amount), '1');
    const o = await master.newOrder({ ...account, side: 'sell', type: 'exchange limit', amount: 0.2, price: 35000 });
    assert.equal(o.is_live, true);
    assert.deepEqual((await master.getActiveOrders(account)).map((x) => x.order_id), [o.order_id]);
    assert.deepEqual((await client(a.key).getActiveOrders()).map((x) => x.order_id), [o.order_id], 'the order is in that account');
    assert.equal((await master.getOrderStatus({ ...account, order_id: Number(o.order_id) })).is_live, true);
    const cs = await master.cancelSession(account);
    assert.deepEqual(cs.details.cancelledOrders, [Number(o.order_id)]);

    await assert.rejects(master.getActiveOrders(), (e: unknown) => e instanceof Error && /account/i.test(e.message), 'no account: MissingAccounts');
  });
});

describe('gemini-node-api: volumes and notional balances', () => {
  it('getNotionalVolume and getTradeVolume report the fee rates and the traded volume', async () => {
    const { maker, taker } = await pair({ BTC: '1' }, { USD: '10000' });
    await maker.sell({ type: 'exchange limit', amount: 0.1, price: 30000 });
    await taker.buy({ type: 'exchange limit', amount: 0.1, price: 30000 });

    const nv = await taker.getNotionalVolume();
    assert.equal(nv.api_maker_fee_bps, MAKER_BPS);
    assert.equal(nv.api_taker_fee_bps, TAKER_BPS);
    assert.equal(nv.notional_30d_volume, 3000);
    assert.equal(typeof nv.last_updated_ms, 'number');
    assert.match(nv.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(Array.isArray(nv.notional_1d_volume));

    const tv = await taker.getTradeVolume();
    assert.ok(Array.isArray(tv) && Array.isArray(tv[0]), 'an array of arrays, as the client types it');
    const row = tv[0]!.find((r) => r.symbol === 'btcusd');
    assert.ok(row !== undefined, 'a btcusd row');
    assert.equal(row.base_currency, 'BTC');
    assert.equal(row.notional_currency, 'USD');
    assert.equal(row.total_volume_base, 0.1);
    assert.equal(row.buy_taker_base, 0.1);
    assert.equal(row.buy_taker_notional, 3000);
    assert.equal(row.buy_taker_count, 1);
    assert.equal(row.sell_maker_count, 0);
  });

  it('getNotionalBalances posts /v1/notionalbalances/usd', async () => {
    const m = await px.newAccount({ USD: '1500', BTC: '0.5' });
    const c = client(m.key);
    const nb = await c.getNotionalBalances({ currency: 'usd' });
    assert.ok(Array.isArray(nb));
    const usd = nb.find((b) => b.currency === 'USD');
    assert.ok(usd !== undefined);
    assert.equal(dec(usd.amount), '1500');
    assert.equal(dec(usd.amountNotional), '1500');
    assert.equal(dec(usd.available), '1500');
    assert.equal(typeof usd.availableNotional, 'string');
    assert.equal(typeof usd.availableForWithdrawalNotional, 'string');
  });
});

describe('gemini-node-api: public market data', () => {
  it('getSymbols, getSymbol, getOrderBook, getTradeHistory, getTicker v1/v2, getPriceFeed, getCandles', async () => {
    const { maker, taker } = await pair({ BTC: '3' }, { USD: '100000' });
    await maker.sell({ type: 'exchange limit', amount: 1, price: 30000 });
    await maker.sell({ type: 'exchange limit', amount: 0.5, price: 30100 });
    await taker.buy({ type: 'exchange limit', amount: 0.25, price: 30000 });
    await taker.buy({ type: 'exchange limit', amount: 0.3, price: 29900 });
    const [mine] = await taker.getPastTrades();
    assert.ok(mine !== undefined);
    const pub = new PublicClient({ apiUri: px.url });

    const symbols = await pub.getSymbols();
    assert.deepEqual([...symbols].sort(), px.exchange.markets.map((m) => m.symbol).sort());
    const d = await pub.getSymbol({ symbol: 'btcusd' });
    assert.equal(d.symbol, 'BTCUSD');
    assert.equal(d.base_currency, 'BTC');
    assert.equal(d.quote_currency, 'USD');
    assert.equal(d.tick_size, 1e-8);
    assert.equal(d.quote_increment, 0.01);
    assert.equal(d.min_order_size, '0.00001');
    assert.equal(d.status, 'open');

    const book = await pub.getOrderBook({ symbol: 'btcusd' });
    assert.deepEqual(book.asks.map((e) => [dec(e.price), dec(e.amount)]), [['30000', '0.75'], ['30100', '0.5']]);
    assert.deepEqual(book.bids.map((e) => [dec(e.price), dec(e.amount)]), [['29900', '0.3']]);
    for (const e of [...book.asks, ...book.bids]) assert.equal(typeof e.timestamp, 'string');
    const top = await pub.getOrderBook({ symbol: 'btcusd', limit_asks: 1, limit_bids: 0 });
    assert.equal(top.asks.length, 1);

    const trades = await pub.getTradeHistory({ symbol: 'btcusd' }); // limit_trades=500 by default
    const t = trades.find((x) => x.tid === mine.tid);
    assert.ok(t !== undefined, 'the public trade has the tid of the private one');
    assert.equal(dec(t.price), '30000');
    assert.equal(dec(t.amount), '0.25');
    assert.equal(t.type, 'buy');
    assert.equal(t.exchange, 'gemini');
    assert.equal(t.timestampms, px.now());
    assert.equal(t.timestamp, Math.floor(px.now() / 1000));

    const v1 = await pub.getTicker({ symbol: 'btcusd' });
    assert.equal(dec(v1.bid), '29900');
    assert.equal(dec(v1.ask), '30000');
    assert.equal(dec(v1.last), '30000');
    assert.equal(typeof v1.volume['BTC'], 'string');
    assert.equal(typeof v1.volume['USD'], 'string');
    assert.equal(typeof v1.volume['timestamp'], 'number');
    const v2 = await pub.getTicker({ symbol: 'btcusd', v: 'v2' });
    assert.equal(v2.symbol, 'BTCUSD');
    assert.equal(dec(v2.close), '30000');
    assert.equal(dec(v2.bid), '29900');
    assert.equal(dec(v2.ask), '30000');
    for (const f of ['open', 'high', 'low'] as const) assert.equal(typeof v2[f], 'string', f);
    assert.ok(Array.isArray(v2.changes));

    const feed = await pub.getPriceFeed();
    const btc = feed.find((f) => f.pair === 'BTCUSD');
    assert.ok(btc !== undefined, 'pricefeed lists BTCUSD');
    assert.equal(dec(btc.price), '30000');
    assert.equal(typeof btc.percentChange24h, 'string');

    const candles = await pub.getCandles({ symbol: 'btcusd', time_frame: '1m' });
    assert.ok(Array.isArray(candles) && candles.length > 0);
    for (const c of candles) {
      assert.equal(c.length, 6);
      for (const v of c) assert.equal(typeof v, 'number');
    }
  });
});

describe('gemini-node-api: account and nonces', () => {
  it('getAccountDetails answers the shape the client declares', async () => {
    const m = await px.newAccount({});
    const d = await client(m.key).getAccountDetails();
    assert.equal(d.account.shortName, m.account);
    assert.equal(d.account.accountName, m.account);
    assert.equal(d.account.type, 'exchange');
    // the client's AccountDetails.created is a string, as in the reference example ('1498245007981')
    assert.equal(typeof d.account.created, 'string', 'account.created is a string of ms');
    assert.match(String(d.account.created), /^\d+$/);
    assert.ok(Array.isArray(d.users));
  });

  it("a time-based nonce key takes the client's Date.now() nonce after the virtual clock moved", async () => {
    const m = await px.newAccount({});
    const k = await px.running.createKey({ account: m.account, roles: ['Trader'], timeNonce: true });
    const c = new AuthenticatedClient({ key: k.key, secret: k.secret, apiUri: px.url }); // default nonce: Date.now()
    assert.deepEqual(await c.heartbeat(), { result: 'ok' });
    px.advance(60_000); // exchange time moves; the client's clock does not
    assert.deepEqual(await c.heartbeat(), { result: 'ok' }, 'the +/-30 s window is about the wall clock the client reads');
  });
});

describe('gemini-node-api: errors', () => {
  it('rejects with an Error carrying the server message', async () => {
    const { maker, taker } = await pair({ BTC: '1' }, { USD: '1000' });
    const message = async (p: Promise<unknown>): Promise<string> => {
      try {
        await p;
      } catch (e) {
        assert.ok(e instanceof Error);
        return e.message;
      }
      assert.fail('expected a rejection');
    };
    const insufficient = await message(taker.buy({ type: 'exchange limit', amount: 1, price: 30000 }));
    assert.match(insufficient, /insufficient/i);
    const notFound = await message(maker.cancelOrder({ order_id: 987654321012 }));
    assert.match(notFound, /not found/i);
    const theirs = await maker.sell({ type: 'exchange limit', amount: 0.5, price: 30000 });
    assert.match(await message(taker.getOrderStatus({ order_id: Number(theirs.order_id) })), /not found/i);

    const m = await px.newAccount({});
    const bad = new AuthenticatedClient({ key: m.key.key, secret: `${m.key.secret}x`, apiUri: px.url });
    bad.nonce = nextNonce;
    assert.match(await message(bad.getAvailableBalances()), /signature/i);

    // a nonce that does not increase
    const k = await px.newKey(m.account);
    const fixed = new AuthenticatedClient({ key: k.key, secret: k.secret, apiUri: px.url });
    fixed.nonce = () => 1_700_000_000_000;
    assert.deepEqual(await fixed.heartbeat(), { result: 'ok' });
    assert.match(await message(fixed.heartbeat()), /nonce/i);
  });

  it('an unknown path answers 404 with a JSON error the client can read', async () => {
    const pub = new PublicClient({ apiUri: px.url });
    await assert.rejects(pub.get('/v1/no-such-endpoint'), (e: unknown) => e instanceof Error && /endpoint/i.test(e.message));
    const m = await px.newAccount({});
    const c = client(m.key);
    await assert.rejects(c.post('/v1/no-such-endpoint', {}, { request: '/v1/no-such-endpoint' }), (e: unknown) => e instanceof Error && /endpoint/i.test(e.message));
  });
});
