// Records what a step's action declared once it returned: VSL values first, then its files
// as artifact nodes (one PSG batch, announced with graph_update). The runtime learns which
// files a step touched from the declaration, not by diffing the workspace: under MAP several
// steps write at once and a diff could not tell whose file is whose. Files nobody declared
// are what drift detection reports as new.

import type { Mutex } from '../lock.js';
import type { Mutation } from '../psg/graph.js';
import type { ValueStateLayer } from '../vsl/types.js';
import { sha256 } from './content.js';
import { declarationsOf, type DeclaredArtifact, type StepDeclarations } from './declared.js';
import type { ArtifactLedger } from './ledger.js';
import type { Workspace } from './workspace.js';

/** Told about step outputs as they are recorded (rollback keeps its journal this way). */
export interface StepOutputObserver {
  /** Called synchronously when a step's action returned, so calls follow completion order. */
  actionReturned(planId: string, stepId: string, actionId: string, compensation: Record<string, unknown> | undefined): void;
  /** Called before a step writes `key` in the VSL. */
  beforeStateWrite(planId: string, key: string): Promise<void>;
}

export interface OutputHost {
  workspace: Workspace | undefined;
  ledger: ArtifactLedger;
  vsl: ValueStateLayer;
  lock: Mutex;
  /** Checks, applies and announces one PSG batch; the caller holds the lock. */
  commit(batch: Mutation[], sourceModule: string): void;
}

export class StepOutputs {
  constructor(
    private readonly host: OutputHost,
    private readonly observer: StepOutputObserver,
  ) {}

  /**
   * Throws (or rejects) when the declaration is malformed or names a path outside the
   * workspace. A result that declares no state and no artifacts is done at once: undefined.
   */
  record(planId: string, stepId: string, actionId: string, result: unknown): Promise<void> | undefined {
    const declared = declarationsOf(result);
    this.observer.actionReturned(planId, stepId, actionId, declared.compensation);
    if (declared.state.length === 0 && declared.artifacts.length === 0) return undefined;
    return this.recordDeclared(planId, stepId, declared);
  }

  private async recordDeclared(planId: string, stepId: string, declared: StepDeclarations): Promise<void> {
    for (const [key, value] of declared.state) {
      await this.observer.beforeStateWrite(planId, key);
      await this.host.vsl.set(key, value);
    }
    if (declared.artifacts.length > 0) await this.recordArtifacts(stepId, declared.artifacts);
  }

  private async recordArtifacts(stepId: string, artifacts: DeclaredArtifact[]): Promise<void> {
    const { workspace, ledger } = this.host;
    if (!workspace) throw new Error(`step ${stepId} declares artifacts but the runtime has no workspace`);
    await this.host.lock.run(async () => {
      const batch: Mutation[] = [];
      // One declaration per path (the last wins): each builds on the PSG as it is before the batch.
      const byPath = new Map(artifacts.map((a) => [workspace.normalise(a.path), a]));
      for (const [path, a] of byPath) {
        const onDisk = await workspace.read(path);
        if (a.content === undefined) {
          batch.push(...(onDisk ? ledger.track(path, onDisk, { producer: stepId }) : ledger.untrack(path)));
          continue;
        }
        const product = Buffer.from(a.content, 'utf8');
        // Never overwrite a file that moved away from what the PSG last agreed with: that is
        // drift, and the PSG version waits for reconciliation instead.
        const node = ledger.find(path);
        const inSync = node ? onDisk !== undefined && sha256(onDisk) === node.data.synced_sha256 : onDisk === undefined;
        if (inSync) await workspace.write(path, product);
        batch.push(...ledger.track(path, product, { producer: stepId, synced: inSync }));
      }
      this.host.commit(batch, 'artifact');
    });
  }
}
