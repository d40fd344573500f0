/**
 * Public reference data: the symbol list, symbol details, a token's networks, fee promotions.
 *
 * Owns the wire form of Gemini's /v1/symbols, /v1/symbols/details/:symbol, /v1/network/:token and
 * /v1/feepromos. Invariants (as Gemini's examples show them): the symbol list is lower case and
 * sorted; details name the symbol in upper case, `tick_size` and `quote_increment` are JSON
 * numbers, `min_order_size` a string; `status` is the market's live status.
 */
import { RestError } from '../errors.js';
import type { PublicEndpoint } from './endpoint.js';
import { echo, marketParam } from './params.js';

/**
 * Deposit/withdrawal networks of the tokens Pollux is likely to list, as Gemini names them.
 * Fiat currencies have none. A token missing here answers UnsupportedNetwork.
 */
export const TOKEN_NETWORKS: Readonly<Record<string, readonly string[]>> = {
  BTC: ['bitcoin'],
  ETH: ['ethereum'],
  SOL: ['solana'],
  LTC: ['litecoin'],
  DOGE: ['dogecoin'],
  BCH: ['bitcoincash'],
  ZEC: ['zcash'],
  FIL: ['filecoin'],
  XTZ: ['tezos'],
  DOT: ['polkadot'],
  ATOM: ['cosmos'],
  XRP: ['xrpl'],
  AVAX: ['avalanche'],
  LINK: ['ethereum'],
  GUSD: ['ethereum'],
  USDC: ['ethereum', 'solana'],
  USDT: ['ethereum'],
};

const UNSUPPORTED_NETWORK = { reason: 'UnsupportedNetwork', status: 404, message: 'No network is supported for this token' };

export const SYMBOL_ENDPOINTS: readonly PublicEndpoint[] = [
  {
    path: '/v1/symbols',
    handle: ({ exchange }) => exchange.markets.map((m) => m.symbol).sort(),
  },
  {
    path: '/v1/symbols/details/:symbol',
    handle: ({ exchange, params }) => {
      const m = marketParam(exchange, params['symbol']);
      return {
        symbol: m.symbol.toUpperCase(),
        base_currency: m.base,
        quote_currency: m.quote,
        tick_size: Number(m.tickSize),
        quote_increment: Number(m.quoteIncrement),
        min_order_size: m.minOrderSize,
        status: exchange.engine.market(m.symbol)!.status,
        wrap_enabled: false,
        product_type: 'spot',
        contract_type: 'vanilla',
        contract_price_currency: null,
      };
    },
  },
  {
    path: '/v1/network/:token',
    handle: ({ exchange, params }) => {
      const token = String(params['token'] ?? '').toUpperCase();
      const networks = Object.hasOwn(TOKEN_NETWORKS, token) ? TOKEN_NETWORKS[token] : undefined;
      if (networks === undefined || !exchange.engine.state.currencies.has(token)) {
        throw new RestError(UNSUPPORTED_NETWORK, `${UNSUPPORTED_NETWORK.message}: ${echo(token)}`);
      }
      return { token, network: [...networks] };
    },
  },
  {
    // no symbol has a fee promotion
    path: '/v1/feepromos',
    handle: () => ({ symbols: [] }),
  },
];
