// Grades an expectation block (final `expect` or a mid-flow `check`) against what the
// session shows now. One grader per key of the block, each returning its failures with the
// fewest events that show them.

import { isDeepStrictEqual } from 'node:util';
import type { GraphExport } from '../../adapter/contract.js';
import { isUuidV4 } from '../../mplp/ids.js';
import { SEGMENT_TABLE } from '../../mplp/transitions.js';
import { MAP_EVENT_TYPES, SA_EVENT_TYPES, type BusEvent, type Trace } from '../../mplp/types.js';
import { validate } from '../../mplp/validate.js';
import type { ExpandedFlow } from './expand.js';
import { evidence, type FlowFailure } from './failure.js';
import type { FlowObjects, StateCapture } from './observe.js';
import {
  countHolds,
  familyOf,
  formatCount,
  matches,
  parseCount,
  parseSelector,
  statusChangeOf,
  type CountEnv,
  type Selector,
} from './selectors.js';
import type { Count, ExpectationSpec } from './spec.js';
import type { AelCall, CompensationCall } from '../recording-ael.js';
import type { Session } from '../../adapter/contract.js';
import { gradeArtifacts, gradeCompensations, gradeFiles } from './workspace-ops.js';
import { evaluateInvariant } from './invariants.js';
import { COMPILED_MAP_INVARIANTS, COMPILED_SA_INVARIANTS } from './profile-invariants.js';

export type Snapshot = StateCapture & { trace?: Trace };

/** What graders may look at: the drive's state (see FlowRun). */
export interface GradingSource {
  flow: { expanded: ExpandedFlow };
  objects: FlowObjects;
  snapshots: ReadonlyMap<string, Snapshot>;
  kit: {
    session: { events(): Promise<BusEvent[]>; graph(): Promise<GraphExport>; drift?: Session['drift'] };
    ael: { calls: readonly AelCall[]; maxInFlight: number; compensations?: readonly CompensationCall[] };
    workspace?: string;
  };
  ctx: { maxConcurrency: number };
}

/** Everything observed once per grading, shared by the graders. */
interface Observed {
  src: GradingSource;
  expanded: ExpandedFlow;
  events: BusEvent[];
  graph: GraphExport;
  calls: readonly AelCall[];
  env: CountEnv;
  where: string;
}

type Grader<K extends keyof ExpectationSpec> = (spec: NonNullable<ExpectationSpec[K]>, o: Observed) => Promise<FlowFailure[]>;

function selector(text: string): Selector {
  const parsed = parseSelector(text);
  if (!parsed.ok) throw new Error(`internal: selector ${text} passed the loader but does not parse`);
  return parsed.selector;
}

function select(o: Observed, sel: Selector): { event: BusEvent; index: number }[] {
  const out: { event: BusEvent; index: number }[] = [];
  o.events.forEach((event, index) => {
    if (matches(sel, event, o.expanded.names)) out.push({ event, index });
  });
  return out;
}

function statusEventsOf(o: Observed, resourceId: string): BusEvent[] {
  return o.events.filter((e) => statusChangeOf(e)?.resource === resourceId);
}

function count(where: string, what: string, expr: Count, actual: number, o: Observed, events: BusEvent[] = []): FlowFailure[] {
  const parsed = parseCount(expr);
  if (countHolds(parsed, actual, o.env)) return [];
  return [{ where, message: `${what}: saw ${actual}, expected ${formatCount(parsed, o.env)}`, expected: formatCount(parsed, o.env), seen: actual, events: evidence(events) }];
}

function nameOfStep(o: Observed, id: string): string {
  return o.expanded.steps.find((s) => s.id === id)?.name ?? id;
}

function resourceId(o: Observed, name: string): string {
  return name === 'plan' ? o.expanded.names.planId : o.expanded.names.stepId(name)!;
}

// ---------------------------------------------------------------- graders

