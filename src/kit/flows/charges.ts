// Which requirements a broken flow expectation is charged to. A flow lists several
// requirements; one wrong count must not fail all of them (issue 15, class 7). Each
// expectation key and each operation names the requirement ids (or id prefixes) whose rules
// it can evidence (the first exact id is the principal one: what a failure there blocks other
// flows by); a failure is charged to those of them the flow lists. The table is data:
// test/flows-charges.test.ts holds every shipped flow to it (each listed requirement is
// chargeable by something the flow grades, and every expectation charges something listed).

import { parseSelector } from './selectors.js';
import { operationName, type ExpectationSpec, type FlowSpec, type OperationSpec } from './spec.js';

/** Requirement ids or prefixes ("L3-EVT-") a piece of evidence can speak for. */
type Charges = readonly string[];

const STATUS_EVENTS: Charges = ['L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-ORCH-006'];

/** Final statuses read back: the behaviour rules (everything but the event and trace areas). */
const OUTCOMES: Charges = ['L3-LIFE-', 'L3-ORCH-', 'L3-APPR-', 'L3-PAUSE-', 'L3-SA-001', 'L3-MAP-001', 'L3-MAP-002', 'L3-PSG-004', 'L3-AEL-', 'L3-RB-', 'L3-DRIFT-', 'L3-DAG-', 'L3-PSG-001', 'L3-PSG-003', 'L3-PSG-005'];

const EXPECTATION_CHARGES: Readonly<Record<Exclude<keyof ExpectationSpec, 'about' | 'also'>, Charges>> = {
  final: OUTCOMES,
  graph_final: ['L3-PSG-004'],
  events: STATUS_EVENTS, // refined per selector below
  // The chain of a resource's stage events: its statuses are graded by `final`.
  transitions: ['L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-EVT-009'],
  order: ['L3-ORCH-001', 'L3-ORCH-003', 'L3-ORCH-004', 'L3-MAP-002', 'L3-EVT-008', 'L3-SA-001', 'L3-SA-002', 'L3-PAUSE-', 'L3-RB-', 'L3-APPR-001'],
  between: ['L3-ORCH-', 'L3-PAUSE-', 'L3-MAP-', 'L3-SA-001', 'L3-EVT-008'],
  max_overlap: ['L3-ORCH-007', 'L3-MAP-001', 'L3-SA-001'],
  // AEL calls are what ran: nothing may run for a rejected plan, a gated one, a frozen one.
  ael: ['L3-ORCH-', 'L3-AEL-', 'L3-SA-001', 'L3-SA-002', 'L3-LIFE-006', 'L3-LIFE-007', 'L3-LIFE-010', 'L3-APPR-', 'L3-PAUSE-', 'L3-MAP-001', 'L3-MAP-002', 'L3-PSG-002', 'L3-DAG-', 'L3-RB-'],
  trace: ['L3-TRACE-', 'L3-SA-006', 'L3-DRIFT-005', 'L3-RB-003', 'L3-RB-007'],
  confirm: ['L3-APPR-'],
  unchanged_since: ['L3-PSG-002', 'L3-LIFE-004', 'L3-LIFE-005', 'L3-LIFE-010', 'L3-TRACE-', 'L3-RB-003', 'L3-DRIFT-'],
  graph_deltas: ['L3-EVT-004', 'L3-EVT-005', 'L3-DRIFT-', 'L3-RB-005'],
  events_valid: ['L3-EVT-006', 'L3-EVT-007', 'L3-EVT-008'],
  chains: ['L3-EVT-001', 'L3-EVT-002', 'L3-EVT-009', 'L3-LIFE-005'],
  objects_valid: ['L3-PSG-005', 'L3-PSG-006'],
  sa_run: ['L3-SA-003', 'L3-SA-004', 'L3-SA-005'],
  map_run: ['L3-MAP-003', 'L3-MAP-004'],
  profile_invariants: ['L3-SA-006', 'L3-MAP-005'],
  no_step_running_after_end: ['L3-LIFE-010'],
  files: ['L3-DRIFT-', 'L3-RB-'],
  artifacts: ['L3-DRIFT-', 'L3-RB-005'],
  compensations: ['L3-RB-'],
};

