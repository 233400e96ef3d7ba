// reports/<run-id>/badge.json: a shields.io endpoint badge stating the highest conformance
// level the run reached (https://shields.io/badges/endpoint-badge).

import type { Report } from './build.js';

export interface Badge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

export function renderBadge(report: Pick<Report, 'levels' | 'verdict' | 'incomplete' | 'certification'>): Badge {
  const verdictOf = (level: string) => report.levels.find((l) => l.level === level)?.verdict;
  const partial = report.verdict.partial ? ' (partial)' : '';
  const label = 'MPLP L3';
  // An interrupted run states no level at all.
  if (report.incomplete) return { schemaVersion: 1, label, message: `incomplete run (${report.incomplete.signal})`, color: 'lightgrey' };
  // A development run claims no level, whatever it found.
  if (report.certification && !report.certification.certified) return { schemaVersion: 1, label, message: 'development run', color: 'lightgrey' };
  if (verdictOf('full') === 'conformant') return { schemaVersion: 1, label, message: `full conformant${partial}`, color: 'brightgreen' };
  if (verdictOf('core') === 'conformant') return { schemaVersion: 1, label, message: `core conformant${partial}`, color: 'yellowgreen' };
  if (verdictOf('core') === 'inconclusive') return { schemaVersion: 1, label, message: `inconclusive${partial}`, color: 'lightgrey' };
  return { schemaVersion: 1, label, message: `not conformant${partial}`, color: 'red' };
}
