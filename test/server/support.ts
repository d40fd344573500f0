/**
 * Helpers for server, admin and CLI tests: temp data dirs, admin API calls, and running the
 * built CLI as a child process (asynchronously, so an in-process server keeps serving).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StartInfo } from '../../src/server/info.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** a fresh temp directory, removed when the test ends */
export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pollux-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface HttpResult {
  status: number;
  body: any;
}

/** call the admin API; `token` null sends no Authorization header */
export async function admin(baseUrl: string, token: string | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(new URL(path, baseUrl), { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json(): any;
}

/** run `pollux <args>` to completion */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    for (const k of Object.keys(env)) if (k.startsWith('POLLUX_') && !(opts.env && k in opts.env)) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

export interface CliServer {
  child: ChildProcessWithoutNullStreams;
  info: StartInfo;
  stderr(): string;
  /** send a signal and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `pollux start --json <args>` as a child; resolves with the JSON it prints once listening */
export function startCliServer(args: string[]): Promise<CliServer> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('POLLUX_')) delete env[k];
    const child = spawn(process.execPath, [CLI, 'start', '--json', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let done = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    const failsafe = setTimeout(() => child.kill('SIGKILL'), 20_000);
    exited.then((x) => {
      clearTimeout(failsafe);
      if (!done) reject(new Error(`pollux start exited (${x.code ?? x.signal}) before printing its JSON: ${err}`));
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (done || nl < 0) return;
      done = true;
      resolve({
        child,
        info: JSON.parse(out.slice(0, nl)) as StartInfo,
        stderr: () => err,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** run `pollux <args>` in this process (management commands only), capturing its output */
export async function runCliHere(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { run } = await import('../../src/cli/run.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (s) => (stdout += `${s}\n`), err: (s) => (stderr += `${s}\n`), env, cwd: process.cwd() });
  return { code, signal: null, stdout, stderr, json: () => JSON.parse(stdout) };
}
