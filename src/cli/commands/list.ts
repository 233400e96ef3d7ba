// `mplp-conformance list`: the requirements and checks a run would use, with counts per
// level and area, so a vendor can see what will be graded before running anything.

import { relative } from 'node:path';
import { selectChecks, type ConformanceLevel } from '../../kit/select.js';
import { choiceOption, listOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { kitPaths, loadCatalogueOrFail, loadChecksOrFail } from '../setup.js';
import { KIT_FLAGS } from './run.js';

const LEVELS: readonly ConformanceLevel[] = ['core', 'full'];
const LIST_FORMATS = ['pretty', 'json'] as const;

function columns(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  const level = choiceOption('level', stringOption(values['level']), LEVELS) ?? 'full';
  const format = choiceOption('format', stringOption(values['format']), LIST_FORMATS) ?? 'pretty';
  const paths = kitPaths({ catalogue: stringOption(values['catalogue']), suites: stringOption(values['suites']), flows: stringOption(values['flows']) });
  const catalogue = await loadCatalogueOrFail(paths.catalogue);
  const all = await loadChecksOrFail(catalogue, paths);
  const selection = selectChecks(all, catalogue, { level, only: listOption(values['only']) });
  if (selection.unmatched.length > 0) throw usageError(`--only ${selection.unmatched.join(',')} matches no area, requirement or check at level ${level}`);

  const requirements = selection.requirements.map((id) => {
    const r = catalogue.byId.get(id)!;
    return { ...r, checks: selection.checks.filter((c) => c.requirements.includes(id)).map((c) => c.id) };
  });
  const checks = selection.checks.map((c) => ({
    id: c.id,
    title: c.title,
    requirements: c.requirements,
    needs: c.needs ?? [],
    after: c.after ?? [],
    file: c.origin ? relative(process.cwd(), c.origin.file) : null,
  }));
  const areas = [...new Set(requirements.map((r) => r.area))].map((area) => ({
    area,
    requirements: requirements.filter((r) => r.area === area).length,
    checks: checks.filter((c) => c.requirements.some((id) => catalogue.byId.get(id)?.area === area)).length,
  }));

  if (format === 'json') {
    output.out(JSON.stringify({ level, requirements, checks, areas }, null, 2));
    return EXIT.conformant;
  }
  const count = (pred: (r: (typeof requirements)[number]) => boolean) => requirements.filter(pred).length;
  const lines = [
    `Requirements at level ${level}: ${requirements.length} (${count((r) => r.level === 'MUST')} MUST, ${count((r) => r.level === 'SHOULD')} SHOULD, ${count((r) => r.level === 'MAY')} MAY; ${count((r) => r.core)} core; ${count((r) => r.checks.length === 0)} untested)`,
    ...columns(requirements.map((r) => [r.id, r.level, r.core ? 'core' : 'full', r.area, `${r.checks.length} check(s)`, r.needs.length > 0 ? `needs ${r.needs.join(', ')}` : ''])),
    '',
    `Checks: ${checks.length}`,
    ...columns(checks.map((c) => [c.id, c.needs.length > 0 ? `needs ${c.needs.join(', ')}` : '-', c.file ?? '', c.requirements.join(',')])),
    '',
    'Areas:',
    ...columns(areas.map((a) => [a.area, `${a.requirements} requirement(s)`, `${a.checks} check(s)`])),
  ];
  output.out(lines.join('\n'));
  return EXIT.conformant;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'List the requirements and checks a run would use, with their level, area and check counts.',
  positionals: '',
  maxPositionals: 0,
  flags: {
    level: { type: 'string', value: '<core|full>', description: 'Level to list (default full).' },
    only: { type: 'string', multiple: true, value: '<area|id>', description: 'Narrow to an area, requirement or check (as in run).' },
    format: { type: 'string', value: '<pretty|json>', description: 'Output style (default pretty).' },
    ...KIT_FLAGS,
  },
  execute,
};
