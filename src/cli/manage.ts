/**
 * Management commands: each turns its arguments into one admin operation (see
 * src/api/admin/ops.ts), runs it on the chosen target (see target.ts) and prints the result —
 * as a table or summary for people, as JSON with --json for scripts.
 */
import type { AccountView, BalanceView, ClockView, KeyView, MarketView } from '../api/admin/views.js';
import type { ProvisionedAccount } from '../api/admin/provision.js';
import type { AdminOp, Input } from '../api/admin/ops.js';
import { onlyFlags, parseDuration, positionalCount, UsageError, type FlagName, type Flags } from './args.js';
import { keyBlock, keyTable, table } from './format.js';

export interface Planned {
  op: AdminOp;
  input: Input;
  render(result: unknown): string;
}

export interface ManageCommand {
  /** words after `pollux`, e.g. ["keys", "create"] */
  words: string[];
  usage: string;
  summary: string;
  flags: FlagName[];
  /** how many positional arguments after the words: [min, max] */
  arity: [number, number];
  plan(args: string[], flags: Flags): Planned;
}

const TARGET: FlagName[] = ['url', 'admin-token', 'data-dir', 'config', 'seed'];

function funds(list: string[] | undefined): Record<string, string> | undefined {
  if (list === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const item of list.flatMap((s) => s.split(','))) {
    const m = /^\s*([A-Za-z0-9]+)\s*[=:]\s*(\S+)\s*$/.exec(item);
    if (m === null) throw new UsageError(`--fund takes CURRENCY=AMOUNT (e.g. --fund USD=1000 --fund BTC=2), got ${JSON.stringify(item)}`);
    out[m[1]!.toUpperCase()] = m[2]!;
  }
  return out;
}

