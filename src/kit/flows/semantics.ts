// Cross-reference checks the schema cannot express: step names used anywhere must be
// defined, statuses must belong to their object's L2 table, barriers and snapshots must be
// declared before use, selectors must parse. Each problem keeps a JSON pointer for its line.

import { LIFECYCLE_TABLES } from '../../mplp/transitions.js';
import type { LifecycleObject } from '../../mplp/types.js';
import { hasEffects } from './expand.js';
import { parseSelector, type Selector } from './selectors.js';
import { operationName, type ExpectationSpec, type FinalSpec, type FlowSpec, type OpExpect } from './spec.js';
import type { ShapeProblem } from './schema.js';

/** Names that address objects other than steps in targets and selectors. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['plan', 'context', 'collab', 'confirm', 'trace']);
const DECISION_STATUSES: ReadonlySet<string> = new Set(['approved', 'rejected', 'cancelled']);
/** Operations that only make sense with a plan. */
const PLAN_OPERATIONS: ReadonlySet<string> = new Set(['load', 'transition', 'reject_all', 'confirm', 'run', 'await_run', 'pause', 'resume', 'cancel', 'await_cancel']);

export interface FlowNames {
  /** Step names in plan order (DSL keys, or s0..sn-1 for a plan read from a file). */
  steps: readonly string[];
}

export function targetObject(target: string): LifecycleObject {
  return target.startsWith('step:') ? 'step' : (target as LifecycleObject);
}

class Checker {
  readonly problems: ShapeProblem[] = [];
  private readonly steps: ReadonlySet<string>;
  private readonly barriers = new Set<string>();
  private readonly snapshots = new Set<string>();

  constructor(
    private readonly flow: FlowSpec,
    names: FlowNames,
  ) {
    this.steps = new Set(names.steps);
  }

