/**
 * One legacy WebSocket connection: JSON out, `socket_sequence` numbering, bounded output, error
 * replies for bad frames.
 *
 * Owns the per-connection invariants every legacy API shares:
 * - `socket_sequence` starts at 0 and grows by one per sequenced message, with no gaps, for the
 *   life of the connection (unsequenced messages — error replies, v2 frames — do not consume one);
 * - output is bounded by the feed's slow-consumer rule (feed/outbox.ts, 4 MiB backlog by
 *   default): a client that falls that far behind is closed with 1008 "slow consumer", never
 *   sent a stream with a hole. It reconnects and starts again from a fresh snapshot;
 * - nothing is sent after the socket left the OPEN state; `onClose` hooks run exactly once.
 * A bad frame never throws out of here: `incoming` hands the handler parsed JSON or replies
 * `{"result":"error","reason":"InvalidJson",...}` itself.
 */
import type { RawData, WebSocket } from 'ws';
import { DEFAULT_MAX_BUFFERED, Outbox } from '../feed/index.js';

/** largest backlog (bytes) a connection may have before it is dropped as a slow consumer */
export const MAX_BUFFERED_BYTES = DEFAULT_MAX_BUFFERED;

/** largest client frame read (the router's ws server refuses larger ones too) */
const MAX_FRAME_TEXT = 64 * 1024;

export interface ErrorReply {
  result: 'error';
  reason: string;
  message: string;
}

export function errorReply(reason: string, message: string): ErrorReply {
  return { result: 'error', reason, message };
}

export class LegacyConn {
  private nextSeq = 0;
  private closed = false;
  private readonly closeHooks: (() => void)[] = [];
  private readonly outbox: Outbox;
  /** set when the connection was dropped for falling behind */
  slow = false;

  constructor(
    readonly ws: WebSocket,
    maxBuffered: number = MAX_BUFFERED_BYTES,
  ) {
    this.outbox = new Outbox(ws, maxBuffered, 1000, () => {
      this.slow = true;
      this.finish(); // stop feeding it at once; the socket closes behind
    });
    ws.on('close', () => this.finish());
    ws.on('error', () => this.finish());
  }

  get open(): boolean {
    return !this.closed && this.outbox.open;
  }

  /** the socket_sequence the next sequenced message will carry */
  get sequence(): number {
    return this.nextSeq;
  }

  /** run `fn` once when the connection ends (for any reason) */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeHooks.push(fn);
  }

  /** send a JSON value as it is; false when the connection is gone or was just dropped */
  send(msg: unknown): boolean {
    return this.sendText(JSON.stringify(msg));
  }

  /**
   * Send a message built around the next socket_sequence. The number is consumed only if the
   * message was handed to the socket, so a client never sees a gap while the connection lives.
   */
  sendSequenced(build: (seq: number) => unknown): boolean {
    if (!this.open) return false;
    const ok = this.sendText(JSON.stringify(build(this.nextSeq)));
    if (ok) this.nextSeq++;
    return ok;
  }

  sendText(text: string): boolean {
    if (!this.open) return false;
    return this.outbox.send(text);
  }

  /** an error reply (never sequenced) */
  error(reason: string, message: string): void {
    this.send(errorReply(reason, message));
  }

  /**
   * Decode one client frame: JSON text -> the value; anything else gets an error reply and
   * undefined. Binary frames holding UTF-8 JSON are accepted as text.
   */
  incoming(data: RawData, isBinary: boolean): unknown {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (buf.length > MAX_FRAME_TEXT) {
      this.error('InvalidJson', 'message too large');
      return undefined;
    }
    try {
      return JSON.parse(buf.toString('utf8')) as unknown;
    } catch {
      this.error('InvalidJson', isBinary ? 'binary frames must hold UTF-8 JSON' : 'message is not valid JSON');
      return undefined;
    }
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeHooks.splice(0)) {
      try {
        fn();
      } catch {
        // a failing hook must not keep the others from running
      }
    }
  }
}
