// npm run coverage:docs — renders docs/coverage.md from suites/coverage.yaml, prints the counts
// and every problem of the table (exit 1 when there is one; the file is written either way).
// `--check`: only compare, exit 1 when docs/coverage.md is stale.

import { readFile, writeFile } from 'node:fs/promises';
import { discoverChecks, loadCatalogue } from '../src/kit/index.js';
import { COVERAGE_DOC, coverageCounts, coverageProblems, loadCoverage, renderCoverage } from './coverage-table.js';

const { data, schemaProblems } = await loadCoverage();
const catalogue = await loadCatalogue();
const text = renderCoverage(data, catalogue);
if (process.argv.includes('--check')) {
  const current = await readFile(COVERAGE_DOC, 'utf8').catch(() => '');
  if (current !== text) {
    console.error('docs/coverage.md is stale: run npm run coverage:docs');
    process.exit(1);
  }
  process.exit(0);
}
await writeFile(COVERAGE_DOC, text);
const { checks } = await discoverChecks();
const problems = [...schemaProblems, ...coverageProblems(data, catalogue, checks)];
const c = coverageCounts(data);
console.log(`docs/coverage.md written: ${c.requirements} requirements × ${c.dimensions} dimensions; ${c.applicable} applicable cells, ${c.covered} covered, ${c.uncovered} uncovered, ${c.notApplicable} n/a`);
for (const p of problems) console.log(`problem: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
