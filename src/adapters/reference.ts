// The reference runtime behind the adapter contract: the kit's embedded default, and the
// model a vendor's adapter can follow. Every runtime error becomes an OpResult rejection
// carrying the runtime's code and message.

import { readFileSync } from 'node:fs';
import { CONTRACT_VERSION, type Adapter, type AdapterDescription, type OpResult, type Session, type SessionEnv } from '../adapter/contract.js';
import { seededIds } from '../mplp/ids.js';
import { L3Runtime, RuntimeError, type RuntimeOptions } from '../runtime/index.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const referenceDescription: AdapterDescription = {
  name: 'mplp-conformance reference runtime',
  version: pkg.version,
  contract_version: CONTRACT_VERSION,
  capabilities: {
    profiles: ['sa', 'map'],
    pauseResume: true,
    approval: true,
    moduleRegistry: true,
    drift: false,
    rollback: false,
    vsl: true,
  },
};

/** Runs an operation and turns its outcome into an OpResult. */
async function attempt(fn: () => Promise<unknown> | unknown): Promise<OpResult> {
  try {
    const value = await fn();
    return value === undefined ? { ok: true } : { ok: true, value };
  } catch (e) {
    if (e instanceof RuntimeError) return { ok: false, code: e.code, message: e.message, details: e.details };
    return { ok: false, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Wraps any L3Runtime (the reference, or a subclass such as a planted-fault mutant). */
export function sessionFor(rt: L3Runtime): Session {
  return {
    load: (bundle) => attempt(() => rt.load(bundle)),
    transition: (target, to) => attempt(() => rt.transition(target, to)),
    run: async (planId, options) => {
      const r = await attempt(() => rt.run(planId, options?.profile ? { profile: options.profile } : {}));
      return r.ok ? { ...r, outcome: r.value as never } : r;
    },
    cancel: (planId) => attempt(() => rt.cancel(planId)),
    confirm: (decision) => attempt(() => rt.decide(decision)),
    pause: (planId) => attempt(() => rt.pause(planId)),
    resume: (planId) => attempt(() => rt.resume(planId)),
    get: async (target) => rt.get(target),
    graph: async () => rt.graph(),
    events: async () => structuredClone(rt.events()),
    vsl: rt.vsl,
    modules: {
      register: (name, module) => attempt(() => rt.modules.register(name, module)),
      unregister: (name) => attempt(() => rt.modules.unregister(name)),
      list: async () => rt.modules.list(),
      invoke: (name, ctx) => attempt(() => rt.modules.invoke(name, ctx)),
    },
    close: async () => undefined,
  };
}

export function runtimeOptionsFor(env: SessionEnv): RuntimeOptions {
  return { ael: env.ael, maxConcurrency: env.maxConcurrency, ids: seededIds(`session:${env.seed}`) };
}

/** An adapter over any runtime factory; the reference uses L3Runtime itself. */
export function adapterFor(make: (options: RuntimeOptions) => L3Runtime, description: AdapterDescription = referenceDescription): Adapter {
  return {
    describe: () => description,
    createSession: async (env) => sessionFor(make(runtimeOptionsFor(env))),
  };
}

export const referenceAdapter: Adapter = adapterFor((options) => new L3Runtime(options));
export default referenceAdapter;
