// A failed flow's plan drawn as inline SVG, laid out with dagre when the report is written:
// one box per step coloured by the status the runtime reported, arrows from a dependency to
// its dependent, the violating steps ringed and the violating edges drawn thick and red.
// Colours live in the page CSS (classes st-<status>), so the legend and the timeline match.

import dagre, { type Edge } from '@dagrejs/dagre';
import type { PlanDag } from '../../flows/plan-evidence.js';
import { esc } from './escape.js';
import { edgeKey, type Violation } from './violation.js';

/** Step and plan statuses with their own colour; anything else the runtime reports is drawn neutral. */
export const KNOWN_STATUSES = ['completed', 'failed', 'blocked', 'in_progress', 'pending', 'skipped', 'cancelled', 'draft', 'proposed', 'approved'] as const;
const MISSING = 'not in plan';
const MAX_LABEL = 26;
const CHAR_WIDTH = 7.3;
const NODE_HEIGHT = 46;

export function statusClass(status: string | undefined): string {
  if (status === MISSING) return 'st-missing';
  return (KNOWN_STATUSES as readonly string[]).includes(status ?? '') ? `st-${status}` : 'st-other';
}

const clip = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);
const round = (n: number) => Math.round(n * 10) / 10;

interface Box {
  key: string;
  name: string;
  status: string;
}

/** One node per step; dependencies the plan does not contain get a dashed "not in plan" node. */
function boxes(dag: PlanDag): { nodes: Box[]; keyOf: Map<string, string> } {
  const nodes: Box[] = [];
  const keyOf = new Map<string, string>();
  const add = (name: string, status: string) => {
    if (keyOf.has(name)) return;
    const key = `n${nodes.length}`;
    keyOf.set(name, key);
    nodes.push({ key, name, status });
  };
  for (const s of dag.steps) add(s.name, s.status ?? 'unknown');
  for (const s of dag.steps) for (const dep of s.after) add(dep, MISSING);
  return { nodes, keyOf };
}

type Point = { x: number; y: number };

/** A smooth path through dagre's bend points. */
function edgePath(points: Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M${round(first.x)},${round(first.y)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const [p, q] = [rest[i]!, rest[i + 1]!];
    d += ` Q${round(p.x)},${round(p.y)} ${round((p.x + q.x) / 2)},${round((p.y + q.y) / 2)}`;
  }
  const last = rest[rest.length - 1];
  return last ? `${d} L${round(last.x)},${round(last.y)}` : d;
}

/** Arrowhead at the end of the last segment (no <marker>: ids would collide between pictures). */
function arrowHead(points: Point[], size: number): string {
  const [a, b] = [points[points.length - 2], points[points.length - 1]];
  if (!a || !b) return '';
  const angle = Math.atan2(b.y - a.y, b.x - a.x);
  const corner = (turn: number) => `${round(b.x - size * Math.cos(angle + turn))},${round(b.y - size * Math.sin(angle + turn))}`;
  return `${round(b.x)},${round(b.y)} ${corner(0.45)} ${corner(-0.45)}`;
}

export function planSvg(dag: PlanDag, violation: Violation, title: string): string {
  const { nodes, keyOf } = boxes(dag);
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 46, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.key, { width: Math.max(84, Math.max(clip(n.name).length, n.status.length) * CHAR_WIDTH + 30), height: NODE_HEIGHT });
  for (const s of dag.steps) for (const dep of s.after) g.setEdge(keyOf.get(dep)!, keyOf.get(s.name)!);
  dagre.layout(g);

  const { width = 0, height = 0 } = g.graph() as { width?: number; height?: number };
  const nameOf = new Map(nodes.map((n) => [n.key, n.name]));
  const edges = g.edges().map((e: Edge) => {
    const hot = violation.edges.has(edgeKey(nameOf.get(e.v)!, nameOf.get(e.w)!));
    const points = (g.edge(e) as { points: Point[] }).points;
    return `<g class="edge${hot ? ' hot' : ''}"><path d="${edgePath(points)}"/><polygon points="${arrowHead(points, hot ? 10 : 8)}"/></g>`;
  });
  const boxesSvg = nodes.map((n) => {
    const { x, y, width: w, height: h } = g.node(n.key) as { x: number; y: number; width: number; height: number };
    const [left, top] = [round(x - w / 2), round(y - h / 2)];
    const hot = violation.steps.has(n.name);
    return [
      `<g class="step ${statusClass(n.status)}${hot ? ' hot' : ''}">`,
      `<title>${esc(`${n.name}: ${n.status}${hot ? ' (violation)' : ''}`)}</title>`,
      hot ? `<rect class="ring" x="${left - 5}" y="${top - 5}" width="${round(w + 10)}" height="${h + 10}" rx="11"/>` : '',
      `<rect class="box" x="${left}" y="${top}" width="${round(w)}" height="${h}" rx="8"/>`,
      `<text class="name" x="${round(x)}" y="${round(y - 3)}">${esc(clip(n.name))}</text>`,
      `<text class="status" x="${round(x)}" y="${round(y + 14)}">${esc(n.status.replace(/_/g, ' '))}</text>`,
      hot ? `<g class="badge"><circle cx="${round(left + w)}" cy="${top}" r="9"/><text x="${round(left + w)}" y="${top + 4}">!</text></g>` : '',
      '</g>',
    ].join('');
  });
  const [vw, vh] = [Math.ceil(width + 8), Math.ceil(height + 8)];
  return `<svg class="plan" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="-4 -4 ${vw} ${vh}" width="${vw}" height="${vh}">${edges.join('')}${boxesSvg.join('')}</svg>`;
}

/** The statuses a picture uses, for its legend. */
export function legendStatuses(dag: PlanDag): string[] {
  const { nodes } = boxes(dag);
  return [...new Set(nodes.map((n) => n.status))];
}
