/**
 * The test harness itself: its assertions must be able to fail, or the other suites prove nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { L, Outcome, buy, deposit, given, ledger, matches, scenario, sell, trader } from '../support/harness.js';

describe('harness', () => {
  it('matches() compares partially and deeply, and reports the first difference', () => {
    assert.equal(matches({ a: 1, b: { c: 2n, d: 'x' } }, { b: { c: 2n } }), null);
    assert.match(matches({ a: 1 }, { a: 2 }) ?? '', /\$\.a: expected 2, got 1/);
    assert.match(matches({ a: { b: 1 } }, { a: { b: 1, c: 3 } }) ?? '', /\$\.a\.c/);
    assert.match(matches({ a: [1, 2] }, { a: [1] }) ?? '', /\$\.a/);
    assert.match(matches({ a: undefined }, { a: null }) ?? '', /expected null/);
    assert.notEqual(matches(5n, 5), null);
  });

  it('given() fails on a rejected command', () => {
    assert.throws(() => given(deposit('ghost', 'USD', '1')), /UnknownAccount/);
  });

  it('thenEvents / thenTypes fail on a different event list', () => {
    const s = given(trader('a', { USD: '1000' }));
    const out = s.when(buy('a', '1', '100'));
    out.thenTypes('OrderAccepted');
    assert.throws(() => out.thenTypes('OrderAccepted', 'Trade'));
    assert.throws(() => out.thenEvents({ type: 'OrderAccepted', order: { price: 10001 } }));
    assert.throws(() => out.thenRejected('InvalidPrice'));
  });

  it('thenRejected fails on another code, and when the state changed', () => {
    const s = given(trader('a', { USD: '1000' }));
    const out = s.when(sell('a', '1', '100'));
    assert.throws(() => out.thenRejected('InvalidPrice'), /InsufficientFunds|InvalidPrice/);
    out.thenRejected('InsufficientFunds');
    const forged = new Outcome(s, { ok: false, rejection: { code: 'InvalidSide' } }, '{"not":"the state"}');
    assert.throws(() => forged.thenRejected('InvalidSide'), /unchanged/);
  });

  it('stamps increasing seq and time', () => {
    const s = scenario({ startTime: 5000 });
    assert.equal(s.nextSeq, 1);
    assert.equal(s.nextTime, 5001);
    s.given(trader('a', { USD: '1' }));
    assert.equal(s.nextSeq, 3);
    const id = s.place(buy('a', '0.00001', '1'));
    assert.equal(s.engine.order(id)?.time, 5003);
  });

  it('ledger() / L() convert between 10^-18 units and decimal strings', () => {
    assert.equal(L('100.35'), 100_350_000_000_000_000_000n);
    assert.equal(ledger(1n), '0.000000000000000001');
    assert.equal(ledger(-L('2.5')), '-2.5');
    assert.throws(() => L('0.0000000000000000001'));
  });
});
