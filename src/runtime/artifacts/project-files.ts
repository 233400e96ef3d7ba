// The runtime's view of the project's files, in one place: the workspace, the artifact
// nodes of the PSG, what steps declare, drift detection and rollback. The runtime creates
// one, and the orchestrator calls its three hooks (before a run, after each action, when a
// run is over); see docs/drift-and-rollback.md.

import type { IdSource } from '../../mplp/ids.js';
import type { ActionExecutionLayer } from '../ael/types.js';
import { DriftEngine } from '../drift/engine.js';
import { systemTimer, type IntervalTimer } from '../drift/monitor.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../events/factory.js';
import type { Mutex } from '../lock.js';
import type { Mutation, ProjectSemanticGraph } from '../psg/graph.js';
import { RollbackCoordinator } from '../rollback/coordinator.js';
import type { ValueStateLayer } from '../vsl/types.js';
import { ArtifactLedger } from './ledger.js';
import { StepOutputs } from './step-outputs.js';
import { Workspace } from './workspace.js';

export interface ProjectFilesHost {
  psg: ProjectSemanticGraph;
  ids: IdSource;
  clock: Clock;
  bus: Pick<EventBus, 'emit'>;
  lock: Mutex;
  vsl: ValueStateLayer;
  ael: ActionExecutionLayer;
  status(id: string): string | undefined;
  projectOf(id: string): string | undefined;
  /** Checks, applies and announces (graph_update) one PSG batch; the caller holds the lock. */
  commit(batch: Mutation[], sourceModule: string): void;
  recordTraceEvent(planId: string, type: string, source: string, data: Record<string, unknown>): void;
}

export interface ProjectFilesOptions {
  /** The folder holding the project's files; without it there are no files to track. */
  workspace?: string;
  /** Drives interval scans (default: setInterval). */
  timer?: IntervalTimer;
}

export class ProjectFiles {
  readonly workspace: Workspace | undefined;
  readonly ledger: ArtifactLedger;
  readonly outputs: StepOutputs;
  readonly drift: DriftEngine;
  readonly rollback: RollbackCoordinator;
  /** The plan that started running last: its trace takes session-level drift evidence. */
  protected lastPlan: string | undefined;

  constructor(
    protected readonly host: ProjectFilesHost,
    options: ProjectFilesOptions = {},
  ) {
    this.workspace = options.workspace ? new Workspace(options.workspace) : undefined;
    this.ledger = new ArtifactLedger(host.psg, host.ids, host.clock);
    this.rollback = new RollbackCoordinator({ ...host, workspace: this.workspace });
    this.outputs = new StepOutputs({ workspace: this.workspace, ledger: this.ledger, vsl: host.vsl, lock: host.lock, commit: host.commit }, this.rollback);
    this.drift = new DriftEngine({
      workspace: this.workspace,
      ledger: this.ledger,
      lock: host.lock,
      ids: host.ids,
      clock: host.clock,
      bus: host.bus,
      timer: options.timer ?? systemTimer,
      commit: host.commit,
      recordEvidence: (type, data) => this.recordEvidence(type, data),
      projectId: () => (this.lastPlan ? host.projectOf(this.lastPlan) : undefined),
    });
  }

  // ------------------------------------------------------------ orchestrator hooks

  async beforeRun(planId: string): Promise<void> {
    this.lastPlan = planId;
    await this.rollback.beforeRun(planId);
  }

  /** Throws (or rejects) when the action's declarations cannot be recorded: the step then fails. Undefined: nothing to wait for. */
  afterAction(planId: string, stepId: string, actionId: string, result: unknown): Promise<void> | undefined {
    return this.outputs.record(planId, stepId, actionId, result);
  }

  runEnded(planId: string, status: 'completed' | 'failed' | 'cancelled'): Promise<void> {
    return this.rollback.runEnded(planId, status);
  }

  close(): void {
    this.drift.unwatch();
  }

  /** Session-level drift evidence goes to the trace of the plan that started last (none before any run). */
  protected recordEvidence(type: string, data: Record<string, unknown>): void {
    if (this.lastPlan) this.host.recordTraceEvent(this.lastPlan, type, 'runtime.drift', structuredClone(data));
  }
}
