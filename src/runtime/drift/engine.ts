// Drift between the PSG and the workspace (SEED-L3 §6; digest §9.5): active scans (on demand
// or on an interval), passive L4 file_update events, the four reconciliation strategies and
// manual decisions. Every operation holds the runtime lock, so it never interleaves with a
// step recording its files. Detected drift is evidence: a `drift.detected` base event in the
// trace of the plan that ran last, plus a DriftDetected event; applied resolutions likewise
// (`drift.resolved`, DriftResolved). Flagging for a manual decision changes nothing.

import type { AppliedResolution, ArtifactRecord, ReconcileResult } from '../../mplp/drift.js';
import type { IdSource } from '../../mplp/ids.js';
import { formatErrors, validate } from '../../mplp/validate.js';
import { sha256 } from '../artifacts/content.js';
import { notification } from '../artifacts/events.js';
import type { ArtifactLedger } from '../artifacts/ledger.js';
import type { Workspace } from '../artifacts/workspace.js';
import { RuntimeError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../events/factory.js';
import type { Mutex } from '../lock.js';
import type { Mutation } from '../psg/graph.js';
import { ScanMonitor, type IntervalTimer } from './monitor.js';
import { carryOut, decisionResolver, RECONCILE_STRATEGIES, sidesOf, STRATEGIES, type ManualDecision, type ReconcileStrategy, type Resolution, type Resolver } from './reconcile.js';
import type { DriftDetector, DriftEntry, DriftReport } from './report.js';
import { entryOf, scanWorkspace } from './scan.js';

export interface DriftHost {
  workspace: Workspace | undefined;
  ledger: ArtifactLedger;
  lock: Mutex;
  ids: IdSource;
  clock: Clock;
  bus: Pick<EventBus, 'emit'>;
  timer: IntervalTimer;
  /** Checks, applies and announces (graph_update) one PSG batch; the caller holds the lock. */
  commit(batch: Mutation[], sourceModule: string): void;
  /** Appends a base event to the trace of the plan that ran last; nowhere before any run. */
  recordEvidence(type: string, data: Record<string, unknown>): void;
  /** Context of the plan that ran last (project_id of the notifications). */
  projectId(): string | undefined;
}

export type { AppliedResolution, ArtifactRecord, ReconcileResult };

interface FileUpdateEvent {
  file_path: string;
  change_type: 'created' | 'modified' | 'deleted' | 'renamed';
  timestamp: string;
  previous_path?: string;
}

export class DriftEngine {
  protected readonly pending = new Map<string, DriftEntry>();
  private readonly monitor: ScanMonitor;

  constructor(protected readonly host: DriftHost) {
    this.monitor = new ScanMonitor(host.timer, () => this.scan());
  }

  /** Active detection of every drifted file. */
  scan(): Promise<DriftReport> {
    return this.host.lock.run(async () => this.announce('scan', await this.detect()));
  }

  /** Scans every `ms` until unwatch(); the interval is the caller's, the timer injectable. */
  watch(ms: number): void {
    this.monitor.start(ms);
  }

  unwatch(): void {
    this.monitor.stop();
  }

  get watching(): boolean {
    return this.monitor.watching;
  }

  /**
   * Passive detection from an L4 file_update event: an event older than the PSG's record of
   * the file is stale and ignored; otherwise the file's hash now is compared with the PSG's.
   * The entry's kind is what the workspace shows, whatever change_type says.
   */
  ingest(event: unknown): Promise<DriftReport> {
    return this.host.lock.run(async () => {
      const e = fileUpdateEvent(event);
      const workspace = this.workspace();
      const named = [e.file_path, ...(e.change_type === 'renamed' && e.previous_path ? [e.previous_path] : [])];
      const entries: DriftEntry[] = [];
      for (const raw of named) {
        const path = await workspace.fromEventPath(raw);
        await workspace.resolve(path);
        if (this.isStale(path, e.timestamp)) continue;
        const entry = await entryOf(workspace, this.host.ledger, path, 'file_update');
        if (entry) entries.push(entry);
      }
      return this.announce('file_update', entries);
    });
  }

  reconcile(strategy: ReconcileStrategy): Promise<ReconcileResult> {
    if (!(RECONCILE_STRATEGIES as readonly unknown[]).includes(strategy)) {
      return Promise.reject(new RuntimeError('SCHEMA_INVALID', `unknown reconciliation strategy ${JSON.stringify(strategy)} (${RECONCILE_STRATEGIES.join(', ')})`, { strategy }));
    }
    return this.host.lock.run(async () => {
      const workspace = this.workspace();
      const resolver = this.resolverFor(strategy);
      const resolutions: [DriftEntry, Resolution][] = [];
      for (const entry of await this.detect()) {
        resolutions.push([entry, resolver(entry, await sidesOf(workspace, this.host.ledger, entry.path))]);
      }
      return this.settle(strategy, resolutions);
    });
  }

  /** Applies a manual decision to one path waiting for it. */
  resolve(path: string, decision: ManualDecision): Promise<ReconcileResult> {
    return this.host.lock.run(async () => {
      const workspace = this.workspace();
      const key = workspace.normalise(path);
      const waiting = this.pending.get(key);
      if (!waiting) throw new RuntimeError('NOT_FOUND', `no drift of ${key} waits for a decision`, { path: key, waiting: [...this.pending.keys()] });
      const resolver = decisionResolver(manualDecision(decision));
      const entry = await entryOf(workspace, this.host.ledger, key, waiting.detected_by);
      if (!entry) {
        this.pending.delete(key);
        return { strategy: 'manual', applied: [], pending: [...this.pending.values()] };
      }
      return this.settle('manual', [[entry, resolver(entry, await sidesOf(workspace, this.host.ledger, key))]]);
    });
  }

  artifacts(): ArtifactRecord[] {
    return this.host.ledger
      .all()
      .map(({ id, data }) => ({ node_id: id, path: data.path, sha256: data.sha256, size: data.size, version: data.version, synced_sha256: data.synced_sha256, synced_at: data.synced_at, producers: [...data.producers] }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Every drifted file of the workspace (the scan behind scan() and reconcile()). */
  protected detect(): Promise<DriftEntry[]> {
    return scanWorkspace(this.workspace(), this.host.ledger);
  }

  protected resolverFor(strategy: ReconcileStrategy): Resolver {
    return STRATEGIES[strategy];
  }

  /** Carries one resolution out on disk; returns its PSG mutations. */
  protected carry(path: string, resolution: Resolution): Promise<Mutation[]> {
    return carryOut(this.workspace(), this.host.ledger, path, resolution);
  }

  protected async settle(strategy: ReconcileStrategy, resolutions: [DriftEntry, Resolution][]): Promise<ReconcileResult> {
    const batch: Mutation[] = [];
    const applied: AppliedResolution[] = [];
    for (const [entry, r] of resolutions) {
      if (r.action === 'pending') {
        this.pending.set(entry.path, r.conflicts ? { ...entry, conflicts: r.conflicts } : entry);
        continue;
      }
      batch.push(...(await this.carry(entry.path, r)));
      this.pending.delete(entry.path);
      applied.push({ path: entry.path, kind: entry.kind, outcome: r.action, sha256: 'content' in r ? sha256(r.content) : null });
    }
    this.host.commit(batch, 'artifact');
    const result: ReconcileResult = { strategy, applied, pending: [...this.pending.values()] };
    if (applied.length > 0) {
      this.host.recordEvidence('drift.resolved', { ...result });
      this.host.bus.emit(notification(this.host.ids, this.host.clock, 'DriftResolved', { ...result }, this.host.projectId()));
    }
    return result;
  }

  protected announce(detectedBy: DriftDetector, entries: DriftEntry[]): DriftReport {
    const report: DriftReport = { report_id: this.host.ids.next(), detected_by: detectedBy, detected_at: this.host.clock(), entries };
    if (entries.length > 0) {
      this.host.recordEvidence('drift.detected', { ...report });
      this.host.bus.emit(notification(this.host.ids, this.host.clock, 'DriftDetected', { ...report }, this.host.projectId()));
    }
    return report;
  }

  protected isStale(path: string, timestamp: string): boolean {
    const recorded = this.host.ledger.find(path)?.data.synced_at;
    return recorded != null && Date.parse(timestamp) < Date.parse(recorded);
  }

  protected workspace(): Workspace {
    if (!this.host.workspace) throw new RuntimeError('INVALID_STATE', 'drift detection needs a workspace: the runtime was created without one', {});
    return this.host.workspace;
  }
}

function fileUpdateEvent(value: unknown): FileUpdateEvent {
  const r = validate('file-update-event', value);
  if (!r.ok) throw new RuntimeError('SCHEMA_INVALID', `not an L4 file_update event:\n${formatErrors(r.errors)}`, { errors: r.errors });
  return value as FileUpdateEvent;
}

function manualDecision(value: unknown): ManualDecision {
  const d = value as Record<string, unknown> | null;
  if (d && typeof d === 'object' && (d['keep'] === 'psg' || d['keep'] === 'file') && !('content' in d)) return { keep: d['keep'] };
  if (d && typeof d === 'object' && typeof d['content'] === 'string' && !('keep' in d)) return { content: d['content'] };
  throw new RuntimeError('SCHEMA_INVALID', `a manual decision is { keep: "psg" | "file" } or { content: "<merged text>" }, got ${JSON.stringify(value)}`, { decision: value });
}