  private add(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  private step(pointer: string, name: string, what: string): void {
    if (!this.steps.has(name)) this.add(pointer, `${what} names step "${name}", which the plan does not define${this.known()}`);
  }

  private known(): string {
    return this.steps.size > 0 ? ` (steps: ${[...this.steps].join(', ')})` : '';
  }

  private status(pointer: string, object: LifecycleObject, status: string): void {
    const table = LIFECYCLE_TABLES[object];
    if (!table.statuses.includes(status)) this.add(pointer, `"${status}" is not a ${object} status (${table.statuses.join(', ')})`);
  }

  run(): ShapeProblem[] {
    this.objects();
    this.actions();
    this.operations();
    if (this.flow.expect) this.expectation('/expect', this.flow.expect, this.snapshots);
    return this.problems;
  }

  private objects(): void {
    const { context, plan, collab, confirm } = this.flow;
    if (context?.file !== undefined && Object.keys(context).length > 1) this.add('/context/file', 'context.file replaces the whole context; remove the other context keys');
    if (context?.status !== undefined) this.status('/context/status', 'context', context.status);
    if (plan) {
      if (plan.file !== undefined && Object.keys(plan).length > 1) this.add('/plan/file', 'plan.file replaces the whole plan; remove the other plan keys');
      if (plan.file === undefined && plan.steps === undefined) this.add('/plan', 'plan needs steps (or a file)');
      if (plan.status !== undefined) this.status('/plan/status', 'plan', plan.status);
      for (const [name, step] of Object.entries(plan.steps ?? {})) {
        const at = `/plan/steps/${name}`;
        if (RESERVED_NAMES.has(name)) this.add(at, `"${name}" cannot name a step: it addresses the ${name} in targets and selectors`);
        (step?.after ?? []).forEach((dep, i) => this.step(`${at}/after/${i}`, dep, `step ${name}: after`));
        (step?.after_unknown ?? []).forEach((dep, i) => {
          if (this.steps.has(dep)) this.add(`${at}/after_unknown/${i}`, `step ${name}: after_unknown names "${dep}", which is a defined step (use after)`);
        });
        if (step?.id_of !== undefined) {
          this.step(`${at}/id_of`, step.id_of, `step ${name}: id_of`);
          if (step.id_of === name) this.add(`${at}/id_of`, `step ${name}: id_of names the step itself`);
        }
        if (step?.status !== undefined) this.status(`${at}/status`, 'step', step.status);
      }
    }
    if (collab) {
      if (collab.file !== undefined && Object.keys(collab).length > 1) this.add('/collab/file', 'collab.file replaces the whole collab; remove the other collab keys');
      if (collab.file === undefined && (collab.mode === undefined || collab.participants === undefined)) this.add('/collab', 'collab needs mode and participants (or a file)');
      if (collab.status !== undefined) this.status('/collab/status', 'collab', collab.status);
    }
    if (confirm) {
      if (!plan) this.add('/confirm', 'a confirm targets the flow plan, but the flow has no plan');
      this.status('/confirm/status', 'confirm', confirm.status);
      (confirm.decisions ?? []).forEach((d, i) => {
        if (!DECISION_STATUSES.has(d.status)) this.add(`/confirm/decisions/${i}/status`, `"${d.status}" is not a decision status (approved, rejected, cancelled)`);
      });
    }
  }

  private actions(): void {
    for (const [name, action] of Object.entries(this.flow.actions ?? {})) {
      const at = `/actions/${name}`;
      this.step(at, name, 'actions');
      if (typeof action !== 'object') continue;
      if (hasEffects(action) && (action.fail !== undefined || action.result !== undefined)) {
        this.add(at, `action of ${name}: side effects end with "then: succeed|fail", not fail/result`);
      }
      if (action.barrier !== undefined) {
        this.barriers.add(action.barrier);
        if (action.fail !== undefined || action.result !== undefined) this.add(at, `action of ${name}: a barrier action ends with "then: succeed|fail", not fail/result`);
      } else if (action.then !== undefined && !hasEffects(action)) {
        this.add(`${at}/then`, `action of ${name}: "then" only follows a barrier or side effects`);
      } else if (action.fail !== undefined && action.result !== undefined) {
        this.add(at, `action of ${name}: choose fail or result, not both`);
      }
    }
  }

  private operations(): void {
    let pendingRuns = 0;
    let pendingCancels = 0;
    if (this.flow.min_concurrency !== undefined && this.flow.max_concurrency !== undefined && this.flow.min_concurrency > this.flow.max_concurrency) {
      this.add('/max_concurrency', `max_concurrency ${this.flow.max_concurrency} is below min_concurrency ${this.flow.min_concurrency}: the flow could never run`);
    }
    const matrix = this.flow.profiles;
    if (matrix) {
      const named = (this.flow.needs ?? []).find((n) => n.startsWith('profile:'));
      if (named) this.add('/needs', `need ${named} contradicts profiles: the flow runs under each listed profile the adapter claims`);
    }
    this.flow.operations.forEach((op, i) => {
      const at = `/operations/${i}`;
      const name = operationName(op);
      if (matrix && name === 'run' && op.run?.profile !== undefined) this.add(`${at}/run/profile`, `a flow with profiles runs every run under each of them (${matrix.join(', ')}); remove run.profile`);
      if (PLAN_OPERATIONS.has(name) && !this.flow.plan) this.add(`${at}/${name}`, `operation ${name} needs a plan, but the flow defines none`);
      switch (name) {
        case 'transition': {
          const t = op.transition!;
          this.target(`${at}/transition/target`, t.target);
          if (!expectsRejection(t.expect)) this.status(`${at}/transition/to`, targetObject(t.target), t.to);
          this.opExpect(`${at}/transition/expect`, t.expect);
          break;
        }
        case 'reject_all':
          this.target(`${at}/reject_all/target`, op.reject_all!.target);
          if (['confirm', 'trace', 'collab'].includes(op.reject_all!.target)) this.add(`${at}/reject_all/target`, 'reject_all drives the plan, step and context tables only');
          break;
        case 'run':
          if (op.run?.background) pendingRuns++;
          else this.opExpect(`${at}/run/expect`, op.run?.expect);
          if (op.run?.background && op.run.expect) this.add(`${at}/run/expect`, 'a background run is graded by its await_run; move expect there');
          break;
        case 'await_run':
          if (pendingRuns === 0) this.add(`${at}/await_run`, 'await_run without an earlier background run');
          else pendingRuns--;
          this.opExpect(`${at}/await_run/expect`, op.await_run?.expect);
          break;
        case 'await_barrier':
          this.barrier(`${at}/await_barrier/name`, op.await_barrier!.name);
          break;
        case 'await_events':
          this.selector(`${at}/await_events/match`, op.await_events!.match);
          break;
        case 'cancel':
          if (op.cancel?.background) pendingCancels++;
          if (op.cancel?.background && op.cancel.expect) this.add(`${at}/cancel/expect`, 'a background cancel is graded by its await_cancel; move expect there');
          else this.opExpect(`${at}/cancel/expect`, op.cancel?.expect);
          break;
        case 'await_cancel':
          if (pendingCancels === 0) this.add(`${at}/await_cancel`, 'await_cancel without an earlier background cancel');
          else pendingCancels--;
          this.opExpect(`${at}/await_cancel/expect`, op.await_cancel?.expect);
          break;
        case 'release_barrier':
          this.barrier(`${at}/release_barrier`, op.release_barrier!);
          break;
        case 'resolve': {
          const r = op.resolve!;
          if ((r.keep === undefined) === (r.content === undefined)) this.add(`${at}/resolve`, 'resolve takes exactly one of keep (psg | file) or content');
          this.opExpect(`${at}/resolve/expect`, r.expect);
          break;
        }
        case 'snapshot':
          if (this.snapshots.has(op.snapshot!)) this.add(`${at}/snapshot`, `snapshot "${op.snapshot}" is taken twice`);
          this.snapshots.add(op.snapshot!);
          break;
        case 'check':
          this.expectation(`${at}/check`, op.check!, new Set(this.snapshots));
          break;
        default: {
          const body = op[name] as { expect?: OpExpect } | null | undefined;
          if (body && typeof body === 'object' && 'expect' in body) this.opExpect(`${at}/${name}/expect`, body.expect);
        }
      }
    });
  }

  private target(pointer: string, target: string): void {
    if (target.startsWith('step:')) this.step(pointer, target.slice(5), 'target');
    else if (target === 'collab' && !this.flow.collab) this.add(pointer, 'target collab, but the flow defines no collab');
  }

  private barrier(pointer: string, name: string): void {
    if (!this.barriers.has(name)) this.add(pointer, `barrier "${name}" is used by no action (declare it in actions: { <step>: { barrier: ${name} } })`);
  }

  /** `about` narrows a charge to requirements the flow lists. */
  private about(pointer: string, ids: readonly string[] | undefined): void {
    (ids ?? []).forEach((id, i) => {
      if (!this.flow.requirements.includes(id)) this.add(`${pointer}/${i}`, `about names ${id}, which the flow's requirements do not list (${this.flow.requirements.join(', ')})`);
    });
  }

  private opExpect(pointer: string, e: OpExpect | undefined): void {
    if (!e) return;
    this.about(`${pointer}/about`, e.about);
    if (e.ok !== false && e.code !== undefined) this.add(pointer, 'code describes a rejection; add ok: false');
    if (e.ok !== false && e.ok !== 'any' && e.unchanged !== undefined) this.add(pointer, 'unchanged describes a rejection or a no-op; add ok: false or ok: any');
    if (e.plan !== undefined) this.status(`${pointer}/plan`, 'plan', e.plan);
  }

  private selector(pointer: string, text: string): Selector | undefined {
    const parsed = parseSelector(text);
    if (!parsed.ok) {
      this.add(pointer, parsed.message);
      return undefined;
    }
    const sel = parsed.selector;
    if (sel.kind === 'profile' && sel.step !== undefined) this.step(pointer, sel.step, `selector ${text}`);
    if (sel.kind === 'status') {
      const object: LifecycleObject = sel.resource === 'plan' ? 'plan' : 'step';
      if (sel.resource !== 'plan' && sel.resource !== '*') this.step(pointer, sel.resource, `selector ${text}`);
      if (sel.status !== '*') this.status(pointer, object, sel.status);
    }
    return sel;
  }

  private final(at: string, f: FinalSpec | undefined): void {
    if (!f) return;
    const objects: [keyof typeof f & LifecycleObject, LifecycleObject][] = [['plan', 'plan'], ['context', 'context'], ['trace', 'trace'], ['confirm', 'confirm'], ['collab', 'collab']];
    for (const [key, object] of objects) if (typeof f[key] === 'string') this.status(`${at}/${key}`, object, f[key] as string);
    for (const [name, status] of Object.entries(f.steps ?? {})) {
      this.step(`${at}/steps/${name}`, name, `${at.split('/').at(-1)}.steps`);
      this.status(`${at}/steps/${name}`, 'step', status);
    }
    if (f.all_steps !== undefined) this.status(`${at}/all_steps`, 'step', f.all_steps);
  }

  private expectation(at: string, e: ExpectationSpec, snapshots: ReadonlySet<string>): void {
    this.about(`${at}/about`, e.about);
    (e.also ?? []).forEach((block, i) => this.expectation(`${at}/also/${i}`, block, snapshots));
    this.final(`${at}/final`, e.final);
    this.final(`${at}/graph_final`, e.graph_final);
    for (const key of Object.keys(e.events ?? {})) this.selector(`${at}/events/${key}`, key);
    for (const [resource, chain] of Object.entries(e.transitions ?? {})) {
      const object: LifecycleObject = resource === 'plan' ? 'plan' : 'step';
      if (resource !== 'plan') this.step(`${at}/transitions/${resource}`, resource, 'transitions');
      chain.forEach((link, i) => {
        const [from, to] = link.split('->').map((x) => x.trim()) as [string, string];
        const pointer = `${at}/transitions/${resource}/${i}`;
        if (from === '*') {
          if (i !== chain.length - 1) this.add(pointer, '"* -> …" (any further changes) must be the last link');
          for (const s of to.split('|')) this.status(pointer, object, s.trim());
        } else {
          if (to.includes('|')) this.add(pointer, `"${link}": alternatives (a|b) only follow "*"`);
          for (const s of [from, to]) this.status(pointer, object, s);
        }
      });
    }
    (e.order ?? []).forEach((rule, i) => {
      for (const side of rule.split('<')) this.selector(`${at}/order/${i}`, side.trim());
    });
    (e.between ?? []).forEach((b, i) => {
      this.selector(`${at}/between/${i}/from`, b.from);
      this.selector(`${at}/between/${i}/to`, b.to);
      this.selector(`${at}/between/${i}/none`, b.none);
    });
    for (const key of ['order', 'called', 'not_called'] as const) {
      (e.ael?.[key] ?? []).forEach((name, i) => this.step(`${at}/ael/${key}/${i}`, name, `ael.${key}`));
    }
    (e.compensations ?? []).forEach((name, i) => this.step(`${at}/compensations/${i}`, name, 'compensations'));
    for (const [pointer, name] of [[`${at}/trace/append_only_since`, e.trace?.append_only_since], [`${at}/unchanged_since`, e.unchanged_since]] as const) {
      if (name !== undefined && !snapshots.has(name)) this.add(pointer, `snapshot "${name}" is not taken before this point (add an operation "snapshot: ${name}")`);
    }
  }
}

function expectsRejection(e: OpExpect | undefined): boolean {
  return e?.ok === false || e?.ok === 'any';
}

/** Every cross-reference problem of a schema-valid flow, in document order of discovery. */
export function checkFlowSemantics(flow: FlowSpec, names: FlowNames): ShapeProblem[] {
  return new Checker(flow, names).run();
}
