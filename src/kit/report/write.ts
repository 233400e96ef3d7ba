// Writes reports/<run-id>/{report.json, junit.xml, summary.md, index.html, badge.json}. The
// report is checked against schemas/report.schema.json first; a report that fails its own
// schema is still written (the run's evidence matters more) and the problems are returned for
// the caller to show.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatErrors, validateWithSchemaFile } from '../../mplp/validate.js';
import { renderBadge } from './badge.js';
import type { Report } from './build.js';
import { renderHtml } from './html/page.js';
import { renderJunit } from './junit.js';
import { renderSummary } from './summary.js';

export interface WrittenReport {
  dir: string;
  files: { report: string; junit: string; summary: string; html: string; badge: string };
  /** Empty when report.json matches its schema. */
  schemaProblems: string[];
}

export function reportSchemaProblems(report: unknown): string[] {
  const result = validateWithSchemaFile('report.schema.json', report);
  return result.ok ? [] : formatErrors(result.errors).split('\n').filter((l) => l.trim() !== '');
}

export async function writeReport(report: Report, reportDir: string): Promise<WrittenReport> {
  const dir = join(reportDir, report.run_id);
  await mkdir(dir, { recursive: true });
  const files = {
    report: join(dir, 'report.json'),
    junit: join(dir, 'junit.xml'),
    summary: join(dir, 'summary.md'),
    html: join(dir, 'index.html'),
    badge: join(dir, 'badge.json'),
  };
  await writeFile(files.report, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.junit, renderJunit(report));
  await writeFile(files.summary, renderSummary(report));
  await writeFile(files.html, renderHtml(report));
  await writeFile(files.badge, `${JSON.stringify(renderBadge(report), null, 2)}\n`);
  return { dir, files, schemaProblems: reportSchemaProblems(report) };
}