const gradeFinal: Grader<'final'> = async (f, o) => {
  const out: FlowFailure[] = [];
  const where = `${o.where}.final`;
  for (const key of ['plan', 'context', 'trace', 'confirm', 'collab'] as const) {
    const want = f[key];
    if (want === undefined) continue;
    const seen = key === 'trace' ? (await o.src.objects.trace())?.status : key === 'confirm' ? (await o.src.objects.confirm())?.status : await o.src.objects.status(key);
    if (seen !== want) {
      const events = key === 'plan' ? statusEventsOf(o, o.expanded.names.planId) : [];
      out.push({ where: `${where}.${key}`, message: `${key} is ${seen ?? 'missing'}, expected ${want}`, expected: want, seen: seen ?? null, events: evidence(events) });
    }
  }
  const steps = { ...Object.fromEntries(f.all_steps ? o.expanded.steps.map((s) => [s.name, f.all_steps!]) : []), ...(f.steps ?? {}) };
  if (Object.keys(steps).length > 0) {
    const plan = await o.src.objects.plan();
    for (const [name, want] of Object.entries(steps)) {
      const id = o.expanded.names.stepId(name)!;
      const seen = plan?.steps.find((s) => s.step_id === id)?.status;
      if (seen !== want) out.push({ where: `${where}.steps.${name}`, message: `step ${name} is ${seen ?? 'missing'}, expected ${want}`, expected: want, seen: seen ?? null, events: evidence(statusEventsOf(o, id)) });
    }
  }
  return out;
};

const gradeEvents: Grader<'events'> = async (counts, o) =>
  Object.entries(counts).flatMap(([text, expr]) => {
    const hits = select(o, selector(text));
    return count(`${o.where}.events.${text}`, `events matching ${text}`, expr, hits.length, o, hits.map((h) => h.event));
  });

/** A `transitions` chain: exact links, optionally ending `* -> a|b` (then any further changes, each into one of a, b). */
function parseChain(chain: readonly string[]): { exact: string[]; then?: ReadonlySet<string> } {
  const link = (l: string) => l.split('->').map((x) => x.trim());
  const last = chain.at(-1);
  const open = last !== undefined && link(last)[0] === '*';
  const exact = (open ? chain.slice(0, -1) : chain).map((l) => link(l).join(' -> '));
  return open ? { exact, then: new Set(link(last)[1]!.split('|').map((x) => x.trim())) } : { exact };
}

const gradeTransitions: Grader<'transitions'> = async (chains, o) =>
  Object.entries(chains).flatMap(([name, chain]) => {
    const events = statusEventsOf(o, resourceId(o, name));
    const changes = events.map((e) => statusChangeOf(e)!);
    const seen = changes.map((c) => `${c.from} -> ${c.to}`);
    const { exact, then } = parseChain(chain);
    const holds = then
      ? isDeepStrictEqual(seen.slice(0, exact.length), exact) && changes.slice(exact.length).every((c) => then.has(c.to))
      : isDeepStrictEqual(seen, exact);
    const expected = then ? [...exact, `then only changes into ${[...then].join(' | ')}`] : exact;
    return holds ? [] : [{ where: `${o.where}.transitions.${name}`, message: `pipeline_stage changes of ${name} differ`, expected, seen, events: evidence(events) }];
  });

/** Statuses read through graph(): the node of the plan, the Context or a step, by id. A node
 *  without a status is not graded (the export may leave statuses to get()). */
const gradeGraphFinal: Grader<'graph_final'> = async (f, o) => {
  const out: FlowFailure[] = [];
  const where = `${o.where}.graph_final`;
  const statusOf = (id: string) => o.graph.nodes.find((n) => n.id === id)?.status;
  const wanted: [string, string, string][] = [];
  if (f.plan !== undefined) wanted.push(['plan', o.expanded.names.planId, f.plan]);
  if (f.context !== undefined) wanted.push(['context', o.expanded.context.context_id, f.context]);
  const steps = { ...Object.fromEntries(f.all_steps ? o.expanded.steps.map((s) => [s.name, f.all_steps!]) : []), ...(f.steps ?? {}) };
  for (const [name, want] of Object.entries(steps)) wanted.push([`steps.${name}`, o.expanded.names.stepId(name)!, want]);
  for (const [key, id, want] of wanted) {
    const seen = statusOf(id);
    if (seen !== undefined && seen !== want) out.push({ where: `${where}.${key}`, message: `graph() gives ${key} ${seen}, expected ${want}`, expected: want, seen });
  }
  return out;
};

