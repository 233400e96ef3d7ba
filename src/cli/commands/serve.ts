// `mplp-conformance serve`: runs an in-process adapter (default: the reference runtime) as a
// stdio adapter, speaking the runtime side of the protocol on stdin/stdout until stdin
// closes. `run --adapter "exec:npx mplp-conformance serve"` then drives it as a process.

import { serveAdapter } from '../../adapter/stdio/server.js';
import { stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';
import { loadTargetOrFail } from '../setup.js';
import { readTimeouts, TIMEOUT_FLAG } from './run.js';

async function execute(parsed: Parsed, output: Output): Promise<number> {
  // Stdout carries the protocol: anything the adapter logs must go to stderr instead.
  for (const level of ['log', 'info', 'debug'] as const) console[level] = (...args: unknown[]) => console.error(...args);
  const { operationTimeoutMs } = readTimeouts(parsed.values);
  const target = await loadTargetOrFail(stringOption(parsed.values['adapter']), operationTimeoutMs);
  await serveAdapter(target.adapter, { log: (line) => output.err(line) });
  return EXIT.conformant;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve an adapter (default: the reference runtime) over the stdio protocol on stdin/stdout, until stdin closes.',
  positionals: '',
  maxPositionals: 0,
  flags: {
    adapter: { type: 'string', short: 'a', value: '<spec>', description: 'Adapter module (.ts/.js path) or package name to serve. Default: the embedded reference runtime.' },
    timeout: TIMEOUT_FLAG,
  },
  notes: ['The protocol is described in docs/stdio-protocol.md. Example: mplp-conformance run --adapter "exec:npx mplp-conformance serve".'],
  execute,
};
