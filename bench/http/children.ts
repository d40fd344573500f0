/**
 * Servers under test run in child processes, never in the load generator's process: spawn one,
 * wait for its `ready` message over IPC, talk to it, stop it.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface ChildMessage {
  type: string;
  [k: string]: unknown;
}

export class ServerChild {
  private readonly waiting = new Map<string, (m: ChildMessage) => void>();
  private exited = false;
  private readonly exit: Promise<number | null>;

  private constructor(readonly name: string, readonly proc: ChildProcess) {
    proc.on('message', (m: ChildMessage) => {
      const w = this.waiting.get(m.type);
      if (w !== undefined) {
        this.waiting.delete(m.type);
        w(m);
      }
    });
    this.exit = new Promise((resolve) =>
      proc.on('exit', (code) => {
        this.exited = true;
        for (const [type, w] of this.waiting) w({ type: 'exit', error: `${name} exited with code ${code} while waiting for '${type}'` });
        this.waiting.clear();
        resolve(code);
      }),
    );
  }

  /** start `script` (a compiled .js file) with `args`; resolves with its `ready` message */
  static async start(name: string, script: string, args: string[] = [], timeoutMs = 60_000, execArgv: string[] = []): Promise<{ child: ServerChild; ready: ChildMessage }> {
    const proc = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    const child = new ServerChild(name, proc);
    const ready = await child.next('ready', timeoutMs);
    return { child, ready };
  }

  /** the next message of `type` (an error message from the child rejects) */
  next(type: string, timeoutMs = 60_000): Promise<ChildMessage> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(type);
        reject(new Error(`${this.name}: no '${type}' message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: ChildMessage): void => {
        clearTimeout(timer);
        this.waiting.delete('error');
        if (m.type === 'error' || m.type === 'exit') reject(new Error(`${this.name}: ${String(m.error)}`));
        else resolve(m);
      };
      this.waiting.set(type, done);
      if (type !== 'error') this.waiting.set('error', done);
    });
  }

  /** send a request message and wait for the reply of type `replyType` */
  async ask(msg: ChildMessage, replyType: string, timeoutMs = 60_000): Promise<ChildMessage> {
    const reply = this.next(replyType, timeoutMs);
    this.proc.send(msg);
    return reply;
  }

  /** ask the child to close cleanly; kill it (by its pid) if it does not exit in time */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.exited) return;
    this.proc.send({ type: 'close' });
    const t = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exit;
    clearTimeout(t);
  }
}

/** helper for child scripts: report a fatal error to the parent and exit */
export function childFail(e: unknown): never {
  const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  try {
    process.send?.({ type: 'error', error });
  } catch {
    // parent gone
  }
  console.error(error);
  process.exit(1);
}
