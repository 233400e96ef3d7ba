// `mplp-conformance init [dir]`: writes adapter.ts, a typed adapter to start from.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { ADAPTER_TEMPLATE } from '../templates/adapter-template.js';

export const ADAPTER_FILE_NAME = 'adapter.ts';

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const dir = resolve(parsed.positionals[0] ?? '.');
  const file = join(dir, ADAPTER_FILE_NAME);
  if (existsSync(file) && parsed.values['force'] !== true) throw usageError(`init: ${file} already exists (use --force to overwrite it)`);
  await mkdir(dir, { recursive: true });
  await writeFile(file, ADAPTER_TEMPLATE);
  const shown = relative(process.cwd(), file) || file;
  const spec = shown.startsWith('/') || shown.startsWith('.') ? shown : `./${shown}`;
  output.out(`wrote ${shown}\nnext: connect your runtime in it, then run: npx mplp-conformance run --adapter ${spec}`);
  return EXIT.conformant;
}

export const initCommand: Command = {
  name: 'init',
  summary: `Write ${ADAPTER_FILE_NAME}, a typed adapter template for your runtime, into dir (default: the current folder).`,
  positionals: '[dir]',
  maxPositionals: 1,
  flags: { force: { type: 'boolean', description: `Overwrite an existing ${ADAPTER_FILE_NAME}.` } },
  execute,
};
