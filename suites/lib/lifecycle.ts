// The L2 transition matrices as checks. Cases come from the tables in src/mplp/transitions.ts
// (`allPairs`, the A rows); what is written here is only HOW to bring an object into a given
// status through the adapter contract (a recipe per status, plus what makes a guard hold).
// A forbidden pair must be rejected and leave the PSG export, the event stream and the
// object read back unchanged; an allowed pair whose guards hold must be accepted.

import { isDeepStrictEqual } from 'node:util';
import type { ObjectRef, OpResult } from '../../src/adapter/contract.js';
import { within } from '../../src/kit/flows/deadline.js';
import { captureState, HarnessError, stateDifference } from '../../src/kit/flows/observe.js';
import type { ActionSpec } from '../../src/kit/flows/spec.js';
import { allPairs, LIFECYCLE_TABLES, type GuardName, type TransitionRow, type TriggerName } from '../../src/mplp/transitions.js';
import type { LifecycleObject } from '../../src/mplp/types.js';
import { Scenario, type BackgroundRun, type PlanHandle, type PlanSpec } from './scenario.js';
import { Stop, type Violation } from './verdict.js';

/** `plan`, `context`, `confirm` or `step:<name>` of the matrix fixture (first → second). */
export type Target = 'plan' | 'context' | 'confirm' | 'step:first' | 'step:second';

/** One move of a recipe, interpreted by `perform`. `held` actions wait at the plan's own barrier. */
export type Move =
  | { load: 'all' | 'context' }
  | { transition: Target; to: string }
  | { decide: 'approved' | 'rejected' | 'cancelled' }
  | { run: 'to-end' | 'held' }
  | { cancel: 'held' };

/** How to bring the target into one status. */
export interface Recipe {
  moves: Move[];
  target?: Target;
  /** Scripted outcome of the first step: held at a barrier, or failing. */
  first?: 'held' | 'fail';
  /** Fields of the fixture plan (status, context, confirm) this recipe starts from. */
  spec?: Partial<Omit<PlanSpec, 'steps' | 'actions'>>;
}

export type Reach = Readonly<Record<string, Recipe>>;

// ---------------------------------------------------------------- shared recipe parts

export const LOAD: Move = { load: 'all' };
export const SUBMIT: Move = { transition: 'plan', to: 'proposed' };
export const APPROVE: Move = { decide: 'approved' };
export const APPROVED: Move[] = [LOAD, SUBMIT, APPROVE];

const FIXTURE_STEPS: PlanSpec['steps'] = { first: {}, second: { after: ['first'] } };

// ---------------------------------------------------------------- performing recipes

/** A fixture plan brought into a status, with what must be undone when done with it. */
export class Reached {
  run: BackgroundRun | undefined;

  constructor(
    readonly scenario: Scenario,
    readonly plan: PlanHandle,
    readonly target: Target,
    readonly barrier: string,
  ) {}

  ref(): Promise<ObjectRef> {
    return this.plan.objects.ref(this.target);
  }

  status(): Promise<string | undefined> {
    return this.plan.objects.status(this.target);
  }

  /** The object whose read-back must not change: steps are read through their plan. */
  async read(): Promise<unknown> {
    const ref = this.target.startsWith('step:') ? { type: 'plan' as const, id: this.plan.planId } : await this.ref();
    return this.scenario.session.get(ref);
  }

  /** Lets a held run go and waits for it (best effort: other checks grade runs). */
  async cleanup(): Promise<void> {
    this.scenario.release(this.barrier);
    if (this.run) await within(this.run.answer, this.scenario.waitMs(), this.scenario.ctx.signal);
    this.run = undefined;
  }
}

/** Why a move failed, for "not graded" notes. */
class Unreachable extends Error {}

function refused(what: string, answer: OpResult): Unreachable {
  return new Unreachable(`${what} was refused (${answer.ok ? 'accepted' : `${answer.code}: ${answer.message}`})`);
}

async function perform(r: Reached, move: Move): Promise<void> {
  const { scenario, plan } = r;
  const { session } = scenario;
  if ('load' in move) {
    const answer = await scenario.load(plan, move.load === 'context' ? ['context'] : undefined);
    if (!answer.ok) throw refused('the load', answer);
  } else if ('transition' in move) {
    const answer = await session.transition(await plan.objects.ref(move.transition), move.to);
    if (!answer.ok) throw refused(`${move.transition} → ${move.to}`, answer);
  } else if ('decide' in move) {
    const answer = await session.confirm({ target_id: plan.planId, status: move.decide, decided_by_role: 'reviewer' });
    if (!answer.ok) throw refused(`a ${move.decide} decision`, answer);
  } else if ('run' in move) {
    const run = scenario.start(plan);
    if (move.run === 'held') {
      r.run = run;
      await scenario.arrivals(r.barrier, 1);
      await scenario.quiesce();
    } else {
      try {
        await scenario.finish(run);
      } catch (e) {
        if (e instanceof Stop) throw new Unreachable(e.message);
        throw e;
      }
    }
  } else {
    // Cancelling a held run: the runtime may wait for the held step, so release it meanwhile.
    const cancelling = session.cancel(plan.planId);
    scenario.release(r.barrier);
    const answer = await cancelling;
    await r.cleanup();
    if (!answer.ok) throw refused('cancel', answer);
  }
}

