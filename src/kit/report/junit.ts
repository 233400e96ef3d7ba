// junit.xml for CI dashboards: one testsuite per area, one testcase per check, requirement
// ids and their level in the testcase name and properties.

import type { JudgedReport } from '../baseline/judge.js';
import { incompleteText, type Report } from './build.js';
import type { CheckRecord } from '../runner.js';

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function detail(record: CheckRecord): string {
  const lines = [record.message];
  if (record.expected !== undefined) lines.push(`expected: ${JSON.stringify(record.expected)}`);
  if (record.seen !== undefined) lines.push(`seen: ${JSON.stringify(record.seen)}`);
  for (const cmd of record.replay ?? []) lines.push(`replay: ${cmd}`);
  return xmlEscape(lines.join('\n'));
}

/** The element that says how a non-passing testcase ended. */
const RESULT_ELEMENT: Record<CheckRecord['outcome'], ((r: CheckRecord) => string) | undefined> = {
  pass: undefined,
  fail: (r) => `<failure${attrs({ message: r.message, type: 'fail' })}>${detail(r)}</failure>`,
  error: (r) => `<error${attrs({ message: r.message, type: 'error' })}>${detail(r)}</error>`,
  skipped: (r) => `<skipped${attrs({ message: `skipped: ${r.message}` })}/>`,
  blocked: (r) => `<skipped${attrs({ message: `blocked: ${r.message}` })}/>`,
  inconclusive: (r) => `<skipped${attrs({ message: `inconclusive (graded nothing): ${r.message}` })}/>`,
};

function testcase(record: CheckRecord, report: Report): string {
  const levels = record.requirements.map((id) => {
    const req = report.requirements.find((r) => r.id === id);
    return req ? `${id} ${req.level}${req.core ? ' core' : ''}` : id;
  });
  const properties = [
    ...record.requirements.map((id) => `<property${attrs({ name: 'requirement', value: id })}/>`),
    ...levels.map((l) => `<property${attrs({ name: 'requirement_level', value: l })}/>`),
    `<property${attrs({ name: 'outcome', value: record.outcome })}/>`,
    // With --baseline: the accepted failures this testcase belongs to, and why.
    ...((report as JudgedReport).baseline?.baselined ?? [])
      .filter((b) => record.outcome === 'fail' && record.requirements.includes(b.requirement))
      .map((b) => `<property${attrs({ name: 'baseline', value: `${b.requirement}: ${b.reason}` })}/>`),
  ];
  const head = `<testcase${attrs({ name: `${record.id} [${record.requirements.join(', ')}]`, classname: `mplp.l3.${record.area}`, time: seconds(record.duration_ms) })}>`;
  const result = RESULT_ELEMENT[record.outcome]?.(record);
  return [`    ${head}`, `      <properties>${properties.join('')}</properties>`, ...(result ? [`      ${result}`] : []), '    </testcase>'].join('\n');
}

export function renderJunit(report: Report): string {
  const areas = [...new Set(report.checks.map((c) => c.area))];
  const tally = (records: CheckRecord[]) => ({
    tests: records.length,
    failures: records.filter((r) => r.outcome === 'fail').length,
    errors: records.filter((r) => r.outcome === 'error').length,
    skipped: records.filter((r) => r.outcome === 'skipped' || r.outcome === 'blocked' || r.outcome === 'inconclusive').length,
    time: seconds(records.reduce((sum, r) => sum + r.duration_ms, 0)),
  });
  // An interrupted run says so on every suite, so no dashboard shows it as a normal result.
  const incomplete = report.incomplete ? incompleteText(report.incomplete) : undefined;
  const suiteProperties = incomplete === undefined ? [] : [`    <properties><property${attrs({ name: 'incomplete', value: incomplete })}/></properties>`];
  const suites = areas.map((area) => {
    const records = report.checks.filter((c) => c.area === area);
    return [`  <testsuite${attrs({ name: area, ...tally(records), timestamp: report.timing.started_at })}>`, ...suiteProperties, ...records.map((r) => testcase(r, report)), '  </testsuite>'].join('\n');
  });
  const verdict = incomplete ?? `${report.options.level}: ${report.verdict.verdict}`;
  const root = `<testsuites${attrs({ name: `mplp-conformance ${report.adapter.name} ${report.adapter.version} (${verdict})`, ...tally(report.checks) })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', root, ...suites, '</testsuites>', ''].join('\n');
}
