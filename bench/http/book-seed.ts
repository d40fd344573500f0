/**
 * The btcusd book the public-read benchmark measures against: a deterministic plan of a few
 * trades (so /v1/pubticker has a last price and a volume) followed by `orders` resting limit
 * orders spread over `levels` price levels on each side, half bids and half asks, none crossing.
 *
 *   trades:  bench-1 sells, bench-0 buys 0.01 BTC at 30000.10, 29999.90, then 30000.00 (last)
 *   bids:    level i (0 ..< levels) at 29999.50 - 0.50 i  (29999.50 down to 29750.00 for 500)
 *   asks:    level i at 30000.50 + 0.50 i                  (30000.50 up to 30250.00 for 500)
 *   orders:  spread round-robin over the levels of their side (so every level has
 *            orders/(2 levels) of them, give or take one), over the accounts round-robin, each
 *            sized (1 + (7 n mod 50)) thousandths of a BTC, n = the order's index on its side
 *
 * The child submits the plan (http/pollux-server.ts); the driver checks what the endpoints serve
 * against the plan's own expectation, computed here without Pollux's formatting code.
 */

export interface SeedOrder {
  account: number;
  side: 'buy' | 'sell';
  /** decimal strings, as on the wire */
  price: string;
  amount: string;
}

export interface ExpectedLevel {
  price: string;
  amount: string;
}

export interface BookPlan {
  trades: { price: string; amount: string }[];
  /** trades' sell then buy orders, in submission order */
  tradeOrders: SeedOrder[];
  resting: SeedOrder[];
  /** per side, best first, every level */
  bids: ExpectedLevel[];
  asks: ExpectedLevel[];
  /** pubticker: bid, ask, last, and the 24-hour base and quote volume */
  bid: string;
  ask: string;
  last: string;
  volumeBase: string;
  volumeQuote: string;
}

const MID_CENTS = 3_000_000; // 30000.00
const STEP_CENTS = 50; // 0.50 between levels