export type Reaching = { ok: true; reached: Reached } | { ok: false; why: string };

/** Builds a fresh fixture plan and brings its target into `status`. */
export async function reach(scenario: Scenario, name: string, status: string, recipe: Recipe, defaultTarget: Target): Promise<Reaching> {
  const barrier = `hold:${name}`;
  const actions: Record<string, ActionSpec> = {};
  if (recipe.first === 'held') actions['first'] = { barrier };
  if (recipe.first === 'fail') actions['first'] = { fail: 'scripted failure' };
  const plan = scenario.plan(name, { ...recipe.spec, steps: FIXTURE_STEPS, actions });
  const reached = new Reached(scenario, plan, recipe.target ?? defaultTarget, barrier);
  let seen: string | undefined;
  try {
    for (const move of recipe.moves) await perform(reached, move);
    seen = await reached.status();
  } catch (e) {
    await reached.cleanup();
    // HarnessError: the object to act on cannot be found (e.g. no Confirm was opened).
    if (e instanceof Unreachable || e instanceof Stop || e instanceof HarnessError) return { ok: false, why: e.message };
    throw e;
  }
  if (seen !== status) {
    await reached.cleanup();
    return { ok: false, why: `the recipe ended with ${reached.target} ${seen ?? 'unreadable'}, not ${status}` };
  }
  return { ok: true, reached };
}

// ---------------------------------------------------------------- forbidden pairs

export interface PairReport {
  pair: string;
  rule: string;
  /** Guards and triggers the check made hold before the request. */
  established?: string[];
  answer: OpResult;
  changed?: string[];
}

interface Attempt {
  report?: PairReport;
  accepted: boolean;
  changed: boolean;
}

async function attemptForbidden(r: Reached, to: string, row: TransitionRow): Promise<Attempt> {
  const { session } = r.scenario;
  const before = await captureState(session);
  const objectBefore = await r.read();
  const answer = await session.transition(await r.ref(), to);
  const difference = stateDifference(before, await captureState(session));
  const objectAfter = await r.read();
  const changed = [...(difference?.summary ?? []), ...(isDeepStrictEqual(objectBefore, objectAfter) ? [] : [`the ${r.target} read back changed`])];
  const accepted = answer.ok;
  if (!accepted && changed.length === 0) return { accepted, changed: false };
  return { accepted, changed: changed.length > 0, report: { pair: `${row.from} → ${to}`, rule: row.rule, answer, ...(changed.length > 0 ? { changed } : {}) } };
}

export interface MatrixRequirements {
  /** An R pair (not from a terminal status) was accepted. */
  forbidden: string;
  /** A pair out of a terminal status was accepted. */
  terminal: string;
  /** A rejected request changed something. */
  atomic: string;
}

/**
 * Tries every R pair of `object` whose `from` the recipes reach. One violation per broken
 * requirement, listing every offending pair in `seen`.
 */
export async function forbiddenMatrix(scenario: Scenario, object: LifecycleObject, recipes: Reach, defaultTarget: Target, reqs: MatrixRequirements): Promise<{ violations: Violation[]; graded: string[]; notGraded: Record<string, string> }> {
  const pairs = allPairs(object).filter((p) => p.row.class === 'R');
  const froms = [...new Set(pairs.map((p) => p.from))];
  const broken = { forbidden: [] as PairReport[], terminal: [] as PairReport[], atomic: [] as PairReport[] };
  const graded: string[] = [];
  const notGraded: Record<string, string> = {};
  for (const from of froms) {
    const recipe = recipes[from];
    if (!recipe) {
      notGraded[from] = `no operation of the adapter contract brings a ${object} into ${from}`;
      continue;
    }
    const queue = pairs.filter((p) => p.from === from);
    for (let round = 0; queue.length > 0; round++) {
      const got = await reach(scenario, `${object}-${from}-${round}`, from, recipe, defaultTarget);
      if (!got.ok) {
        notGraded[from] = got.why;
        break;
      }
      while (queue.length > 0) {
        const pair = queue.shift()!;
        const attempt = await attemptForbidden(got.reached, pair.to, pair.row);
        graded.push(`${pair.from} → ${pair.to}`);
        if (attempt.report) {
          if (attempt.accepted) (pair.terminal ? broken.terminal : broken.forbidden).push(attempt.report);
          else broken.atomic.push(attempt.report);
        }
        // The object moved: the remaining pairs need a fresh one in `from`.
        if (attempt.changed) break;
      }
      await got.reached.cleanup();
    }
  }
  const violations: Violation[] = [];
  const add = (requirement: string, list: PairReport[], what: string) => {
    if (list.length > 0) {
      violations.push({
        requirement,
        message: `${list.length} ${object} transition(s) ${what}: ${list.map((p) => p.pair).join(', ')}`,
        expected: 'every forbidden request rejected (ok: false) with the PSG export, the event stream and the object unchanged',
        seen: list,
      });
    }
  };
  add(reqs.forbidden, broken.forbidden, 'classed R by the L2 table were accepted');
  add(reqs.terminal, broken.terminal, 'out of a terminal status were accepted');
  add(reqs.atomic, broken.atomic, 'were rejected but changed the runtime');
  return { violations, graded, notGraded };
}

