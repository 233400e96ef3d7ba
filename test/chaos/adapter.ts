// The chaos adapter: the reference runtime with one misbehaviour of the corpus
// (test/chaos/corpus.ts) patched in. In-process it is loadable with
// `--adapter test/chaos/adapter.ts` (the case named by MPLP_CHAOS); test/chaos/runtime.ts
// serves it over stdio.

import type { Adapter } from '../../src/adapter/contract.js';
import { adapterFor, referenceDescription } from '../../src/adapters/reference.js';
import { L3Runtime } from '../../src/runtime/index.js';
import { chaosCase, type Transport } from './corpus.js';

export function chaosAdapter(name: string, transport: Transport = 'in-process'): Adapter {
  const chaos = chaosCase(name);
  if (!chaos.transports.includes(transport)) throw new Error(`chaos case ${name} is not for the ${transport} transport`);
  // A reference adapter of its own: runs of different cases share nothing.
  const reference = adapterFor((options) => new L3Runtime(options));
  return {
    describe: () => ({ ...referenceDescription, name: `chaos ${name}` }),
    createSession: async (env) => {
      if (chaos.createSession) return chaos.createSession();
      const seen = chaos.env ? chaos.env(env) : env;
      const session = await reference.createSession(seen);
      return chaos.session ? { ...session, ...chaos.session(session, seen) } : session;
    },
    dispose: () => reference.dispose!(),
  };
}

/** For `--adapter test/chaos/adapter.ts`: the case named by MPLP_CHAOS. */
export default function fromEnvironment(): Adapter {
  return chaosAdapter(process.env['MPLP_CHAOS'] ?? '(MPLP_CHAOS is not set)');
}
