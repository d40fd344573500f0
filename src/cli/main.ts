#!/usr/bin/env node
/**
 * `pollux`: the process entry point (package.json "bin"). See run.ts for the commands.
 * Exits with run()'s status once output is flushed (without waiting for idle keep-alive
 * sockets); `start` keeps the process running until SIGINT / SIGTERM.
 */
import { run } from './run.js';

const code = await run(process.argv.slice(2));
if (code >= 0) process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
