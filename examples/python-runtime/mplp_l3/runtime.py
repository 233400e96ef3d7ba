"""An in-memory L3 runtime: PSG, L2 lifecycle guard, Confirm coupling, traces, event bus, VSL.

Every mutation is one synchronous transaction (asyncio runs one task at a time, so nothing
interleaves): validate (schema, integrity, transition table and guards) -> apply to the PSG ->
persist to the VSL -> emit events. A refusal raises L3Error before anything changed.
Execution (SA and MAP runs, pause, resume, cancel) lives in execution.py.
"""

import asyncio
import copy
import json

from . import schema
from .errors import L3Error, forbidden
from .events import Bus, EventFactory
from .execution import PlanRun
from .ids import now
from .psg import Graph
from .tables import classify

META = {'protocol_version': '1.0.0', 'schema_version': '1.0.0'}
STATUS_OWNERS = {'context', 'plan', 'step', 'trace', 'segment', 'confirm', 'collab'}
LOADABLE_PLAN_STATUSES = {'draft', 'proposed', 'approved'}
GROUPS = (('contexts', 'context'), ('plans', 'plan'), ('confirms', 'confirm'), ('roles', 'role'), ('traces', 'trace'), ('collabs', 'collab'))
TERMINAL_PLAN = {'completed', 'failed', 'cancelled'}


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


def node(kind, ident, data, status=None):
    return ('add_node', {'type': kind, 'id': ident, 'data': data, **({'status': status} if status is not None else {})})


def edge(source, target, kind):
    return ('add_edge', {'from': source, 'to': target, 'type': kind})


class Vsl:
    """The runtime's value-state layer: a key-value store that keeps and returns copies.

    A transaction stages its writes and applies them all at commit, or none at abort.
    """

    def __init__(self):
        self._store = {}
        self._staged = {}  # transaction id -> {key: value}
        self._opened = 0

    def get(self, key, transaction=None):
        staged = self._staged_writes(transaction)
        source = staged if key in staged else self._store
        return (True, copy.deepcopy(source[key])) if key in source else (False, None)

    def set(self, key, value, transaction=None):
        target = self._staged_writes(transaction) if transaction is not None else self._store
        target[key] = json.loads(json.dumps(value))

    def put_snapshot(self, key, value):
        """The runtime's own committed state: stored as given (never mutated afterwards; get copies)."""
        self._store[key] = value

    def begin(self):
        self._opened += 1
        ident = f't{self._opened}'
        self._staged[ident] = {}
        return ident

    def end(self, transaction, commit):
        writes = self._staged_writes(transaction)
        del self._staged[transaction]
        if commit:
            self._store.update(writes)

    def _staged_writes(self, transaction):
        if transaction is None:
            return {}
        if transaction not in self._staged:
            raise KeyError(f'no open transaction {transaction!r}')
        return self._staged[transaction]


