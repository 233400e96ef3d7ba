// Compensation (SEED-L3 §7.2): a step's action may declare the action that undoes it. The
// journal keeps those declarations in the order the actions returned; on failure the
// inverses of completed steps run newest first, each once, through the same AEL.

import type { IdSource } from '../../mplp/ids.js';
import type { ActionExecutionLayer } from '../ael/types.js';
import { describe } from '../orchestrator/plan-run.js';

export interface JournalEntry {
  stepId: string;
  actionId: string;
  compensation: Record<string, unknown>;
}

export interface CompensationRecord {
  step_id: string;
  action_id: string;
  compensation_for: string;
  status: 'completed' | 'failed';
  error?: string;
}

export class CompensationJournal {
  private readonly entries: JournalEntry[] = [];

  note(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  /** What to undo: entries of steps that completed, newest first. */
  undoOrder(completed: (stepId: string) => boolean): JournalEntry[] {
    return this.entries.filter((e) => completed(e.stepId)).reverse();
  }
}

/** Runs one inverse action; a failure is reported, not thrown (compensation is best-effort). */
export async function compensate(ael: ActionExecutionLayer, ids: IdSource, planId: string, entry: JournalEntry): Promise<CompensationRecord> {
  const action = { ...entry.compensation, action_id: ids.next(), plan_id: planId, step_id: entry.stepId, compensation_for: entry.actionId };
  const record = { step_id: entry.stepId, action_id: action.action_id, compensation_for: entry.actionId };
  try {
    await ael.execute(action);
    return { ...record, status: 'completed' };
  } catch (e) {
    return { ...record, status: 'failed', error: describe(e) || 'the compensation threw without a message' };
  }
}
