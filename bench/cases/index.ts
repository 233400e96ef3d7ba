// Contenders per workload, loaded lazily so a cycle-only run does not import the runtime.

import type { CaseSpec, Contender, Workload } from './spec.js';

const loaders: Record<Workload, () => Promise<Contender[]>> = {
  map: async () => (await import('./map-cases.js')).mapContenders,
  cycle: async () => (await import('./cycle-cases.js')).cycleContenders,
};

export function contendersOf(workload: Workload): Promise<Contender[]> {
  return loaders[workload]();
}

export async function contenderFor(spec: CaseSpec): Promise<Contender> {
  const found = (await contendersOf(spec.workload)).find((c) => c.name === spec.contender);
  if (!found) throw new Error(`unknown contender ${spec.workload}/${spec.contender}`);
  return found;
}
