// The reference runtime behind the adapter contract: the kit's embedded default, and the
// model a vendor's adapter can follow. Every runtime error becomes an OpResult rejection
// carrying the runtime's code and message.

import { kitPackage } from '../package-files.js';
import { CONTRACT_VERSION, type Adapter, type AdapterDescription, type OpResult, type Session, type SessionEnv } from '../adapter/contract.js';
import { seededIds } from '../mplp/ids.js';
import { L3Runtime, RuntimeError, type RuntimeOptions } from '../runtime/index.js';
import { redactedVslUrl, vslFromUrl } from '../runtime/vsl/from-url.js';
import { MemoryVSL } from '../runtime/vsl/memory-backend.js';
import { VslNamespaces } from '../runtime/vsl/namespaces.js';

const pkg = kitPackage();

export const referenceDescription: AdapterDescription = {
  name: 'mplp-conformance reference runtime',
  version: pkg.version,
  contract_version: CONTRACT_VERSION,
  capabilities: {
    profiles: ['sa', 'map'],
    pauseResume: true,
    approval: true,
    moduleRegistry: true,
    drift: true,
    rollback: true,
    vsl: true,
  },
  sharedVsl: true,
  eventCursor: true,
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

/** Wraps any L3Runtime (the reference, or a subclass such as a planted-fault mutant); `onClose` runs when the session closes. */
export function sessionFor(rt: L3Runtime, onClose: () => Promise<void> = async () => undefined): Session {
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
    events: async (cursor) => rt.events(cursor),
    vsl: rt.vsl,
    modules: {
      register: (name, module) => attempt(() => rt.modules.register(name, module)),
      unregister: (name) => attempt(() => rt.modules.unregister(name)),
      list: async () => rt.modules.list(),
      invoke: (name, ctx) => attempt(() => rt.modules.invoke(name, ctx)),
    },
    drift: {
      scan: () => attempt(() => rt.files.drift.scan()),
      ingest: (event) => attempt(() => rt.files.drift.ingest(event)),
      reconcile: (strategy) => attempt(() => rt.files.drift.reconcile(strategy)),
      resolve: (path, decision) => attempt(() => rt.files.drift.resolve(path, decision)),
      artifacts: async () => rt.files.drift.artifacts(),
    },
    rollback: {
      setPolicy: (policy) => attempt(() => rt.files.rollback.setPolicy(policy)),
      snapshots: async () => rt.files.rollback.snapshots(),
    },
    close: async () => {
      await rt.files.close();
      await onClose();
    },
  };
}

export function runtimeOptionsFor(env: SessionEnv): RuntimeOptions {
  return { ael: env.ael, maxConcurrency: env.maxConcurrency, ids: seededIds(`session:${env.seed}`), workspace: env.workspace };
}

/**
 * An adapter over any runtime factory; the reference uses L3Runtime itself. Each session's
 * runtime gets a VSL namespace of `stores`: its own, or the one named by env.vslShare.
 */
export function adapterFor(
  make: (options: RuntimeOptions) => L3Runtime,
  description: AdapterDescription = referenceDescription,
  stores: VslNamespaces = new VslNamespaces(async () => MemoryVSL.create()),
): Adapter {
  return {
    describe: () => description,
    createSession: async (env) => {
      const lease = await stores.lease(env.vslShare);
      try {
        return sessionFor(make({ ...runtimeOptionsFor(env), vsl: lease.vsl }), lease.release);
      } catch (e) {
        await lease.release();
        throw e;
      }
    },
    dispose: () => stores.close(),
  };
}

export { redactedVslUrl, VSL_URL_FORMS } from '../runtime/vsl/from-url.js';

/** The reference runtime on the VSL backend a URL names (see src/runtime/vsl/from-url.ts), connected now. */
export async function referenceAdapterOn(vslUrl: string, options: { connectTimeoutMs?: number } = {}): Promise<Adapter> {
  const stores = new VslNamespaces(() => vslFromUrl(vslUrl, options));
  await stores.open();
  const description = { ...referenceDescription, name: `${referenceDescription.name} (VSL ${redactedVslUrl(vslUrl)})` };
  return adapterFor((o) => new L3Runtime(o), description, stores);
}

export const referenceAdapter: Adapter = adapterFor((options) => new L3Runtime(options));
export default referenceAdapter;
