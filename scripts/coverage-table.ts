// The requirement × dimension coverage table (suites/coverage.yaml, issue 16): loading,
// validation against schemas/coverage.schema.json, the problems that make it wrong (held by
// test/kit-coverage.test.ts) and the Markdown rendering of docs/coverage.md
// (`npm run coverage:docs`). A development tool of this repository, not part of the kit.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateWithSchemaFile } from '../src/mplp/validate.js';
import type { Check } from '../src/kit/check.js';
import type { Catalogue } from '../src/kit/catalogue.js';
import { PACKAGE_ROOT } from '../src/package-files.js';

export const COVERAGE_FILE = join(PACKAGE_ROOT, 'suites', 'coverage.yaml');
export const COVERAGE_DOC = join(PACKAGE_ROOT, 'docs', 'coverage.md');

export interface Dimension {
  title: string;
  meaning: string;
  named?: boolean;
  cells: Record<string, string>;
}

/** A cell: the checks covering it, or `n/a <reason>`. A dimension: its cells, or `n/a <reason>`. */
export type CellValue = string[] | string;
export type DimensionValue = Record<string, CellValue> | string;

export interface CoverageData {
  version: 1;
  dimensions: Record<string, Dimension>;
  reasons: Record<string, string>;
  requirements: Record<string, Record<string, DimensionValue>>;
}

export async function loadCoverage(file = COVERAGE_FILE): Promise<{ data: CoverageData; schemaProblems: string[] }> {
  const data = parse(await readFile(file, 'utf8')) as CoverageData;
  const verdict = validateWithSchemaFile('coverage.schema.json', data);
  return { data, schemaProblems: verdict.ok ? [] : verdict.errors.map((e) => `coverage.yaml ${e.pointer || "/"}: ${e.message}`) };
}

const NA = /^n\/a (.+)$/;

/** The reason of an `n/a` value (a named reason expanded), or undefined for a list of checks. */
export function reasonOf(value: CellValue | DimensionValue, reasons: Record<string, string>): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = NA.exec(value)?.[1] ?? value;
  return reasons[text] ?? text;
}

/** Object kinds a rule's text names (plural forms too; `context_id` is a field, not a kind). */
export function kindsNamed(rule: string, kinds: readonly string[]): string[] {
  return kinds.filter((k) => new RegExp(`(^|[^A-Za-z0-9_])${k}s?(?![A-Za-z0-9_])`, 'i').test(rule));
}

export interface CellRecord {
  requirement: string;
  dimension: string;
  cell: string;
  checks?: string[];
  reason?: string;
}

/** Every cell of the table (a whole-dimension n/a counts once per cell of the dimension; for a named dimension, once). */
export function cellsOf(data: CoverageData): CellRecord[] {
  const out: CellRecord[] = [];
  for (const [requirement, dims] of Object.entries(data.requirements)) {
    for (const [dimension, def] of Object.entries(data.dimensions)) {
      const value = dims[dimension];
      if (value === undefined) continue;
      if (typeof value === 'string') {
        const reason = reasonOf(value, data.reasons)!;
        for (const cell of def.named ? ['(all)'] : Object.keys(def.cells)) out.push({ requirement, dimension, cell, reason });
        continue;
      }
      for (const [cell, v] of Object.entries(value)) out.push(typeof v === 'string' ? { requirement, dimension, cell, reason: reasonOf(v, data.reasons)! } : { requirement, dimension, cell, checks: v });
    }
  }
  return out;
}

