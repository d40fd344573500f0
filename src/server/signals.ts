/**
 * Graceful shutdown on SIGINT / SIGTERM for a server run as a process (the CLI's `start`).
 * Library users (startExchange inside a test suite) do not get these handlers; they call close().
 *
 * Invariants: the first signal closes the server (stop accepting, finish requests, flush and
 * close the journal) and exits 0, or 1 if closing failed or took longer than `timeoutMs`; a
 * second signal while closing exits at once with 130.
 */
export interface ShutdownOptions {
  log?: (msg: string) => void;
  exit?: (code: number) => void;
  timeoutMs?: number;
}

export function shutdownOnSignals(server: { close(): Promise<void> }, opts: ShutdownOptions = {}): () => void {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (closing) {
      log(`pollux: ${sig} again, exiting without waiting`);
      exit(130);
      return;
    }
    closing = true;
    log(`pollux: ${sig}, shutting down`);
    const timer = setTimeout(() => {
      log('pollux: shutdown took too long, exiting');
      exit(1);
    }, opts.timeoutMs ?? 10_000);
    timer.unref();
    server.close().then(
      () => {
        clearTimeout(timer);
        log('pollux: stopped, journal flushed');
        exit(0);
      },
      (e: unknown) => {
        clearTimeout(timer);
        log(`pollux: error while shutting down: ${e instanceof Error ? e.message : String(e)}`);
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
