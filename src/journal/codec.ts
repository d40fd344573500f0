/**
 * Journal codec: a stamped Command <-> a journal row (seq, time, body JSON).
 *
 * Owns: the on-disk form of commands. `body` is the JSON of the command without `seq`/`time`
 * (those are columns).
 * Invariants: decode(encode(c)) is what the engine is given, live and on replay alike — the
 * sequencer applies the *decoded* command, so values JSON cannot carry (undefined, NaN, Dates,
 * prototypes) can never make a replay differ from the original run. Encoding is a pure function
 * of the command.
 */
import type { Command, CommandBody } from '../engine/commands.js';

export interface JournalRow {
  seq: number;
  time: number;
  body: string;
}

const COMMAND_TYPES: Record<CommandBody['type'], true> = {
  CreateAccount: true,
  SetFees: true,
  Deposit: true,
  Withdraw: true,
  PlaceOrder: true,
  CancelOrder: true,
  CancelAllOrders: true,
  CancelSessionOrders: true,
  ExpireSession: true,
  SetMarketStatus: true,
};

export class CodecError extends Error {
  override name = 'CodecError';
}

const hasOwn = Object.prototype.hasOwnProperty;

/** JSON text of a command body (any `seq`/`time` on it are dropped). Throws CodecError. */
export function encodeBody(body: CommandBody | Command): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new CodecError('command must be an object');
  // a body from an adapter has no seq/time: stringify it as it is (same text, no copy)
  let rest: object = body;
  if (hasOwn.call(body, 'seq') || hasOwn.call(body, 'time')) {
    const { seq: _s, time: _t, ...others } = body as CommandBody & Partial<Command>;
    rest = others;
  }
  let text: string;
  try {
    text = JSON.stringify(rest);
  } catch (e) {
    throw new CodecError(`command is not JSON-encodable: ${(e as Error).message}`);
  }
  const type = (rest as { type?: unknown }).type;
  if (typeof type !== 'string' || !hasOwn.call(COMMAND_TYPES, type)) throw new CodecError(`unknown command type ${String(type)}`);
  return text;
}

export function encodeCommand(cmd: Command): JournalRow {
  return { seq: cmd.seq, time: cmd.time, body: encodeBody(cmd) };
}

export function decodeCommand(row: JournalRow): Command {
  const { seq, time } = row;
  if (!Number.isSafeInteger(seq) || seq < 1) throw new CodecError(`bad seq ${seq}`);
  if (!Number.isSafeInteger(time)) throw new CodecError(`bad time ${time} at seq ${seq}`);
  const parsed = JSON.parse(row.body) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CodecError(`seq ${seq}: body is not an object`);
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string' || !hasOwn.call(COMMAND_TYPES, type)) {
    throw new CodecError(`seq ${seq}: unknown command type ${String(type)}`);
  }
  // the parsed object is ours alone: stamp it in place (an encoded body never has seq/time, so
  // they land last, as a spread would put them)
  const cmd = parsed as Record<string, unknown>;
  if (hasOwn.call(cmd, 'seq')) delete cmd['seq'];
  if (hasOwn.call(cmd, 'time')) delete cmd['time'];
  cmd['seq'] = seq;
  cmd['time'] = time;
  return cmd as unknown as Command;
}