/** Everything wrong with the table against the catalogue and the checks the kit discovers. */
export function coverageProblems(data: CoverageData, catalogue: Catalogue, checks: readonly Check[]): string[] {
  const problems: string[] = [];
  const byId = new Map(checks.map((c) => [c.id, c]));
  const dimNames = Object.keys(data.dimensions);
  const usedReasons = new Set<string>();
  const na = (value: string, where: string) => {
    const m = NA.exec(value);
    if (!m) return problems.push(`${where}: "${value}" is neither a list of check ids nor "n/a <reason>"`);
    if (data.reasons[m[1]!] !== undefined) usedReasons.add(m[1]!);
    else if (!/\s/.test(m[1]!)) problems.push(`${where}: n/a names no known reason "${m[1]}" (a reason in words has spaces; named reasons: suites/coverage.yaml reasons)`);
    return 0;
  };

  for (const r of catalogue.requirements) if (!data.requirements[r.id]) problems.push(`${r.id}: no entry in suites/coverage.yaml (every requirement says, per dimension, which checks cover it or why not)`);
  for (const [id, dims] of Object.entries(data.requirements)) {
    const req = catalogue.byId.get(id);
    if (!req) {
      problems.push(`${id}: not a requirement of the catalogue`);
      continue;
    }
    for (const d of Object.keys(dims)) if (!dimNames.includes(d)) problems.push(`${id}: unknown dimension ${d} (known: ${dimNames.join(', ')})`);
    for (const [dimension, def] of Object.entries(data.dimensions)) {
      const value = dims[dimension];
      const where = `${id} ${dimension}`;
      if (value === undefined) {
        problems.push(`${where}: missing (list its cells, or "n/a <reason>")`);
        continue;
      }
      const named = def.named ? kindsNamed(req.rule, Object.keys(def.cells)) : [];
      if (typeof value === 'string') {
        na(value, where);
        if (named.length > 0) problems.push(`${where}: the rule names ${named.join(', ')}, so the dimension cannot be n/a as a whole`);
        continue;
      }
      const required = def.named ? named : Object.keys(def.cells);
      for (const cell of required) if (!(cell in value)) problems.push(`${where}: cell ${cell} is missing${def.named ? ' (the rule names it)' : ''}`);
      for (const [cell, v] of Object.entries(value)) {
        const at = `${where} ${cell}`;
        if (!(cell in def.cells)) problems.push(`${at}: unknown cell (known: ${Object.keys(def.cells).join(', ')})`);
        if (typeof v === 'string') {
          na(v, at);
          continue;
        }
        if (v.length === 0) problems.push(`${at}: applicable but no check covers it`);
        for (const checkId of v) {
          const check = byId.get(checkId);
          if (!check) problems.push(`${at}: no check ${checkId}`);
          else if (!check.requirements.includes(id)) problems.push(`${at}: check ${checkId} does not list ${id}`);
        }
      }
    }
  }
  for (const name of Object.keys(data.reasons)) if (!usedReasons.has(name)) problems.push(`reason ${name} is never used`);
  return problems;
}

export interface CoverageCounts {
  requirements: number;
  dimensions: number;
  /** Requirement × dimension pairs. */
  pairs: number;
  pairsNotApplicable: number;
  applicable: number;
  covered: number;
  uncovered: number;
  /** Cells n/a (a whole-dimension n/a counts every cell of that dimension; a named one once). */
  notApplicable: number;
}

