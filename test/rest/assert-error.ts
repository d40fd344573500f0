/**
 * Assertions on Gemini-shaped error replies: exactly {result:"error", reason, message} with the
 * expected status and a JSON content type.
 */
import assert from 'node:assert/strict';
import type { Reply } from './client.js';

export function assertError(r: Reply, status: number, reason: string): void {
  assert.equal(r.status, status, `status (body: ${r.text})`);
  assert.match(r.contentType ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(r.body as object).sort(), ['message', 'reason', 'result']);
  assert.equal(r.body.result, 'error');
  assert.equal(r.body.reason, reason, `reason (body: ${r.text})`);
  assert.equal(typeof r.body.message, 'string');
  assert.ok((r.body.message as string).length > 0);
  assert.doesNotMatch(r.text, /\bat .*\.js:\d+/, 'no stack trace');
}

export function assertOk(r: Reply): void {
  assert.equal(r.status, 200, `status (body: ${r.text})`);
  assert.match(r.contentType ?? '', /^application\/json/);
}