/** Events counted by one selector. */
function selectorCharges(text: string): Charges {
  const parsed = parseSelector(text);
  if (!parsed.ok) return STATUS_EVENTS;
  const sel = parsed.selector;
  switch (sel.kind) {
    case 'pause':
      return sel.paused ? ['L3-PAUSE-003'] : ['L3-PAUSE-006'];
    case 'profile':
      return sel.eventType.startsWith('SA') ? ['L3-SA-003', 'L3-SA-004', 'L3-SA-005'] : ['L3-MAP-003', 'L3-MAP-004'];
    case 'status':
      return STATUS_EVENTS;
    case 'family':
      return FAMILY_CHARGES[sel.family] ?? ['L3-EVT-006', 'L3-EVT-007'];
  }
}

const FAMILY_CHARGES: Readonly<Record<string, Charges>> = {
  // A count of a plan's stage events also shows what a refused or rejected request changed.
  pipeline_stage: [...STATUS_EVENTS, 'L3-PAUSE-003', 'L3-PAUSE-006', 'L3-PSG-002', 'L3-LIFE-005', 'L3-LIFE-006'],
  graph_update: ['L3-EVT-004', 'L3-EVT-005', 'L3-DRIFT-007', 'L3-DRIFT-011'],
  runtime_execution: ['L3-EVT-010'],
  impact_analysis: ['L3-DRIFT-001'],
  compensation_plan: ['L3-RB-001'],
};

/** Requirements an operation's own expectation (its answer, `unchanged`) speaks for. */
function operationCharges(op: OperationSpec): Charges {
  const name = operationName(op);
  const body = op[name] as { expect?: { ok?: unknown; unchanged?: boolean }; target?: string } | null | undefined;
  const refusal = body?.expect?.ok === false || body?.expect?.ok === 'any';
  const unchanged = body?.expect?.unchanged ? ['L3-LIFE-005', 'L3-PSG-002'] : [];
  switch (name) {
    case 'load':
      return refusal ? ['L3-PSG-001', 'L3-PSG-002', 'L3-PSG-003', 'L3-PSG-005', 'L3-DAG-'] : ['L3-PSG-007'];
    case 'transition': {
      const target = body?.target ?? '';
      const object = target.startsWith('step:') ? 'step' : target;
      if (!refusal) return object === 'context' ? ['L3-LIFE-011'] : ['L3-LIFE-003', 'L3-LIFE-011', 'L3-APPR-002', 'L3-ORCH-004'];
      const forbidden: Record<string, Charges> = {
        plan: ['L3-LIFE-001', 'L3-LIFE-004', 'L3-LIFE-006', 'L3-LIFE-007', 'L3-APPR-003'],
        step: ['L3-LIFE-002', 'L3-LIFE-004', 'L3-LIFE-008', 'L3-LIFE-010', 'L3-LIFE-013', 'L3-ORCH-001'],
        context: ['L3-LIFE-011', 'L3-LIFE-004'],
      };
      return [...(forbidden[object] ?? ['L3-LIFE-']), ...unchanged];
    }
    case 'reject_all':
      return ['L3-LIFE-001', 'L3-LIFE-002', 'L3-LIFE-004', 'L3-LIFE-005', 'L3-LIFE-011'];
    case 'confirm': {
      if (refusal) return ['L3-APPR-005', ...unchanged];
      const status = (op.confirm as { status?: string }).status;
      return status === 'approved' ? ['L3-APPR-003', 'L3-APPR-005', 'L3-APPR-001'] : status === 'rejected' ? ['L3-APPR-004', 'L3-APPR-005'] : ['L3-APPR-005'];
    }
    case 'run':
    case 'await_run':
      return refusal ? ['L3-LIFE-006', 'L3-LIFE-007', ...unchanged] : ['L3-ORCH-005', 'L3-ORCH-', 'L3-APPR-001', 'L3-SA-001', 'L3-MAP-', 'L3-AEL-', 'L3-PAUSE-004', 'L3-LIFE-009', 'L3-LIFE-012', 'L3-RB-', 'L3-DRIFT-'];
    case 'cancel':
    case 'await_cancel':
      return ['L3-ORCH-004', 'L3-ORCH-009', 'L3-LIFE-004', 'L3-LIFE-010'];
    case 'pause':
      return refusal ? ['L3-PAUSE-005'] : ['L3-PAUSE-001', 'L3-PAUSE-003'];
    case 'resume':
      return refusal ? ['L3-PAUSE-005'] : ['L3-PAUSE-004', 'L3-PAUSE-006'];
    case 'await_barrier':
      return ['L3-MAP-001', 'L3-ORCH-001', 'L3-ORCH-005', 'L3-ORCH-007', 'L3-PAUSE-', 'L3-APPR-001', 'L3-SA-001', 'L3-AEL-', 'L3-RB-', 'L3-DRIFT-'];
    case 'register_module':
      return ['L3-REG-001'];
    case 'invoke_module':
    case 'list_modules':
      // What is listed or invocable shows registration and unregistration alike.
      return ['L3-REG-'];
    case 'unregister_module':
      return ['L3-REG-002'];
    case 'vsl_set':
    case 'vsl_get':
      return ['L3-VSL-'];
    default:
      // Drift and rollback operations (scan, ingest, reconcile, resolve, set_policy, …).
      return ['L3-DRIFT-', 'L3-RB-'];
  }
}

