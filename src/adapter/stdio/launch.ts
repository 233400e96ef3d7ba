// How to start a runtime process, from an `exec:<command line>` spec or an mplp-adapter.json
// manifest. Everything that can be checked before spawning is checked here (manifest shape,
// the command exists and is executable), so a wrong spec is a configuration error with a
// message naming the spec and the problem, not a failed run.

import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseCommandString } from 'execa';

export const MANIFEST_FILE = 'mplp-adapter.json';
export const EXEC_PREFIX = 'exec:';
export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;

export interface LaunchSpec {
  /** The spec as given, for messages. */
  source: string;
  command: string;
  args: string[];
  /** Added to the kit's own environment. */
  env: Record<string, string>;
  cwd: string;
  /** Limit for spawning plus the describe handshake. */
  startupTimeoutMs: number;
  /** Prefix of the runtime's stderr lines in the kit's log. */
  name: string;
}

/** The spec cannot describe a process to start (a configuration error). */
export class LaunchSpecError extends Error {
  override name = 'LaunchSpecError';
}

const MANIFEST_KEYS: Record<string, string> = {
  command: 'the program to run (required)',
  args: 'its arguments, an array of strings',
  env: 'extra environment variables, an object of strings',
  cwd: 'working folder, relative to the manifest (default: the manifest folder)',
  startup_timeout_ms: 'limit for starting and answering describe, in ms',
  name: 'prefix of the runtime\'s stderr lines in the kit\'s log',
};

/** The launch an `exec:` spec or a manifest (file, or folder holding one) describes; undefined for any other spec. */
export function launchSpecOf(spec: string, cwd: string): LaunchSpec | undefined {
  if (spec.startsWith(EXEC_PREFIX)) return fromCommandLine(spec, cwd);
  const path = resolve(cwd, spec);
  if (basename(spec) === MANIFEST_FILE) {
    if (!existsSync(path)) throw new LaunchSpecError(`file not found: ${path}`);
    return fromManifest(path);
  }
  if (existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, MANIFEST_FILE))) return fromManifest(join(path, MANIFEST_FILE));
  return undefined;
}

function fromCommandLine(spec: string, cwd: string): LaunchSpec {
  const words = parseCommandString(spec.slice(EXEC_PREFIX.length).trim());
  const [command, ...args] = words;
  if (command === undefined) throw new LaunchSpecError(`${EXEC_PREFIX} needs a command line, e.g. "${EXEC_PREFIX}python3 my_runtime.py"`);
  ensureRunnable(command, cwd, process.env['PATH']);
  return { source: spec, command, args, env: {}, cwd, startupTimeoutMs: DEFAULT_STARTUP_TIMEOUT_MS, name: basename(command) };
}

/** A manifest names a command and a few settings; anything larger is not one. */
const MAX_MANIFEST_BYTES = 64 * 1024;

function fromManifest(file: string): LaunchSpec {
  const bytes = statSync(file).size;
  if (bytes > MAX_MANIFEST_BYTES) throw new LaunchSpecError(`${file} is too large for an adapter manifest: ${bytes} bytes, the limit is ${MAX_MANIFEST_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LaunchSpecError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new LaunchSpecError(`${file} must hold a JSON object with at least "command"`);
  const m = raw as Record<string, unknown>;
  const problems = Object.keys(m)
    .filter((k) => !Object.hasOwn(MANIFEST_KEYS, k))
    .map((k) => `"${k}" is not a manifest key (known: ${Object.keys(MANIFEST_KEYS).join(', ')})`);
  const text = (key: string, required: boolean): string | undefined => {
    const v = m[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') problems.push(`"${key}" must be a non-empty string: ${MANIFEST_KEYS[key]}`);
    return typeof v === 'string' ? v : undefined;
  };
  const command = text('command', true);
  const name = text('name', false);
  const folder = text('cwd', false);
  const args = m['args'] ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) problems.push(`"args" must be ${MANIFEST_KEYS['args']}`);
  const env = m['env'] ?? {};
  if (env === null || typeof env !== 'object' || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string')) problems.push(`"env" must be ${MANIFEST_KEYS['env']}`);
  const timeout = m['startup_timeout_ms'] ?? DEFAULT_STARTUP_TIMEOUT_MS;
  if (!Number.isInteger(timeout) || (timeout as number) < 1) problems.push(`"startup_timeout_ms" must be a positive whole number of ms`);
  if (problems.length > 0) throw new LaunchSpecError(`${file} is not a usable adapter manifest:\n  - ${problems.join('\n  - ')}`);

  const cwd = resolve(dirname(file), folder ?? '.');
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new LaunchSpecError(`${file}: "cwd" ${cwd} is not a folder`);
  const extraEnv = env as Record<string, string>;
  ensureRunnable(command!, cwd, extraEnv['PATH'] ?? process.env['PATH']);
  return { source: file, command: command!, args: args as string[], env: extraEnv, cwd, startupTimeoutMs: timeout as number, name: name ?? basename(command!) };
}

/** Throws unless `command` names an executable file (a path, or a program on PATH). */
function ensureRunnable(command: string, cwd: string, path: string | undefined): void {
  // Windows resolves programs through PATHEXT and file associations; let the spawn report it there.
  if (process.platform === 'win32') return;
  if (command.includes('/')) {
    const file = isAbsolute(command) ? command : resolve(cwd, command);
    if (!isExecutableFile(file)) throw new LaunchSpecError(`cannot start "${command}": ${existsSync(file) ? `${file} is not an executable file` : `${file} does not exist`}`);
    return;
  }
  const dirs = (path ?? '').split(delimiter).filter((d) => d !== '');
  if (!dirs.some((d) => isExecutableFile(join(d, command)))) throw new LaunchSpecError(`cannot start "${command}": no such program on PATH`);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