const gradeOrder: Grader<'order'> = async (rules, o) =>
  rules.flatMap((rule, i): FlowFailure[] => {
    const [left, right] = rule.split('<').map((s) => s.trim()) as [string, string];
    const a = select(o, selector(left));
    const b = select(o, selector(right));
    const where = `${o.where}.order[${i}]`;
    if (a.length === 0 || b.length === 0) {
      // Nothing to order: the event itself is missing, which the event rules are about.
      return [{ where: `${where}.missing`, message: `"${rule}": no event matches ${a.length === 0 ? left : right}`, expected: rule, seen: { [left]: a.length, [right]: b.length } }];
    }
    const lastA = a[a.length - 1]!;
    const firstB = b[0]!;
    return lastA.index < firstB.index ? [] : [{ where, message: `"${rule}" broken: ${right} at position ${firstB.index} comes before ${left} at position ${lastA.index}`, expected: rule, seen: `${right} (#${firstB.index}) before ${left} (#${lastA.index})`, events: [firstB.event, lastA.event] }];
  });

const gradeBetween: Grader<'between'> = async (rules, o) =>
  rules.flatMap((r, i): FlowFailure[] => {
    const where = `${o.where}.between[${i}]`;
    const from = select(o, selector(r.from))[0];
    if (!from) return [{ where, message: `no event matches ${r.from}`, expected: r.from, seen: null }];
    const to = select(o, selector(r.to)).find((h) => h.index > from.index);
    if (!to) return [{ where, message: `no event matches ${r.to} after ${r.from}`, expected: r.to, seen: null, events: [from.event] }];
    const inside = select(o, selector(r.none)).filter((h) => h.index > from.index && h.index < to.index);
    return inside.length === 0 ? [] : [{ where, message: `${inside.length} event(s) matching ${r.none} between ${r.from} and ${r.to}`, expected: 0, seen: inside.length, events: evidence([from.event, ...inside.map((h) => h.event), to.event]) }];
  });

const gradeOverlap: Grader<'max_overlap'> = async (expr, o) => count(`${o.where}.max_overlap`, 'most step actions running at once', expr, o.src.kit.ael.maxInFlight, o);

const gradeAel: Grader<'ael'> = async (a, o) => {
  const where = `${o.where}.ael`;
  const called = o.calls.map((c) => nameOfStep(o, c.step_id));
  const out: FlowFailure[] = [];
  if (a.calls !== undefined) out.push(...count(`${where}.calls`, 'AEL calls', a.calls, o.calls.length, o));
  if (a.order && !isDeepStrictEqual(called, a.order)) out.push({ where: `${where}.order`, message: 'step actions ran in a different order', expected: a.order, seen: called });
  const missing = (a.called ?? []).filter((n) => !called.includes(n));
  if (missing.length > 0) out.push({ where: `${where}.called`, message: `no AEL call for ${missing.join(', ')}`, expected: a.called, seen: called });
  const extra = (a.not_called ?? []).filter((n) => called.includes(n));
  if (extra.length > 0) out.push({ where: `${where}.not_called`, message: `AEL was called for ${extra.join(', ')}`, expected: `no call for ${a.not_called!.join(', ')}`, seen: called });
  if (a.actions_valid) {
    const bad = o.calls.filter((c) => !isUuidV4(c.action.action_id) || c.action.plan_id !== o.expanded.names.planId || !o.expanded.names.stepIds.has(c.action.step_id));
    if (bad.length > 0) out.push({ where: `${where}.actions_valid`, message: `${bad.length} action(s) lack a v4 action_id or name a wrong plan/step`, expected: { action_id: 'uuid v4', plan_id: o.expanded.names.planId }, seen: bad.map((c) => c.action) });
  }
  return out;
};

