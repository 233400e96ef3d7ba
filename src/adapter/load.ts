// Finds, imports and validates a vendor adapter. Every way this can go wrong ends in an
// AdapterLoadError whose message names the spec and the problem (never a stack trace), so the
// CLI can print it and exit 4.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CAPABILITY_FLAGS, CONTRACT_VERSION, PROFILES, type Adapter, type AdapterDescription } from './contract.js';
import { launchSpecOf, LaunchSpecError, type LaunchSpec } from './stdio/launch.js';
import { StdioAdapter } from './stdio/stdio-adapter.js';
import { describeThrown, summarise } from './values.js';

export { describeThrown, summarise } from './values.js';

/** `config`: the spec or the module is wrong (CLI exit 4); `runtime`: the adapter's own code failed while starting (exit 3). */
export type AdapterLoadStage = 'config' | 'runtime';

export class AdapterLoadError extends Error {
  override name = 'AdapterLoadError';
  constructor(
    readonly spec: string,
    readonly problem: string,
    readonly stage: AdapterLoadStage = 'config',
  ) {
    super(`adapter ${spec}: ${problem}`);
  }
}

export interface LoadedAdapter {
  /** The spec as given (used in replay commands). */
  spec: string;
  /** The file that was imported. */
  file: string;
  adapter: Adapter;
  description: AdapterDescription;
}

