// File references of a flow (`plan: { file: big-plan.json }`): relative paths that must stay
// inside the flow's own folder, symlinks included, and hold one JSON or YAML object.

import { readFile, realpath } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

export type FileRead = { ok: true; value: unknown; path: string } | { ok: false; message: string };

const PARSERS: Readonly<Record<string, (text: string) => unknown>> = {
  '.json': (text) => JSON.parse(text),
  '.yaml': (text) => parseYaml(text),
  '.yml': (text) => parseYaml(text),
};

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Reads `ref` relative to the flow file's folder, refusing anything that leaves the folder. */
export async function readFlowRelativeFile(flowFile: string, ref: string): Promise<FileRead> {
  if (isAbsolute(ref) || /^[A-Za-z]:[\\/]/.test(ref)) return { ok: false, message: `file "${ref}" must be a path relative to the flow's folder` };
  const folder = dirname(resolve(flowFile));
  const target = resolve(folder, ref);
  if (!inside(folder, target)) return { ok: false, message: `file "${ref}" is outside the flow's folder (${folder})` };
  const parse = PARSERS[extname(target).toLowerCase()];
  if (!parse) return { ok: false, message: `file "${ref}" must end in .json, .yaml or .yml` };
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    return { ok: false, message: `file "${ref}" does not exist (looked for ${target})` };
  }
  const realFolder = await realpath(folder);
  if (!inside(realFolder, real)) return { ok: false, message: `file "${ref}" resolves outside the flow's folder (to ${real})` };
  try {
    const value = parse(await readFile(real, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: `file "${ref}" must hold one object` };
    return { ok: true, value, path: real };
  } catch (e) {
    return { ok: false, message: `file "${ref}" cannot be parsed: ${(e as Error).message.split('\n')[0]}` };
  }
}
