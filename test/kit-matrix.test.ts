// Issue 18: the implementation matrix, requirements × implementations, each cell linking to the
// requirement's row in that run's HTML report.

import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_BIN } from './helpers/packed.js';
import type { Adapter } from '../src/adapter/contract.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue, runConformance, writeReport, type Catalogue, type Check, type Report } from '../src/kit/index.js';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from '../src/kit/report/matrix.js';
import { mutantAdapter } from './mutants/faults.js';

// The compiled command (built once for the tests).
const BIN = DIST_BIN;
let work: string;
const written: { file: string; report: Report }[] = [];

async function runTo(adapter: Adapter, dir: string, kit: { checks: Check[]; catalogue: Catalogue }): Promise<void> {
  const { checks, catalogue } = kit;
  const { report } = await runConformance({ target: { adapter, description: await adapter.describe() }, checks, catalogue, options: { ...DEFAULT_RUN_OPTIONS, seed: 21, only: ['sa'] } });
  const out = await writeReport(report, join(work, dir));
  written.push({ file: out.files.report, report });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kit-matrix-'));
  const kit = { checks: (await discoverChecks()).checks, catalogue: await loadCatalogue() };
  await runTo(referenceAdapter, 'reference', kit);
  // --only sa grades the SA requirements alone: the fault must break one of them.
  const faulty = mutantAdapter('sa-runs-in-parallel');
  await runTo({ describe: async () => ({ ...(await faulty.describe()), name: 'acme <script>alert(1)</script>' }), createSession: (env) => faulty.createSession(env) }, 'acme', kit);
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('implementation matrix', () => {
  it('has a row per requirement and a column per report, with each verdict', () => {
    const m = buildMatrix(written, join(work, 'site', 'matrix.html'));
    expect(m.columns.map((c) => c.adapter)).toEqual(['mplp-conformance reference runtime', 'acme <script>alert(1)</script>']);
    expect(m.rows.map((r) => r.id)).toEqual(written[0]!.report.requirements.map((r) => r.id));
    for (const row of m.rows) {
      expect(row.cells[0]).toBe(written[0]!.report.requirements.find((r) => r.id === row.id)!.verdict);
      expect(row.cells[1]).toBe(written[1]!.report.requirements.find((r) => r.id === row.id)!.verdict);
    }
    expect(m.rows.some((r) => r.cells[0] === 'pass' && r.cells[1] === 'fail')).toBe(true);
  });

  it('links each cell to the requirement in that run\'s HTML report, relative to the matrix file', async () => {
    const out = join(work, 'site', 'matrix.html');
    const m = buildMatrix(written, out);
    expect(m.columns[0]!.evidence).toBe(`../reference/${written[0]!.report.run_id}/index.html`);
    const failing = m.rows.find((r) => r.cells[1] === 'fail')!;
    const md = renderMatrixMarkdown(m);
    expect(md).toContain(`[✗ fail](../acme/${written[1]!.report.run_id}/index.html#req-${failing.id})`);
    // The anchor exists in the report it points at.
    const page = await readFile(join(work, 'acme', written[1]!.report.run_id, 'index.html'), 'utf8');
    expect(page).toContain(`id="req-${failing.id}"`);
  });

  it('escapes what the adapter named itself and loads nothing from outside the page', () => {
    const html = renderMatrixHtml(buildMatrix(written, join(work, 'matrix.html')));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('acme &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('the CLI writes HTML and Markdown and refuses a file that is not a report', async () => {
    const r = await execa('node', [BIN, 'matrix', written[0]!.file, written[1]!.file, '--label', 'reference', '--label', 'acme', '--out', join(work, 'm.html'), '--out', join(work, 'm.md')], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(join(work, 'm.md'), 'utf8')).toMatch(/^\| requirement \| level \| \[reference\]\(reference\/.*\/index\.html\) \| \[acme\]\(acme\/.*\/index\.html\) \|$/m);
    expect(await readFile(join(work, 'm.html'), 'utf8')).toContain('<h1>MPLP v1.0 L3 implementation matrix</h1>');
    const bad = await execa('node', [BIN, 'matrix', join(work, 'm.md')], { reject: false });
    expect(bad.exitCode).toBe(4);
    expect(bad.stderr).toMatch(/^mplp-conformance: matrix: /);
  });
});
