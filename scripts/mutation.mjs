// `npm run mutation [-- stryker flags]`: Stryker over src/runtime/** with the kit as the test
// suite (stryker.config.mjs, docs/mutation.md). Stryker writes its incremental file with the
// files of the last run only, so a narrowed run (`-- --mutate 'src/runtime/psg/**'`) would
// forget every other folder's results; this wrapper keeps them: after each run it merges the
// run's files into the incremental file kept before it. A later run over everything then
// re-tests only what changed since (and writes the full HTML and JSON report), and
// `node scripts/mutation-scores.mjs` prints the per-folder scores of everything measured so far.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const INCREMENTAL_FILE = join(root, 'reports/mutation/stryker-incremental.json');

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
const before = read(INCREMENTAL_FILE);

const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
const run = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

const after = read(INCREMENTAL_FILE);
if (before && after && after !== before) {
  // Files of this run replace their earlier results; files no longer in the tree are dropped.
  const files = { ...before.files, ...after.files };
  for (const name of Object.keys(files)) if (!existsSync(join(root, name))) delete files[name];
  const testFiles = { ...(before.testFiles ?? {}), ...(after.testFiles ?? {}) };
  writeFileSync(INCREMENTAL_FILE, JSON.stringify({ ...after, files, testFiles }, null, 2));
}
process.exitCode = run.status ?? 1;
