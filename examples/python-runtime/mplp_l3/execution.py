"""Executes one plan: SA (one step at a time) or MAP (independent ready steps in parallel up to
the session's limit), every step action through the kit's AEL.

Ready steps start by (order_index, position in steps[]). Fail-fast: after the first failure no
new step starts, running steps drain, pending dependents of failed steps become blocked, and
the plan fails. Pause stops new starts while running steps finish; resume starts the ready
ones again; cancel drains and ends the plan cancelled. While the plan's Context is not active
(suspended) no step starts either; steps running finish, and the ready ones start once the
Context is active again (L3-LIFE-012).
"""

import asyncio
import heapq

from .errors import L3Error
from .ids import now

DONE = ('completed', 'skipped')
UNORDERED = float('inf')


class PlanRun:
    def __init__(self, rt, plan_id, profile, limit):
        self.rt = rt
        self.plan_id = plan_id
        self.profile = profile
        self.limit = limit
        self.paused = False
        self.stopping = None  # 'failed' or 'cancelled' once the run must end
        self.in_flight = 0
        self.finishing = False
        self.finished = None  # the final outcome
        self.waiters = []
        self.sa_id = rt.ids.next()
        self.collab = None
        self.turn = 0
        self.turn_of = {}
        self.executed = 0
        self.failed_count = 0
        self.tasks = set()
        self.ready = []
        self.remaining = {}
        self.dependents = {}
        self.rank = {}

    @property
    def context_id(self):
        return self.rt.psg.node(self.plan_id)['data']['context_id']

    def held(self):
        """New starts wait: the run is paused, or the plan's Context is not active."""
        return self.paused or self.rt.status(self.context_id) != 'active'

    # ------------------------------------------------------------------ control

    def start(self):
        """Moves an approved plan to in_progress (guards: steps, active Context) and starts scheduling."""
        rt, plan = self.rt, self.plan_id
        status = rt.status(plan)
        if status == 'approved':
            rt.change_status('plan', plan, 'in_progress', reason=f'run ({self.profile})', **rt.manual_extras('plan', plan, 'in_progress'))
        elif status != 'in_progress':
            raise L3Error('INVALID_STATE', f'plan {plan} is {status}; only approved or in_progress plans run', {'id': plan})
        self.build_schedule()
        self.announce_start()
        self.pump()
        self.check_done()

    async def settled(self):
        """The outcome the next time the plan is terminal, or paused with nothing running."""
        if self.finished:
            return self.finished
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        self.check_done()
        return await waiter

    def pause(self):
        self.paused = True
        self.check_done()

    def resume(self):
        self.paused = False
        self.pump()
        self.check_done()

    async def stop(self, to):
        if self.finished:
            raise L3Error('INVALID_STATE', f"plan {self.plan_id} already ended {self.finished['plan_status']}", {'id': self.plan_id})
        self.stopping = self.stopping or to
        self.paused = False
        await self.settled()

    # ------------------------------------------------------------------ scheduling

    def build_schedule(self):
        rt = self.rt
        steps = rt.psg.steps_of(self.plan_id)
        for position, step in enumerate(steps):
            order = rt.psg.node(step)['data'].get('order_index')
            self.rank[step] = (order if isinstance(order, (int, float)) else UNORDERED, position)
            self.dependents.setdefault(step, [])
        for step in steps:
            deps = rt.psg.dependencies_of(step)
            for d in deps:
                self.dependents[d].append(step)
            # Only a completed dependency releases a step.
            self.remaining[step] = sum(1 for d in deps if rt.status(d) != 'completed')
            if rt.status(step) in ('failed', 'blocked'):
                self.stopping = self.stopping or 'failed'
            if rt.status(step) == 'pending' and self.remaining[step] == 0:
                self.push(step)

    def push(self, step):
        heapq.heappush(self.ready, (*self.rank[step], step))

    def pump(self):
        while not self.held() and not self.stopping and self.in_flight < self.limit and self.ready:
            step = heapq.heappop(self.ready)[-1]
            self.in_flight += 1
            task = asyncio.get_running_loop().create_task(self.execute(step))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def execute(self, step):
        rt, plan = self.rt, self.plan_id
        started = False
        # Checked again now: a pause, a suspension or a failure may have landed since the step was picked.
        if not self.held() and not self.stopping:
            try:
                rt.change_status('step', step, 'in_progress')
                started = True
            except L3Error as e:
                self.fail(step, f'could not start: {e.message}')
        if not started:
            if self.held() and not self.stopping:
                self.push(step)
            self.in_flight -= 1
            self.check_done()
            return
        data = rt.psg.node(step)['data']
        role = data.get('agent_role')
        started_at = now()
        action_id = rt.ids.next()
        rt.bus.emit(rt.factory.runtime_execution(action_id, 'running', plan, step, self.context_id, role))
        self.announce_step(step, role)
        error = None
        try:
            await rt.ael({'action_id': action_id, 'plan_id': plan, 'step_id': step, 'description': data['description'], **({'agent_role': role} if role else {})})
        except Exception as e:  # the AEL's failure is the step's failure
            error = str(e) or 'the action threw without a message'
        rt.bus.emit(rt.factory.runtime_execution(action_id, 'failed' if error else 'completed', plan, step, self.context_id, role, error))
        try:
            rt.change_status('step', step, 'failed' if error else 'completed', reason=error,
                             extra=rt.segment_for(plan, step, 'failed' if error else 'completed', started_at, error))
        except L3Error as e:
            error = error or f'could not record the result: {e.message}'
        self.executed += 1
        self.announce_step_end(step, role, error)
        self.in_flight -= 1
        if error:
            self.fail(step, error)
        else:
            self.release(step)
        self.pump()
        self.check_done()

    def release(self, step):
        for w in self.dependents[step]:
            self.remaining[w] -= 1
            if self.remaining[w] == 0 and self.rt.status(w) == 'pending':
                self.push(w)

    def fail(self, step, error):
        self.failed_count += 1
        self.stopping = self.stopping or 'failed'
        self.rt.record_trace_event(self.plan_id, 'step.failed', 'plan', {'step_id': step, 'error': error})

    def check_done(self):
        if self.finishing or self.finished or self.in_flight > 0:
            return
        if self.stopping:
            self.finish(self.stopping)
        elif self.paused:
            self.wake(self.rt.outcome(self.plan_id, True))
        elif not self.ready:
            open_steps = [s for s in self.rt.psg.steps_of(self.plan_id) if self.rt.status(s) not in DONE]
            # Steps still open with nothing ready can only sit behind a skipped step: they are skipped too.
            for s in open_steps:
                if self.rt.status(s) == 'pending':
                    self.rt.change_status('step', s, 'skipped', reason='a dependency was skipped')
            self.finish('completed')

    def finish(self, to):
        rt, plan = self.rt, self.plan_id
        self.finishing = True
        try:
            if to == 'failed':
                self.block_dependents_of_failures()
            reason = {'failed': 'a step failed', 'cancelled': 'cancelled'}.get(to, 'all steps done')
            rt.change_status('plan', plan, to, reason=reason, **rt.manual_extras('plan', plan, to))
        except L3Error as e:
            rt.record_trace_event(plan, 'runtime.error', 'plan', {'error': e.message})
        self.announce_end()
        self.finished = rt.outcome(plan, False)
        rt.runs.pop(plan, None)
        self.wake(self.finished)

    def block_dependents_of_failures(self):
        """Breadth-first from the failed steps: every pending dependent becomes blocked, one event each."""
        queue = [s for s in self.rt.psg.steps_of(self.plan_id) if self.rt.status(s) in ('failed', 'blocked')]
        for v in queue:
            for w in self.dependents[v]:
                if self.rt.status(w) == 'pending':
                    self.rt.change_status('step', w, 'blocked', reason=f'dependency {v} {self.rt.status(v)}')
                    queue.append(w)

    def wake(self, outcome):
        waiters, self.waiters = self.waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(outcome)

    # ------------------------------------------------------------------ profile events

    def announce_start(self):
        rt, f = self.rt, self.rt.factory
        if self.profile == 'sa':
            rt.bus.emit(f.sa('SAInitialized', self.sa_id, payload={'runtime_version': 'mplp-python-example', 'capabilities': ['sa', 'map', 'pause', 'approval']}))
            rt.bus.emit(f.sa('SAContextLoaded', self.sa_id, context_id=self.context_id))
            rt.bus.emit(f.sa('SAPlanEvaluated', self.sa_id, context_id=self.context_id, plan_id=self.plan_id, payload={'step_count': len(self.rank)}))
            return
        self.collab = rt.collab_of(self.context_id)
        if self.collab:
            c = self.collab
            rt.bus.emit(f.map('MAPSessionStarted', c['collab_id'], {'mode': c['mode'], 'participant_count': len(c['participants']), 'purpose': c['purpose']}))
            assignments = [{'participant_id': p['participant_id'], 'role_id': p.get('role_id', p['participant_id']), 'kind': p['kind']} for p in c['participants']]
            rt.bus.emit(f.map('MAPRolesAssigned', c['collab_id'], {'assignments': assignments}))

    def announce_step(self, step, role):
        rt, f = self.rt, self.rt.factory
        if self.profile == 'sa':
            rt.bus.emit(f.sa('SAStepStarted', self.sa_id, plan_id=self.plan_id, payload={'step_id': step, **({'agent_role': role} if role else {})}))
        elif self.collab:
            self.turn += 1
            self.turn_of[step] = self.turn
            rt.bus.emit(f.map('MAPTurnDispatched', self.collab['collab_id'], {'role_id': self.role_for(role, self.turn), 'turn_number': self.turn, 'step_id': step}))

    def announce_step_end(self, step, role, error):
        rt, f = self.rt, self.rt.factory
        status = 'failed' if error else 'completed'
        if self.profile == 'sa':
            payload = {'step_id': step, 'status': status, **({'error_message': error} if error else {})}
            rt.bus.emit(f.sa('SAStepFailed' if error else 'SAStepCompleted', self.sa_id, plan_id=self.plan_id, payload=payload))
        elif self.collab:
            turn = self.turn_of[step]
            rt.bus.emit(f.map('MAPTurnCompleted', self.collab['collab_id'], {'role_id': self.role_for(role, turn), 'turn_number': turn, 'step_id': step, 'result': {'status': status}}))

    def role_for(self, role, turn):
        """The participant named by the step's agent_role, else round-robin by turn."""
        ps = self.collab['participants']
        named = next((p for p in ps if role is not None and role in (p['participant_id'], p.get('display_name'), p.get('role_id'))), None)
        p = named or ps[(turn - 1) % len(ps)]
        return p.get('role_id', p['participant_id'])

    def announce_end(self):
        rt, f = self.rt, self.rt.factory
        status = rt.status(self.plan_id)
        if self.profile == 'sa':
            trace = rt.trace_of_plan.get(self.plan_id)
            rt.bus.emit(f.sa('SATraceEmitted', self.sa_id, plan_id=self.plan_id, **({'trace_id': trace} if trace else {}), payload={'events_written': self.executed}))
            rt.bus.emit(f.sa('SACompleted', self.sa_id, plan_id=self.plan_id, payload={'status': status, 'steps_executed': self.executed,
                                                                                       'steps_failed': self.failed_count, 'steps_succeeded': self.executed - self.failed_count}))
        elif self.collab:
            rt.bus.emit(f.map('MAPSessionCompleted', self.collab['collab_id'], {'status': status, 'participants_count': len(self.collab['participants']), 'turns_total': self.turn}))