export function coverageCounts(data: CoverageData): CoverageCounts {
  const cells = cellsOf(data);
  const pairs = Object.values(data.requirements).reduce((n, dims) => n + Object.keys(dims).length, 0);
  const pairsNotApplicable = Object.values(data.requirements).reduce((n, dims) => n + Object.values(dims).filter((v) => typeof v === 'string').length, 0);
  const applicable = cells.filter((c) => c.checks !== undefined);
  return {
    requirements: Object.keys(data.requirements).length,
    dimensions: Object.keys(data.dimensions).length,
    pairs,
    pairsNotApplicable,
    applicable: applicable.length,
    covered: applicable.filter((c) => c.checks!.length > 0).length,
    uncovered: applicable.filter((c) => c.checks!.length === 0).length,
    notApplicable: cells.filter((c) => c.reason !== undefined).length,
  };
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** docs/coverage.md: the counts, the dimensions, a summary grid and every requirement's cells. */
export function renderCoverage(data: CoverageData, catalogue: Catalogue): string {
  const counts = coverageCounts(data);
  const dims = Object.entries(data.dimensions);
  const lines: string[] = [
    '# Requirement × dimension coverage',
    '',
    '<!-- Generated from suites/coverage.yaml by `npm run coverage:docs`; do not edit by hand. test/kit-coverage.test.ts fails when this file is stale. -->',
    '',
    'For every requirement of the catalogue ([`suites/requirements.yaml`](../suites/requirements.yaml)), the dimensions under',
    'which it can break and, for every cell, the checks that grade it there — or why the cell does not apply. The data is',
    '[`suites/coverage.yaml`](../suites/coverage.yaml) (format: [`schemas/coverage.schema.json`](../schemas/coverage.schema.json));',
    '`test/kit-coverage.test.ts` fails when a requirement has no entry, a dimension or cell is missing, a cell names a check',
    'that does not exist or does not list the requirement, an applicable cell has no check, or this page is stale. A check',
    'covers a cell only if it lists the requirement and its scenario has that profile, object kind, bundle, size, shape,',
    'phase or session length.',
    '',
    `**${counts.requirements} requirements × ${counts.dimensions} dimensions = ${counts.pairs} pairs**; ${counts.pairsNotApplicable} pairs do not apply as a whole. ` +
      `**${counts.applicable} applicable cells, ${counts.covered} covered, ${counts.uncovered} uncovered**; ${counts.notApplicable} cells n/a ` +
      '(a whole-dimension n/a counts each of its cells; for object kinds, once).',
    '',
    '## Dimensions',
    '',
    '| Dimension | Cells | Meaning |',
    '|:--|:--|:--|',
    ...dims.map(([, d]) => `| ${d.title} | ${Object.entries(d.cells).map(([k, v]) => `\`${k}\` ${esc(v)}`).join('; ')} | ${esc(d.meaning)}${d.named ? ' (a requirement lists the kinds it names)' : ''} |`),
    '',
    '## Summary',
    '',
    'Per requirement and dimension: covered / applicable cells, `n/a` when the dimension does not apply as a whole.',
    '',
    `| Requirement | Level | ${dims.map(([, d]) => d.title).join(' | ')} |`,
    `|:--|:--|${dims.map(() => '--:').join('|')}|`,
  ];
  for (const [id, entry] of Object.entries(data.requirements)) {
    const req = catalogue.byId.get(id);
    const row = dims.map(([name]) => {
      const v = entry[name];
      if (v === undefined) return '?';
      if (typeof v === 'string') return 'n/a';
      const cells = Object.values(v);
      const applicable = cells.filter((c) => typeof c !== 'string');
      return applicable.length === 0 ? 'n/a' : `${applicable.filter((c) => c.length > 0).length}/${applicable.length}`;
    });
    lines.push(`| [${id}](#${id.toLowerCase()}) | ${req?.level ?? '?'} | ${row.join(' | ')} |`);
  }
  lines.push('', '## Requirements', '');
  for (const [id, entry] of Object.entries(data.requirements)) {
    const req = catalogue.byId.get(id);
    lines.push(`### ${id}`, '', `${req?.level ?? '?'}: ${req?.rule ?? '(not in the catalogue)'}`, '', '| Dimension | Cell | Covered by / why not |', '|:--|:--|:--|');
    for (const [name, d] of dims) {
      const v = entry[name];
      if (v === undefined) lines.push(`| ${d.title} | | **missing** |`);
      else if (typeof v === 'string') lines.push(`| ${d.title} | (all) | n/a: ${esc(reasonOf(v, data.reasons)!)} |`);
      else for (const [cell, c] of Object.entries(v)) lines.push(`| ${d.title} | \`${cell}\` | ${typeof c === 'string' ? `n/a: ${esc(reasonOf(c, data.reasons)!)}` : c.length === 0 ? '**uncovered**' : c.map((x) => `\`${x}\``).join(', ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
