"""The runtime side of the mplp-conformance stdio protocol (docs/stdio-protocol.md), asyncio only.

JSON-RPC 2.0, one JSON object per line: the kit's requests arrive on stdin, answers and the
runtime's own requests (ael.execute, module.invoke) go to stdout. Every request is handled in
its own task, so a long `run` never blocks `pause`, `events` or another session. Stdout
carries nothing else: log to stderr.
"""

import asyncio
import inspect
import json
import sys
import traceback

PROTOCOL_VERSION = '1.0'
OPERATION_FAILED = -32000
UNKNOWN_SESSION = -32001
METHOD_NOT_FOUND = -32601
INVALID_REQUEST = -32600
PARSE_ERROR = -32700


class RemoteError(Exception):
    """The kit answered one of our requests with an error (for ael.execute: the step action failed)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Fault(Exception):
    """A request we answer with a JSON-RPC error."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Connection:
    def __init__(self, describe, open_session):
        self.describe = describe  # the AdapterDescription (a dict)
        self.open_session = open_session  # (connection, session_id, env) -> session object
        self.sessions = {}
        self.pending = {}
        self.next_id = 1
        self.tasks = set()

    def send(self, message):
        sys.stdout.buffer.write(json.dumps(message, separators=(',', ':')).encode() + b'\n')
        sys.stdout.buffer.flush()

    async def request(self, method, params):
        """Asks the kit; returns its result or raises RemoteError with its error message."""
        ident = self.next_id
        self.next_id += 1
        answer = asyncio.get_running_loop().create_future()
        self.pending[ident] = answer
        self.send({'jsonrpc': '2.0', 'id': ident, 'method': method, 'params': params})
        return await answer

    def receive(self, line):
        try:
            message = json.loads(line)
        except ValueError as e:
            self.send({'jsonrpc': '2.0', 'id': None, 'error': {'code': PARSE_ERROR, 'message': f'not JSON: {e}'}})
            return
        if not isinstance(message, dict):
            self.send({'jsonrpc': '2.0', 'id': None, 'error': {'code': INVALID_REQUEST, 'message': 'a message must be a JSON object'}})
        elif 'method' in message:
            task = asyncio.get_running_loop().create_task(self.answer(message))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        else:
            waiting = self.pending.pop(message.get('id'), None)
            if waiting is None or waiting.done():
                print(f'mplp stdio: answer to unknown request {message.get("id")!r} ignored', file=sys.stderr)
            elif 'error' in message:
                waiting.set_exception(RemoteError(message['error'].get('code'), message['error'].get('message', '')))
            else:
                waiting.set_result(message.get('result'))

    async def answer(self, request):
        try:
            result = await self.dispatch(request['method'], request.get('params') or {})
            reply = {'jsonrpc': '2.0', 'id': request['id'], 'result': result}
        except Fault as f:
            reply = {'jsonrpc': '2.0', 'id': request['id'], 'error': {'code': f.code, 'message': str(f)}}
        except Exception as e:  # an operation that crashed: the kit reports it as an adapter fault
            traceback.print_exc(file=sys.stderr)
            reply = {'jsonrpc': '2.0', 'id': request['id'], 'error': {'code': OPERATION_FAILED, 'message': f'{type(e).__name__}: {e}'}}
        self.send(reply)

    async def dispatch(self, method, params):
        if method == 'describe':
            return {'protocol_version': PROTOCOL_VERSION, **self.describe}
        if method == 'createSession':
            session = self.open_session(self, params['session'], params['env'])
            self.sessions[params['session']] = session
            return {'methods': session.METHODS}
        session = self.sessions.get(params.get('session'))
        if session is None:
            raise Fault(UNKNOWN_SESSION, f'no open session {params.get("session")!r}')
        if method not in session.OPERATIONS:
            raise Fault(METHOD_NOT_FOUND, f'this runtime has no {method}')
        handler = getattr(session, method.replace('.', '_'))
        if method == 'close':
            del self.sessions[params['session']]
        result = handler(params)
        return await result if inspect.isawaitable(result) else result


async def serve(describe, open_session):
    """Answers the kit until stdin closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    connection = Connection(describe, open_session)
    while True:
        line = await reader.readline()
        if not line:
            return
        if line.strip():
            connection.receive(line)
