/**
 * The market (symbol) table: Gemini's published details plus the integer scales the engine uses.
 *
 * Owns: turning a symbol config entry (see config/symbols.json) into a `Market` value. Pure.
 * Invariants: every amount in the engine is an integer count of 10^-amountDecimals base units and
 * must be a multiple of `amountStep`; every price is an integer count of 10^-priceDecimals quote
 * units and a multiple of `priceStep`. priceDecimals + amountDecimals <= 14, so a notional with a
 * fee rate in basis points is exact at the ledger scale (see ledger.ts).
 */
import { decimalsOf, parseDecimal } from './decimal.js';

export type MarketStatus = 'open' | 'closed' | 'cancel_only' | 'limit_only' | 'post_only';
export const MARKET_STATUSES: readonly MarketStatus[] = ['open', 'closed', 'cancel_only', 'limit_only', 'post_only'];

export interface SymbolConfig {
  symbol: string;
  base_currency: string;
  quote_currency: string;
  tick_size: string;
  quote_increment: string;
  min_order_size: string;
  status: MarketStatus;
  market_orders?: boolean;
  verified?: boolean;
}

export interface Market {
  /** lower-case symbol, the engine's key ("btcusd") */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: string;
  readonly quoteIncrement: string;
  readonly minOrderSize: string;
  readonly initialStatus: MarketStatus;
  readonly marketOrders: boolean;
  readonly amountDecimals: number;
  readonly amountStep: number;
  readonly minAmount: number;
  readonly priceDecimals: number;
  readonly priceStep: number;
}

/**
 * The same text as a string the JS engine keeps in its table of unique strings (a property key
 * is one), so `===` against string literals and other keys is a pointer compare, not a character
 * compare. The engine compares a market's symbol and status on every order.
 */
export function uniqueString(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

export function marketFromConfig(c: SymbolConfig): Market {
  const amountDecimals = decimalsOf(c.tick_size);
  const priceDecimals = decimalsOf(c.quote_increment);
  if (amountDecimals + priceDecimals > 14) {
    throw new RangeError(`${c.symbol}: tick_size and quote_increment are too fine together`);
  }
  const amountStep = Number(parseDecimal(c.tick_size, amountDecimals));
  const priceStep = Number(parseDecimal(c.quote_increment, priceDecimals));
  const minAmount = Number(parseDecimal(c.min_order_size, amountDecimals) ?? NaN);
  if (!(amountStep > 0 && priceStep > 0 && minAmount > 0)) {
    throw new RangeError(`${c.symbol}: bad tick_size, quote_increment or min_order_size`);
  }
  if (!MARKET_STATUSES.includes(c.status)) throw new RangeError(`${c.symbol}: bad status ${c.status}`);
  return {
    symbol: uniqueString(c.symbol.toLowerCase()),
    base: uniqueString(c.base_currency.toUpperCase()),
    quote: uniqueString(c.quote_currency.toUpperCase()),
    tickSize: c.tick_size,
    quoteIncrement: c.quote_increment,
    minOrderSize: c.min_order_size,
    initialStatus: MARKET_STATUSES[MARKET_STATUSES.indexOf(c.status)]!, // the literal, not the config's copy
    marketOrders: c.market_orders === true,
    amountDecimals,
    amountStep,
    minAmount,
    priceDecimals,
    priceStep,
  };
}

