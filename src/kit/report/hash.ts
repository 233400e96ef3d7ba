// Canonical JSON and the verdict hash: two runs with the same outcomes and verdicts get the
// same hash, whatever their timing, order of completion or machine.

import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const byFirst = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** `incomplete` (an interrupted run) is part of the hash, so such a run never matches a complete
 *  one; so is the kit's digest and whether the run certified, so a development run or a modified
 *  kit never shares a certification's hash. */
export function verdictHash(
  checks: ReadonlyArray<{ id: string; outcome: string }>,
  requirements: ReadonlyArray<{ id: string; verdict: string }>,
  incomplete = false,
  certification?: { certified: boolean; kit_digest: string },
): string {
  const body = {
    checks: checks.map((c): [string, string] => [c.id, c.outcome]).sort(byFirst),
    requirements: requirements.map((r): [string, string] => [r.id, r.verdict]).sort(byFirst),
    ...(incomplete ? { incomplete: true } : {}),
    ...(certification ? { kit_digest: certification.kit_digest, certified: certification.certified } : {}),
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
