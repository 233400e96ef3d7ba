// A faulty stdio runtime: the reference runtime served over stdin/stdout with one named
// transport fault from faults.ts planted between the server and the pipe.
// Usage: node --import tsx test/mutants/transport/runtime.ts <fault name>

import { PassThrough, Writable } from 'node:stream';
import { readLines } from '../../../src/adapter/stdio/lines.js';
import type { RpcId, RpcMessage } from '../../../src/adapter/stdio/protocol.js';
import { serveAdapter } from '../../../src/adapter/stdio/server.js';
import { referenceAdapter } from '../../../src/adapters/reference.js';
import { transportFaultNamed, type Wire } from './faults.js';

const fault = transportFaultNamed(process.argv[2] ?? '');
const open = new Map<RpcId, { method: string; params: Record<string, unknown> }>();
const wire: Wire = { send: (line) => void process.stdout.write(`${line}\n`), open };

// What the kit sends passes through unchanged; its requests are noted for the fault.
const input = new PassThrough();
readLines(process.stdin, {
  line: (text) => {
    const m = JSON.parse(text) as RpcMessage;
    if ('method' in m) open.set(m.id, { method: m.method, params: m.params });
    input.write(`${text}\n`);
  },
  end: () => input.end(),
});

// What the server sends goes through the fault first.
const output = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter((l) => l !== '')) {
      const message = JSON.parse(line) as RpcMessage;
      const rewritten = fault.outgoing ? fault.outgoing(message, wire) : [message];
      for (const m of rewritten) wire.send(JSON.stringify(m));
      if (!('method' in message) && message.id !== null) open.delete(message.id);
    }
    done();
  },
});

await serveAdapter(fault.adapter ? fault.adapter(referenceAdapter) : referenceAdapter, { input, output });
process.exit(0);
