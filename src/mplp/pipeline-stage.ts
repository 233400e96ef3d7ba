// Digest §5.3 [KIT]: how a plan or step status change maps onto pipeline_stage fields.
// One table, read by the reference runtime when it emits and by the kit when it grades.

import type { StageStatus } from './types.js';

/** stage_status by the status a resource moved to. */
export const STAGE_STATUS: Readonly<Record<string, StageStatus>> = {
  pending: 'pending',
  blocked: 'pending',
  draft: 'pending',
  proposed: 'pending',
  approved: 'pending',
  in_progress: 'running',
  completed: 'completed',
  failed: 'failed',
  skipped: 'skipped',
};

/** cancelled maps by where it came from: a running plan stopped (failed), an unstarted one was skipped. */
export function stageStatusFor(from: string, to: string): StageStatus | undefined {
  if (to === 'cancelled') return from === 'in_progress' ? 'failed' : 'skipped';
  return STAGE_STATUS[to];
}

/** event_type of a step change (SEED-ORCH names; grading never keys off them). */
export const STEP_EVENT_TYPE: Readonly<Record<string, string>> = {
  in_progress: 'PipelineStageStarted',
  completed: 'PipelineStageCompleted',
  failed: 'PipelineStageCompleted',
  skipped: 'PipelineStageCompleted',
  blocked: 'PipelineStageBlocked',
  pending: 'PipelineStageUnblocked',
};
