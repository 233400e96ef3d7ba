// L3-PSG-001 / L3-PSG-004 / L3-PSG-006: the PSG export and the objects read back are one source
// of truth. After every operation of the representative scenario: every edge of graph() joins
// two of its nodes; a plan or step node that carries a status carries the one get() reads back;
// and a plan read back lists its steps in the order they were registered.

import { danglingEdges } from '../lib/graph.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'psg.graph-agrees-with-get';

export default defineCheck({
  id: ID,
  title: 'graph() and get() agree: edges join nodes, statuses match, steps keep their order',
  requirements: ['L3-PSG-001', 'L3-PSG-004', 'L3-PSG-006'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    const reported = new Set<string>();
    const report = (key: string, v: Violation) => {
      if (!reported.has(key)) violations.push(v);
      reported.add(key);
    };
    let graded = 0;
    for (const step of trail.steps) {
      const { graph, reads } = step.after;
      graded += graph.edges.length;
      for (const e of danglingEdges(graph)) {
        report(`edge:${e.type}:${e.from}:${e.to}`, { requirement: 'L3-PSG-001', message: `after "${step.label}" graph() lists an edge ${e.type} ${e.from} → ${e.to} that does not join two nodes of the export`, expected: 'every edge joins two nodes of the export', seen: e });
      }
      const status = new Map(graph.nodes.filter((n) => n.status !== undefined).map((n) => [n.id, n.status!]));
      for (const r of trail.resources()) {
        const plan = reads.get(r.plan.planId)?.plan;
        const read = r.kind === 'plan' ? plan?.status : plan?.steps.find((s) => s.step_id === r.id)?.status;
        const exported = status.get(r.id);
        if (read === undefined || exported === undefined) continue;
        graded++;
        if (read !== exported) report(`status:${r.id}`, { requirement: 'L3-PSG-004', message: `after "${step.label}" graph() says ${trail.label(r)} is ${exported} while get() reads ${read}`, expected: read, seen: exported });
      }
      for (const p of trail.plans) {
        const plan = reads.get(p.planId)?.plan;
        if (!plan) continue;
        const order = plan.steps.map((s) => s.step_id);
        const registered = p.registered.steps.map((s) => s.step_id);
        if (order.join() !== registered.join()) report(`order:${p.planId}`, { requirement: 'L3-PSG-006', message: `after "${step.label}" plan ${p.name} reads back its steps in another order than registered`, expected: registered.map((id) => p.nameOf(id)), seen: order.map((id) => p.nameOf(id)) });
      }
    }
    return findings(violations, 'after every operation every exported edge joined two exported nodes, exported statuses matched get(), and steps kept their registered order', undefined, graded);
  },
});
