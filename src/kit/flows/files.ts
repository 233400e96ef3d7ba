// File references of a flow (`plan: { file: big-plan.json }`): relative paths that must stay
// inside the flow's own folder, symlinks included, and hold one JSON or YAML object. They are
// read with the same limits as flows (size, depth, tags, aliases: source.ts).

import { realpath } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { formatProblem } from './errors.js';
import { parseJsonSource, parseYamlSource, readLimitedText, type ReadResult } from './source.js';

export type FileRead = { ok: true; value: unknown; path: string } | { ok: false; message: string };

const PARSERS: Readonly<Record<string, (file: string, text: string) => ReadResult>> = {
  '.json': parseJsonSource,
  '.yaml': parseYamlSource,
  '.yml': parseYamlSource,
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
  const text = await readLimitedText(real);
  if (!text.ok) return { ok: false, message: `file "${ref}": ${text.problem.message}` };
  const parsed = parse(real, text.text);
  // The problem names the referenced file and its line; the flow's own line is added by the caller.
  if (!parsed.ok) return { ok: false, message: `file "${ref}" cannot be parsed: ${formatProblem(parsed.problem)}` };
  const value = parsed.source.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: `file "${ref}" must hold one object` };
  return { ok: true, value, path: real };
}
