/**
 * Loads the market table shipped with the project (config/symbols.json) or a user-supplied file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { marketFromConfig, type Market, type SymbolConfig } from '../domain/symbols.js';

export const DEFAULT_SYMBOLS_PATH = fileURLToPath(new URL('../../../config/symbols.json', import.meta.url));

export function loadMarkets(path: string = DEFAULT_SYMBOLS_PATH): Market[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { symbols: SymbolConfig[] };
  return raw.symbols.map(marketFromConfig);
}