// ---------------------------------------------------------------- allowed pairs

/** What makes a guard hold on top of the recipe for `from`: more moves, another start, another target. */
export interface GuardSetup {
  /** Replaces the recipe of `from` entirely. */
  recipe?: Recipe;
  /** Appended to the recipe of `from`. */
  then?: Move[];
  target?: Target;
}

/** Guards and triggers that hold on the plain fixture need no entry. */
export type GuardSetups = Partial<Record<GuardName | TriggerName, GuardSetup>>;

/** The conditions an A row names that the check makes hold before requesting it. */
function conditionsOf(row: TransitionRow): (GuardName | TriggerName)[] {
  return [...(row.guards ?? []), ...(row.triggers ?? [])];
}

function recipeFor(row: TransitionRow, recipes: Reach, guards: GuardSetups): Recipe | undefined {
  let recipe = recipes[row.from];
  for (const g of conditionsOf(row)) {
    const setup = guards[g];
    if (!setup) continue;
    if (setup.recipe) recipe = setup.recipe;
    if (recipe && setup.then) recipe = { ...recipe, moves: [...recipe.moves, ...setup.then] };
    if (recipe && setup.target) recipe = { ...recipe, target: setup.target };
  }
  return recipe;
}

/** Requests every A row of the object's table with its guards made to hold; each must be accepted. */
export async function allowedMatrix(scenario: Scenario, object: LifecycleObject, recipes: Reach, guards: GuardSetups, defaultTarget: Target, requirement: string): Promise<{ violations: Violation[]; graded: string[]; notGraded: Record<string, string> }> {
  const rows = LIFECYCLE_TABLES[object].rows.filter((r) => r.class === 'A');
  const refusedPairs: PairReport[] = [];
  const graded: string[] = [];
  const notGraded: Record<string, string> = {};
  for (const [i, row] of rows.entries()) {
    const pair = `${row.from} → ${row.to}`;
    const recipe = recipeFor(row, recipes, guards);
    if (!recipe) {
      notGraded[pair] = `no operation of the adapter contract brings a ${object} into ${row.from}`;
      continue;
    }
    const got = await reach(scenario, `${object}-allowed-${i}`, row.from, recipe, defaultTarget);
    if (!got.ok) {
      notGraded[pair] = got.why;
      continue;
    }
    // Setting up a step's guard (a failed dependency) may end the plan: a runtime may fail it
    // itself ("becomes failed"), and a step of an ended plan no longer changes.
    const planNow = got.reached.target.startsWith('step:') ? await got.reached.plan.objects.status('plan') : undefined;
    if (planNow !== undefined && planNow !== 'in_progress') {
      notGraded[pair] = `the runtime ended the plan (${planNow}) itself while the guard was set up`;
      await got.reached.cleanup();
      continue;
    }
    const answer = await scenario.session.transition(await got.reached.ref(), row.to);
    const after = await got.reached.status();
    graded.push(pair);
    const conditions = conditionsOf(row);
    if (!answer.ok || after !== row.to) refusedPairs.push({ pair, rule: row.rule, ...(conditions.length > 0 ? { established: conditions } : {}), answer, ...(answer.ok ? { changed: [`accepted, but the ${got.reached.target} reads back ${after ?? 'nothing'}`] } : {}) });
    await got.reached.cleanup();
  }
  const violations: Violation[] =
    refusedPairs.length === 0
      ? []
      : [{
          requirement,
          message: `${refusedPairs.length} ${object} transition(s) classed A were refused after the check made every guard and trigger of their row hold: ${refusedPairs.map((p) => `${p.pair}${p.established ? ` (${p.established.join(', ')} established)` : ''}`).join(', ')}`,
          expected: 'accepted, and the object reads back in the new status',
          seen: refusedPairs,
        }];
  return { violations, graded, notGraded };
}
