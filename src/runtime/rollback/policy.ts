// Which rollback a failed plan gets (SEED-L3 §7): a snapshot restore, compensations, both
// (compensations first, then the restore), or none. Chosen per session; a run keeps the
// policy it started with.

import { RuntimeError } from '../errors.js';

export interface RollbackPolicy {
  /** Snapshot files, artifact nodes and step-written VSL values before a run; restore them on failure. */
  snapshot: boolean;
  /** Run the declared inverse of every completed step, newest first, on failure. */
  compensate: boolean;
}

export const NO_ROLLBACK: RollbackPolicy = Object.freeze({ snapshot: false, compensate: false });

export function rollbackPolicy(value: unknown): RollbackPolicy {
  const p = value as Record<string, unknown> | null;
  const keys = p && typeof p === 'object' ? Object.keys(p) : [];
  if (!p || typeof p['snapshot'] !== 'boolean' || typeof p['compensate'] !== 'boolean' || keys.length !== 2) {
    throw new RuntimeError('SCHEMA_INVALID', `a rollback policy is { snapshot: boolean, compensate: boolean }, got ${JSON.stringify(value)}`, { policy: value });
  }
  return { snapshot: p['snapshot'], compensate: p['compensate'] };
}

export const isActive = (p: RollbackPolicy) => p.snapshot || p.compensate;