function roles(list: string[] | undefined): string[] | undefined {
  return list === undefined ? undefined : list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

const fmtBalances = (bs: BalanceView[]) => table(['CURRENCY', 'AMOUNT', 'AVAILABLE'], bs.map((b) => [b.currency, b.amount, b.available]));
const fmtClock = (c: ClockView) => `${c.iso}  (${c.time} ms since the epoch, ${c.type} clock)`;
const fmtMovement = (verb: string, prep: string) => (r: unknown) => {
  const x = r as { account: string; currency: string; amount: string; balance: BalanceView };
  return `${verb} ${x.amount} ${x.currency} ${prep} ${x.account}; ${x.currency} balance now ${x.balance.amount} (available ${x.balance.available})`;
};

export const COMMANDS: ManageCommand[] = [
  {
    words: ['accounts', 'create'],
    arity: [1, 1],
    usage: 'accounts create <name> [--account <short-name>] [--type exchange|custody] [--maker-bps N] [--taker-bps N] [--fund CUR=AMOUNT]... [--role R]... [--no-key]',
    summary: 'create an account, fund it, and give it a Trader API key (unless --no-key)',
    flags: [...TARGET, 'account', 'type', 'maker-bps', 'taker-bps', 'fund', 'role', 'no-key', 'heartbeat', 'time-nonce'],
    plan([name], f) {
      const keySpec = { roles: roles(f.role), requireHeartbeat: f.heartbeat, timeNonce: f['time-nonce'] };
      return {
        op: 'accounts.create',
        input: { name, account: f.account, type: f.type, makerBps: f['maker-bps'], takerBps: f['taker-bps'], funds: funds(f.fund), keys: f['no-key'] === true ? [] : [keySpec] },
        render(r) {
          const a = r as ProvisionedAccount;
          const out = [`created account ${a.account} ("${a.name}", ${a.type}, fees maker ${a.makerBps} / taker ${a.takerBps} bps)`];
          if (a.balances.length > 0) out.push('', fmtBalances(a.balances));
          for (const k of a.keys) out.push('', keyBlock(k));
          return out.join('\n');
        },
      };
    },
  },
  {
    words: ['accounts', 'list'],
    arity: [0, 0],
    usage: 'accounts list',
    summary: 'list accounts',
    flags: TARGET,
    plan: () => ({
      op: 'accounts.list',
      input: {},
      render: (r) =>
        table(['ACCOUNT', 'NAME', 'TYPE', 'MAKER', 'TAKER', 'CREATED'], (r as AccountView[]).map((a) => [a.account, a.name, a.type, `${a.makerBps}`, `${a.takerBps}`, new Date(a.created).toISOString()])),
    }),
  },
  {
    words: ['keys', 'create'],
    arity: [0, 0],
    usage: 'keys create (--account <account> | --master) [--role Trader|FundManager|Auditor|Administrator]... [--heartbeat] [--time-nonce] [--label L]',
    summary: 'create an API key (account-scoped, or a master key); prints its secret',
    flags: [...TARGET, 'account', 'master', 'role', 'heartbeat', 'time-nonce', 'label'],
    plan(_args, f) {
      if (f.master !== true && f.account === undefined) throw new UsageError('keys create needs --account <account> or --master');
      if (f.master === true && f.account !== undefined) throw new UsageError('give --account or --master, not both');
      return {
        op: 'keys.create',
        input: { account: f.account, master: f.master, roles: roles(f.role), requireHeartbeat: f.heartbeat, timeNonce: f['time-nonce'], label: f.label },
        render: (r) => keyBlock(r as KeyView),
      };
    },
  },
  {
    words: ['keys', 'list'],
    arity: [0, 0],
    usage: 'keys list [--account <account>]',
    summary: 'list API keys with their secrets, roles and flags',
    flags: [...TARGET, 'account'],
    plan: (_args, f) => ({ op: 'keys.list', input: { account: f.account }, render: (r) => keyTable(r as KeyView[]) }),
  },
  {
    words: ['deposit'],
    arity: [3, 3],
    usage: 'deposit <account> <currency> <amount>',
    summary: 'credit an account',
    flags: TARGET,
    plan: ([account, currency, amount]) => ({ op: 'deposit', input: { account, currency, amount }, render: fmtMovement('deposited', 'to') }),
  },
  {
    words: ['withdraw'],
    arity: [3, 3],
    usage: 'withdraw <account> <currency> <amount>',
    summary: 'debit an account (from its available balance)',
    flags: TARGET,
    plan: ([account, currency, amount]) => ({ op: 'withdraw', input: { account, currency, amount }, render: fmtMovement('withdrew', 'from') }),
  },
  {
    words: ['balances'],
    arity: [1, 1],
    usage: 'balances <account>',
    summary: "an account's balances",
    flags: TARGET,
    plan: ([account]) => ({ op: 'balances', input: { account }, render: (r) => fmtBalances(r as BalanceView[]) }),
  },
  {
    words: ['fees'],
    arity: [3, 3],
    usage: 'fees <account> <maker-bps> <taker-bps>',
    summary: "set an account's fee rates in basis points",
    flags: TARGET,
    plan: ([account, makerBps, takerBps]) => ({
      op: 'fees.set',
      input: { account, makerBps, takerBps },
      render: (r) => `${(r as AccountView).account}: maker ${(r as AccountView).makerBps} bps, taker ${(r as AccountView).takerBps} bps`,
    }),
  },
  {
    words: ['market', 'status'],
    arity: [0, 2],
    usage: 'market status [<symbol> [open|closed|cancel_only|limit_only|post_only]]',
    summary: "show markets' status, or set one market's status",
    flags: TARGET,
    plan([symbol, status]) {
      const show = (ms: MarketView[]) => table(['SYMBOL', 'BASE', 'QUOTE', 'STATUS'], ms.map((m) => [m.symbol, m.base, m.quote, m.status]));
      if (status !== undefined) return { op: 'markets.status', input: { symbol, status }, render: (r) => `${(r as MarketView).symbol}: ${(r as MarketView).status}` };
      return {
        op: 'markets.list',
        input: {},
        render(r) {
          const ms = (r as MarketView[]).filter((m) => symbol === undefined || m.symbol === symbol.toLowerCase());
          if (symbol !== undefined && ms.length === 0) throw new UsageError(`no market ${symbol}`);
          return show(ms);
        },
      };
    },
  },
  {
    words: ['clock', 'get'],
    arity: [0, 0],
    usage: 'clock get',
    summary: "the running exchange's time",
    flags: ['url', 'admin-token', 'data-dir', 'config'],
    plan: () => ({ op: 'clock.get', input: {}, render: (r) => fmtClock(r as ClockView) }),
  },
  {
    words: ['clock', 'advance'],
    arity: [1, 1],
    usage: 'clock advance <duration>   (1500, 30s, 5m, 2h, 1d)',
    summary: 'move a virtual clock forward (fires heartbeat deadlines)',
    flags: ['url', 'admin-token', 'data-dir', 'config'],
    plan: ([d]) => ({ op: 'clock.advance', input: { ms: parseDuration(d!) }, render: (r) => fmtClock(r as ClockView) }),
  },
  {
    words: ['clock', 'set'],
    arity: [1, 1],
    usage: 'clock set <time>   (ms since the epoch, or ISO-8601)',
    summary: 'set a virtual clock (forward only)',
    flags: ['url', 'admin-token', 'data-dir', 'config'],
    plan: ([t]) => ({ op: 'clock.set', input: { time: t }, render: (r) => fmtClock(r as ClockView) }),
  },
];

export function findCommand(positionals: readonly string[]): { cmd: ManageCommand; args: string[] } | undefined {
  for (const cmd of COMMANDS) {
    if (cmd.words.every((w, i) => positionals[i] === w)) return { cmd, args: positionals.slice(cmd.words.length) };
  }
  return undefined;
}

export function planCommand(cmd: ManageCommand, args: string[], flags: Flags): Planned {
  onlyFlags(flags, cmd.flags, cmd.words.join(' '));
  const [min, max] = cmd.arity;
  positionalCount(args, min, max, cmd.usage);
  return cmd.plan(args, flags);
}
