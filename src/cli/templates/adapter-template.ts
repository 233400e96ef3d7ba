// The adapter file `mplp-conformance init` writes: a complete, typed starting point that
// loads and runs (every operation answers NOT_IMPLEMENTED) until the vendor wires it up.

export const ADAPTER_TEMPLATE = `// MPLP v1.0 L3 conformance adapter for <your runtime>.
// Run it:   npx mplp-conformance run --adapter ./adapter.ts
// Contract: docs/adapter.md in the mplp-conformance package
// Types:    npm i -D mplp-conformance (type-only imports: nothing is needed at run time)
//
// Every operation below answers NOT_IMPLEMENTED until you connect your runtime. Rules of the
// contract: only JSON data crosses it; expected refusals are { ok: false, code, message }
// (never throws); every step action must go through env.ael.execute(action) with step_id set.

import type {
  Adapter,
  AdapterDescription,
  DecisionInput,
  GraphExport,
  LoadBundle,
  ObjectRef,
  OpResult,
  Profile,
  RunOutcome,
  Session,
  SessionEnv,
} from 'mplp-conformance/adapter';

const description: AdapterDescription = {
  name: 'my-runtime',
  version: '0.0.0',
  contract_version: '1.0.0',
  // Claim only what your runtime does: checks needing an unclaimed capability are skipped,
  // but core conformance needs profiles: ['sa'], pauseResume, approval and vsl.
  capabilities: {
    profiles: [],
    pauseResume: false,
    approval: false,
    moduleRegistry: false,
    drift: false,
    rollback: false,
    vsl: false,
  },
};

const notImplemented = (operation: string): OpResult => ({
  ok: false,
  code: 'NOT_IMPLEMENTED',
  message: \`\${operation} is not wired to the runtime yet\`,
});

function createSessionFor(env: SessionEnv): Session {
  // Create one isolated runtime instance here, wired to env.ael (and env.workspace, env.seed,
  // env.maxConcurrency).
  void env;
  return {
    async load(bundle: LoadBundle) {
      void bundle;
      return notImplemented('load');
    },
    async transition(target: ObjectRef, to: string) {
      void target;
      void to;
      return notImplemented('transition');
    },
    async run(planId: string, options?: { profile?: Profile }): Promise<OpResult & { outcome?: RunOutcome }> {
      void planId;
      void options;
      return notImplemented('run');
    },
    async cancel(planId: string) {
      void planId;
      return notImplemented('cancel');
    },
    async confirm(decision: DecisionInput) {
      void decision;
      return notImplemented('confirm');
    },
    async get(target: ObjectRef): Promise<unknown> {
      void target;
      return undefined;
    },
    async graph(): Promise<GraphExport> {
      return { nodes: [], edges: [] };
    },
    async events() {
      return [];
    },
    async close() {
      // Release the runtime instance.
    },
  };
}

const adapter: Adapter = {
  describe: () => description,
  createSession: async (env) => createSessionFor(env),
};

export default adapter;
`;
