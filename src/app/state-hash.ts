/**
 * The state hash: sha256 (hex) of the engine's canonical snapshot JSON.
 *
 * Invariants: two engines with the same history have the same hash (exportState is canonical:
 * sorted keys/maps, books in priority order, bigints as strings). A snapshot stored as text
 * `JSON.stringify(exportState(engine))` hashes to the same value via `hashText`.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { exportState } from '../engine/snapshot.js';

export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** the canonical snapshot text of the engine's state */
export function stateText(engine: Engine): string {
  return JSON.stringify(exportState(engine));
}

export function stateHash(engine: Engine): string {
  return hashText(stateText(engine));
}
