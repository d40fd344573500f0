/**
 * Exact decimal parsing and formatting (src/domain/decimal.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimalsOf, formatDecimal, parseDecimal, parsePositiveUnits, pow10 } from '../../src/domain/decimal.js';

describe('parseDecimal', () => {
  it('parses plain decimals into scaled integers', () => {
    assert.equal(parseDecimal('1', 8), 100_000_000n);
    assert.equal(parseDecimal('0.1', 8), 10_000_000n);
    assert.equal(parseDecimal('3633.00', 2), 363_300n);
    assert.equal(parseDecimal('3633', 0), 3633n);
    assert.equal(parseDecimal('0', 5), 0n);
    assert.equal(parseDecimal('007.50', 2), 750n);
    assert.equal(parseDecimal('1.23456789', 8), 123_456_789n);
  });

  it('accepts a missing integer or fraction part, not both', () => {
    assert.equal(parseDecimal('.5', 1), 5n);
    assert.equal(parseDecimal('5.', 1), 50n);
    assert.equal(parseDecimal('.', 1), null);
    assert.equal(parseDecimal('', 1), null);
  });

  it('handles exponents in either direction and case', () => {
    assert.equal(parseDecimal('1e-8', 8), 1n);
    assert.equal(parseDecimal('1E-8', 8), 1n);
    assert.equal(parseDecimal('2.5e-7', 8), 25n);
    assert.equal(parseDecimal('1.5e2', 0), 150n);
    assert.equal(parseDecimal('1.5e+1', 0), 15n);
    assert.equal(parseDecimal('1.5e1', 0), 15n);
    assert.equal(parseDecimal('12e-1', 1), 12n);
    assert.equal(parseDecimal('0.0001e4', 0), 1n);
    assert.equal(parseDecimal('123e-5', 5), 123n);
    assert.equal(parseDecimal('0e5', 2), 0n);
    assert.equal(parseDecimal('1e0', 2), 100n);
  });

  it('refuses (never rounds) more precision than the scale', () => {
    assert.equal(parseDecimal('0.001', 2), null);
    assert.equal(parseDecimal('1e-9', 8), null);
    assert.equal(parseDecimal('1.25e1', 0), null);
    assert.equal(parseDecimal('0.123456789', 8), null);
    assert.equal(parseDecimal('0.0000000000000000001', 18), null);
  });

  it('ignores trailing zeros beyond the scale', () => {
    assert.equal(parseDecimal('1.000000000000', 2), 100n);
    assert.equal(parseDecimal('1.5000', 1), 15n);
    assert.equal(parseDecimal('10.0e-1', 0), 1n);
    assert.equal(parseDecimal('0.10', 1), 1n);
  });

  it('parses signs; the caller decides whether a negative is allowed', () => {
    assert.equal(parseDecimal('-1.5', 1), -15n);
    assert.equal(parseDecimal('+2', 0), 2n);
    assert.equal(parseDecimal('-0', 3), 0n);
    assert.equal(parseDecimal('-1e-8', 8), -1n);
  });

  it('handles huge values exactly, up to 60 digits after scaling', () => {
    assert.equal(parseDecimal('123456789012345678901234567890', 0), 123456789012345678901234567890n);
    assert.equal(parseDecimal('9007199254740993', 0), 9007199254740993n);
    assert.equal(parseDecimal('1e41', 18), 10n ** 59n); // 60 digits
    assert.equal(parseDecimal('1e42', 18), null); // 61 digits
    assert.equal(parseDecimal('1e10000', 0), null);
    assert.equal(parseDecimal('1e-10000', 8), null);
    assert.equal(parseDecimal('1' + '0'.repeat(64), 0), null); // longer than 64 characters
  });

  it('returns null for garbage', () => {
    for (const t of ['abc', '1.2.3', '1e', 'e5', '--1', '+-1', '1,5', ' 1', '1 ', 'NaN', 'Infinity', '0x10', '1e99999', '1_000', '١']) {
      assert.equal(parseDecimal(t, 8), null, JSON.stringify(t));
    }
    assert.equal(parseDecimal(undefined as unknown as string, 2), null);
    assert.equal(parseDecimal(12 as unknown as string, 2), null);
  });
});

describe('formatDecimal', () => {
  it('drops trailing zeros and the point when it can', () => {
    assert.equal(formatDecimal(100_000_000n, 8), '1');
    assert.equal(formatDecimal(123n, 2), '1.23');
    assert.equal(formatDecimal(120n, 2), '1.2');
    assert.equal(formatDecimal(5n, 0), '5');
    assert.equal(formatDecimal(0n, 8), '0');
    assert.equal(formatDecimal(1n, 18), '0.000000000000000001');
    assert.equal(formatDecimal(10n, 1), '1');
  });

  it('keeps at least minDecimals fraction digits', () => {
    assert.equal(formatDecimal(363_300n, 2, 2), '3633.00');
    assert.equal(formatDecimal(363_310n, 2, 2), '3633.10');
    assert.equal(formatDecimal(0n, 2, 2), '0.00');
    assert.equal(formatDecimal(1_050_000n, 6, 2), '1.05');
    assert.equal(formatDecimal(1_000_001n, 6, 2), '1.000001');
  });

  it('formats negatives and numbers', () => {
    assert.equal(formatDecimal(-15n, 1), '-1.5');
    assert.equal(formatDecimal(-5n, 2), '-0.05');
    assert.equal(formatDecimal(10050, 2), '100.5');
    assert.equal(formatDecimal(Number.MAX_SAFE_INTEGER, 8), '90071992.54740991');
  });

  it('formats huge values exactly', () => {
    assert.equal(formatDecimal(10n ** 40n + 1n, 18), '10000000000000000000000.000000000000000001');
  });

  it('round-trips with parseDecimal', () => {
    for (const scale of [0, 2, 8, 18]) {
      for (const v of [0n, 1n, 7n, 10n, 99n, 100n, 123456789n, -42n, 10n ** 30n + 3n]) {
        assert.equal(parseDecimal(formatDecimal(v, scale), scale), v, `${v} @ ${scale}`);
        assert.equal(parseDecimal(formatDecimal(v, scale, Math.min(scale, 2)), scale), v);
      }
    }
  });
});

describe('pow10 and decimalsOf', () => {
  it('pow10 gives exact powers in 0..60 and refuses the rest', () => {
    assert.equal(pow10(0), 1n);
    assert.equal(pow10(18), 1_000_000_000_000_000_000n);
    assert.equal(pow10(60), 10n ** 60n);
    for (const n of [-1, 61, 1.5]) assert.throws(() => pow10(n), RangeError);
  });

  it('decimalsOf counts the places a step needs', () => {
    assert.equal(decimalsOf('1'), 0);
    assert.equal(decimalsOf('0.01'), 2);
    assert.equal(decimalsOf('1e-8'), 8);
    assert.equal(decimalsOf('0.00001'), 5);
    assert.equal(decimalsOf('0.25'), 2);
    assert.equal(decimalsOf('0.50'), 1);
    assert.equal(decimalsOf('5'), 0);
    assert.throws(() => decimalsOf('1e-19'), RangeError);
  });
});

/** what parsePositiveUnits must return: parseDecimal's value when it is a positive safe integer */
function reference(text: string, scale: number): number | undefined {
  const v = parseDecimal(text.trim(), scale);
  return v === null || v <= 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

function lcg(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x >>> 8) % n;
  };
}