const gradeTrace: Grader<'trace'> = async (t, o) => {
  const where = `${o.where}.trace`;
  const trace = await o.src.objects.trace();
  if (!trace) return [{ where, message: `no trace bound to plan ${o.expanded.names.planId} in the PSG`, expected: 'a trace with plan_id = the plan', seen: null }];
  const segments = trace.segments ?? [];
  const out: FlowFailure[] = [];
  if (t.segments !== undefined) out.push(...count(`${where}.segments`, 'trace segments', t.segments, segments.length, o));
  if (t.segments_terminal) {
    const open = segments.filter((s) => !SEGMENT_TABLE.terminal.includes(s.status));
    if (open.length > 0) out.push({ where: `${where}.segments_terminal`, message: `${open.length} segment(s) not in a terminal status`, expected: SEGMENT_TABLE.terminal, seen: open });
  }
  if (t.events !== undefined) out.push(...count(`${where}.events`, 'trace events', t.events, (trace.events ?? []).length, o));
  if (t.bound && (trace.context_id !== o.expanded.context.context_id || trace.plan_id !== o.expanded.names.planId)) {
    out.push({ where: `${where}.bound`, message: 'the trace is not bound to the flow context and plan', expected: { context_id: o.expanded.context.context_id, plan_id: o.expanded.names.planId }, seen: { context_id: trace.context_id, plan_id: trace.plan_id } });
  }
  if (t.append_only_since) out.push(...appendOnly(`${where}.append_only_since`, o.src.snapshots.get(t.append_only_since)?.trace, trace));
  return out;
};

/** Every segment and event of the earlier reading is still there, unchanged, in place. */
function appendOnly(where: string, before: Trace | undefined, now: Trace): FlowFailure[] {
  if (!before) return [{ where, message: 'the snapshot holds no trace to compare with', expected: 'a trace at snapshot time', seen: null }];
  const out: FlowFailure[] = [];
  const nowSegments = new Map((now.segments ?? []).map((s) => [s.segment_id, s]));
  for (const s of before.segments ?? []) {
    const later = nowSegments.get(s.segment_id);
    if (!isDeepStrictEqual(later, s)) out.push({ where, message: later ? `segment ${s.segment_id} was modified` : `segment ${s.segment_id} was removed`, expected: s, seen: later ?? null });
  }
  const earlier = before.events ?? [];
  if (!isDeepStrictEqual((now.events ?? []).slice(0, earlier.length), earlier)) {
    out.push({ where, message: 'trace events were rewritten or removed (earlier list is not a prefix)', expected: earlier, seen: now.events ?? [] });
  }
  return out;
}

const gradeConfirm: Grader<'confirm'> = async (c, o) => {
  const where = `${o.where}.confirm`;
  // A runtime may keep one Confirm for every review round or open one per round (digest §3.5):
  // decisions are counted over all of the plan's Confirms, in the order they were decided.
  const confirms = await o.src.objects.confirms();
  if (confirms.length === 0) return [{ where, message: `no Confirm targets plan ${o.expanded.names.planId}`, expected: 'a Confirm', seen: null }];
  const decisions = confirms.flatMap((x) => x.decisions ?? []);
  const out: FlowFailure[] = [];
  if (c.decisions !== undefined) out.push(...count(`${where}.decisions`, `decisions over the ${confirms.length} Confirm(s) of the plan`, c.decisions, decisions.length, o));
  const astray = confirms.filter((x) => x.target_type !== 'plan' || x.target_id !== o.expanded.names.planId);
  if (c.targets_plan && astray.length > 0) {
    out.push({ where: `${where}.targets_plan`, message: 'a Confirm of the plan does not target it as target_type plan', expected: { target_type: 'plan', target_id: o.expanded.names.planId }, seen: astray.map((x) => ({ confirm_id: x.confirm_id, target_type: x.target_type, target_id: x.target_id })) });
  }
  if (c.latest_decision_matches) {
    for (const x of confirms) {
      const latest = x.decisions?.at(-1);
      if (latest && latest.status !== x.status) out.push({ where: `${where}.latest_decision_matches`, message: `Confirm ${x.confirm_id} is ${x.status} but its latest decision is ${latest.status}`, expected: latest.status, seen: x.status });
    }
  }
  return out;
};

