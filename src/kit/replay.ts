// The command lines that reproduce one check on its own, printed for every non-pass.

import type { Check } from './check.js';

export interface ReplayTarget {
  /** The --adapter value given for the run; absent when the embedded reference ran. */
  adapterSpec?: string;
  /** The embedded reference's --vsl URL (password redacted: put it back to replay). */
  vsl?: string;
  seed: number;
  /** The run's --cases, which a rerun of a property check needs to meet the same cases. */
  propertyCases?: number;
  /** A shrunk counterexample the check wrote (property checks). */
  counterexample?: string;
  /** Flags the run needed to find its checks (--flows, --upstream, --catalogue, …); `null`: no
   *  `run --only` can find this check (a flow file replayed on its own), so only `replay` is given. */
  flags?: string[] | null;
}

/** POSIX-shell quoting, only when needed, so commands stay copy-pasteable. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function command(words: string[]): string {
  return ['npx', 'mplp-conformance', ...words].map(shellQuote).join(' ');
}

export function replayCommands(check: Check, target: ReplayTarget): string[] {
  const adapter = target.adapterSpec === undefined ? (target.vsl === undefined ? [] : ['--vsl', target.vsl]) : ['--adapter', target.adapterSpec];
  const seed = ['--seed', String(target.seed)];
  const cases = target.propertyCases === undefined ? [] : ['--cases', String(target.propertyCases)];
  const commands = target.flags === null ? [] : [command(['run', ...adapter, ...(target.flags ?? []), '--only', check.id, ...seed, ...cases])];
  if (check.origin?.kind === 'flow') commands.push(command(['replay', check.origin.file, ...adapter, ...seed]));
  if (target.counterexample !== undefined && target.counterexample !== check.origin?.file) commands.push(command(['replay', target.counterexample, ...adapter]));
  return commands;
}
