// Validates every JSON object under an upstream golden-flow example folder with our schemas
// and prints one line per object. A manual cross-check of our schemas against upstream data;
// not part of `npm test`, because the project must not depend on the reference folder.
//
// Usage: npx tsx scripts/check-upstream-examples.ts [folder]
// (default: /work/shared/spec/reference/golden-flow-examples). Exit code 1 when any object fails.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatErrors, validate, type SchemaKind } from '../src/mplp/validate.js';

const DEFAULT_FOLDER = '/work/shared/spec/reference/golden-flow-examples';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return jsonFiles(full);
      return name.endsWith('.json') ? [full] : [];
    });
}

/** Recognises an object by the keys only its kind has. */
function kindOf(value: Record<string, unknown>): SchemaKind | undefined {
  if ('event_family' in value || 'sa_id' in value || 'session_id' in value) return 'event';
  if ('plan_id' in value && 'steps' in value) return 'plan';
  if ('collab_id' in value) return 'collab';
  if ('confirm_id' in value) return 'confirm';
  if ('root_span' in value) return 'trace';
  if ('context_id' in value && 'root' in value) return 'context';
  if ('role_id' in value && 'name' in value) return 'role';
  if ('file_path' in value && 'change_type' in value) return 'file-update-event';
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function main(): number {
  const folder = process.argv[2] ?? DEFAULT_FOLDER;
  const files = jsonFiles(folder);
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const items = Array.isArray(parsed) ? parsed : [parsed];
    items.forEach((item, i) => {
      const label = relative(folder, file) + (Array.isArray(parsed) ? `[${i}]` : '');
      const kind = isRecord(item) ? kindOf(item) : undefined;
      if (!kind) {
        failed++;
        console.log(`FAIL ${label}: not an MPLP object or event this script recognises`);
        return;
      }
      const result = validate(kind, item);
      if (result.ok) {
        passed++;
        console.log(`ok   ${label} (${kind})`);
      } else {
        failed++;
        console.log(`FAIL ${label} (${kind})\n${formatErrors(result.errors).replace(/^/gm, '       ')}`);
      }
    });
  }
  console.log(`\n${passed} valid, ${failed} invalid, ${files.length} files under ${folder}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
