// The package as a vendor gets it: `npm pack` (which builds dist/ through prepack) and the
// tarball installed into a fresh folder with production dependencies only. Shared by the
// installed-package test and `npm run bench:startup`.

import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface InstalledKit {
  /** The vendor's folder: package.json, node_modules/mplp-conformance and its production dependencies. */
  app: string;
  /** The installed package's root (node_modules/mplp-conformance). */
  kit: string;
  /** The installed command (node_modules/.bin/mplp-conformance). */
  bin: string;
  tarball: string;
}

/** The compiled command of this checkout (dist/, built by npm run build; the tests build it once in test/global-setup.ts). */
export const DIST_BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');

/**
 * Packs this checkout and installs the tarball in a new temp folder (npm's cache first, then the
 * registry). `build: false` packs the dist/ already built (npm pack --ignore-scripts) instead of
 * letting prepack build it again.
 */
export async function packAndInstall(options: { parent?: string; build?: boolean } = {}): Promise<InstalledKit> {
  const parent = options.parent ?? tmpdir();
  const root = await mkdtemp(join(parent, 'mplp-packed-'));
  const app = join(root, 'app');
  await mkdir(app);
  const pack = await execa('npm', ['pack', '--pack-destination', root, '--silent', ...(options.build === false ? ['--ignore-scripts'] : [])], { cwd: REPO_ROOT, reject: false, env: { npm_config_update_notifier: 'false' } });
  if (pack.exitCode !== 0) throw new Error(`npm pack failed (${pack.exitCode}):\n${pack.stderr}`);
  const tarball = join(root, (await readdir(root)).find((f) => f.endsWith('.tgz'))!);
  await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'vendor-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const install = await execa('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, reject: false, env: { npm_config_update_notifier: 'false' } });
  if (install.exitCode !== 0) throw new Error(`npm install of ${tarball} failed (${install.exitCode}):\n${install.stderr}`);
  return { app, kit: join(app, 'node_modules', 'mplp-conformance'), bin: join(app, 'node_modules', '.bin', 'mplp-conformance'), tarball };
}