/** Final statuses of the flow's other objects speak for their own rules. */
const FINAL_CHARGES: Readonly<Record<string, Charges>> = {
  trace: ['L3-TRACE-004', 'L3-SA-006'],
  // The current Confirm is there and pending after a submission (APPR-002), its status is its latest decision's (APPR-005).
  confirm: ['L3-APPR-002', 'L3-APPR-005'],
  context: ['L3-LIFE-007', 'L3-LIFE-011'],
};

function expectationCharges(path: string[]): Charges {
  const [key, sub] = path as [keyof ExpectationSpec, string | undefined];
  if (key === 'events' && sub !== undefined) return selectorCharges(sub);
  if ((key === 'order' || key === 'between') && sub === 'missing') return [...STATUS_EVENTS, 'L3-PAUSE-003', 'L3-PAUSE-006'];
  if (key === 'final' && sub !== undefined) return FINAL_CHARGES[sub.split('.')[0]!] ?? OUTCOMES;
  return key === 'about' || key === 'also' ? [] : (EXPECTATION_CHARGES[key] ?? []);
}

/** The expectation block an `also[i]` path inside `block` points at, and the rest of the path. */
function innerBlock(block: ExpectationSpec | undefined, path: string): { block: ExpectationSpec | undefined; rest: string } {
  const m = /^also\[(\d+)\]\.(.*)$/.exec(path);
  if (!m) return { block, rest: path };
  return innerBlock(block?.also?.[Number(m[1])], m[2]!);
}

/** Charges of a location inside an expectation block: the block's `about`, else the key's. */
function blockCharges(block: ExpectationSpec | undefined, path: string): Charges {
  const inner = innerBlock(block, path);
  if (inner.block?.about && !inner.rest.endsWith('.missing')) return inner.block.about;
  return expectationCharges(splitPath(inner.rest));
}

/** Where a flow's AEL anomalies (an action without its step, a step executed twice) are reported. */
export const AEL_ANOMALIES = 'ael.anomalies';

