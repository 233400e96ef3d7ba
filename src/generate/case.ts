// A generated case is a golden flow (FlowSpec) plus the whole objects it reads from files
// next to it, so every case can be written out as a standalone golden-flow file and
// replayed. Its flow id is derived from its content: the same case always gets the same id,
// hence the same object ids (expand.ts derives them from the flow id) and the same run.

import { createHash } from 'node:crypto';
import type { Profile } from '../adapter/contract.js';
import type { Need } from '../kit/check.js';
import type { FlowSpec } from '../kit/flows/spec.js';
import type { Context, Plan } from '../mplp/types.js';

/** Objects taken verbatim from data files next to the flow (schema fuzz). */
export interface CaseFiles {
  context?: Context;
  plan?: Plan;
}

export interface GeneratedCase {
  spec: FlowSpec;
  files: CaseFiles;
  /** How big the case is: what shrinking minimises and reports. */
  size: { steps: number; operations: number };
}

/** What the session a case runs in offers, as far as generation must know. */
export interface CaseEnv {
  /** env.maxConcurrency of the sessions. */
  maxConcurrency: number;
  /** Profiles the adapter claims. */
  profiles: readonly Profile[];
  pauseResume: boolean;
  /** Approval through Confirms is claimed; otherwise plans start registered approved. */
  approval: boolean;
}

/** The property a case belongs to: its check's id, title and requirements. */
export interface CaseOwner {
  checkId: string;
  title: string;
  requirements: readonly string[];
}

/** The flow body without the identity fields, which `finishCase` adds. */
export type CaseBody = Omit<FlowSpec, 'id' | 'title' | 'requirements' | 'needs'> & { needs?: Need[] };

/** `properties.dag.invalid-rejected` → `properties-dag-invalid-rejected` (a valid flow id prefix). */
export function flowIdPrefix(checkId: string): string {
  return checkId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

const FILE_KINDS = ['context', 'plan'] as const;

/** Names the case after its content and points file-backed objects at `<flow id>.<kind>.json`. */
export function finishCase(owner: CaseOwner, body: CaseBody, files: CaseFiles = {}): GeneratedCase {
  const hash = createHash('sha256').update(JSON.stringify({ body, files })).digest('hex').slice(0, 10);
  const id = `${flowIdPrefix(owner.checkId)}-${hash}`;
  const spec: FlowSpec = { id, title: owner.title, requirements: [...owner.requirements], ...body };
  for (const kind of FILE_KINDS) if (files[kind]) spec[kind] = { file: dataFileName(id, kind) };
  if (spec.needs?.length === 0) delete spec.needs;
  const steps = files.plan ? files.plan.steps.length : Object.keys(spec.plan?.steps ?? {}).length;
  return { spec, files, size: { steps, operations: spec.operations.length } };
}

export function dataFileName(flowId: string, kind: (typeof FILE_KINDS)[number]): string {
  return `${flowId}.${kind}.json`;
}

export function caseDataFiles(c: GeneratedCase): { name: string; value: unknown }[] {
  return FILE_KINDS.filter((k) => c.files[k] !== undefined).map((k) => ({ name: dataFileName(c.spec.id, k), value: c.files[k] }));
}