class Runtime:
    def __init__(self, ael, ids, max_concurrency):
        self.ael = ael  # async callable(action) -> result; raises on failure
        self.ids = ids
        self.max_concurrency = max(1, max_concurrency)
        self.psg = Graph()
        self.bus = Bus()
        self.vsl = Vsl()
        self.factory = EventFactory(ids, ids.next())
        self.runs = {}  # plan id -> PlanRun
        self.trace_of_plan = {}
        self.trace_segments = {}  # trace id -> segment ids (append-only)
        self.trace_events = {}  # trace id -> base events (append-only)
        self.confirms_of = {}  # target id -> confirm ids
        self.step_objects = {}  # step id -> its object as read back (dropped when the step changes)
        self.reopened = set()  # rejected confirms whose target was submitted again
        self.approval_waiters = {}  # plan id -> futures

    # ------------------------------------------------------------------ reading

    def status(self, ident):
        n = self.psg.node(ident)
        return n.get('status') if n else None

    def get(self, ref):
        n = self.psg.node(ref['id'])
        if not n or n['type'] != ref['type']:
            return None
        return copy.deepcopy(self.assemble(n))

    def assemble(self, n):
        obj = dict(n['data'])
        if n['type'] in STATUS_OWNERS and n.get('status') is not None:
            obj['status'] = n['status']
        if n['type'] == 'plan':
            obj['steps'] = [self.cached_step_object(s) for s in self.psg.steps_of(n['id'])]
        elif n['type'] == 'step':
            obj.pop('plan_id', None)
        elif n['type'] == 'segment':
            obj.pop('trace_id', None)
        elif n['type'] == 'trace':
            segments = [self.assemble(self.psg.node(s)) for s in self.trace_segments.get(n['id'], [])]
            events = self.trace_events.get(n['id'], [])
            if segments:
                obj['segments'] = segments
            if events:
                obj['events'] = [dict(e) for e in events]
        return obj

    def cached_step_object(self, step_id):
        """Step objects are rebuilt only when their step changed (persist drops the stale one):
        a plan of n steps is then assembled in O(n) references, not O(n) new objects."""
        obj = self.step_objects.get(step_id)
        if obj is None:
            obj = self.step_objects[step_id] = self.step_object(step_id)
        return obj

    def step_object(self, step_id):
        n = self.psg.node(step_id)
        return {**without(n['data'], 'plan_id'), 'status': n['status']}

    def outcome(self, plan_id, paused):
        return {'plan_id': plan_id, 'plan_status': self.status(plan_id),
                'step_statuses': {s: self.status(s) for s in self.psg.steps_of(plan_id)}, 'paused': paused}

    # ------------------------------------------------------------------ loading

    def load(self, bundle):
        """Registers contexts, plans, confirms, roles, traces and collabs in one atomic batch."""
        if not isinstance(bundle, dict):
            raise L3Error('SCHEMA_INVALID', 'load expects an object { contexts?, plans?, confirms?, roles?, traces?, collabs? }')
        for key, kind in GROUPS:
            items = bundle.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise L3Error('SCHEMA_INVALID', f'load: {key} must be an array')
            for i, obj in enumerate(items):
                found = schema.problems(kind, obj)
                if found:
                    raise L3Error('SCHEMA_INVALID', f'{key}[{i}] is not a valid {kind}: ' + '; '.join(found), {'where': f'{key}[{i}]', 'errors': found})
        nodes, edges, after, kinds = [], [], [], []
        project = None
        traced = {t.get('plan_id') for t in (bundle.get('traces') or [])}
        confirmed = {c['target_id'] for c in (bundle.get('confirms') or [])}

        for c in (bundle.get('contexts') or []):
            kinds.append('context')
            project = project or c['context_id']
            nodes.append(node('context', c['context_id'], without(c, 'status'), c['status']))
        for p in (bundle.get('plans') or []):
            kinds.append('plan')
            project = project or p['context_id']
            pid = p['plan_id']
            if p['status'] not in LOADABLE_PLAN_STATUSES:
                raise L3Error('INVALID_STATE', f"plan {pid} is {p['status']}; a plan is registered as draft, proposed or approved", {'id': pid})
            seen = set()
            for s in p['steps']:
                if s['step_id'] in seen:
                    raise L3Error('DUPLICATE_ID', f"plan {pid}: step_id {s['step_id']} appears more than once", {'plan': pid, 'step': s['step_id']})
                seen.add(s['step_id'])
                if s['status'] != 'pending':
                    raise L3Error('INVALID_STATE', f"plan {pid}: step {s['step_id']} is {s['status']}; steps are registered pending", {'plan': pid})
            nodes.append(node('plan', pid, without(p, 'status', 'steps'), p['status']))
            edges.append(edge(pid, p['context_id'], 'plan_context'))
            for s in p['steps']:
                nodes.append(node('step', s['step_id'], {**without(s, 'status'), 'plan_id': pid}, 'pending'))
                edges.append(edge(s['step_id'], pid, 'step_plan'))
            for s in p['steps']:
                edges.extend(edge(s['step_id'], d, 'depends_on') for d in s.get('dependencies', []))
            if pid not in traced:
                trace = self.new_trace(p)
                nodes.append(node('trace', trace['trace_id'], without(trace, 'status'), 'pending'))
                edges += [edge(trace['trace_id'], pid, 'trace_plan'), edge(trace['trace_id'], p['context_id'], 'trace_context')]
                after.append(lambda pid=pid, tid=trace['trace_id']: self.trace_of_plan.__setitem__(pid, tid))
            if p['status'] == 'proposed' and pid not in confirmed:
                c = self.new_confirm(pid)
                nodes.append(node('confirm', c['confirm_id'], without(c, 'status'), 'pending'))
                edges.append(edge(c['confirm_id'], pid, 'confirm_target'))
                after.append(lambda pid=pid, cid=c['confirm_id']: self.confirms_of.setdefault(pid, []).append(cid))
        for t in (bundle.get('traces') or []):
            kinds.append('trace')
            tid = t['trace_id']
            if t['root_span']['trace_id'] != tid:
                raise L3Error('REF_UNRESOLVED', f"trace {tid}: root_span.trace_id must be the trace's own id", {'id': tid})
            nodes.append(node('trace', tid, without(t, 'status', 'segments', 'events'), t['status']))
            edges.append(edge(tid, t['context_id'], 'trace_context'))
            if t.get('plan_id'):
                edges.append(edge(tid, t['plan_id'], 'trace_plan'))
            for s in t.get('segments', []):
                nodes.append(node('segment', s['segment_id'], without(s, 'status'), s['status']))
                edges.append(edge(s['segment_id'], tid, 'segment_trace'))

            def remember(t=t, tid=tid):
                self.trace_segments[tid] = [s['segment_id'] for s in t.get('segments', [])]
                self.trace_events[tid] = list(t.get('events', []))
                if t.get('plan_id'):
                    self.trace_of_plan[t['plan_id']] = tid
            after.append(remember)
        for c in (bundle.get('confirms') or []):
            kinds.append('confirm')
            decisions = c.get('decisions') or []
            if decisions and decisions[-1]['status'] != c['status']:
                raise L3Error('INVALID_STATE', f"confirm {c['confirm_id']} is {c['status']} but its latest decision is {decisions[-1]['status']}", {'id': c['confirm_id']})
            nodes.append(node('confirm', c['confirm_id'], without(c, 'status'), c['status']))
            edges.append(edge(c['confirm_id'], c['target_id'], 'confirm_target'))
            after.append(lambda c=c: self.confirms_of.setdefault(c['target_id'], []).append(c['confirm_id']))
        for r in (bundle.get('roles') or []):
            kinds.append('role')
            nodes.append(node('role', r['role_id'], dict(r)))
        for c in (bundle.get('collabs') or []):
            kinds.append('collab')
            nodes.append(node('collab', c['collab_id'], without(c, 'status'), c['status']))
            edges.append(edge(c['collab_id'], c['context_id'], 'collab_context'))

        batch = nodes + edges
        self.psg.check(batch)
        change = self.psg.apply(batch)
        for remember in after:
            remember()
        for m in nodes:
            if m[1]['type'] in ('context', 'plan', 'trace', 'confirm', 'role', 'collab'):
                self.persist(m[1]['id'])
        source = kinds[0] if len(set(kinds)) == 1 else 'psg'
        self.emit_graph_update(change, source, project)

    def new_trace(self, plan):
        tid = self.ids.next()
        return {'meta': {**META, 'created_at': now()}, 'trace_id': tid, 'context_id': plan['context_id'], 'plan_id': plan['plan_id'],
                'root_span': {'trace_id': tid, 'span_id': self.ids.next(), 'context_id': plan['context_id']}, 'status': 'pending'}

    def new_confirm(self, plan_id):
        return {'meta': {**META, 'created_at': now()}, 'confirm_id': self.ids.next(), 'target_type': 'plan', 'target_id': plan_id,
                'status': 'pending', 'requested_by_role': 'runtime', 'requested_at': now(), 'reason': 'plan submitted for approval'}

    def persist(self, ident):
        """Committed object state under the <module>s/<id> key convention (steps through their plan)."""
        n = self.psg.node(ident)
        if n['type'] == 'step':
            self.step_objects.pop(ident, None)
            n = self.psg.node(n['data']['plan_id'])
        if n['type'] != 'segment':
            # assemble builds a new object each time; the step objects it shares are never mutated.
            self.vsl.put_snapshot(f"{n['type']}s/{n['id']}", self.assemble(n))

    # ------------------------------------------------------------------ status changes

    async def transition(self, ref, to):
        """A requested status change; refusals raise L3Error and change nothing."""
        kind, ident = ref['type'], ref['id']
        if kind == 'confirm':
            n = self.psg.node(ident)
            if not n or n['type'] != 'confirm':
                raise L3Error('NOT_FOUND', f'no confirm {ident}', {'id': ident})
            if to not in ('approved', 'rejected', 'cancelled'):
                if self.verdict('confirm', ident, n['status'], to) != 'same':
                    raise L3Error('TRANSITION_FORBIDDEN', f'confirm {ident}: {to} is not a decision status', {'id': ident, 'to': to})
                return None
            return self.decide({'target_id': n['data']['target_id'], 'status': to, 'decided_by_role': 'system'}, ident)
        if kind == 'plan' and ident in self.runs and to in ('cancelled', 'failed'):
            return await self.runs[ident].stop(to)
        obj = self.lifecycle_object(ref)
        if obj == 'step' or (obj == 'plan' and to != 'cancelled'):
            self.refuse_while_running(obj, ident, to)
        if obj == 'step':
            self.refuse_after_plan_end(ident, to)
        changed = self.change_status(obj, ident, to, **self.manual_extras(obj, ident, to))
        if changed and obj == 'plan' and to == 'proposed':
            self.reopened.update(c for c in self.confirms_of.get(ident, []) if self.status(c) == 'rejected')
        return None

    def lifecycle_object(self, ref):
        n = self.psg.node(ref['id'])
        if not n or n['type'] != ref['type']:
            raise L3Error('NOT_FOUND', f"no {ref['type']} {ref['id']} in the PSG", dict(ref))
        if n['type'] not in STATUS_OWNERS:
            raise L3Error('TRANSITION_FORBIDDEN', f"{ref['type']} has no lifecycle", dict(ref))
        return n['type']

    def refuse_while_running(self, obj, ident, to):
        plan_id = self.psg.node(ident)['data']['plan_id'] if obj == 'step' else ident
        if plan_id in self.runs:
            # The table answers first, so a forbidden pair is reported as forbidden.
            self.verdict(obj, ident, self.status(ident), to)
            raise L3Error('INVALID_STATE', f'{obj} {ident}: plan {plan_id} is being executed by the runtime; use pause, resume or cancel', {'id': ident})

    def refuse_after_plan_end(self, ident, to):
        """L3-LIFE-010: once its plan is terminal, a step's status no longer changes."""
        plan_id = self.psg.node(ident)['data']['plan_id']
        if self.status(plan_id) not in TERMINAL_PLAN:
            return
        # The table answers first: X -> X stays a no-op and a forbidden pair names its rule.
        if self.verdict('step', ident, self.status(ident), to) == 'same':
            return
        raise L3Error('INVALID_STATE', f'step {ident}: plan {plan_id} is {self.status(plan_id)}, so its steps no longer change (L3-LIFE-010)', {'id': ident, 'to': to})

    def manual_extras(self, obj, ident, to):
        """What a hand-requested plan change brings along: its trace's status, a Confirm on submission."""
        if obj != 'plan':
            return {}
        extras = {}
        trace = self.trace_of_plan.get(ident)
        trace_to = 'running' if to == 'in_progress' else to if to in TERMINAL_PLAN else None
        if trace and trace_to and self.status(trace) != trace_to and not (self.status(trace) == 'pending' and trace_to not in ('running', 'cancelled')):
            extras['coupled'] = [('trace', trace, trace_to)]
        if to == 'proposed':
            extras['extra'] = self.submission_confirm(ident)
        return extras

    def submission_confirm(self, plan_id):
        """On draft -> proposed: a new pending Confirm, unless one is pending or a rejected round reopens."""
        if any(self.status(c) in ('pending', 'rejected') for c in self.confirms_of.get(plan_id, [])):
            return []
        c = self.new_confirm(plan_id)
        return [node('confirm', c['confirm_id'], without(c, 'status'), 'pending'), edge(c['confirm_id'], plan_id, 'confirm_target')]

    def guards(self, obj, ident):
        """The cross-object guards of the tables, evaluated now: each returns None or why it fails."""
        plan_id = self.psg.node(ident)['data']['plan_id'] if obj == 'step' else ident
        steps = lambda: self.psg.steps_of(plan_id)  # noqa: E731
        deps = lambda: self.psg.dependencies_of(ident)  # noqa: E731

        def context_active():
            ctx = self.status(self.psg.node(plan_id)['data']['context_id'])
            return None if ctx == 'active' else f'its Context is {ctx}, not active'
        return {
            'plan_has_steps': lambda: None if steps() else 'the plan has no steps',
            'context_active': context_active,
            'confirm_approved': lambda: None if any(self.status(c) == 'approved' for c in self.confirms_of.get(plan_id, [])) else 'no approved Confirm targets the plan',
            'plan_in_progress': lambda: None if self.status(plan_id) == 'in_progress' else f'plan {plan_id} is {self.status(plan_id)}, not in_progress',
            'dependencies_completed': lambda: None if all(self.status(d) == 'completed' for d in deps()) else 'a dependency is not completed',
            'dependency_failed': lambda: None if any(self.status(d) in ('failed', 'blocked') for d in deps()) else 'no dependency failed',
            'all_steps_done': lambda: None if all(self.status(s) in ('completed', 'skipped') for s in steps()) else 'a step is not completed or skipped',
            'new_review_round': lambda: None if ident in self.reopened else 'the rejected round was not reopened by a resubmission',
        }

    def verdict(self, obj, ident, source, target):
        """'same' or 'allowed'; raises L3Error for a forbidden change or a failing guard."""
        answer, row = classify(obj, source, target)
        if answer == 'unknown':
            raise L3Error('TRANSITION_FORBIDDEN', f'{obj} {ident}: {json.dumps(target)} is not a {obj} status', {'id': ident, 'to': target})
        if answer == 'forbidden':
            raise forbidden('TRANSITION_FORBIDDEN', obj, ident, source, target, row.rule)
        if answer == 'allowed':
            guards = self.guards(obj, ident)
            for name in row.guards:
                why = guards[name]()
                if why:
                    raise forbidden('GUARD_FAILED', obj, ident, source, target, f'{row.rule} ({why})')
        return answer

    def change_status(self, obj, ident, to, reason=None, data=None, coupled=(), extra=()):
        """One status change plus what commits with it, as one transaction. False when nothing changed."""
        n = self.psg.node(ident)
        if not n:
            raise L3Error('NOT_FOUND', f'no {obj} {ident}', {'id': ident})
        source = n.get('status') or ''
        if self.verdict(obj, ident, source, to) == 'same':
            return False
        changes = [(obj, ident, source, to)]
        batch = [('update_node', ident, to, data)]
        for c_obj, c_id, c_to in coupled:
            c_from = self.status(c_id) or ''
            if self.verdict(c_obj, c_id, c_from, c_to) != 'same':
                changes.append((c_obj, c_id, c_from, c_to))
                batch.append(('update_node', c_id, c_to, None))
        batch += list(extra)
        self.psg.check(batch)
        change = self.psg.apply(batch)
        for m in extra:
            if m[0] == 'add_node' and m[1]['type'] == 'segment':
                self.trace_segments.setdefault(m[1]['data']['trace_id'], []).append(m[1]['id'])
            elif m[0] == 'add_node' and m[1]['type'] == 'confirm':
                self.confirms_of.setdefault(m[1]['data']['target_id'], []).append(m[1]['id'])
                self.persist(m[1]['id'])
        for c_obj, c_id, c_from, c_to in changes:
            self.persist(c_id)
            self.after_status_change(c_obj, c_id, c_from, c_to, reason)
        if change['node_delta'] or change['edge_delta']:
            self.emit_graph_update(change, obj, self.project_of(ident))
        return True

    def after_status_change(self, obj, ident, source, target, reason):
        if obj == 'context' and target == 'active':
            # Runs held by a suspended Context start their ready steps again (L3-LIFE-012).
            for run in list(self.runs.values()):
                if run.context_id == ident:
                    run.pump()
                    run.check_done()
        if obj not in ('plan', 'step'):
            return
        n = self.psg.node(ident)
        plan_id = ident if obj == 'plan' else n['data']['plan_id']
        plan = self.psg.node(plan_id)
        order = None
        if obj == 'step':
            order = n['data'].get('order_index', self.psg.steps_of(plan_id).index(ident))
        self.bus.emit(self.factory.pipeline_stage(obj, ident, source, target, plan_id, plan['data']['context_id'],
                                                  n['data']['description'] if obj == 'step' else plan['data']['title'], order, reason))
        if obj == 'plan':
            self.record_trace_event(plan_id, 'plan.status.changed', 'plan', {'plan_id': plan_id, 'from_status': source, 'to_status': target, **({'reason': reason} if reason else {})})
            # A run waiting for approval must hear of every way out of proposed.
            if source == 'proposed':
                self.wake_approval_waiters(plan_id)

    def record_trace_event(self, plan_id, event_type, source, data):
        trace = self.trace_of_plan.get(plan_id)
        if trace:
            self.trace_events.setdefault(trace, []).append({'event_id': self.ids.next(), 'event_type': event_type, 'source': source,
                                                            'timestamp': now(), 'trace_id': trace, 'data': data})
            self.persist(trace)

    def emit_graph_update(self, change, source_module, project_id):
        if change['nodes'] or change['edges']:
            self.bus.emit(self.factory.graph_update(change, source_module, project_id))

    def project_of(self, ident):
        n = self.psg.node(ident)
        if not n:
            return None
        if n['type'] == 'context':
            return n['id']
        if isinstance(n['data'].get('context_id'), str):
            return n['data']['context_id']
        if isinstance(n['data'].get('plan_id'), str):
            return self.project_of(n['data']['plan_id'])
        return None

    # ------------------------------------------------------------------ approval

    def decide(self, decision, confirm_id=None):
        """A decision on the target's open Confirm; couples the plan (approved, or back to draft)."""
        target = decision['target_id']
        cid = confirm_id or self.open_confirm(target)
        if not cid:
            raise L3Error('NOT_FOUND', f'no pending Confirm targets {target}', {'target_id': target})
        c = self.psg.node(cid)
        record = {'decision_id': self.ids.next(), 'status': decision['status'], 'decided_by_role': decision['decided_by_role'], 'decided_at': now(),
                  **({'reason': decision['reason']} if decision.get('reason') else {})}
        decisions = list(c['data'].get('decisions', [])) + [record]
        target = c['data']['target_id']
        coupled = []
        if (self.psg.node(target) or {}).get('type') == 'plan' and self.status(target) == 'proposed':
            coupled.append(('approved' if decision['status'] == 'approved' else 'draft'))
        if c['status'] == 'rejected' and decision['status'] == 'rejected' and cid in self.reopened:
            # A further rejection in a reopened round keeps the status and records the decision.
            batch = [('update_node', cid, None, {'decisions': decisions})]
            self.psg.check(batch)
            self.psg.apply(batch)
            self.persist(cid)
        elif not self.change_status('confirm', cid, decision['status'], data={'decisions': decisions}):
            return None
        self.reopened.discard(cid)
        for to in coupled:
            self.change_status('plan', target, to, reason=f"confirm {cid} {decision['status']}")
        self.record_trace_event(target, f"confirm.{decision['status']}", 'confirm', {'confirm_id': cid, 'decision_id': record['decision_id'], 'target_id': target})
        self.wake_approval_waiters(target)
        return None

    def open_confirm(self, target):
        ids = self.confirms_of.get(target, [])
        return next((c for c in ids if self.status(c) == 'pending'), None) or next((c for c in ids if self.status(c) == 'rejected' and c in self.reopened), None)

    def wake_approval_waiters(self, plan_id):
        for waiter in self.approval_waiters.pop(plan_id, []):
            if not waiter.done():
                waiter.set_result(None)

    # ------------------------------------------------------------------ execution

    async def run(self, plan_id, profile='map'):
        """Starts or continues a plan; returns when it is terminal or paused. A proposed plan waits for its decision."""
        n = self.psg.node(plan_id)
        if not n or n['type'] != 'plan':
            raise L3Error('NOT_FOUND', f'no plan {plan_id}', {'id': plan_id})
        if plan_id in self.runs:
            return await self.runs[plan_id].settled()
        if n['status'] == 'proposed':
            waiter = asyncio.get_running_loop().create_future()
            self.approval_waiters.setdefault(plan_id, []).append(waiter)
            await waiter
            if self.status(plan_id) != 'approved':
                return self.outcome(plan_id, False)
            if plan_id in self.runs:
                return await self.runs[plan_id].settled()
        status = self.status(plan_id)
        if status in TERMINAL_PLAN:
            return self.outcome(plan_id, False)
        if status == 'draft':
            raise forbidden('GUARD_FAILED', 'plan', plan_id, 'draft', 'in_progress', 'a draft plan must be proposed and approved before it runs')
        limit = 1 if profile == 'sa' else self.max_concurrency
        run = PlanRun(self, plan_id, profile, limit)
        self.runs[plan_id] = run
        try:
            run.start()
        except Exception:
            del self.runs[plan_id]
            raise
        return await run.settled()

    def pause(self, plan_id):
        run = self.runs.get(plan_id)
        if not run or run.paused or run.stopping:
            why = f'it is {self.status(plan_id)} and not running' if not run else 'it is already paused' if run.paused else 'it is stopping'
            raise L3Error('INVALID_STATE', f'plan {plan_id} cannot be paused: {why}', {'id': plan_id})
        run.pause()
        self.bus.emit(self.factory.workflow(True, plan_id, self.project_of(plan_id), self.psg.node(plan_id)['data']['title']))
        self.record_trace_event(plan_id, 'workflow.paused', 'plan', {'plan_id': plan_id})

    def resume(self, plan_id):
        run = self.runs.get(plan_id)
        if not run or not run.paused:
            raise L3Error('INVALID_STATE', f'plan {plan_id} cannot be resumed: it is not paused', {'id': plan_id})
        self.bus.emit(self.factory.workflow(False, plan_id, self.project_of(plan_id), self.psg.node(plan_id)['data']['title']))
        self.record_trace_event(plan_id, 'workflow.resumed', 'plan', {'plan_id': plan_id})
        run.resume()

    async def cancel(self, plan_id):
        """An executing plan stops starting steps, drains, then ends cancelled; any other is cancelled at once."""
        if plan_id in self.runs:
            return await self.runs[plan_id].stop('cancelled')
        self.lifecycle_object({'type': 'plan', 'id': plan_id})
        self.change_status('plan', plan_id, 'cancelled', **self.manual_extras('plan', plan_id, 'cancelled'))
        return None

    def collab_of(self, context_id):
        return next((self.assemble(n) for n in self.psg.of_type('collab') if n['data'].get('context_id') == context_id and n.get('status') == 'active'), None)

    def segment_for(self, plan_id, step_id, status, started_at, error=None):
        """A trace segment for an executed step, appended once in its final state."""
        trace = self.trace_of_plan.get(plan_id)
        if not trace:
            return []
        step = self.psg.node(step_id)['data']
        attributes = {'mplp.step_id': step_id, **({'mplp.agent_role': step['agent_role']} if step.get('agent_role') else {}), **({'mplp.error': error} if error else {})}
        sid = self.ids.next()
        data = {'segment_id': sid, 'label': step.get('description') or step_id, 'started_at': started_at, 'finished_at': now(), 'attributes': attributes, 'trace_id': trace}
        return [node('segment', sid, data, status), edge(sid, trace, 'segment_trace')]
