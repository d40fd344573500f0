/**
 * The rejection catalogue is complete and used: every entry is produced by the engine for some
 * command, nothing outside it is ever produced, and every entry renders.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOGUE, reject, renderMessage, type RejectionCode } from '../../src/engine/rejections.js';
import { BOOKS } from '../support/harness.js';
import { REJECTION_CASES, rejectionBase } from '../support/rejection-cases.js';

const CODES = Object.keys(CATALOGUE).sort() as RejectionCode[];

describe('rejection catalogue', () => {
  for (const { name, factory } of BOOKS) {
    it(`every entry is produced by the engine, and nothing else is [${name}]`, () => {
      const seen = new Set<string>();
      const wrong: string[] = [];
      for (const [expected, cmd] of Object.entries(REJECTION_CASES)) {
        const s = rejectionBase(factory);
        const r = s.apply(cmd);
        if (r.ok) {
          wrong.push(`${expected}: command was accepted`);
          continue;
        }
        seen.add(r.rejection.code);
        if (r.rejection.code !== expected) wrong.push(`${expected}: got ${r.rejection.code}`);
      }
      assert.deepEqual(wrong, []);
      const missing = CODES.filter((c) => !seen.has(c));
      assert.deepEqual(missing, [], `catalogue entries never produced: ${missing.join(', ')}`);
      const unknown = [...seen].filter((c) => !(c in CATALOGUE));
      assert.deepEqual(unknown, [], `codes outside the catalogue: ${unknown.join(', ')}`);
      assert.deepEqual([...seen].sort(), CODES);
    });
  }

  it('has at least the 21 entries the engine relies on', () => {
    assert.ok(CODES.length >= 21, `only ${CODES.length} entries`);
  });

  for (const code of CODES) {
    it(`${code} renders: reason, 4xx status, message`, () => {
      const e = CATALOGUE[code];
      assert.equal(typeof e.reason, 'string');
      assert.ok(e.reason.length > 0 && /^[A-Za-z]+$/.test(e.reason), `reason ${e.reason}`);
      assert.ok(Number.isInteger(e.status) && e.status >= 400 && e.status <= 499, `status ${e.status}`);
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.trim().length > 0);
      assert.equal(renderMessage(reject(code)), e.message);
      assert.equal(renderMessage(reject(code, 'extra')), `${e.message}: extra`);
    });
  }

  it('uses the HTTP statuses Gemini documents: 404 OrderNotFound, 406 InsufficientFunds, 400 otherwise', () => {
    for (const code of CODES) {
      const want = code === 'OrderNotFound' ? 404 : code === 'InsufficientFunds' ? 406 : 400;
      assert.equal(CATALOGUE[code].status, want, code);
    }
  });

  it('every code an order, cancel or account command can hit carries a reason Gemini documents', () => {
    // from Gemini's error-code list (shared/reference/misc/gemini-trust-error-codes.yml)
    const gemini = new Set(('ClientOrderIdTooLong ConflictingOptions ConflictingAccountName InsufficientFunds InvalidOrderType ' +
      'InvalidPrice InvalidStopPrice InvalidStopPriceSell InvalidStopPriceBuy InvalidStopPriceRatio InvalidQuantity InvalidSide ' +
      'InvalidSymbol InvalidAccountName MarketNotOpen OrderNotFound UnsupportedOption OptionsMustBeArray ClientOrderIdMustBeString').split(' '));
    // our own admin-only codes (deposits, fees, market status) have no Gemini counterpart
    const ours = new Set(['InvalidCurrency', 'InvalidAmount', 'InvalidFees', 'InvalidMarketStatus']);
    for (const code of CODES) {
      if (ours.has(code)) continue;
      assert.ok(gemini.has(CATALOGUE[code].reason), `${code} -> ${CATALOGUE[code].reason} is not a Gemini reason`);
    }
    assert.equal(CATALOGUE.UnknownAccount.reason, 'InvalidAccountName');
    assert.equal(CATALOGUE.AccountExists.reason, 'ConflictingAccountName');
  });

  it('reject() carries the detail only when given', () => {
    assert.deepEqual(reject('InvalidSide'), { code: 'InvalidSide' });
    assert.deepEqual(reject('InvalidSide', 'x'), { code: 'InvalidSide', detail: 'x' });
  });
});
