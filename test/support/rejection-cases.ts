/**
 * One command per rejection code, each rejected with that code in the state `rejectionBase` builds.
 * Used by the catalogue test (every entry is produced) and the state tests (every rejection leaves
 * the state unchanged). Keyed by string, not RejectionCode, so that a catalogue entry without a
 * case fails a test instead of the build.
 */
import type { BookFactory } from '../../src/engine/book/book.js';
import type { CommandBody } from '../../src/engine/commands.js';
import {
  account, buy, cancel, deposit, limit, market, sell, setFees, setStatus, stopLimit, trader,
} from './commands.js';
import { scenario, type Scenario } from './harness.js';

/** A state with resting orders on both sides, a partial fill, fees collected, a pending stop and a closed market. */
export function rejectionBase(bookFactory?: BookFactory): Scenario {
  const s = scenario(bookFactory === undefined ? {} : { bookFactory });
  s.given(
    trader('alice', { USD: '1000', BTC: '1' }),
    trader('bob', { USD: '500', BTC: '2', ETH: '3' }),
    buy('alice', '1', '100'),
    sell('bob', '0.5', '101'),
    sell('bob', '0.2', '100'),
    stopLimit('bob', 'sell', '0.3', '95', '96'),
    sell('bob', '1', '2000', { symbol: 'ethusd' }),
    setStatus('ltcusd', 'closed'),
  );
  return s;
}

export const REJECTION_CASES: Record<string, CommandBody> = {
  InvalidSymbol: buy('alice', '1', '100', { symbol: 'nopeusd' }),
  MarketNotOpen: buy('alice', '1', '100', { symbol: 'ltcusd' }),
  InvalidSide: limit('alice', 'up', '1', '100'),
  InvalidOrderType: market('alice', 'buy', '1', { symbol: 'ethbtc' }),
  InvalidQuantity: buy('alice', '0', '100'),
  InvalidPrice: buy('alice', '1', '-1'),
  InvalidStopPrice: stopLimit('alice', 'buy', '1', '100', 'x'),
  InvalidStopPriceBuy: stopLimit('alice', 'buy', '1', '100', '101'),
  InvalidStopPriceSell: stopLimit('bob', 'sell', '1', '100', '99'),
  InvalidStopPriceRatio: stopLimit('alice', 'buy', '1', '100', '40'),
  UnsupportedOption: buy('alice', '1', '100', { options: ['hidden'] }),
  ConflictingOptions: buy('alice', '1', '100', { options: ['maker-or-cancel', 'fill-or-kill'] }),
  OptionsMustBeArray: { ...buy('alice', '1', '100'), options: 'maker-or-cancel' },
  ClientOrderIdMustBeString: { ...buy('alice', '1', '100'), clientOrderId: 42 as unknown as string },
  ClientOrderIdTooLong: buy('alice', '1', '100', { clientOrderId: 'c'.repeat(101) }),
  InsufficientFunds: buy('alice', '100', '100'),
  OrderNotFound: cancel('alice', '424242'),
  UnknownAccount: deposit('ghost', 'USD', '1'),
  AccountExists: account('alice'),
  InvalidCurrency: deposit('alice', 'XYZ', '1'),
  InvalidAmount: deposit('alice', 'USD', '0'),
  InvalidFees: setFees('alice', -1, 10),
  InvalidMarketStatus: setStatus('btcusd', 'halted'),
};
