/**
 * Reproducible random command flows and the invariant checker used on them.
 * randomFlow touches every command type with prices near 100 (btcusd) and 20 (ethusd).
 */
import assert from 'node:assert/strict';
import type { CommandBody } from '../../src/engine/commands.js';
import type { Engine } from '../../src/engine/engine.js';
import {
  buy, cancel, cancelAll, cancelSession, deposit, expireSession, market, sell, setFees, setStatus, stopLimit, trader, withdraw,
} from './commands.js';

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4'];

/** A random but reproducible flow touching every command type. */
export function randomFlow(seed: number, n: number): CommandBody[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cmds: CommandBody[] = ACCOUNTS.flatMap((a) => trader(a, { USD: '5000', BTC: '20', ETH: '20' }));
  for (let i = 0; i < n; i++) {
    const acct = pick(ACCOUNTS);
    const session = `${acct}-${pick(['k1', 'k2'])}`;
    const symbol = r() < 0.8 ? 'btcusd' : 'ethusd';
    const base = symbol === 'btcusd' ? 100 : 20;
    const price = (base * (0.95 + 0.1 * r())).toFixed(2);
    const amount = (0.01 + Math.floor(r() * 150) / 100).toFixed(2);
    const side = r() < 0.5 ? 'buy' : 'sell';
    const x = r();
    if (x < 0.55) {
      const options = pick([[], [], [], ['maker-or-cancel'], ['immediate-or-cancel'], ['fill-or-kill']]);
      cmds.push({ ...(side === 'buy' ? buy : sell)(acct, amount, price, { symbol, session, options }) });
    } else if (x < 0.63) {
      const limit = Number(price);
      const stop = (side === 'buy' ? limit * (1 - 0.02 * r()) : limit * (1 + 0.02 * r())).toFixed(2);
      cmds.push(stopLimit(acct, side, amount, price, stop, { symbol, session }));
    } else if (x < 0.68) {
      cmds.push(market(acct, side, amount, { symbol, session }));
    } else if (x < 0.85) {
      cmds.push(cancel(acct, String(1 + Math.floor(r() * (i + 5)))));
    } else if (x < 0.87) {
      cmds.push(cancelAll(acct));
    } else if (x < 0.89) {
      cmds.push(cancelSession(session));
    } else if (x < 0.91) {
      cmds.push(expireSession(session));
    } else if (x < 0.93) {
      cmds.push(setStatus(symbol, pick(['open', 'open', 'post_only', 'limit_only', 'cancel_only'])));
    } else if (x < 0.95) {
      cmds.push(setFees(acct, Math.floor(r() * 30), Math.floor(r() * 60)));
    } else if (x < 0.975) {
      cmds.push(deposit(acct, pick(['USD', 'BTC', 'ETH']), (r() * 100).toFixed(3)));
    } else {
      cmds.push(withdraw(acct, pick(['USD', 'BTC', 'ETH']), (r() * 100).toFixed(3)));
    }
  }
  cmds.push(setStatus('btcusd', 'open'), setStatus('ethusd', 'open'));
  return cmds;
}

/** Checks the invariants the ledger and books promise. */
export function checkInvariants(e: Engine, deposits: Map<string, bigint>): void {
  const s = e.state;
  const holds = new Map<string, bigint>();
  for (const o of s.orders.values()) {
    assert.ok(o.remaining > 0 && o.remaining <= o.amount, `order ${o.id} remaining`);
    const m = s.markets.get(o.symbol)!.market;
    const key = `${o.account}/${o.side === 'buy' ? m.quote : m.base}`;
    holds.set(key, (holds.get(key) ?? 0n) + o.hold);
  }
  const totals = new Map<string, bigint>();
  for (const a of s.accounts.values()) {
    for (const [c, b] of a.balances) {
      assert.ok(b.held >= 0n && b.held <= b.total, `${a.id} ${c}: 0 <= held ${b.held} <= total ${b.total}`);
      assert.equal(b.held, holds.get(`${a.id}/${c}`) ?? 0n, `${a.id} ${c}: held equals the open orders' holds`);
      totals.set(c, (totals.get(c) ?? 0n) + b.total);
    }
  }
  for (const [c, v] of s.feesCollected) totals.set(c, (totals.get(c) ?? 0n) + v);
  for (const [c, v] of deposits) assert.equal(totals.get(c) ?? 0n, v, `${c} conserved`);
  for (const ms of s.markets.values()) {
    const bid = ms.book.best('buy');
    const ask = ms.book.best('sell');
    if (bid !== undefined && ask !== undefined) assert.ok(bid.price < ask.price, `${ms.market.symbol} crossed`);
    let n = 0;
    ms.book.scan('buy', () => (n++, true));
    ms.book.scan('sell', () => (n++, true));
    assert.equal(n + ms.stops.length, [...s.orders.values()].filter((o) => o.symbol === ms.market.symbol).length);
  }
}