/** cents as a price with two decimals */
function priceOf(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** thousandths of a BTC, trailing zeros trimmed ("0.05", "1") */
function amountOf(milli: number): string {
  const frac = String(milli % 1000).padStart(3, '0').replace(/0+$/, '');
  return frac === '' ? String(Math.floor(milli / 1000)) : `${Math.floor(milli / 1000)}.${frac}`;
}

export function bookPlan(orders: number, levels: number, accounts: number): BookPlan {
  if (accounts < 2) throw new Error('the book plan needs at least 2 accounts');
  const tradePrices = [MID_CENTS + 10, MID_CENTS - 10, MID_CENTS];
  const tradeMilli = 10;
  const tradeOrders: SeedOrder[] = [];
  for (const c of tradePrices) {
    tradeOrders.push({ account: 1, side: 'sell', price: priceOf(c), amount: amountOf(tradeMilli) });
    tradeOrders.push({ account: 0, side: 'buy', price: priceOf(c), amount: amountOf(tradeMilli) });
  }
  const resting: SeedOrder[] = [];
  const sideTotals = { buy: new Array<number>(levels).fill(0), sell: new Array<number>(levels).fill(0) };
  const perSide = { buy: Math.ceil(orders / 2), sell: Math.floor(orders / 2) };
  // interleave the sides so the book grows on both at once
  for (let n = 0; n < perSide.buy || n < perSide.sell; n++) {
    for (const side of ['buy', 'sell'] as const) {
      if (n >= perSide[side]) continue;
      const level = n % levels;
      const cents = side === 'buy' ? MID_CENTS - STEP_CENTS * (level + 1) : MID_CENTS + STEP_CENTS * (level + 1);
      const milli = 1 + ((7 * n) % 50);
      sideTotals[side][level]! += milli;
      resting.push({ account: (2 * n + (side === 'buy' ? 0 : 1)) % accounts, side, price: priceOf(cents), amount: amountOf(milli) });
    }
  }
  const levelsOf = (side: 'buy' | 'sell'): ExpectedLevel[] =>
    sideTotals[side]
      .map((milli, i) => ({ milli, i }))
      .filter((l) => l.milli > 0)
      .map(({ milli, i }) => ({
        price: priceOf(side === 'buy' ? MID_CENTS - STEP_CENTS * (i + 1) : MID_CENTS + STEP_CENTS * (i + 1)),
        amount: amountOf(milli),
      }));
  const bids = levelsOf('buy');
  const asks = levelsOf('sell');
  const quoteTenThousandths = tradePrices.reduce((t, c) => t + c * tradeMilli, 0); // cents x milli = 1e-5 USD
  return {
    trades: tradePrices.map((c) => ({ price: priceOf(c), amount: amountOf(tradeMilli) })),
    tradeOrders,
    resting,
    bids,
    asks,
    bid: bids[0]?.price ?? 'null',
    ask: asks[0]?.price ?? 'null',
    last: priceOf(tradePrices[tradePrices.length - 1]!),
    volumeBase: amountOf(tradeMilli * tradePrices.length),
    // cents x thousandths = 10^-5 USD; shown trimmed, as an exact decimal
    volumeQuote: trimmed(quoteTenThousandths, 5),
  };
}

function trimmed(units: number, scale: number): string {
  const s = String(units).padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  return frac === '' ? int : `${int}.${frac}`;
}

interface BookJson {
  bids: { price: string; amount: string; timestamp: string }[];
  asks: { price: string; amount: string; timestamp: string }[];
}

/**
 * Problems with a /v1/book/btcusd?limit_bids=L&limit_asks=L reply against the plan (empty = as
 * expected): exactly the plan's best L levels per side, best first, price and amount exact, and
 * every timestamp a whole number of seconds as a string.
 */
export function checkBook(body: string, plan: BookPlan, limit: number): string[] {
  let j: BookJson;
  try {
    j = JSON.parse(body) as BookJson;
  } catch {
    return [`not JSON: ${body.slice(0, 120)}`];
  }
  const out: string[] = [];
  for (const [name, got, want] of [
    ['bids', j.bids, plan.bids.slice(0, limit)],
    ['asks', j.asks, plan.asks.slice(0, limit)],
  ] as const) {
    if (!Array.isArray(got)) {
      out.push(`${name} is not an array`);
      continue;
    }
    if (got.length !== want.length) out.push(`${name}: ${got.length} levels, expected ${want.length}`);
    for (let i = 0; i < Math.min(got.length, want.length); i++) {
      const g = got[i]!;
      const w = want[i]!;
      if (g.price !== w.price || g.amount !== w.amount || typeof g.timestamp !== 'string' || !/^\d{10}$/.test(g.timestamp)) {
        out.push(`${name}[${i}] = ${JSON.stringify(g)}, expected price ${w.price} amount ${w.amount} and a timestamp in seconds`);
        if (out.length > 5) return out;
      }
    }
  }
  return out;
}

/** problems with a /v1/pubticker/btcusd reply against the plan (empty = as expected) */
export function checkTicker(body: string, plan: BookPlan, base: string, quote: string): string[] {
  let j: { bid?: unknown; ask?: unknown; last?: unknown; volume?: Record<string, unknown> };
  try {
    j = JSON.parse(body) as typeof j;
  } catch {
    return [`not JSON: ${body.slice(0, 120)}`];
  }
  const out: string[] = [];
  if (j.bid !== plan.bid) out.push(`bid ${String(j.bid)}, expected ${plan.bid}`);
  if (j.ask !== plan.ask) out.push(`ask ${String(j.ask)}, expected ${plan.ask}`);
  if (j.last !== plan.last) out.push(`last ${String(j.last)}, expected ${plan.last}`);
  const v = j.volume ?? {};
  if (v[base] !== plan.volumeBase) out.push(`volume.${base} ${String(v[base])}, expected ${plan.volumeBase}`);
  if (typeof v[quote] !== 'string' || Number(v[quote]) !== Number(plan.volumeQuote)) out.push(`volume.${quote} ${String(v[quote])}, expected ${plan.volumeQuote}`);
  if (typeof v['timestamp'] !== 'number' || Math.abs(v['timestamp'] - Date.now()) > 60_000) out.push(`volume.timestamp ${String(v['timestamp'])} is not the current time in ms`);
  return out;
}
