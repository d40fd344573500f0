/**
 * First-start accounts: what an empty data directory gets so a bot can trade at once, in the
 * style of Gemini's sandbox (accounts "primary" and "secondary", funded like a new sandbox
 * account: 100,000 USD, 1,000 BTC, 20,000 ETH, 20,000 LTC, plus the other listed currencies).
 *
 * Owns: the default account specs and the "is this a first start" rule.
 * Invariants: the defaults are created only when the exchange has no accounts and no keys at
 * all, so a restart never re-funds anyone; explicitly requested accounts are created when
 * missing and left alone when present; keys are created in a fixed order, so with a seed they
 * come out the same every time.
 */
import { shortNameOf } from '../app/accounts.js';
import type { Exchange } from '../app/exchange.js';
import { provisionAccount, type AccountSpec, type KeySpec, type ProvisionedAccount } from '../api/admin/provision.js';
import { keyView, type KeyView } from '../api/admin/views.js';

/** sandbox-style starting balances; currencies the market table does not list are skipped */
export const SANDBOX_FUNDS: Readonly<Record<string, string>> = {
  USD: '100000',
  BTC: '1000',
  ETH: '20000',
  LTC: '20000',
  GUSD: '100000',
  SOL: '10000',
  AVAX: '10000',
  LINK: '10000',
  DOGE: '1000000',
};

export const DEFAULT_ACCOUNTS: readonly AccountSpec[] = [
  {
    name: 'Primary',
    account: 'primary',
    funds: { ...SANDBOX_FUNDS },
    keys: [
      { roles: ['Trader'], label: 'trader' },
      { roles: ['Trader'], requireHeartbeat: true, label: 'heartbeat' },
    ],
  },
  {
    name: 'Secondary',
    account: 'secondary',
    funds: { ...SANDBOX_FUNDS },
    keys: [{ roles: ['Trader'], label: 'trader' }],
  },
];

/** one master key, for Gemini's master-only endpoints (account create/list, transfers) */
export const DEFAULT_MASTER_KEYS: readonly KeySpec[] = [{ roles: ['Trader', 'FundManager', 'Administrator'], label: 'master' }];

export interface BootstrapOptions {
  /** accounts to make sure exist; default: the sandbox pair, on a first start only */
  accounts?: readonly AccountSpec[];
  /** master keys to create on a first start (default one, see DEFAULT_MASTER_KEYS) */
  masterKeys?: readonly KeySpec[];
}

export interface BootstrapResult {
  firstStart: boolean;
  created: ProvisionedAccount[];
  masterKeys: KeyView[];
}

function known(ex: Exchange, spec: AccountSpec): AccountSpec {
  if (spec.funds === undefined) return spec;
  const funds = Object.fromEntries(Object.entries(spec.funds).filter(([c]) => ex.engine.state.currencies.has(c.toUpperCase())));
  return { ...spec, funds };
}

export async function bootstrap(ex: Exchange, opts: BootstrapOptions = {}): Promise<BootstrapResult> {
  const firstStart = ex.engine.state.accounts.size === 0 && ex.keys.list().length === 0;
  const specs = opts.accounts ?? (firstStart ? DEFAULT_ACCOUNTS.map((s) => known(ex, s)) : []);
  const created: ProvisionedAccount[] = [];
  for (const spec of specs) {
    const account = spec.account ?? (typeof spec.name === 'string' ? shortNameOf(spec.name) : undefined);
    if (account !== undefined && ex.engine.account(account) !== undefined) continue; // already there: left as it is
    created.push(await provisionAccount(ex, spec));
  }
  const masterKeys = firstStart ? (opts.masterKeys ?? DEFAULT_MASTER_KEYS).map((k) => keyView(ex.createKey({ ...k, scope: 'master' }))) : [];
  return { firstStart, created, masterKeys };
}