export interface LoadOptions {
  /** Folder relative specs resolve against (default: process.cwd()). */
  cwd?: string;
  /** Limit for the factory and describe() calls (default 10 s). */
  timeoutMs?: number;
  /** Where a stdio runtime's stderr lines and transport notes go (default: the kit's stderr). */
  log?(line: string): void;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

export async function loadAdapter(spec: string, options: LoadOptions = {}): Promise<LoadedAdapter> {
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const launch = stdioLaunch(spec, cwd);
  if (launch) return loadStdioAdapter(spec, launch, timeoutMs, options.log);
  const file = resolveSpec(spec, cwd);

  let namespace: Record<string, unknown>;
  try {
    namespace = await importFile(file);
  } catch (e) {
    throw new AdapterLoadError(spec, `importing ${file} failed: ${describeThrown(e)}`);
  }

  const adapter = await pickAdapter(spec, namespace, timeoutMs);
  return { spec, file, adapter, description: await describeAdapter(spec, adapter, timeoutMs) };
}

/**
 * The cheap half of loadAdapter: the spec names a file that exists and can be loaded, an
 * installed package, an `exec:` command or a readable manifest. Nothing is imported or started,
 * so a wrong --adapter is reported at once, before the kit loads its checks.
 */
export function checkAdapterSpec(spec: string, options: Pick<LoadOptions, 'cwd'> = {}): void {
  const cwd = options.cwd ?? process.cwd();
  if (stdioLaunch(spec, cwd)) return;
  resolveSpec(spec, cwd);
}

/** The adapter's validated description. */
async function describeAdapter(spec: string, adapter: Adapter, timeoutMs: number): Promise<AdapterDescription> {
  let described: unknown;
  try {
    described = await withTimeout(Promise.resolve().then(() => adapter.describe()), timeoutMs, 'describe()');
  } catch (e) {
    throw new AdapterLoadError(spec, `describe() failed: ${describeThrown(e)}`, 'runtime');
  }
  const problems = descriptionProblems(described);
  if (problems.length > 0) throw new AdapterLoadError(spec, `describe() returned an invalid description:\n  - ${problems.join('\n  - ')}`);
  return described as AdapterDescription;
}

/** The process an `exec:` spec or an mplp-adapter.json manifest describes (src/adapter/stdio), if the spec is one. */
function stdioLaunch(spec: string, cwd: string): LaunchSpec | undefined {
  try {
    return launchSpecOf(spec, cwd);
  } catch (e) {
    if (e instanceof LaunchSpecError) throw new AdapterLoadError(spec, e.message);
    throw e;
  }
}

/** Starts the runtime process and describes it; the process is stopped again if that fails. */
async function loadStdioAdapter(spec: string, launch: LaunchSpec, timeoutMs: number, log?: (line: string) => void): Promise<LoadedAdapter> {
  const adapter = new StdioAdapter(launch, { callTimeoutMs: timeoutMs, ...(log ? { log } : {}) });
  try {
    // The describe handshake has its own startup limit; this one is only a backstop.
    return { spec, file: launch.source, adapter, description: await describeAdapter(spec, adapter, launch.startupTimeoutMs + timeoutMs) };
  } catch (e) {
    await adapter.dispose();
    throw e;
  }
}

/** Imports a .ts/.mts file through tsx (no build step) and anything else through Node; returns its exports. */
export async function importFile(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  const ns = (TS_EXTENSIONS.has(extname(file)) ? await importTypeScript(url) : await import(url)) as Record<string, unknown>;
  return esModuleExports(ns);
}

type TsImport = (specifier: string, parent: string) => Promise<unknown>;
let tsLoader: Promise<TsImport | undefined> | undefined;

/**
 * tsx is loaded only when a TypeScript file is imported (a vendor's .ts adapter; the kit's own
 * suites when it runs from sources), so a compiled kit with a .js adapter never pays for it.
 * Without tsx, Node's own type stripping is used where this Node has it (22.18+, 23.6+).
 */
async function importTypeScript(url: string): Promise<unknown> {
  tsLoader ??= import('tsx/esm/api').then(
    (api) => api.tsImport as TsImport,
    () => undefined,
  );
  const tsImport = await tsLoader;
  if (tsImport) return tsImport(url, import.meta.url);
  if ((process.features as { typescript?: unknown }).typescript) return import(url);
  throw new Error(`loading TypeScript needs tsx (npm install tsx) or a Node.js with type stripping (22.18 or newer); this is Node ${process.version}. Or compile the file to .js first`);
}

/**
 * A file compiled to CommonJS (a .ts outside any "type": "module" package, a .cjs) arrives
 * as { default: module.exports }; when module.exports marks itself __esModule, its own keys
 * are the real exports.
 */
function esModuleExports(ns: Record<string, unknown>): Record<string, unknown> {
  const inner = ns['default'];
  if (inner !== null && typeof inner === 'object' && (inner as { __esModule?: unknown }).__esModule === true) {
    return Object.fromEntries(Object.entries(inner as Record<string, unknown>).filter(([k]) => k !== '__esModule'));
  }
  return ns;
}

function resolveSpec(spec: string, cwd: string): string {
  if (spec.trim() === '') throw new AdapterLoadError(spec, 'the adapter spec is empty');
  if (!looksLikePath(spec)) return resolvePackage(spec, cwd);
  const file = resolve(cwd, spec);
  if (!existsSync(file)) throw new AdapterLoadError(spec, `file not found: ${file}`);
  if (statSync(file).isDirectory()) {
    throw new AdapterLoadError(spec, `${file} is a folder; pass the adapter module file (.ts, .js or .mjs) or a folder holding an mplp-adapter.json`);
  }
  const ext = extname(file);
  if (!TS_EXTENSIONS.has(ext) && !JS_EXTENSIONS.has(ext)) {
    throw new AdapterLoadError(spec, `cannot load a "${ext || 'extensionless'}" file; the adapter must be a .ts, .mts, .js, .mjs or .cjs module`);
  }
  return file;
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || /^[A-Za-z]:[\\/]/.test(spec) || /\.(m|c)?(t|j)sx?$/.test(spec);
}

/** Resolves a package name from `cwd` the way `import` would from a file there. */
function resolvePackage(name: string, cwd: string): string {
  const require = createRequire(join(cwd, 'noop.js'));
  try {
    return require.resolve(name);
  } catch {
    // ESM-only packages export no `require` condition: read their package.json ourselves.
  }
  const entry = esmEntry(name, cwd);
  if (entry) return entry;
  throw new AdapterLoadError(name, `no file or installed package named "${name}" (looked in node_modules from ${cwd}); for a file, start the path with ./`);
}

function esmEntry(name: string, cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const manifest = join(pkgDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; module?: string; main?: string };
      const target = exportTarget(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js';
      return join(pkgDir, target);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  const root = '.' in map ? map['.'] : map;
  if (typeof root === 'string') return root;
  if (root === null || typeof root !== 'object') return undefined;
  const conditions = root as Record<string, unknown>;
  return exportTarget(conditions['import']) ?? exportTarget(conditions['default']) ?? exportTarget(conditions['node']);
}

function isAdapter(value: unknown): value is Adapter {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Adapter).describe === 'function' &&
    typeof (value as Adapter).createSession === 'function'
  );
}

