// The requirement catalogue (suites/requirements.yaml): loading, validation against
// schemas/requirements.schema.json with file:line errors, and the coverage lint that ties
// checks to requirements.

import { packagePath } from '../package-files.js';
import type { Check, Need } from './check.js';
import { parseYamlSource, readLimitedText } from './flows/source.js';
import { validateWithSchemaFile } from '../mplp/validate.js';

export const DEFAULT_CATALOGUE = packagePath('suites', 'requirements.yaml');

export type RequirementLevel = 'MUST' | 'SHOULD' | 'MAY';

export const AREAS = [
  'psg', 'dag', 'lifecycle', 'events', 'orchestration', 'pause', 'approval', 'trace', 'vsl', 'ael', 'registry', 'sa', 'map', 'drift', 'rollback',
] as const;
export type Area = (typeof AREAS)[number];

export interface Requirement {
  id: string;
  level: RequirementLevel;
  area: Area;
  source: string;
  rule: string;
  needs: Need[];
  core: boolean;
}

export interface Catalogue {
  file: string;
  requirements: Requirement[];
  byId: ReadonlyMap<string, Requirement>;
}

export interface CatalogueProblem {
  file: string;
  line?: number;
  message: string;
}

export function formatCatalogueProblem(p: CatalogueProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`;
}

/** Thrown when the catalogue cannot be used; carries every problem found. */
export class CatalogueError extends Error {
  override name = 'CatalogueError';
  constructor(readonly problems: readonly CatalogueProblem[]) {
    super(problems.map(formatCatalogueProblem).join('\n'));
  }
}

export async function loadCatalogue(file: string = DEFAULT_CATALOGUE): Promise<Catalogue> {
  const read = await readLimitedText(file);
  if (!read.ok) throw new CatalogueError([read.cause ? { file, message: `cannot read the requirement catalogue: ${read.cause.message}` } : read.problem]);
  return parseCatalogue(file, read.text);
}

export function parseCatalogue(file: string, text: string): Catalogue {
  const read = parseYamlSource(file, text);
  if (!read.ok) throw new CatalogueError([read.problem]);
  const { source } = read;
  const at = (pointer: string, message: string): CatalogueProblem => {
    const line = source.lineOf(pointer);
    return line === undefined ? { file, message } : { file, line, message };
  };

  const shape = validateWithSchemaFile('requirements.schema.json', source.value);
  if (!shape.ok) {
    throw new CatalogueError(shape.errors.map((e) => at(e.pointer, `${e.pointer || '(document)'}: ${e.message}`)));
  }

  const requirements = (source.value as { requirements: Requirement[] }).requirements;
  const byId = new Map<string, Requirement>();
  const problems: CatalogueProblem[] = [];
  requirements.forEach((r, i) => {
    if (byId.has(r.id)) problems.push(at(`/requirements/${i}/id`, `duplicate requirement id ${r.id}`));
    else byId.set(r.id, r);
  });
  if (problems.length > 0) throw new CatalogueError(problems);
  return { file, requirements, byId };
}

export interface CoverageLint {
  /** A check naming a requirement the catalogue does not have. */
  unknown: { check: string; requirement: string }[];
  /** Requirements no check grades: reported `untested`. */
  untested: string[];
}

export function lintCoverage(catalogue: Catalogue, checks: readonly Check[]): CoverageLint {
  const unknown: CoverageLint['unknown'] = [];
  const covered = new Set<string>();
  for (const check of checks) {
    for (const id of check.requirements) {
      if (catalogue.byId.has(id)) covered.add(id);
      else unknown.push({ check: check.id, requirement: id });
    }
  }
  const untested = catalogue.requirements.filter((r) => !covered.has(r.id)).map((r) => r.id);
  return { unknown, untested };
}
