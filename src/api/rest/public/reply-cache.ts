/**
 * Pre-serialized public replies, reused while nothing they show can have changed.
 *
 * Owns: one bounded map per server from a normalized request key (symbol and parameters, after
 * validation) to the reply's JSON text, tagged with what it was built from: the exchange version
 * (the sequencer's last applied seq: every state change, order, cancel, status change or deposit,
 * moves it), the version of any read model it also reads (market data is fed after commit, so it
 * moves separately), and the clock reading it shows (e.g. whole seconds for /v1/book).
 * Invariants: a hit is byte-identical to what the endpoint would build now, because both tags
 * match; keys come only from validated parameters, so an invalid request never creates an entry;
 * the map never holds more than `max` entries (it is cleared when full — a cheap bound against
 * callers that cycle through many distinct limits).
 */

/**
 * A reply body that is already JSON text; the endpoint wrapper sends it as is. Kept as a string,
 * not a Buffer: Node's HTTP layer joins the header block and a string body into one chunk of the
 * socket write, where a Buffer body is a chunk of its own; in our runs the string was the faster.
 */
export class Serialized {
  /** Content-Length, computed once instead of on every send */
  readonly length: string;
  constructor(readonly body: string) {
    this.length = String(Buffer.byteLength(body, 'utf8'));
  }
}

interface Entry {
  version: number;
  readVersion: number;
  stamp: number;
  reply: Serialized;
}

export class ReplyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = 512) {}

  /** the cached reply for `key` built at these tags, building and storing it on a miss */
  get(key: string, version: number, readVersion: number, stamp: number, build: () => unknown): Serialized {
    const e = this.entries.get(key);
    if (e !== undefined && e.version === version && e.readVersion === readVersion && e.stamp === stamp) return e.reply;
    const reply = new Serialized(JSON.stringify(build()));
    if (e !== undefined) {
      e.version = version;
      e.readVersion = readVersion;
      e.stamp = stamp;
      e.reply = reply;
    } else {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, { version, readVersion, stamp, reply });
    }
    return reply;
  }

  get size(): number {
    return this.entries.size;
  }
}