describe('parsePositiveUnits (the engine\'s fast path)', () => {
  it('parses positive values into safe-integer units', () => {
    assert.equal(parsePositiveUnits('1', 8), 100_000_000);
    assert.equal(parsePositiveUnits('0.00001', 8), 1000);
    assert.equal(parsePositiveUnits('3633.00', 2), 363_300);
    assert.equal(parsePositiveUnits('1.50000000000', 2), 150);
    assert.equal(parsePositiveUnits('90071992.54740991', 8), Number.MAX_SAFE_INTEGER);
    assert.equal(parsePositiveUnits('1e-8', 8), 1);
    assert.equal(parsePositiveUnits(' 2 ', 0), 2);
  });

  it('refuses zero, negatives, too much precision, values past 2^53 - 1 and garbage', () => {
    for (const t of ['0', '0.000', '-1', '0.001', '1.000000001', '90071992.54740992', '1e300', 'abc', '', '.', '1..2', '1.2.3', '1e', '--1']) {
      assert.equal(parsePositiveUnits(t, t === '0.001' ? 2 : 8), undefined, JSON.stringify(t));
    }
  });

  it('agrees with parseDecimal on random plain decimals (leading/trailing zeros, long fractions, 1..20 digits)', () => {
    const r = lcg(42);
    for (let i = 0; i < 20_000; i++) {
      const scale = r(11);
      const intDigits = r(17);
      const fracDigits = r(14);
      let t = '';
      for (let k = 0; k < intDigits; k++) t += String(r(10));
      if (fracDigits > 0 || r(4) === 0) {
        t += '.';
        for (let k = 0; k < fracDigits; k++) t += String(r(3) === 0 ? 0 : r(10));
        if (r(3) === 0) t += '0'.repeat(r(6));
      }
      if (r(20) === 0) t = ` ${t}`;
      assert.equal(parsePositiveUnits(t, scale), reference(t, scale), `${JSON.stringify(t)} @ ${scale}`);
    }
  });

  it('agrees with parseDecimal on exponent forms, whatever the mantissa looks like', () => {
    const cases: [string, number][] = [
      ['1e-8', 8], ['2.5e-7', 8], ['1.5e2', 0], ['1e2', 8], ['0.0001e4', 0], ['12e-1', 1],
      ['1.234567891e1', 8], // 12.34567891: nine mantissa places, eight after the shift
      ['0.000000001e1', 8], // 1e-8
      ['1.0000000001e2', 8], // 100.00000001
      ['0.123456789e2', 8], // 12.3456789
      ['1.005e1', 2], // 10.05
    ];
    const wrong = cases.filter(([t, sc]) => parsePositiveUnits(t, sc) !== reference(t, sc))
      .map(([t, sc]) => `${t} @ ${sc}: got ${parsePositiveUnits(t, sc)}, want ${reference(t, sc)}`);
    assert.deepEqual(wrong, []);
  });
});
