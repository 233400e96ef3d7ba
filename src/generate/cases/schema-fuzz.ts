// Schema fuzz: a Context and a Plan faked from our schemas by json-schema-faker, made
// registrable (the plan bound to the context, registered draft with pending steps, unique
// step ids, dependencies on earlier steps only), must be accepted by `load` and read back
// valid. The same pair with one targeted mutation of either object must be rejected and
// change nothing. Objects travel as data files next to the flow; cases shrink by dropping
// optional properties and array items.

import fc from 'fast-check';
import { nameToUuidV4 } from '../../mplp/ids.js';
import type { Context, Plan } from '../../mplp/types.js';
import { finishCase } from '../case.js';
import { applyMutation, describeMutation, MUTATION_KINDS, mutationSites, type MutationKind, type SchemaMutation } from '../schema-mutations.js';
import { fakeObject, inlinedSchema, optionalParts, withoutPart, type Path } from '../schema-objects.js';
import { shrinkingBy } from '../shrink.js';
import type { PropertyCases } from './cases.js';

type Target = 'context' | 'plan';

export interface FuzzValue {
  context: Context;
  plan: Plan;
  mutation?: { target: Target; mutation: SchemaMutation };
}

/** The faked plan made loadable with the faked context (integrity rules are not the schema's). */
export function registrable(context: Context, plan: Plan): Plan {
  const seen = new Set<string>();
  const steps = plan.steps.map((s, i) => {
    const step_id = seen.has(s.step_id) ? nameToUuidV4('schema-fuzz', `${plan.plan_id}:${i}`) : s.step_id;
    seen.add(step_id);
    const earlier = new Set(plan.steps.slice(0, i).map((x) => x.step_id));
    const dependencies = [...new Set((s.dependencies ?? []).filter((d) => earlier.has(d) && seen.has(d)))];
    const { dependencies: _dropped, ...rest } = s;
    return { ...rest, step_id, status: 'pending' as const, ...(dependencies.length > 0 ? { dependencies } : {}) };
  });
  return { ...plan, context_id: context.context_id, status: 'draft', steps };
}

/** Paths a plan-file reader needs intact: the steps array and each step's string step_id. */
function readerNeeds(target: Target): (path: Path) => boolean {
  return (path) => target === 'plan' && (path[0] === 'steps' && (path.length === 1 || (path.length === 3 && path[2] === 'step_id')));
}

function mutationFor(value: FuzzValue, target: Target, kind: MutationKind, pick: number, variant: number): FuzzValue['mutation'] {
  const sites = mutationSites(value[target], inlinedSchema(target), kind, kind === 'missing-required' ? readerNeeds(target) : undefined);
  if (sites.length === 0) return undefined;
  return { target, mutation: { kind, path: sites[pick % sites.length]!, variant } };
}

function drawn(invalid: boolean): fc.Arbitrary<FuzzValue> {
  return fc
    .record({
      contextSeed: fc.nat(),
      planSeed: fc.nat(),
      target: fc.constantFrom<Target>('plan', 'context'),
      kind: fc.constantFrom(...MUTATION_KINDS),
      pick: fc.nat(),
      variant: fc.nat({ max: 1 }),
    })
    .map((r) => {
      const context = fakeObject('context', r.contextSeed) as Context;
      const value: FuzzValue = { context, plan: registrable(context, fakeObject('plan', r.planSeed) as Plan) };
      if (!invalid) return value;
      const mutation = mutationFor(value, r.target, r.kind, r.pick, r.variant) ?? mutationFor(value, r.target, 'extra-property', r.pick, r.variant);
      return mutation ? { ...value, mutation } : value;
    })
    .filter((v) => !invalid || v.mutation !== undefined);
}

/**
 * Where a mutation applies once `removed` is gone from the same object: array indices after
 * it move down one; undefined when the mutation sat inside the removed part.
 */
function pathAfterRemoving(path: Path, removed: Path): Path | undefined {
  const k = removed.at(-1);
  const parent = removed.slice(0, -1);
  const through = path.length > parent.length && parent.every((p, i) => path[i] === p);
  if (!through) return path;
  const step = path[parent.length];
  if (step === k) return undefined;
  return typeof k === 'number' && typeof step === 'number' && step > k ? [...parent, step - 1, ...path.slice(parent.length + 1)] : path;
}

/** The same case with one optional part of the context or plan dropped (the mutation kept applicable). */
function smallerFuzzValues(v: FuzzValue): FuzzValue[] {
  const out: FuzzValue[] = [];
  for (const target of ['context', 'plan'] as const) {
    for (const part of optionalParts(v[target], inlinedSchema(target))) {
      const smaller = withoutPart(v[target], part) as Context & Plan;
      const next: FuzzValue = { ...v, [target]: smaller };
      next.plan = registrable(next.context, next.plan);
      if (v.mutation) {
        const path = v.mutation.target === target ? pathAfterRemoving(v.mutation.mutation.path, part) : v.mutation.mutation.path;
        if (path === undefined) continue;
        next.mutation = { target: v.mutation.target, mutation: { ...v.mutation.mutation, path } };
        if (applyMutation(next[v.mutation.target], next.mutation.mutation) === undefined) continue;
      }
      out.push(next);
    }
  }
  return out;
}

function isFuzzValue(value: unknown): value is FuzzValue {
  const v = value as FuzzValue | null;
  return typeof v?.context === 'object' && Array.isArray(v?.plan?.steps);
}

const BEFORE = 'before';

export function schemaFuzzCases(): PropertyCases<FuzzValue> {
  return {
    property: 'schema-valid objects faked from our schemas are accepted by load and read back valid; each with one targeted mutation is rejected and changes nothing',
    arbitrary: () => shrinkingBy(fc.oneof(drawn(false), drawn(true)), smallerFuzzValues, isFuzzValue),
    // A context mutation refused is ungraded on its own (every operation refused): the valid
    // objects accepted first make the refusals of a run count.
    control: () => drawn(false),
    toCase: (v, _env, owner) => {
      if (!v.mutation) {
        return finishCase(owner, { description: 'schema-valid context and plan faked from schemas/', operations: [{ load: {} }], expect: { final: { plan: 'draft', all_steps: 'pending' }, objects_valid: true } }, { context: v.context, plan: v.plan });
      }
      const { target, mutation } = v.mutation;
      const mutated = applyMutation(v[target], mutation);
      const files = target === 'context' ? { context: mutated as Context, plan: v.plan } : { context: v.context, plan: mutated as Plan };
      return finishCase(
        owner,
        {
          description: `${target}: ${describeMutation(mutation)}`,
          operations: [
            ...(target === 'plan' ? [{ load: { only: ['context' as const] } }] : []),
            { snapshot: BEFORE },
            { load: { only: [target], expect: { ok: false, unchanged: true } } },
          ],
          expect: { unchanged_since: BEFORE },
        },
        files,
      );
    },
  };
}
