/**
 * Bounded sending for WebSocket connections: a client that does not read fast enough is
 * disconnected instead of letting its backlog grow without limit.
 *
 * Owns the slow-consumer rule shared by every WebSocket API: before each send, the socket's
 * backlog (`ws.bufferedAmount`: bytes queued in `ws` and in the kernel-side stream buffer not yet
 * accepted by the OS) plus the new frame must stay under `maxBuffered`; otherwise the connection
 * is closed with code 1008 ("policy violation", reason "slow consumer") and, since that close
 * frame waits behind the backlog, torn down after `graceMs` if the client still has not read it.
 * Invariants: after `send` returns false nothing more is sent on that socket; frames are never
 * dropped silently from a live connection (a gap would corrupt a differential stream), the
 * connection is dropped instead.
 */
import WebSocket from 'ws';

/** default per-connection backlog limit: 4 MiB */
export const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;
export const SLOW_CONSUMER_CLOSE_CODE = 1008;
export const SLOW_CONSUMER_REASON = 'slow consumer';

export class Outbox {
  private dropped = false;

  constructor(
    readonly ws: WebSocket,
    readonly maxBuffered: number = DEFAULT_MAX_BUFFERED,
    private readonly graceMs = 1000,
    private readonly onDrop?: () => void,
  ) {}

  /** false once the connection is closing, closed or dropped for being slow */
  get open(): boolean {
    return !this.dropped && this.ws.readyState === WebSocket.OPEN;
  }

  /** queue one text frame; false when it was not sent (closed, or the client is too slow) */
  send(text: string): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount + Buffer.byteLength(text) > this.maxBuffered) {
      this.drop();
      return false;
    }
    this.ws.send(text);
    return true;
  }

  private drop(): void {
    this.dropped = true;
    this.onDrop?.();
    const ws = this.ws;
    ws.close(SLOW_CONSUMER_CLOSE_CODE, SLOW_CONSUMER_REASON);
    const t = setTimeout(() => ws.terminate(), this.graceMs);
    t.unref();
    ws.once('close', () => clearTimeout(t));
  }
}