const gradeUnchanged: Grader<'unchanged_since'> = async (name, o) => {
  const snap = o.src.snapshots.get(name)!;
  const newEvents = o.events.slice(snap.events.length);
  const same = isDeepStrictEqual(snap.graph, o.graph) && isDeepStrictEqual(snap.events, o.events);
  return same ? [] : [{ where: `${o.where}.unchanged_since`, message: `the PSG or event stream changed since snapshot ${name}`, expected: 'unchanged', seen: { new_events: newEvents.length, nodes: [snap.graph.nodes.length, o.graph.nodes.length], edges: [snap.graph.edges.length, o.graph.edges.length] }, events: evidence(newEvents) }];
};

const gradeGraphDeltas: Grader<'graph_deltas'> = async (on, o) => {
  if (!on) return [];
  const updates = o.events.filter((e) => familyOf(e) === 'graph_update');
  const sum = (k: 'node_delta' | 'edge_delta') => updates.reduce((n, e) => n + (Number((e as Record<string, unknown>)[k]) || 0), 0);
  const seen = { nodes: sum('node_delta'), edges: sum('edge_delta') };
  const expected = { nodes: o.graph.nodes.length, edges: o.graph.edges.length };
  return isDeepStrictEqual(seen, expected) ? [] : [{ where: `${o.where}.graph_deltas`, message: `graph_update deltas add up to ${seen.nodes} nodes / ${seen.edges} edges, the PSG export has ${expected.nodes} / ${expected.edges}`, expected, seen, events: evidence(updates) }];
};

const PROFILE_TYPES: ReadonlySet<string> = new Set<string>([...SA_EVENT_TYPES, ...MAP_EVENT_TYPES]);
const FAMILY_IDS: Readonly<Record<string, string>> = { pipeline_stage: 'pipeline_id', graph_update: 'graph_id', runtime_execution: 'execution_id' };

const gradeEventsValid: Grader<'events_valid'> = async (on, o) => {
  if (!on) return [];
  const where = `${o.where}.events_valid`;
  const out: FlowFailure[] = [];
  const ids = new Map<string, number>();
  o.events.forEach((e, i) => {
    const r = validate('event', e);
    if (!r.ok) out.push({ where, message: `event #${i} (${e.event_type}) is not schema-valid: ${r.errors.map((x) => `${x.path || '/'} ${x.message}`).join('; ')}`, expected: 'valid event', seen: r.errors, events: [e] });
    if (!isUuidV4(e.event_id)) out.push({ where, message: `event #${i} has a non-v4 event_id ${JSON.stringify(e.event_id)}`, expected: 'lowercase uuid v4', seen: e.event_id, events: [e] });
    const family = familyOf(e);
    const idField = family ? FAMILY_IDS[family] : undefined;
    if (idField && !isUuidV4((e as Record<string, unknown>)[idField])) out.push({ where, message: `event #${i} (${family}) has a non-v4 ${idField}`, expected: 'lowercase uuid v4', seen: (e as Record<string, unknown>)[idField], events: [e] });
    if (!family && !PROFILE_TYPES.has(e.event_type)) out.push({ where, message: `event #${i} has neither an event_family nor an SA/MAP event_type`, expected: 'event core or profile event', seen: e.event_type, events: [e] });
    const dup = ids.get(e.event_id);
    if (dup !== undefined) out.push({ where, message: `events #${dup} and #${i} share event_id ${e.event_id}`, expected: 'unique event ids', seen: e.event_id, events: [o.events[dup]!, e] });
    ids.set(e.event_id, i);
  });
  const seqs = o.events.map((e) => (e as { payload?: { seq?: unknown } }).payload?.seq);
  if (seqs.every((s) => typeof s === 'number')) {
    const back = (seqs as number[]).findIndex((s, i) => i > 0 && s <= (seqs[i - 1] as number));
    if (back > 0) out.push({ where, message: `payload.seq goes from ${seqs[back - 1]} to ${seqs[back]} at event #${back}`, expected: 'strictly increasing', seen: seqs.slice(Math.max(0, back - 1), back + 1), events: [o.events[back - 1]!, o.events[back]!] });
  }
  // Causal order: a step of the plan starts only after the plan entered in_progress.
  let planRunning = false;
  for (const e of o.events) {
    const c = statusChangeOf(e);
    if (!c) continue;
    if (c.resource === o.expanded.names.planId) planRunning = c.to === 'in_progress';
    else if (c.to === 'in_progress' && o.expanded.names.stepIds.has(c.resource) && !planRunning) {
      out.push({ where, message: `step ${nameOfStep(o, c.resource)} entered in_progress while the plan was not in_progress`, expected: 'plan in_progress first', seen: 'step started', events: [e] });
    }
  }
  return out;
};

