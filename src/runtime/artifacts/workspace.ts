// The session workspace as the runtime sees it: files addressed by workspace-relative
// '/'-separated paths, and nothing outside the root. A path that is absolute, climbs out
// with '..', or passes through a symlink leading outside is refused before any I/O on it.

import { mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { RuntimeError } from '../errors.js';

/** A refused path: the caller's input is not a file of this workspace. */
function outside(path: string, why: string): RuntimeError {
  return new RuntimeError('SCHEMA_INVALID', `path ${JSON.stringify(path)} is refused: ${why}`, { path, reason: 'path_outside_workspace' });
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR';

export class Workspace {
  private realRoot: Promise<string> | undefined;

  constructor(readonly root: string) {}

  /** The canonical form of a workspace-relative path ('a/b.txt'); throws when it is not one. */
  normalise(path: string): string {
    if (typeof path !== 'string' || path === '' || path.includes('\0')) throw outside(String(path), 'not a non-empty path');
    if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith('\\')) throw outside(path, 'absolute paths are not workspace paths');
    const parts: string[] = [];
    for (const part of path.split(/[\\/]+/)) {
      if (part === '' || part === '.') continue;
      if (part === '..') throw outside(path, "'..' leaves the workspace");
      parts.push(part);
    }
    if (parts.length === 0) throw outside(path, 'names the workspace itself, not a file');
    return parts.join('/');
  }

  /** A path an L4 event may carry: workspace-relative, or absolute inside the workspace. */
  async fromEventPath(path: string): Promise<string> {
    if (typeof path === 'string' && isAbsolute(path)) {
      const rel = relative(await this.real(), path);
      const relLexical = relative(this.root, path);
      const inside = [rel, relLexical].find((r) => r !== '' && !r.startsWith('..') && !isAbsolute(r));
      if (inside === undefined) throw outside(path, 'absolute path outside the workspace');
      return this.normalise(inside.split(sep).join('/'));
    }
    return this.normalise(path);
  }

  /**
   * The absolute file system path of a workspace path, after making sure no existing
   * component of it is a symlink that resolves outside the workspace.
   */
  async resolve(path: string): Promise<string> {
    const rel = this.normalise(path);
    const root = await this.real();
    let probe = join(root, rel);
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== root && !real.startsWith(root + sep)) throw outside(path, 'a symlink leads outside the workspace');
        break;
      } catch (e) {
        if (e instanceof RuntimeError) throw e;
        if (!isMissing(e)) throw e;
        // Not there yet: the nearest existing ancestor decides where a write would land.
        const parent = dirname(probe);
        if (parent === probe || parent.length < root.length) break;
        probe = parent;
      }
    }
    return join(root, rel);
  }

  /** The file's bytes, or undefined when there is no regular file at the path. */
  async read(path: string): Promise<Buffer | undefined> {
    const abs = await this.resolve(path);
    try {
      return await readFile(abs);
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw e;
    }
  }

  async write(path: string, content: Buffer): Promise<void> {
    const abs = await this.resolve(path);
    await mkdir(dirname(abs), { recursive: true });
    // The parent may have just been created: re-check before writing through it.
    await this.resolve(path);
    await writeFile(abs, content);
  }

  async remove(path: string): Promise<void> {
    await rm(await this.resolve(path), { force: true });
  }

  /** Every regular file under the root, sorted. Symlinks are not followed and not listed. */
  async list(): Promise<string[]> {
    const root = await this.real();
    const out: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e)) return;
        throw e;
      }
      for (const entry of entries) {
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
        else if (entry.isFile()) out.push(rel);
      }
    };
    await walk(root, '');
    return out.sort();
  }

  private real(): Promise<string> {
    this.realRoot ??= realpath(this.root);
    return this.realRoot;
  }
}
