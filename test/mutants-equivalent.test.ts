// test/mutants/equivalent.yaml lists the Stryker mutants of src/runtime/** (npm run mutation,
// docs/mutation.md) that the kit leaves alive on purpose. This keeps the list honest and
// current: every entry is well formed, names a file that exists, and its original code still
// appears in that file (entries name code, not lines, so they survive edits elsewhere).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const KINDS = ['equivalent', 'latitude'];
// Stryker 9's JavaScript/TypeScript mutators.
const MUTATORS = [
  'ArithmeticOperator', 'ArrayDeclaration', 'ArrowFunction', 'AssignmentOperator', 'BlockStatement', 'BooleanLiteral',
  'ConditionalExpression', 'EqualityOperator', 'LogicalOperator', 'MethodExpression', 'ObjectLiteral', 'OptionalChaining',
  'Regex', 'StringLiteral', 'UnaryOperator', 'UpdateOperator',
];
const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

interface Entry {
  file: string;
  mutator: string;
  original: string;
  replacement: string;
  prefix?: boolean;
  context?: string;
  kind: string;
  reason: string;
}

const doc = parse(readFileSync(join(root, 'test/mutants/equivalent.yaml'), 'utf8')) as { equivalents?: Entry[] };
const entries = doc.equivalents ?? [];

describe('test/mutants/equivalent.yaml', () => {
  it('is a list of entries with the known fields', () => {
    expect(Array.isArray(entries)).toBe(true);
    for (const [i, e] of entries.entries()) {
      const where = `entry ${i} (${e?.file} ${e?.original})`;
      expect(Object.keys(e).filter((k) => !['file', 'mutator', 'original', 'replacement', 'prefix', 'context', 'kind', 'reason'].includes(k)), where).toEqual([]);
      expect(typeof e.file, where).toBe('string');
      expect(e.file, where).toMatch(/^src\/runtime\/.+\.ts$/);
      expect(MUTATORS, where).toContain(e.mutator);
      expect(typeof e.original === 'string' && e.original.trim() !== '', where).toBe(true);
      expect(typeof e.replacement, where).toBe('string');
      if (e.prefix !== undefined) expect(typeof e.prefix, where).toBe('boolean');
      if (e.context !== undefined) expect(normalise(e.context).includes(normalise(e.original)) || e.prefix === true, `${where}: the context holds the original code`).toBe(true);
      expect(KINDS, where).toContain(e.kind);
      expect(typeof e.reason === 'string' && e.reason.trim().length >= 20, `${where}: a reason of a sentence`).toBe(true);
    }
  });

  it('names each mutant once', () => {
    const keys = entries.map((e) => [e.file, e.mutator, normalise(e.original), normalise(e.replacement), normalise(e.context ?? '')].join('\u0000'));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('names files that exist, whose code still holds each original snippet', () => {
    for (const e of entries) {
      const file = join(root, e.file);
      expect(existsSync(file), e.file).toBe(true);
      const code = normalise(readFileSync(file, 'utf8'));
      expect(code.includes(normalise(e.original)), `${e.file} no longer contains ${JSON.stringify(e.original)}: update or drop the entry`).toBe(true);
      if (e.context !== undefined) expect(code.includes(normalise(e.context)), `${e.file} no longer contains ${JSON.stringify(e.context)}: update or drop the entry`).toBe(true);
    }
  });
});