const gradeChains: Grader<'chains'> = async (on, o) => {
  if (!on) return [];
  const plan = await o.src.objects.plan();
  const registered = o.expanded.plan;
  const resources = [
    { name: 'plan', id: o.expanded.names.planId, initial: registered?.status, now: plan?.status },
    ...o.expanded.steps.map((s) => ({
      name: s.name,
      id: s.id,
      initial: registered?.steps.find((x) => x.step_id === s.id)?.status,
      now: plan?.steps.find((x) => x.step_id === s.id)?.status,
    })),
  ];
  const out: FlowFailure[] = [];
  for (const r of resources) {
    const events = statusEventsOf(o, r.id);
    let at: string | undefined = r.initial;
    for (const e of events) {
      const c = statusChangeOf(e)!;
      if (c.from !== at || c.from === c.to) {
        out.push({ where: `${o.where}.chains.${r.name}`, message: `pipeline_stage for ${r.name} reports ${c.from} -> ${c.to} while it was ${at}`, expected: `from_status ${at}`, seen: `${c.from} -> ${c.to}`, events: evidence(events) });
        break;
      }
      at = c.to;
    }
    if (at !== r.now && out.every((f) => f.where !== `${o.where}.chains.${r.name}`)) {
      out.push({ where: `${o.where}.chains.${r.name}`, message: `${r.name} is ${r.now} but its pipeline_stage events end at ${at} (a status change without an event)`, expected: r.now, seen: at, events: evidence(events) });
    }
  }
  return out;
};

const OBJECT_KINDS: readonly ('context' | 'plan' | 'collab' | 'confirm' | 'trace')[] = ['context', 'plan', 'collab', 'confirm', 'trace'];

const gradeObjectsValid: Grader<'objects_valid'> = async (on, o) => {
  if (!on) return [];
  const where = `${o.where}.objects_valid`;
  const out: FlowFailure[] = [];
  for (const kind of OBJECT_KINDS) {
    const obj = kind === 'trace' ? await o.src.objects.trace() : kind === 'confirm' ? await o.src.objects.confirm() : kind === 'collab' && !o.expanded.collab ? undefined : await o.src.objects.get(await o.src.objects.ref(kind));
    if (obj === undefined) {
      if (kind === 'context' || kind === 'plan') out.push({ where, message: `the ${kind} cannot be read back`, expected: `the registered ${kind}`, seen: null });
      continue;
    }
    const r = validate(kind, obj);
    if (!r.ok) out.push({ where, message: `${kind} read back is not schema-valid: ${r.errors.map((x) => `${x.path || '/'} ${x.message}`).join('; ')}`, expected: `valid ${kind}`, seen: r.errors });
  }
  const plan = await o.src.objects.plan();
  const registered = (o.expanded.plan?.steps ?? []).map((s) => s.step_id).sort();
  const seen = (plan?.steps ?? []).map((s) => s.step_id).sort();
  if (plan && !isDeepStrictEqual(registered, seen)) out.push({ where, message: 'the plan read back has different step ids', expected: registered, seen });
  return out;
};

function profileEvents(o: Observed, types: ReadonlySet<string>): BusEvent[] {
  return o.events.filter((e) => familyOf(e) === undefined && types.has(e.event_type));
}

const SA_TYPES: ReadonlySet<string> = new Set(SA_EVENT_TYPES);
const MAP_TYPES: ReadonlySet<string> = new Set(MAP_EVENT_TYPES);

