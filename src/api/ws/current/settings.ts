/**
 * Limits and intervals of the current WebSocket API, in one mutable object so an operator (or a
 * test) can tune them before connections open. Changes apply to connections and streams created
 * afterwards.
 */
import { DEFAULT_MAX_BUFFERED } from '../feed/index.js';

export const CURRENT_API_SETTINGS = {
  /** a connection whose unsent backlog would exceed this is closed (1008 "slow consumer") */
  maxBufferedBytes: DEFAULT_MAX_BUFFERED,
  /** request frames above this size get a Malformed error (the router refuses > 64 KiB outright) */
  maxMessageBytes: 16 * 1024,
  /** streams one connection may hold */
  maxStreams: 1024,
  /** period of `@depth` and `@depthN` streams */
  slowIntervalMs: 1000,
  /** period of the `@100ms` variants */
  fastIntervalMs: 100,
  /** `depth` method: default and largest `limit` */
  depthDefaultLimit: 100,
  depthMaxLimit: 5000,
};

/**
 * What `conninfo` reports (Gemini's published figures as read by a third party; Pollux does not
 * enforce them).
 */
export const RATE_LIMITS = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'SECOND', intervalNum: 10, limit: 7000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 3500 },
  { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 10_000_000 },
  { rateLimitType: 'CONNECTIONS', interval: 'MINUTE', intervalNum: 5, limit: 300 },
] as const;
