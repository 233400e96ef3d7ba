// Rollback of a failed plan (SEED-L3 §7; digest §9.6): RollbackInitiated → compensations of
// completed steps, newest first → snapshot restore (files, step-written VSL values, artifact
// nodes) → RollbackCompleted, each step appended to the plan's trace. Statuses and the trace
// are history: the plan still ends failed, its steps keep their statuses, and the original
// failure stays in the trace with the rollback recorded after it.

import type { IdSource } from '../../mplp/ids.js';
import type { ActionExecutionLayer } from '../ael/types.js';
import { notification } from '../artifacts/events.js';
import type { StepOutputObserver } from '../artifacts/step-outputs.js';
import type { Workspace } from '../artifacts/workspace.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../events/factory.js';
import type { Mutex } from '../lock.js';
import type { Mutation, ProjectSemanticGraph } from '../psg/graph.js';
import type { ValueStateLayer } from '../vsl/types.js';
import { compensate, CompensationJournal, type CompensationRecord, type JournalEntry } from './compensation.js';
import { isActive, NO_ROLLBACK, rollbackPolicy, type RollbackPolicy } from './policy.js';
import { RunSnapshot, type RestoreRecord, type SnapshotInfo } from './snapshot.js';

export interface RollbackHost {
  workspace: Workspace | undefined;
  psg: ProjectSemanticGraph;
  vsl: ValueStateLayer;
  ael: ActionExecutionLayer;
  ids: IdSource;
  clock: Clock;
  bus: Pick<EventBus, 'emit'>;
  lock: Mutex;
  status(id: string): string | undefined;
  /** Checks, applies and announces (graph_update) one PSG batch; the caller holds the lock. */
  commit(batch: Mutation[], sourceModule: string): void;
  recordTraceEvent(planId: string, type: string, source: string, data: Record<string, unknown>): void;
  projectOf(id: string): string | undefined;
}

/** What one run is protected by: the policy it started with, its snapshot and journal. */
interface RunGuard {
  policy: RollbackPolicy;
  snapshot?: RunSnapshot;
  journal: CompensationJournal;
}

const SOURCE = 'runtime.rollback';

export class RollbackCoordinator implements StepOutputObserver {
  protected policy: RollbackPolicy = NO_ROLLBACK;
  protected readonly guards = new Map<string, RunGuard>();
  protected readonly taken: RunSnapshot[] = [];

  constructor(protected readonly host: RollbackHost) {}

  setPolicy(value: unknown): RollbackPolicy {
    this.policy = rollbackPolicy(value);
    return { ...this.policy };
  }

  currentPolicy(): RollbackPolicy {
    return { ...this.policy };
  }

  snapshots(): SnapshotInfo[] {
    return this.taken.map((s) => s.info());
  }

  /** Before the first step of a run starts. */
  async beforeRun(planId: string): Promise<void> {
    if (!isActive(this.policy)) return;
    const guard: RunGuard = { policy: { ...this.policy }, journal: new CompensationJournal() };
    if (guard.policy.snapshot) {
      const { host } = this;
      const snapshot = await host.lock.run(() => RunSnapshot.take(host.ids.next(), planId, host.clock(), host.workspace, host.psg));
      guard.snapshot = snapshot;
      this.taken.push(snapshot);
      const { snapshot_id, files, artifacts } = snapshot.info();
      host.recordTraceEvent(planId, 'rollback.snapshot.taken', SOURCE, { snapshot_id, files, artifacts });
    }
    this.guards.set(planId, guard);
  }

  actionReturned(planId: string, stepId: string, actionId: string, compensation: Record<string, unknown> | undefined): void {
    const guard = this.guards.get(planId);
    if (guard?.policy.compensate && compensation) guard.journal.note({ stepId, actionId, compensation });
  }

  async beforeStateWrite(planId: string, key: string): Promise<void> {
    await this.guards.get(planId)?.snapshot?.keepBefore(key, this.host.vsl);
  }

  /** When a run is over, before the plan's terminal status: a failed run is rolled back. */
  async runEnded(planId: string, status: 'completed' | 'failed' | 'cancelled'): Promise<void> {
    const guard = this.guards.get(planId);
    if (!guard) return;
    this.guards.delete(planId);
    if (status === 'failed') await this.rollBack(planId, guard);
    else guard.snapshot?.release('released');
  }

  protected async rollBack(planId: string, guard: RunGuard): Promise<void> {
    const { host } = this;
    const undo = this.undoOrder(planId, guard);
    const initiated = { plan_id: planId, trigger: 'plan_failed', policy: guard.policy, ...(guard.snapshot ? { snapshot_id: guard.snapshot.id } : {}), compensations: undo.map((e) => e.stepId) };
    host.bus.emit(notification(host.ids, host.clock, 'RollbackInitiated', initiated, host.projectOf(planId)));
    this.record(planId, 'rollback.initiated', initiated);

    const compensations: CompensationRecord[] = [];
    for (const entry of undo) {
      const done = await compensate(host.ael, host.ids, planId, entry);
      compensations.push(done);
      this.record(planId, 'rollback.compensated', { ...done });
    }
    let restored: RestoreRecord | undefined;
    if (guard.snapshot) {
      restored = await this.restore(guard.snapshot);
      this.record(planId, 'rollback.restored', { ...restored });
    }
    const completed = {
      plan_id: planId,
      compensations,
      ...(restored ? { restored } : {}),
      unresolved: compensations.filter((c) => c.status === 'failed').map((c) => c.step_id),
    };
    host.bus.emit(notification(host.ids, host.clock, 'RollbackCompleted', completed, host.projectOf(planId)));
    this.record(planId, 'rollback.completed', completed);
  }

  /** Journal entries of the run's completed steps, newest first. */
  protected undoOrder(_planId: string, guard: RunGuard): JournalEntry[] {
    return guard.journal.undoOrder((stepId) => this.host.status(stepId) === 'completed');
  }

  protected restore(snapshot: RunSnapshot): Promise<RestoreRecord> {
    const { host } = this;
    return host.lock.run(async () => {
      const files = await snapshot.restoreFiles(host.workspace);
      const vsl_keys = await this.restoreVsl(snapshot);
      const batch = snapshot.artifactMutations(host.psg);
      host.commit(batch, 'artifact');
      snapshot.release('restored');
      const touched = new Set(batch.flatMap((m) => (m.op === 'add_node' ? [m.node.id] : m.op === 'update_node' || m.op === 'delete_node' ? [m.id] : [])));
      return { snapshot_id: snapshot.id, ...files, vsl_keys, artifacts_changed: touched.size };
    });
  }

  protected restoreVsl(snapshot: RunSnapshot): Promise<string[]> {
    return snapshot.restoreVsl(this.host.vsl);
  }

  /** Appends one rollback record to the plan's trace (after everything already there). */
  protected record(planId: string, type: string, data: Record<string, unknown>): void {
    this.host.recordTraceEvent(planId, type, SOURCE, structuredClone(data));
  }
}
