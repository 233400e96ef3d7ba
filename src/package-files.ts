// Where the kit's own files are, in a source checkout and in the published package alike.
//
//   source checkout (tsx)            published package (compiled)
//   <root>/src/package-files.ts      <root>/dist/src/package-files.js
//   <root>/suites/*.check.ts         <root>/dist/suites/*.check.js     ← CODE_ROOT/suites
//   <root>/package.json, schemas/, golden-flows/, suites/requirements.yaml  ← PACKAGE_ROOT
//
// CODE_ROOT is the folder the running code was compiled into (the checkout itself, or dist/);
// PACKAGE_ROOT is the folder holding package.json and the kit's data files. A leaf module:
// every room may import it, and it imports nothing from src/.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The checkout (running from sources) or <package>/dist (running compiled code). */
export const CODE_ROOT = resolve(HERE, '..');

/** The folder holding package.json, schemas/, golden-flows/ and suites/requirements.yaml. */
export const PACKAGE_ROOT = existsSync(join(CODE_ROOT, 'package.json')) ? CODE_ROOT : resolve(CODE_ROOT, '..');

/** True when this code runs from TypeScript sources (tsx, vitest), false in the compiled package. */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** Extension of the kit's own modules as they are loaded now: `.ts` from sources, `.js` compiled. */
export const CODE_EXTENSION = FROM_SOURCES ? '.ts' : '.js';

/** A path under the package root (data files: schemas, flows, the catalogue, package.json). */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** A path under the code root (compiled or source modules: suites, src). */
export function codePath(...parts: string[]): string {
  return join(CODE_ROOT, ...parts);
}

/** A module of the kit by its path without extension, e.g. `src/adapters/reference`. */
export function kitModule(pathWithoutExtension: string): string {
  return codePath(`${pathWithoutExtension}${CODE_EXTENSION}`);
}

/** The CLI entry that runs this same code: the checkout's bin (tsx) or the compiled bin. */
export const KIT_BIN = FROM_SOURCES ? packagePath('bin', 'mplp-conformance.js') : codePath('src', 'cli', 'bin.js');

let manifest: { name: string; version: string } | undefined;

/** The kit's package.json (name and version), read once. */
export function kitPackage(): { name: string; version: string } {
  manifest ??= JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { name: string; version: string };
  return manifest;
}
