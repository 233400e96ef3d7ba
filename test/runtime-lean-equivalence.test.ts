// The runtime's fast paths stand in for general machinery only while that machinery's seams
// are its own; a replaced seam (a planted fault, a test probe) gets the general path. Here the
// seams are replaced by pass-throughs that change nothing, so the general path runs, and every
// scenario must come out exactly the same as on the fast paths: the same events read back
// (same fields, same order, same ids and timestamps), PSG, objects and VSL contents.

import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { expandBatch, type Mutation, type NodeType } from '../src/runtime/psg/graph.js';
import { L3Runtime, type RuntimeOptions } from '../src/runtime/runtime.js';
import type { InMemoryVSL } from '../src/runtime/vsl/in-memory.js';
import { scenarioFolders, SCENARIOS } from './helpers/scenarios.js';

afterAll(async () => {
  for (const f of scenarioFolders) await rm(f, { recursive: true, force: true });
});

type Seams = { planLoad(bundle: unknown): { mutations: Mutation[] } };

/** Pass-through replacements of the seams each fast path checks. */
const GENERAL_PATHS: Record<string, (rt: L3Runtime) => void> = {
  'events built as objects and handed to bus.emit': (rt) => {
    rt.bus.emit = rt.bus.emit.bind(rt.bus);
  },
  'status changes through PSG check and apply': (rt) => {
    rt.psg.check = rt.psg.check.bind(rt.psg);
    rt.psg.apply = rt.psg.apply.bind(rt.psg);
  },
  'plans registered as single add_node and add_edge mutations': (rt) => {
    const seams = rt as unknown as Seams;
    const planLoad = seams.planLoad.bind(rt);
    seams.planLoad = (bundle) => {
      const planned = planLoad(bundle);
      return { ...planned, mutations: expandBatch(planned.mutations) };
    };
  },
};

async function observed(rt: L3Runtime): Promise<string> {
  const vsl = rt.vsl as InMemoryVSL;
  const values: [string, unknown][] = [];
  for (const k of vsl.keys().sort()) values.push([k, await vsl.get(k)]);
  const graph = rt.graph();
  const objects = graph.nodes.map((n) => rt.get({ type: n.type as NodeType, id: n.id }));
  return JSON.stringify({ events: rt.events(), graph, objects, values }, null, 1);
}

const runtimeWith = (patch?: (rt: L3Runtime) => void) => (options: RuntimeOptions) => {
  const rt = new L3Runtime(options);
  patch?.(rt);
  return rt;
};

describe.each(Object.entries(GENERAL_PATHS))('%s', (_path, patch) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: the same as the fast path', async (_name, scenario) => {
    const fast = await observed(await scenario.run(runtimeWith()));
    const general = await observed(await scenario.run(runtimeWith(patch)));
    expect(general).toBe(fast);
  });
});

it('the fast paths are taken by default and left when a seam is replaced', async () => {
  const rt = new L3Runtime();
  expect(rt.bus.compact).toBe(true);
  expect(rt.psg.plain).toBe(true);
  GENERAL_PATHS['events built as objects and handed to bus.emit']!(rt);
  GENERAL_PATHS['status changes through PSG check and apply']!(rt);
  expect(rt.bus.compact).toBe(false);
  expect(rt.psg.plain).toBe(false);
});
