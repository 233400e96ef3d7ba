// The command lines that reproduce one check on its own, printed for every non-pass.

import type { Check } from './check.js';

export interface ReplayTarget {
  /** The --adapter value given for the run; absent when the embedded reference ran. */
  adapterSpec?: string;
  seed: number;
}

/** POSIX-shell quoting, only when needed, so commands stay copy-pasteable. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function command(words: string[]): string {
  return ['npx', 'mplp-conformance', ...words].map(shellQuote).join(' ');
}

export function replayCommands(check: Check, target: ReplayTarget): string[] {
  const adapter = target.adapterSpec === undefined ? [] : ['--adapter', target.adapterSpec];
  const seed = ['--seed', String(target.seed)];
  const commands = [command(['run', ...adapter, '--only', check.id, ...seed])];
  if (check.origin?.kind === 'flow') commands.push(command(['replay', check.origin.file, ...adapter, ...seed]));
  return commands;
}
