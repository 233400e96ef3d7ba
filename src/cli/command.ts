// A CLI command as data: its flags (with help text) and what it does. main.ts dispatches on
// the name and renders --help from the same table, so help never drifts from parsing.

import type { Parsed } from './args.js';
import type { Output } from './output.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in help, e.g. `<ms>`. */
  value?: string;
  description: string;
}

export interface Command {
  name: string;
  summary: string;
  /** Positional part of the usage line, e.g. `<file>`. */
  positionals: string;
  maxPositionals: number;
  flags: Record<string, FlagSpec>;
  /** Extra help paragraphs. */
  notes?: string[];
  execute(parsed: Parsed, output: Output): Promise<number>;
}

export function renderHelp(command: Command): string {
  const lines = [`mplp-conformance ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [options]`, '', command.summary, '', 'Options:'];
  const entries = Object.entries(command.flags).map(([name, f]) => [`${f.short ? `-${f.short}, ` : '    '}--${name}${f.value ? ` ${f.value}` : ''}`, f.description] as const);
  entries.push(['-h, --help', 'Show this help.']);
  const width = Math.max(...entries.map(([left]) => left.length));
  for (const [left, text] of entries) lines.push(`  ${left.padEnd(width)}  ${text}`);
  for (const note of command.notes ?? []) lines.push('', note);
  return `${lines.join('\n')}\n`;
}

/** parseArgs option config from the flag table. */
export function parseConfig(command: Command): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  return Object.fromEntries(
    Object.entries(command.flags).map(([name, f]) => [name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]),
  );
}