/** Default export first, then a named `adapter`; each may be an Adapter or a factory of one. */
async function pickAdapter(spec: string, ns: Record<string, unknown>, timeoutMs: number): Promise<Adapter> {
  const candidates: Array<[string, unknown]> = [
    ['default export', ns['default']],
    ['export `adapter`', ns['adapter']],
  ];
  for (const [label, value] of candidates) {
    if (isAdapter(value)) return value;
    if (typeof value !== 'function') continue;
    let made: unknown;
    try {
      made = await withTimeout(Promise.resolve().then(() => (value as () => unknown)()), timeoutMs, `the ${label} factory`);
    } catch (e) {
      throw new AdapterLoadError(spec, `the ${label} is a function; calling it as an adapter factory failed: ${describeThrown(e)}`, 'runtime');
    }
    if (isAdapter(made)) return made;
    throw new AdapterLoadError(spec, `the ${label} is a function, but it returned ${summarise(made)} instead of an Adapter (an object with describe() and createSession())`);
  }
  const found = Object.entries(ns).map(([k, v]) => `${k} (${kindOf(v)})`);
  throw new AdapterLoadError(
    spec,
    `nothing usable is exported: expected a default export or an export named \`adapter\` that is an Adapter (an object with describe() and createSession()) or a function returning one; found ${found.length > 0 ? found.join(', ') : 'no exports'}`,
  );
}

/** Every way `value` falls short of an AdapterDescription, as readable sentences. */
export function descriptionProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`expected an object, got ${summarise(value)}`];
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['name', 'version'] as const) {
    if (typeof d[key] !== 'string' || (d[key] as string).trim() === '') problems.push(`"${key}" must be a non-empty string, got ${summarise(d[key])}`);
  }
  if (d['contract_version'] !== undefined) {
    if (typeof d['contract_version'] !== 'string') problems.push(`"contract_version" must be a string, got ${summarise(d['contract_version'])}`);
    else if (major(d['contract_version']) !== major(CONTRACT_VERSION)) {
      problems.push(`"contract_version" is ${d['contract_version']}, but this kit implements contract ${CONTRACT_VERSION} (major versions differ)`);
    }
  }
  if (d['eventCursor'] !== undefined && typeof d['eventCursor'] !== 'boolean') problems.push(`"eventCursor" must be true or false, got ${summarise(d['eventCursor'])}`);
  problems.push(...capabilityProblems(d['capabilities']));
  return problems;
}

function capabilityProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`"capabilities" must be an object, got ${summarise(value)}`];
  const caps = value as Record<string, unknown>;
  const problems: string[] = [];
  const profiles = caps['profiles'];
  if (!Array.isArray(profiles)) problems.push(`"capabilities.profiles" must be an array of "sa" | "map", got ${summarise(profiles)}`);
  else {
    for (const p of profiles) if (!(PROFILES as readonly unknown[]).includes(p)) problems.push(`"capabilities.profiles" contains ${summarise(p)}; known profiles: sa, map`);
  }
  for (const flag of CAPABILITY_FLAGS) {
    if (typeof caps[flag] !== 'boolean') problems.push(`"capabilities.${flag}" must be true or false, got ${summarise(caps[flag])}`);
  }
  for (const key of Object.keys(caps)) {
    if (key !== 'profiles' && !(CAPABILITY_FLAGS as readonly string[]).includes(key)) {
      problems.push(`"capabilities.${key}" is not a known capability (known: profiles, ${CAPABILITY_FLAGS.join(', ')})`);
    }
  }
  return problems;
}

function major(version: string): string {
  return version.split('.')[0] ?? version;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
