/**
 * Accounts, fee rates, deposits and withdrawals: the admin side of the engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAKER_BPS, DEFAULT_TAKER_BPS } from '../../src/engine/engine.js';
import { L, account, buy, deposit, scenario, sell, setFees, trader, withdraw } from '../support/harness.js';

describe('accounts', () => {
  it('CreateAccount uses the engine default fees (10 / 35 bps, Gemini\'s API example)', () => {
    assert.equal(DEFAULT_MAKER_BPS, 10);
    assert.equal(DEFAULT_TAKER_BPS, 35);
    scenario().when(account('alice')).thenEvents({ type: 'AccountCreated', account: 'alice', makerBps: 10, takerBps: 35 });
  });

  it('engine options change the defaults; explicit rates win', () => {
    const s = scenario({ defaultMakerBps: 0, defaultTakerBps: 20 });
    s.when(account('a')).thenEvents({ type: 'AccountCreated', makerBps: 0, takerBps: 20 });
    s.when(account('b', { makerBps: 7 })).thenEvents({ type: 'AccountCreated', makerBps: 7, takerBps: 20 });
    s.when(account('c', { makerBps: 0, takerBps: 1000 })).thenEvents({ type: 'AccountCreated', makerBps: 0, takerBps: 1000 });
  });

  it('a second account with the same name is AccountExists', () => {
    const s = scenario().given(account('alice'));
    s.when(account('alice', { makerBps: 1, takerBps: 1 })).thenRejected('AccountExists', 'alice');
    assert.equal(s.engine.account('alice')!.makerBps, 10);
  });

  it('an empty account name is UnknownAccount', () => {
    scenario().when(account('')).thenRejected('UnknownAccount');
  });

  it('fee rates outside whole 0..1000 bps are InvalidFees', () => {
    const s = scenario();
    for (const f of [-1, 1001, 1.5, Number.NaN, Infinity]) {
      s.when(account('x', { makerBps: f })).thenRejected('InvalidFees');
      s.when(account('x', { takerBps: f })).thenRejected('InvalidFees');
    }
    s.when(account('x', { makerBps: '10' as unknown as number })).thenRejected('InvalidFees');
    assert.equal(s.engine.account('x'), undefined);
  });

  it('SetFees changes the rates and says so; unknown account and bad rates are rejected', () => {
    const s = scenario().given(account('a'));
    s.when(setFees('a', 5, 25)).thenEvents({ type: 'FeesChanged', account: 'a', makerBps: 5, takerBps: 25 });
    assert.deepEqual([s.engine.account('a')!.makerBps, s.engine.account('a')!.takerBps], [5, 25]);
    s.when(setFees('nobody', 5, 25)).thenRejected('UnknownAccount', 'nobody');
    s.when(setFees('a', 5, -1)).thenRejected('InvalidFees');
    s.when(setFees('a', 1001, 5)).thenRejected('InvalidFees');
    s.when(setFees('a', 0.5, 5)).thenRejected('InvalidFees');
  });
});

describe('deposits and withdrawals', () => {
  it('Deposit credits exact ledger units (10^-18) and normalises the currency', () => {
    const s = scenario().given(account('a'));
    s.when(deposit('a', 'usd', '100.5')).thenEvents({ type: 'FundsDeposited', account: 'a', currency: 'USD', amount: L('100.5') });
    s.when(deposit('a', 'BTC', '0.000000000000000001')).thenEvents({ type: 'FundsDeposited', currency: 'BTC', amount: 1n });
    s.when(deposit('a', 'BTC', '1e-8')).thenEvents({ type: 'FundsDeposited', amount: 10_000_000_000n });
    assert.deepEqual(s.balance('a', 'USD'), { total: '100.5', held: '0', available: '100.5' });
    assert.equal(s.balance('a', 'BTC').total, '0.000000010000000001');
  });

  it('every currency of the market table can be deposited; others are InvalidCurrency', () => {
    const s = scenario().given(account('a'));
    for (const c of ['USD', 'BTC', 'ETH', 'SOL', 'LTC', 'DOGE', 'LINK', 'AVAX', 'GUSD']) s.when(deposit('a', c, '1')).thenOk();
    for (const c of ['XYZ', '', 'US D']) s.when(deposit('a', c, '1')).thenRejected('InvalidCurrency');
    s.when(deposit('a', 5 as unknown as string, '1')).thenRejected('InvalidCurrency');
  });

  it('amounts that are not positive decimals with at most 18 places are InvalidAmount', () => {
    const s = scenario().given(account('a'));
    for (const a of ['0', '-1', 'abc', '', '0.0000000000000000001', '1e-19', '1,000']) {
      s.when(deposit('a', 'USD', a)).thenRejected('InvalidAmount');
      s.when(withdraw('a', 'USD', a)).thenRejected('InvalidAmount');
    }
    s.when(deposit('a', 'USD', 100 as unknown as string)).thenRejected('InvalidAmount');
  });

  it('deposits and withdrawals to unknown accounts are UnknownAccount', () => {
    const s = scenario();
    s.when(deposit('ghost', 'USD', '1')).thenRejected('UnknownAccount', 'ghost');
    s.when(withdraw('ghost', 'USD', '1')).thenRejected('UnknownAccount', 'ghost');
  });

  it('Withdraw debits exactly, up to the available (total minus held) amount', () => {
    const s = scenario().given(trader('a', { USD: '1000', BTC: '1' }), buy('a', '1', '100'), sell('a', '0.4', '200'));
    // available USD = 1000 - 100.35
    s.when(withdraw('a', 'USD', '899.650000000000000001')).thenRejected('InsufficientFunds');
    s.when(withdraw('a', 'USD', '899.65')).thenEvents({ type: 'FundsWithdrawn', account: 'a', currency: 'USD', amount: L('899.65') });
    assert.deepEqual(s.balance('a', 'USD'), { total: '100.35', held: '100.35', available: '0' });
    s.when(withdraw('a', 'BTC', '0.61')).thenRejected('InsufficientFunds');
    s.when(withdraw('a', 'btc', '0.6')).thenEvents({ type: 'FundsWithdrawn', currency: 'BTC' });
    assert.deepEqual(s.balance('a', 'BTC'), { total: '0.4', held: '0.4', available: '0' });
    s.when(withdraw('a', 'ETH', '1')).thenRejected('InsufficientFunds');
  });
});
