// Where the time goes: runs one case once under the V8 CPU profiler (in this process) and
// prints the hottest functions, mapped back to .ts file:line through tsx's source maps.
// Usage: tsx bench/profile.ts [size=100000] [workload=map] [contender=runtime] [warmup=0]
// (warm-up runs before the profiled one show steady state rather than first-run JIT and compile costs)

import { findSourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, sig } from './format.js';

// Must be on before the measured modules load, so their source maps are kept.
process.setSourceMapsEnabled(true);
const { Session } = await import('node:inspector/promises');
const { contenderFor } = await import('./cases/index.js');
import type { CaseSpec } from './cases/spec.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

const [size = '100000', workload = 'map', contender = 'runtime', warmup = '0'] = process.argv.slice(2);
const spec = { workload, contender, size: Number(size) } as CaseSpec;
const prepared = await (await contenderFor(spec)).prepare(spec);
for (let i = 0; i < Number(warmup); i++) await prepared.run();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const t0 = performance.now();
await prepared.run();
const wallMs = performance.now() - t0;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const root = fileURLToPath(new URL('..', import.meta.url));
/** file:line of the function's start in the original source, when a source map knows it. */
function where(f: CallFrame): string {
  if (!f.url) return '(native)';
  if (!f.url.startsWith('file://')) return f.url;
  const entry = findSourceMap(f.url)?.findEntry(f.lineNumber, f.columnNumber);
  const mapped = entry && 'originalSource' in entry ? { url: entry.originalSource, line: entry.originalLine } : { url: f.url, line: f.lineNumber };
  const path = mapped.url.startsWith('file://') ? relative(root, fileURLToPath(mapped.url)) : mapped.url;
  return `${path}:${mapped.line + 1}`;
}

const nodes = profile.nodes as ProfileNode[];
const byId = new Map(nodes.map((n) => [n.id, n]));
const selfMs = new Map<number, number>();
const samples = profile.samples ?? [];
samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000));
const labels = new Map(nodes.map((n) => [n.id, `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`]));

/** Self time and inclusive time per function; recursion counted once in the inclusive sum. */
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
/** Our own inspector calls (Profiler.stop serialising the profile) are not the case's work. */
const isInspectorCall = (n: ProfileNode) => n.callFrame.functionName === 'post' && n.callFrame.url === 'node:inspector';
function walk(id: number, open: ReadonlySet<string>): number {
  const n = byId.get(id)!;
  if (isInspectorCall(n)) return 0;
  const key = labels.get(id)!;
  const own = selfMs.get(id) ?? 0;
  self.set(key, (self.get(key) ?? 0) + own);
  const next = open.has(key) ? open : new Set(open).add(key);
  const sub = (n.children ?? []).reduce((sum, c) => sum + walk(c, next), 0);
  if (!open.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + own + sub);
  return own + sub;
}
const sampled = walk(nodes[0]!.id, new Set());

const rows = (m: Map<string, number>, keep: (k: string) => boolean, n: number) =>
  [...m].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, ms]) => [k, sig(ms), `${sig((100 * ms) / sampled)}%`]);
console.log(`Profile of ${workload}/${contender} at ${size}: ${sig(wallMs)} ms wall, ${sig(sampled)} ms sampled\n`);
console.log(markdownTable(['function (self time)', 'ms', 'share'], rows(self, () => true, 25)));
console.log('');
console.log(markdownTable(['function in src/ (inclusive time)', 'ms', 'share'], rows(inclusive, (k) => k.includes(' src/'), 30)));
