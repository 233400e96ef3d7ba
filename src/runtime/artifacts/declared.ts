// What a step's AEL result declares besides its output (docs/drift-and-rollback.md):
//   artifacts:    [{ path }]            files the action wrote or deleted in the workspace
//                 [{ path, content }]   a product the runtime writes for the step (UTF-8 text)
//   state:        { key: value }        values the step writes to the VSL
//   compensation: { ... }               the action that undoes this one (sent back to the AEL)
// Anything else in the result is the action's own business.

import { RuntimeError } from '../errors.js';

export interface DeclaredArtifact {
  path: string;
  /** Present when the runtime, not the action, puts the content in place. */
  content?: string;
}

export interface StepDeclarations {
  artifacts: DeclaredArtifact[];
  state: [string, unknown][];
  compensation?: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function malformed(what: string, value: unknown): RuntimeError {
  return new RuntimeError('SCHEMA_INVALID', `the action result declares ${what}: ${JSON.stringify(value)}`, { declared: value });
}

export function declarationsOf(result: unknown): StepDeclarations {
  if (!isRecord(result)) return { artifacts: [], state: [] };
  const { artifacts = [], state = {}, compensation } = result;
  if (!Array.isArray(artifacts)) throw malformed('artifacts that are not a list of { path }', artifacts);
  const declared = artifacts.map((a): DeclaredArtifact => {
    if (!isRecord(a) || typeof a['path'] !== 'string') throw malformed('an artifact without a string path', a);
    if (a['content'] !== undefined && typeof a['content'] !== 'string') throw malformed('artifact content that is not text', a);
    return a['content'] === undefined ? { path: a['path'] } : { path: a['path'], content: a['content'] };
  });
  if (!isRecord(state)) throw malformed('state that is not an object of key → value', state);
  if (compensation !== undefined && !isRecord(compensation)) throw malformed('a compensation that is not an action object', compensation);
  return { artifacts: declared, state: Object.entries(state), ...(compensation ? { compensation } : {}) };
}
