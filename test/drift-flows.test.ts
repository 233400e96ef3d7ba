// The golden-flow vocabulary of drift and rollback: side-effect actions expand into effect
// scripts, malformed uses are reported with their line, and the shipped drift and rollback
// flows load.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLOWS_DIR } from '../src/kit/discover.js';
import { expandFlow, FlowError, loadFlow } from '../src/kit/flows/index.js';

const dir = await mkdtemp(join(tmpdir(), 'drift-flows-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function problemsOf(yaml: string): Promise<string[]> {
  const file = join(dir, `flow-${Math.abs(hash(yaml))}.yaml`);
  await writeFile(file, yaml);
  try {
    await loadFlow(file);
    return [];
  } catch (e) {
    if (!(e instanceof FlowError)) throw e;
    return e.problems.map((p) => `${p.line}: ${p.message}`);
  }
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

const HEAD = `id: t
title: t
requirements: [L3-DRIFT-003]
needs: [drift]
plan:
  status: approved
  steps:
    a: {}
`;

describe('drift and rollback flow vocabulary', () => {
  it('expands side-effect actions into effect scripts', () => {
    const flow = expandFlow({
      id: 'effects',
      title: 'effects',
      requirements: ['L3-DRIFT-003'],
      operations: [{ load: {} }],
      plan: { steps: { a: {} } },
      actions: { a: { write: { 'x.txt': 'x' }, inverse: { remove: ['x.txt'] }, barrier: 'hold', then: 'fail' } },
    });
    expect(flow.scripts[0]!.outcome).toEqual({ kind: 'effect', write: { 'x.txt': 'x' }, inverse: { remove: ['x.txt'] }, barrier: 'hold', then: 'fail' });
    expect(flow.barriers).toEqual(['hold']);
  });

  it('accepts the new operations and expectations', async () => {
    expect(
      await problemsOf(`${HEAD}actions:
  a: { write: { x.txt: "x" }, then: fail }
operations:
  - rollback_policy: { snapshot: true, compensate: false }
  - workspace: { write: { y.txt: "y" }, remove: [x.txt] }
  - drift_scan: { entries: [{ path: y.txt, kind: new }] }
  - drift_ingest: { path: y.txt, change: created, age: older, entries: [] }
  - reconcile: { strategy: manual, pending: [y.txt] }
  - resolve: { path: y.txt, keep: file }
expect:
  files: { x.txt: null }
  artifacts: { y.txt: "y" }
  compensations: [a]
`),
    ).toEqual([]);
  });

  it.each([
    ['resolve with both keep and content', `operations:\n  - resolve: { path: x, keep: psg, content: "y" }\n`, /exactly one of keep/],
    ['resolve with neither', `operations:\n  - resolve: { path: x }\n`, /exactly one of keep/],
    ['an unknown strategy', `operations:\n  - reconcile: { strategy: theirs }\n`, /strategy/],
    ['side effects with fail', `actions:\n  a: { write: { x: "x" }, fail: boom }\noperations:\n  - load: {}\n`, /side effects end with/],
    ['then without barrier or effects', `actions:\n  a: { then: fail }\noperations:\n  - load: {}\n`, /only follows a barrier or side effects/],
    ['a compensation of an unknown step', `operations:\n  - load: {}\nexpect:\n  compensations: [zz]\n`, /names step "zz"/],
  ])('reports %s', async (_what, tail, message) => {
    const problems = await problemsOf(`${HEAD}${tail}`);
    expect(problems.join('\n')).toMatch(message);
  });

  it('loads every shipped drift and rollback flow', async () => {
    const files = (await readdir(DEFAULT_FLOWS_DIR)).filter((f) => /^(drift|rollback)-.*\.yaml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) await expect(loadFlow(join(DEFAULT_FLOWS_DIR, f))).resolves.toBeDefined();
  });
});
