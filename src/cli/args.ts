// Command-line parsing on node:util parseArgs: unknown flags, missing values and bad numbers
// become usage errors (exit 4) that name the flag.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommand(command: string, args: string[], options: Options, maxPositionals: number): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw usageError(`${command}: ${message} (see mplp-conformance ${command} --help)`);
  }
  if (parsed.values['help'] !== true && parsed.positionals.length > maxPositionals) {
    throw usageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])} (see mplp-conformance ${command} --help)`);
  }
  return parsed;
}

export function intOption(flag: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw usageError(`--${flag} expects a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw usageError(`--${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function choiceOption<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw usageError(`--${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** `--only a,b --only c` → [a, b, c]. */
export function listOption(raw: string | boolean | string[] | undefined): string[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function stringOption(raw: string | boolean | string[] | undefined): string | undefined {
  return typeof raw === 'string' ? raw : undefined;
}