const gradeSaRun: Grader<'sa_run'> = async (on, o) => {
  if (!on) return [];
  const where = `${o.where}.sa_run`;
  const sa = profileEvents(o, SA_TYPES);
  const types = sa.map((e) => e.event_type);
  const fail = (message: string, expected: unknown): FlowFailure[] => [{ where, message, expected, seen: types, events: evidence(sa) }];
  if (sa.length === 0) return fail('no SA profile events', 'SAInitialized … SACompleted');
  const saIds = new Set(sa.map((e) => (e as { sa_id?: unknown }).sa_id));
  if (saIds.size !== 1 || !isUuidV4([...saIds][0])) return fail(`SA events carry ${saIds.size} different sa_id value(s)`, 'one v4 sa_id');
  const head = ['SAInitialized', 'SAContextLoaded', 'SAPlanEvaluated'];
  const tail = ['SATraceEmitted', 'SACompleted'];
  if (!isDeepStrictEqual(types.slice(0, 3), head) || !isDeepStrictEqual(types.slice(-2), tail)) return fail('SA events are not in profile order', [...head, '…steps…', ...tail]);
  const middle = sa.slice(3, -2);
  const started: string[] = [];
  for (let i = 0; i < middle.length; i += 2) {
    const s = middle[i]!;
    const e = middle[i + 1];
    const stepOf = (x: BusEvent | undefined) => (x as { payload?: { step_id?: unknown } } | undefined)?.payload?.step_id;
    if (s.event_type !== 'SAStepStarted' || !e || !['SAStepCompleted', 'SAStepFailed'].includes(e.event_type) || stepOf(s) !== stepOf(e)) {
      return fail('each SAStepStarted must be followed by the SAStepCompleted/SAStepFailed of the same step', 'Started(x), Completed|Failed(x), …');
    }
    started.push(String(stepOf(s)));
  }
  const called = o.calls.map((c) => c.step_id);
  return isDeepStrictEqual(started, called) ? [] : fail('SAStepStarted events do not match the step actions run', called.map((id) => nameOfStep(o, id)));
};

const gradeMapRun: Grader<'map_run'> = async (on, o) => {
  if (!on) return [];
  const where = `${o.where}.map_run`;
  const map = profileEvents(o, MAP_TYPES);
  const types = map.map((e) => e.event_type);
  const fail = (message: string, expected: unknown, events = map): FlowFailure[] => [{ where, message, expected, seen: types, events: evidence(events) }];
  const sessionId = o.expanded.collab?.collab_id;
  if (types[0] !== 'MAPSessionStarted' || types[1] !== 'MAPRolesAssigned' || types.at(-1) !== 'MAPSessionCompleted') {
    return fail('MAP events are not in profile order', ['MAPSessionStarted', 'MAPRolesAssigned', '…turns…', 'MAPSessionCompleted']);
  }
  const wrongSession = map.filter((e) => (e as { session_id?: unknown }).session_id !== sessionId);
  if (wrongSession.length > 0) return fail(`${wrongSession.length} MAP event(s) carry a session_id other than the collab_id`, sessionId, wrongSession);
  const key = (e: BusEvent) => {
    const p = (e as { payload?: Record<string, unknown> }).payload ?? {};
    return `${String(p['role_id'])}#${String(p['turn_number'])}`;
  };
  const dispatched = map.filter((e) => e.event_type === 'MAPTurnDispatched');
  const completed = new Set(map.filter((e) => e.event_type === 'MAPTurnCompleted').map(key));
  const unmatched = dispatched.filter((e) => !completed.has(key(e)));
  if (unmatched.length > 0) return fail(`${unmatched.length} MAPTurnDispatched without a matching MAPTurnCompleted`, 'every dispatch completed', unmatched);
  return dispatched.length === o.calls.length ? [] : fail(`${dispatched.length} turns dispatched for ${o.calls.length} step actions`, o.calls.length);
};

const PLAN_TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

