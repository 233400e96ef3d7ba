"""The adapter contract over the runtime: what the kit may ask a session, and its answers.

Expected refusals are results, not errors: an L3Error becomes { ok: false, code, message }.
Anything else that goes wrong propagates and the kit reports an adapter fault, as it should.
Modules are the kit's functions: the runtime keeps their names and calls them back through
`module.invoke`.
"""

import inspect

from .errors import L3Error
from .ids import SeededIds
from .runtime import Runtime
from .stdio import RemoteError

DESCRIPTION = {
    'name': 'mplp python example runtime',
    'version': '0.1.0',
    'contract_version': '1.0.0',
    'capabilities': {
        'profiles': ['sa', 'map'],
        'pauseResume': True,
        'approval': True,
        'moduleRegistry': True,
        'drift': False,
        'rollback': False,
        'vsl': True,
    },
    # events() answers a cursor (payload.seq is the event's 1-based position): a long run is
    # read a few events at a time instead of the whole history per look.
    'eventCursor': True,
}


async def attempt(operation, *args):
    """Runs one runtime operation and answers an OpResult."""
    try:
        value = operation(*args)
        if inspect.isawaitable(value):
            value = await value
    except L3Error as e:
        return {'ok': False, 'code': e.code, 'message': e.message, 'details': e.details}
    return {'ok': True} if value is None else {'ok': True, 'value': value}


class Session:
    # Optional members announced in createSession; OPERATIONS is everything this session answers.
    METHODS = ['pause', 'resume', 'vsl.get', 'vsl.set', 'vsl.transaction', 'modules.register', 'modules.unregister', 'modules.list', 'modules.invoke']
    TRANSACTION = {'vsl.transaction.begin', 'vsl.transaction.get', 'vsl.transaction.set', 'vsl.transaction.commit', 'vsl.transaction.abort'}
    OPERATIONS = {'load', 'transition', 'run', 'cancel', 'confirm', 'get', 'graph', 'events', 'close', *METHODS, *TRANSACTION} - {'vsl.transaction'}

    def __init__(self, connection, session_id, env):
        self.connection = connection
        self.session_id = session_id
        self.modules = []
        self.rt = Runtime(ael=self.execute_action, ids=SeededIds(env['seed']), max_concurrency=env['maxConcurrency'])

    async def execute_action(self, action):
        """The kit's AEL: the step waits for the kit's answer; a RemoteError (the action failed) fails it."""
        return await self.connection.request('ael.execute', {'session': self.session_id, 'action': action})

    async def load(self, p):
        return await attempt(self.rt.load, p['bundle'])

    async def transition(self, p):
        return await attempt(self.rt.transition, p['target'], p['to'])

    async def run(self, p):
        answer = await attempt(self.rt.run, p['plan_id'], (p.get('options') or {}).get('profile', 'map'))
        return {**answer, 'outcome': answer['value']} if answer['ok'] else answer

    async def cancel(self, p):
        return await attempt(self.rt.cancel, p['plan_id'])

    async def confirm(self, p):
        return await attempt(self.rt.decide, p['decision'])

    async def pause(self, p):
        return await attempt(self.rt.pause, p['plan_id'])

    async def resume(self, p):
        return await attempt(self.rt.resume, p['plan_id'])

    def get(self, p):
        return self.rt.get(p['target'])

    def graph(self, p):
        return self.rt.psg.export()

    def events(self, p):
        cursor = p.get('cursor') if isinstance(p, dict) else None
        if not cursor:
            return self.rt.bus.timeline
        after = cursor.get('after', 0)
        limit = cursor.get('limit')
        return self.rt.bus.timeline[after:] if limit is None else self.rt.bus.timeline[after:after + limit]

    def vsl_get(self, p):
        found, value = self.rt.vsl.get(p['key'])
        return {'found': True, 'value': value} if found else {'found': False}

    def vsl_set(self, p):
        self.rt.vsl.set(p['key'], p['value'])

    def vsl_transaction_begin(self, p):
        return {'transaction': self.rt.vsl.begin()}

    def vsl_transaction_get(self, p):
        found, value = self.rt.vsl.get(p['key'], p['transaction'])
        return {'found': True, 'value': value} if found else {'found': False}

    def vsl_transaction_set(self, p):
        self.rt.vsl.set(p['key'], p['value'], p['transaction'])

    def vsl_transaction_commit(self, p):
        self.rt.vsl.end(p['transaction'], commit=True)

    def vsl_transaction_abort(self, p):
        self.rt.vsl.end(p['transaction'], commit=False)

    def modules_register(self, p):
        if p['name'] in self.modules:
            return {'ok': False, 'code': 'MODULE_DUPLICATE', 'message': f"module {p['name']} is already registered"}
        self.modules.append(p['name'])
        return {'ok': True}

    def modules_unregister(self, p):
        if p['name'] not in self.modules:
            return {'ok': False, 'code': 'MODULE_UNKNOWN', 'message': f"module {p['name']} is not registered"}
        self.modules.remove(p['name'])
        return {'ok': True}

    def modules_list(self, p):
        return list(self.modules)

    async def modules_invoke(self, p):
        name = p['name']
        if name not in self.modules:
            return {'ok': False, 'code': 'MODULE_UNKNOWN', 'message': f'module {name} is not registered'}
        try:
            result = await self.connection.request('module.invoke', {'session': self.session_id, 'name': name, 'ctx': p['ctx']})
        except RemoteError as e:
            return {'ok': False, 'code': 'MODULE_FAILED', 'message': str(e)}
        if not isinstance(result, dict) or not isinstance(result.get('events'), list):
            return {'ok': False, 'code': 'INVALID_STATE', 'message': f'module {name} returned {result!r}; expected {{ output, events: [] }}'}
        return {'ok': True, 'value': result}

    def close(self, p):
        return None
