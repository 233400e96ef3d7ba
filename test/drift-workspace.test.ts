// The workspace boundary of drift and rollback: canonical relative paths, and no read or
// write outside the root — not by '..', not by absolute paths, not through symlinks.

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../src/runtime/artifacts/workspace.js';
import { RuntimeError } from '../src/runtime/errors.js';

let root: string;
let outside: string;
let ws: Workspace;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drift-ws-'));
  outside = await mkdtemp(join(tmpdir(), 'drift-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'secret');
  ws = new Workspace(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const refused = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(RuntimeError);
  expect((e as RuntimeError).details['reason']).toBe('path_outside_workspace');
};

describe('Workspace paths', () => {
  it('normalises separators and dots to one canonical relative path', () => {
    expect(ws.normalise('a//b/./c.txt')).toBe('a/b/c.txt');
    expect(ws.normalise('a\\b.txt')).toBe('a/b.txt');
  });

  it.each(['', '.', '/etc/passwd', '../x', 'a/../../x', 'a/../b', 'C:\\x', 'nul\0byte'])('refuses %j', (p) => {
    expect(() => ws.normalise(p)).toThrow(RuntimeError);
  });

  it('accepts absolute event paths inside the workspace and refuses those outside', async () => {
    expect(await ws.fromEventPath(join(root, 'd', 'f.txt'))).toBe('d/f.txt');
    await refused(ws.fromEventPath(join(outside, 'secret.txt')));
    await refused(ws.fromEventPath(root));
  });
});

describe('Workspace symlinks', () => {
  it('refuses a symlinked file leading outside, for reads and writes', async () => {
    await symlink(join(outside, 'secret.txt'), join(root, 'link.txt'));
    await refused(ws.read('link.txt'));
    await refused(ws.write('link.txt', Buffer.from('overwritten')));
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses to write through a symlinked folder leading outside, even to a new file', async () => {
    await symlink(outside, join(root, 'sub'));
    await refused(ws.write('sub/new.txt', Buffer.from('x')));
    await refused(ws.write('sub/deeper/new.txt', Buffer.from('x')));
    await refused(ws.remove('sub/secret.txt'));
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('follows a symlink that stays inside the workspace', async () => {
    await writeFile(join(root, 'real.txt'), 'inside');
    await symlink(join(root, 'real.txt'), join(root, 'alias.txt'));
    expect((await ws.read('alias.txt'))?.toString()).toBe('inside');
  });

  it('lists regular files only, sorted, without following symlinks', async () => {
    await mkdir(join(root, 'b'), { recursive: true });
    await writeFile(join(root, 'b', 'z.txt'), 'z');
    await writeFile(join(root, 'a.txt'), 'a');
    await symlink(outside, join(root, 'out'));
    await symlink(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
    expect(await ws.list()).toEqual(['a.txt', 'b/z.txt']);
  });
});

describe('Workspace files', () => {
  it('writes into new folders, reads back, reads a missing file as undefined, removes', async () => {
    await ws.write('x/y/z.txt', Buffer.from('hello'));
    expect((await ws.read('x/y/z.txt'))?.toString()).toBe('hello');
    expect(await ws.read('x/missing.txt')).toBeUndefined();
    expect(await ws.read('x')).toBeUndefined();
    await ws.remove('x/y/z.txt');
    expect(await ws.read('x/y/z.txt')).toBeUndefined();
  });
});
