/**
 * The one catalogue of rejections. Every adapter renders from it: REST as
 * {result:"error", reason, message} with `status`, WebSocket as {error:{code,msg}}, FIX as reject text.
 *
 * Invariants: the engine never throws for a business reason; it returns a Rejection whose code is
 * a key of CATALOGUE. A test proves every entry is produced somewhere and renders.
 */

export interface CatalogueEntry {
  /** Gemini's machine-readable `reason` */
  reason: string;
  /** HTTP status Gemini uses for it */
  status: number;
  /** human text (our words) */
  message: string;
}

export const CATALOGUE = {
  InvalidSymbol: { reason: 'InvalidSymbol', status: 400, message: 'Unknown or invalid symbol' },
  MarketNotOpen: { reason: 'MarketNotOpen', status: 400, message: 'The market is not accepting this order right now' },
  InvalidSide: { reason: 'InvalidSide', status: 400, message: "Side must be 'buy' or 'sell'" },
  InvalidOrderType: { reason: 'InvalidOrderType', status: 400, message: 'Unsupported order type for this symbol' },
  InvalidQuantity: { reason: 'InvalidQuantity', status: 400, message: 'Invalid quantity: must be a positive multiple of the tick size, at least the minimum order size' },
  InvalidPrice: { reason: 'InvalidPrice', status: 400, message: 'Invalid price: must be a positive multiple of the quote increment' },
  InvalidStopPrice: { reason: 'InvalidStopPrice', status: 400, message: 'Invalid stop price' },
  InvalidStopPriceBuy: { reason: 'InvalidStopPriceBuy', status: 400, message: 'Stop price of a stop-limit buy must not be above the limit price' },
  InvalidStopPriceSell: { reason: 'InvalidStopPriceSell', status: 400, message: 'Stop price of a stop-limit sell must not be below the limit price' },
  InvalidStopPriceRatio: { reason: 'InvalidStopPriceRatio', status: 400, message: 'Stop price is more than 50% away from the limit price' },
  UnsupportedOption: { reason: 'UnsupportedOption', status: 400, message: 'Unsupported order execution option' },
  ConflictingOptions: { reason: 'ConflictingOptions', status: 400, message: 'At most one order execution option may be given' },
  OptionsMustBeArray: { reason: 'OptionsMustBeArray', status: 400, message: 'options must be an array' },
  ClientOrderIdMustBeString: { reason: 'ClientOrderIdMustBeString', status: 400, message: 'client_order_id must be a string' },
  ClientOrderIdTooLong: { reason: 'ClientOrderIdTooLong', status: 400, message: 'client_order_id must be at most 100 characters' },
  InsufficientFunds: { reason: 'InsufficientFunds', status: 406, message: 'Insufficient funds' },
  OrderNotFound: { reason: 'OrderNotFound', status: 404, message: 'Order not found' },
  UnknownAccount: { reason: 'InvalidAccountName', status: 400, message: 'No such account' },
  AccountExists: { reason: 'ConflictingAccountName', status: 400, message: 'An account with that name already exists' },
  InvalidCurrency: { reason: 'InvalidCurrency', status: 400, message: 'Unknown currency' },
  InvalidAmount: { reason: 'InvalidAmount', status: 400, message: 'Amount must be a positive decimal number' },
  InvalidFees: { reason: 'InvalidFees', status: 400, message: 'Fee rates must be whole basis points between 0 and 1000' },
  InvalidMarketStatus: { reason: 'InvalidMarketStatus', status: 400, message: 'Unknown market status' },
} as const satisfies Record<string, CatalogueEntry>;

export type RejectionCode = keyof typeof CATALOGUE;

export interface Rejection {
  code: RejectionCode;
  /** optional extra detail appended to the message */
  detail?: string;
}

export function reject(code: RejectionCode, detail?: string): Rejection {
  return detail === undefined ? { code } : { code, detail };
}

export function renderMessage(r: Rejection): string {
  const base = CATALOGUE[r.code].message;
  return r.detail === undefined ? base : `${base}: ${r.detail}`;
}