const gradeNoStepRunningAfterEnd: Grader<'no_step_running_after_end'> = async (on, o) => {
  if (!on) return [];
  const where = `${o.where}.no_step_running_after_end`;
  const end = o.events.findIndex((e) => {
    const c = statusChangeOf(e);
    return c?.resource === o.expanded.names.planId && PLAN_TERMINAL.has(c.to);
  });
  if (end < 0) return [{ where, message: 'the plan has no terminal pipeline_stage event to grade against', expected: 'a plan terminal event', seen: null }];
  const late = o.events.slice(end + 1).filter((e) => {
    const c = statusChangeOf(e);
    return c !== undefined && o.expanded.names.stepIds.has(c.resource) && (c.from === 'in_progress' || c.to === 'in_progress');
  });
  return late.length === 0 ? [] : [{ where, message: `${late.length} step event(s) after the plan's terminal event show a step running then: ${late.map((e) => `${nameOfStep(o, statusChangeOf(e)!.resource)} ${statusChangeOf(e)!.from} → ${statusChangeOf(e)!.to}`).join(', ')}`, expected: 'every step settled before the plan ended', seen: late.length, events: evidence([o.events[end]!, ...late]) }];
};

const gradeProfileInvariants: Grader<'profile_invariants'> = async (on, o) => {
  if (!on) return [];
  const where = `${o.where}.profile_invariants`;
  const scopes = {
    context: await o.src.objects.get(await o.src.objects.ref('context')),
    plan: await o.src.objects.plan(),
    trace: await o.src.objects.trace(),
    ...(o.expanded.collab ? { collab: await o.src.objects.get(await o.src.objects.ref('collab')) } : {}),
  };
  const rules = [...COMPILED_SA_INVARIANTS, ...(o.expanded.collab ? COMPILED_MAP_INVARIANTS : [])];
  const broken = rules.flatMap((c) => evaluateInvariant(c, scopes)).filter((r) => !r.ok);
  return broken.map((r) => ({ where, message: `invariant ${r.id} does not hold at ${r.path}: ${r.message}`, expected: r.id, seen: r.message }));
};

const GRADERS: { readonly [K in keyof Required<ExpectationSpec>]: Grader<K> } = {
  about: async () => [],
  also: async () => [],
  final: gradeFinal,
  events: gradeEvents,
  transitions: gradeTransitions,
  graph_final: gradeGraphFinal,
  order: gradeOrder,
  between: gradeBetween,
  max_overlap: gradeOverlap,
  ael: gradeAel,
  trace: gradeTrace,
  confirm: gradeConfirm,
  unchanged_since: gradeUnchanged,
  graph_deltas: gradeGraphDeltas,
  events_valid: gradeEventsValid,
  chains: gradeChains,
  objects_valid: gradeObjectsValid,
  sa_run: gradeSaRun,
  map_run: gradeMapRun,
  no_step_running_after_end: gradeNoStepRunningAfterEnd,
  profile_invariants: gradeProfileInvariants,
  files: async (spec, o) => gradeFiles(spec, workspaceOf(o), `${o.where}.files`),
  artifacts: async (spec, o) => gradeArtifacts(spec, o.src.kit.session, `${o.where}.artifacts`),
  compensations: async (spec, o) => gradeCompensations(spec, o.src.kit.ael.compensations ?? [], (id) => nameOfStep(o, id), `${o.where}.compensations`),
};

function workspaceOf(o: Observed): string {
  if (o.src.kit.workspace === undefined) throw new Error('internal: grading files needs the session workspace');
  return o.src.kit.workspace;
}

/** Grades every key of the block; `where` prefixes failure locations (`expect`, `operations[4].check`). */
export async function gradeExpectation(src: GradingSource, spec: ExpectationSpec, where: string): Promise<FlowFailure[]> {
  const [events, graph] = await Promise.all([src.kit.session.events(), src.kit.session.graph()]);
  const calls = src.kit.ael.calls;
  const o: Observed = { src, expanded: src.flow.expanded, events, graph, calls, env: { limit: src.ctx.maxConcurrency, executed: calls.length }, where };
  const out: FlowFailure[] = [];
  for (const key of Object.keys(GRADERS) as (keyof ExpectationSpec)[]) {
    const value = spec[key];
    if (value === undefined) continue;
    out.push(...(await (GRADERS[key] as Grader<typeof key>)(value as never, o)));
  }
  for (const [i, block] of (spec.also ?? []).entries()) out.push(...(await gradeExpectation(src, block, `${where}.also[${i}]`)));
  return out;
}
