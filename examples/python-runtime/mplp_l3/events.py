"""The event bus and the events an L3 runtime emits.

Observability events (pipeline_stage for every plan/step status change, graph_update per
structural PSG batch, runtime_execution per AEL call) and the SA / MAP profile events. The bus
numbers every event (payload.seq) and keeps the timeline in emission order.
"""

from .ids import now

# pipeline_stage.stage_status for each plan/step status (cancelled depends on where it came from).
STAGE_STATUS = {
    'pending': 'pending', 'blocked': 'pending', 'draft': 'pending', 'proposed': 'pending', 'approved': 'pending',
    'in_progress': 'running', 'completed': 'completed', 'failed': 'failed', 'skipped': 'skipped',
}
STEP_EVENT_TYPE = {
    'in_progress': 'PipelineStageStarted', 'completed': 'PipelineStageCompleted', 'failed': 'PipelineStageCompleted',
    'skipped': 'PipelineStageCompleted', 'blocked': 'PipelineStageBlocked', 'pending': 'PipelineStageUnblocked',
}


def stage_status(source, target):
    if target == 'cancelled':
        return 'failed' if source == 'in_progress' else 'skipped'
    return STAGE_STATUS.get(target, 'pending')


class Bus:
    def __init__(self):
        self.timeline = []

    def emit(self, event):
        event.setdefault('payload', {})['seq'] = len(self.timeline) + 1
        self.timeline.append(event)
        return event


class EventFactory:
    def __init__(self, ids, graph_id):
        self.ids = ids
        self.graph_id = graph_id

    def _core(self, event_type, family, **fields):
        return {'event_id': self.ids.next(), 'event_type': event_type, 'event_family': family, 'timestamp': now(), **fields}

    def pipeline_stage(self, kind, resource_id, source, target, plan_id, context_id, name, order=None, reason=None):
        payload = {'resource_type': kind, 'resource_id': resource_id, 'from_status': source, 'to_status': target, 'plan_id': plan_id, 'context_id': context_id}
        if reason:
            payload['reason'] = reason
        event_type = STEP_EVENT_TYPE.get(target, 'PipelineStageChanged') if kind == 'step' else 'plan_status_changed'
        event = self._core(event_type, 'pipeline_stage', project_id=context_id, pipeline_id=plan_id, stage_id=resource_id,
                           stage_name=name, stage_status=stage_status(source, target), payload=payload)
        if kind == 'step' and order is not None:
            event['stage_order'] = order
        return event

    def workflow(self, paused, plan_id, context_id, title):
        """WorkflowPaused / WorkflowResumed: a plan-level pipeline_stage event that changes no status."""
        return self._core('WorkflowPaused' if paused else 'WorkflowResumed', 'pipeline_stage', project_id=context_id, pipeline_id=plan_id,
                          stage_id=plan_id, stage_name=title, stage_status='pending',
                          payload={'resource_type': 'plan', 'resource_id': plan_id, 'paused': paused, 'plan_id': plan_id, 'context_id': context_id})

    def graph_update(self, change, source_module, project_id=None):
        kinds = {f"node_{n['op']}" for n in change['nodes']} | {f"edge_{e['op']}" for e in change['edges']}
        kind = next(iter(kinds)) if len(kinds) == 1 else 'bulk'
        event = self._core(f'psg_{kind}', 'graph_update', graph_id=self.graph_id, update_kind=kind, node_delta=change['node_delta'],
                           edge_delta=change['edge_delta'], source_module=source_module, payload={'nodes': change['nodes'], 'edges': change['edges']})
        if project_id:
            event['project_id'] = project_id
        return event

    def runtime_execution(self, execution_id, status, plan_id, step_id, context_id, role=None, error=None):
        payload = {'plan_id': plan_id, 'step_id': step_id, **({'error': error} if error else {})}
        event = self._core('execution_started' if status == 'running' else f'execution_{status}', 'runtime_execution', project_id=context_id,
                           execution_id=execution_id, executor_kind='agent', status=status, payload=payload)
        if role:
            event['executor_role'] = role
        return event

    def sa(self, event_type, sa_id, **fields):
        return {'event_id': self.ids.next(), 'event_type': event_type, 'timestamp': now(), 'sa_id': sa_id, **fields}

    def map(self, event_type, session_id, payload):
        return {'event_id': self.ids.next(), 'event_type': event_type, 'timestamp': now(), 'session_id': session_id, 'payload': payload}
