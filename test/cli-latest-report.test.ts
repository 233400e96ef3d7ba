// reports/latest when runs share a report folder (CI shards, parallel replays): every run's
// publish succeeds and `latest` ends as a link to one of the runs, never a half-made copy; an
// earlier copy (where links were not allowed) is replaced.
import { mkdir, mkdtemp, readlink, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publishReport } from '../src/cli/run-extras.js';
import type { WrittenReport } from '../src/kit/report/write.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function runFolder(dir: string, name: string): Promise<WrittenReport> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  const report = join(folder, 'report.json');
  await writeFile(report, '{}');
  return { dir: folder, files: { report, junit: '', summary: '', html: '', badge: '' }, schemaProblems: [] };
}

describe('publishReport', () => {
  it('lets twenty runs publish at once; latest links to one of them and no temporary link is left', async () => {
    root = await mkdtemp(join(tmpdir(), 'mplp-latest-'));
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => runFolder(root!, `run-${i}`)));
    await Promise.all(runs.map((r) => publishReport(r, root!, undefined)));
    expect(runs.map((r) => r.dir.split('/').pop())).toContain(await readlink(join(root, 'latest')));
    expect((await readdir(root)).filter((n) => n.startsWith('latest.'))).toEqual([]);
  });

  it('replaces a latest that is a copied folder', async () => {
    root = await mkdtemp(join(tmpdir(), 'mplp-latest-'));
    await mkdir(join(root, 'latest'));
    await writeFile(join(root, 'latest', 'report.json'), '{"old":true}');
    const run = await runFolder(root, 'run-new');
    await publishReport(run, root, undefined);
    expect(await readlink(join(root, 'latest'))).toBe('run-new');
  });
});
