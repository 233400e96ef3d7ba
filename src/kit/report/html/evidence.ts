// Reads the parts of a check's evidence the HTML report draws. report.json may come from an
// older kit or a hand edit, so every shape is checked before it is believed.

import type { PlanDag, PlanDagChange, PlanDagStep } from '../../flows/plan-evidence.js';
import type { CheckRecord } from '../../runner.js';

export interface FlowFinding {
  where: string;
  message: string;
  expected?: unknown;
  seen?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isStep(v: unknown): v is PlanDagStep {
  return isRecord(v) && typeof v['name'] === 'string' && typeof v['id'] === 'string' && isStringArray(v['after']) && (v['status'] === undefined || typeof v['status'] === 'string');
}

const optional = (v: Record<string, unknown>, key: string, type: 'string' | 'number') => v[key] === undefined || typeof v[key] === type;

function isChange(v: unknown): v is PlanDagChange {
  return isRecord(v) && typeof v['type'] === 'string' && typeof v['subject'] === 'string' && optional(v, 'seq', 'number') && optional(v, 'from', 'string') && optional(v, 'to', 'string') && optional(v, 'reason', 'string');
}

/** The plan picture a flow failure recorded (evidence.plan_dag), if any. */
export function planDagOf(record: CheckRecord): PlanDag | undefined {
  const dag = record.evidence?.['plan_dag'];
  if (!isRecord(dag) || !Array.isArray(dag['steps']) || !dag['steps'].every(isStep)) return undefined;
  const changes = Array.isArray(dag['changes']) ? dag['changes'].filter(isChange) : [];
  return { steps: dag['steps'], ...(typeof dag['plan_status'] === 'string' ? { plan_status: dag['plan_status'] } : {}), changes };
}

/** The broken expectations a flow failure listed (evidence.failures), first = the one in the message. */
export function findingsOf(record: CheckRecord): FlowFinding[] {
  const list = record.evidence?.['failures'];
  if (!Array.isArray(list)) return [];
  return list.filter((f): f is FlowFinding => isRecord(f) && typeof f['where'] === 'string' && typeof f['message'] === 'string');
}
