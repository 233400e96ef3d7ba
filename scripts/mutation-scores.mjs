// `node scripts/mutation-scores.mjs [report.json]`: the mutation score per folder of
// src/runtime from a Stryker report (default: the incremental file `npm run mutation` keeps,
// which holds every folder measured so far), with the mutants listed in
// test/mutants/equivalent.yaml taken out. Score = (killed + timeout) / (mutants − equivalent −
// ignored − compile errors); a mutant no check reaches (no coverage) counts as not killed.
// `--survivors` also lists each non-equivalent survivor and uncovered mutant; `--yaml` prints
// them as equivalent.yaml entries to fill in (kind, reason) or to kill.

import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const listSurvivors = args.includes('--survivors');
const yamlSkeleton = args.includes('--yaml');
const reportFile = args.find((a) => !a.startsWith('--')) ?? join(root, 'reports/mutation/stryker-incremental.json');
const report = JSON.parse(readFileSync(reportFile, 'utf8'));

export const normalise = (text) => String(text).replace(/\s+/g, ' ').trim();

/** The source text a mutant replaces (Stryker locations: 1-based lines and columns, end exclusive). */
export function originalText(source, location) {
  const lines = source.split('\n');
  const { start, end } = location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n');
}

/**
 * An equivalent entry names a mutant by file, mutator, the original code (whole, or its first
 * part with `prefix: true`) and the replacement; `context`, when the original code occurs more
 * than once, is code of the mutant's line(s) around it that tells the occurrences apart.
 */
export function matches(entry, file, mutant, original, source) {
  if (entry.file !== file || entry.mutator !== mutant.mutatorName) return false;
  if (normalise(entry.replacement) !== normalise(mutant.replacement ?? '')) return false;
  const o = normalise(original);
  const e = normalise(entry.original);
  if (!(o === e || (entry.prefix === true && o.startsWith(e)))) return false;
  if (entry.context === undefined) return true;
  const lines = source.split('\n').slice(mutant.location.start.line - 1, mutant.location.end.line).join('\n');
  return normalise(lines).includes(normalise(entry.context));
}

const equivalents = parse(readFileSync(join(root, 'test/mutants/equivalent.yaml'), 'utf8'))?.equivalents ?? [];
const used = new Map(equivalents.map((e) => [e, 0]));

const rows = new Map();
const leftovers = [];
const skeletons = [];
for (const [name, file] of Object.entries(report.files)) {
  const rel = relative(root, join(root, name)).replaceAll('\\', '/');
  const folder = dirname(rel) === 'src/runtime' ? rel : `${dirname(rel)}/`;
  const row = rows.get(folder) ?? { mutants: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, other: 0 };
  rows.set(folder, row);
  for (const m of file.mutants) {
    row.mutants++;
    const original = originalText(file.source, m.location);
    const eq = equivalents.find((e) => matches(e, rel, m, original, file.source));
    if (eq) used.set(eq, used.get(eq) + 1);
    if (eq && (m.status === 'Survived' || m.status === 'NoCoverage')) {
      row.equivalent++;
      continue;
    }
    if (m.status === 'Killed') row.killed++;
    else if (m.status === 'Timeout') row.timeout++;
    else if (m.status === 'Survived') row.survived++;
    else if (m.status === 'NoCoverage') row.noCoverage++;
    else row.other++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      skeletons.push(`  - file: ${rel}\n    mutator: ${m.mutatorName}\n    original: ${JSON.stringify(normalise(original).length > 160 ? normalise(original).slice(0, 120) : normalise(original))}\n${normalise(original).length > 160 ? '    prefix: true\n' : ''}    replacement: ${JSON.stringify(normalise(m.replacement ?? ''))}\n    context: ${JSON.stringify(normalise(file.source.split('\n').slice(m.location.start.line - 1, m.location.end.line).join('\n')).slice(0, 160))}\n    kind: \n    reason: # ${m.status} at line ${m.location.start.line}`);
      leftovers.push(`${m.status.padEnd(10)} ${rel}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}: ${JSON.stringify(normalise(original).slice(0, 100))} -> ${JSON.stringify(normalise(m.replacement ?? '').slice(0, 60))}`);
    }
  }
}

const pct = (r) => {
  const denominator = r.killed + r.timeout + r.survived + r.noCoverage;
  return denominator === 0 ? 'n/a' : `${((100 * (r.killed + r.timeout)) / denominator).toFixed(1)}%`;
};
const total = { mutants: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, other: 0 };
console.log('| folder | mutants | killed | timeout | survived | no coverage | equivalent | score |');
console.log('|:--|--:|--:|--:|--:|--:|--:|--:|');
for (const [folder, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  for (const k of Object.keys(total)) total[k] += r[k];
  console.log(`| \`${folder}\` | ${r.mutants} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.equivalent} | ${pct(r)} |`);
}
console.log(`| **all** | ${total.mutants} | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} | ${total.equivalent} | ${pct(total)} |`);
if (total.other > 0) console.log(`\n${total.other} mutants ended otherwise (compile or runtime errors, ignored): not counted.`);
const stale = [...used].filter(([e, n]) => n === 0 && Object.keys(report.files).some((f) => f === e.file));
if (stale.length > 0) console.log(`\nequivalent.yaml entries matching no mutant of this report:\n${stale.map(([e]) => `  ${e.file} ${e.mutator} ${JSON.stringify(e.original)}`).join('\n')}`);
if (yamlSkeleton) console.log(`\n${skeletons.join('\n')}`);
if (listSurvivors && leftovers.length > 0) console.log(`\n${leftovers.join('\n')}`);