/** What a failure location (`operations[3].transition`, `expect.events.pipeline_stage`, `operations[2].check.final.plan`) can be charged to. */
export function chargesOf(where: string, spec: FlowSpec): Charges {
  if (where === AEL_ANOMALIES) return ['L3-ORCH-002', 'L3-AEL-003'];
  const op = /^operations\[(\d+)\]\.([a-z_]+)(?:\.(.*))?$/.exec(where.split(' ')[0]!);
  if (op) {
    const operation = spec.operations[Number(op[1])];
    const about = (operation?.[op[2] as keyof OperationSpec] as { expect?: { about?: string[] }; about?: string[] } | undefined);
    if (op[2] === 'check') {
      const inner = innerBlock(operation?.check, op[3] ?? '');
      if (inner.block !== operation?.check || about?.about) return blockCharges(operation?.check, op[3] ?? '');
      // A check right after a state-changing operation grades that operation's effect: its
      // failure is about both (what the check reads, and what the operation promised).
      const read = expectationCharges(splitPath(op[3] ?? ''));
      const previous = spec.operations[Number(op[1]) - 1];
      if (!previous || PASSIVE.has(operationName(previous))) return read;
      const effect = operationCharges(previous);
      const both = read.filter((c) => effect.some((e) => overlaps(c, e)));
      return both.length > 0 ? narrowest(read, effect) : read;
    }
    if (about?.expect?.about) return about.expect.about;
    if (op[2] === 'await_events') return selectorCharges(operation?.await_events?.match ?? '');
    if (op[2] === 'confirm' && op[3] === 'no-confirm') return ['L3-APPR-002'];
    return operation ? operationCharges(operation) : [];
  }
  const exp = /^expect\.(.*)$/.exec(where);
  // Grading a caller adds (the upstream importer's invariants and expected/ objects) is what
  // the flow is for: it speaks for every requirement the flow lists.
  return exp ? blockCharges(spec.expect, exp[1]!) : ['L3-'];
}

/** `events.*.in_progress` → [events, *.in_progress]: the second part may hold dots (selectors). */
function splitPath(path: string): string[] {
  const dot = path.indexOf('.');
  if (dot < 0) return [path.replace(/\[\d+\]$/, '')];
  return [path.slice(0, dot).replace(/\[\d+\]$/, ''), path.slice(dot + 1)];
}

/** Operations that change nothing: a check after them grades what came before. */
const PASSIVE: ReadonlySet<string> = new Set(['check', 'snapshot', 'await_events', 'await_barrier', 'list_modules', 'vsl_get']);

/** True when two charge entries (ids or prefixes) share a requirement. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** The entries of `a` and `b` that cover each other, each kept at its narrower form. */
function narrowest(a: Charges, b: Charges): Charges {
  const out = new Set<string>();
  for (const x of a) for (const y of b) if (overlaps(x, y)) out.add(x.length >= y.length ? x : y);
  return [...out];
}

function covers(charges: Charges, id: string): boolean {
  return charges.some((c) => (c.endsWith('-') ? id.startsWith(c) : id === c));
}

/**
 * The flow's requirements a failure at `where` is charged to. None when the failure is about
 * no requirement the flow lists: then it broke a prerequisite of the flow (e.g. the plan of a
 * trace flow did not end as it must), and the flow's requirements are blocked by it.
 */
export function chargedRequirements(where: string, spec: FlowSpec): { requirements: string[]; matched: boolean; about: readonly string[] } {
  const charges = chargesOf(where, spec);
  const hit = spec.requirements.filter((id) => covers(charges, id));
  return { requirements: hit, matched: hit.length > 0, about: charges };
}

/** Every location the flow grades, for the lint: its operations and its expectation keys. */
export function gradedLocations(spec: FlowSpec): string[] {
  const out: string[] = [];
  const block = (prefix: string, e: ExpectationSpec) => {
    for (const [key, value] of Object.entries(e)) {
      if (value === undefined) continue;
      if (key === 'about') continue;
      if (key === 'also') {
        (value as ExpectationSpec[]).forEach((b, i) => block(`${prefix}.also[${i}]`, b));
        continue;
      }
      if (key === 'events' || key === 'final') for (const sub of Object.keys(value as object)) out.push(`${prefix}.${key}.${sub}`);
      else out.push(`${prefix}.${key}`);
    }
  };
  spec.operations.forEach((op, i) => {
    const name = operationName(op);
    if (name === 'check') block(`operations[${i}].check`, op.check!);
    else if (!['snapshot', 'release_barrier'].includes(name)) out.push(`operations[${i}].${name}`);
  });
  if (spec.expect) block('expect', spec.expect);
  return out;
}

/** True when something at `where` could be charged to requirement `id`. */
export function canCharge(where: string, spec: FlowSpec, id: string): boolean {
  return covers(chargesOf(where, spec), id);
}
