// FileVSL: the embedded durable VSL for file deployments — one file per key under a root folder.
//
// Folder layout:
//   <name>               one key, as JSON {"key": …, "value": …}. <name> is the key with a-z 0-9 _ -
//                        kept and every other UTF-8 byte written %XX, or ~<sha256 of the key> when
//                        that would be longer than MAX_NAME; so no key can name a path outside the
//                        folder (no '/', no '.', no NUL survives), and upper/lower case never collide.
//   .tmp-<random>        a file being written (removed on open)
//   .journal-<n>-<rand>  a committed transaction not yet applied to all its keys (redone on open)
//   .lock                the pid of the process that has the folder open
//   @<name>/             a nested namespace: a FileVSL folder of its own
//
// What is guaranteed:
// - set: atomic and durable once it resolves (temp file written and fdatasynced, renamed over the
//   key's file, folder fsynced). Writes of one key land in call order; different keys in parallel,
//   sharing folder fsyncs.
// - transaction: atomic across its keys, also across a crash. All its writes go into one journal
//   file; renaming that file into place (then a folder fsync) is the commit point. The journal is
//   then applied key by key and removed. A crash before the rename leaves nothing of the
//   transaction; after it, the next open redoes the journal. While the journal is applied, reads
//   in this process answer from it, so they see all of the transaction or none of it.
// - one process at a time: .lock holds the owner's pid; a lock left by a dead process is taken over.

import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { joinSpace, keyProblem, VslBackendError, type BackendVsl } from './backend.js';
import { toJsonText } from './json-value.js';
import type { VslTx } from './types.js';

/** Longest encoded key used as a file name (most file systems allow 255 bytes). */
const MAX_NAME = 200;
const LOCK = '.lock';
const TEMP = '.tmp-';
const JOURNAL = '.journal-';
const NAMESPACE = '@';

/** The file name of a key: injective, and never '.', '..', empty, or containing '/' or NUL. */
export function fileNameOf(key: string): string {
  let name = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const kept = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x5f || byte === 0x2d;
    name += kept ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name === '') return '%';
  return name.length <= MAX_NAME ? name : `~${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A key's new JSON text, or null when the write deletes it. */
type Pending = string | null;

export class FileVSL implements BackendVsl {
  readonly backend = 'file' as const;
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Keys of transactions past their commit point and not yet applied, with their values. */
  private readonly committing = new Map<string, Pending>();
  private readonly folderSync: FolderSync;
  private journalSeq = 0;
  private closed = false;

  private constructor(
    readonly address: string,
    readonly space: string,
  ) {
    this.folderSync = new FolderSync(address);
  }

  /** Opens (creating if needed) the folder, takes its lock and finishes any interrupted transaction. */
  static async open(folder: string, space = ''): Promise<FileVSL> {
    const vsl = new FileVSL(resolve(folder), space);
    await vsl.failsAs('cannot open the folder', async () => {
      await mkdir(vsl.address, { recursive: true });
      await lockFolder(vsl.address);
    });
    try {
      await vsl.failsAs('cannot recover the folder', () => vsl.recover());
    } catch (e) {
      await unlink(join(vsl.address, LOCK)).catch(() => undefined);
      throw e;
    }
    return vsl;
  }

  async get(key: string): Promise<unknown> {
    this.usable(key);
    if (this.committing.has(key)) return parseValue(this.committing.get(key)!);
    const name = fileNameOf(key);
    let text: string;
    try {
      text = await readFile(join(this.address, name), 'utf8');
    } catch (e) {
      if (isCode(e, 'ENOENT')) return undefined;
      throw this.error(`cannot read key ${JSON.stringify(key)}`, e);
    }
    let stored: { key: unknown; value: unknown };
    try {
      stored = JSON.parse(text) as { key: unknown; value: unknown };
    } catch (e) {
      throw this.error(`the file ${name} of key ${JSON.stringify(key)} is not a complete value`, e);
    }
    // A hashed name could in theory be shared by two keys; the stored key decides.
    return stored.key === key ? stored.value : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    this.usable(key);
    const pending = this.encode(key, value);
    await this.inKeyOrder([key], () => this.failsAs(`cannot write key ${JSON.stringify(key)}`, () => this.writeKey(key, pending)));
  }

  /** Writes are staged; when fn resolves they commit through one journal (see the header). */
  async transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T> {
    this.usable();
    const staged = new Map<string, Pending>();
    const tx: VslTx = {
      get: async (key) => (staged.has(key) ? parseValue(staged.get(key)!) : this.get(key)),
      set: async (key, value) => {
        this.usable(key);
        staged.set(key, this.encode(key, value));
      },
    };
    const result = await fn(tx);
    if (staged.size > 0) await this.inKeyOrder([...staged.keys()], () => this.failsAs('cannot commit a transaction', () => this.commit(staged)));
    return result;
  }

  async namespace(name: string): Promise<FileVSL> {
    this.usable();
    return FileVSL.open(join(this.address, NAMESPACE + fileNameOf(name)), joinSpace(this.space, name));
  }

  async destroy(): Promise<void> {
    await this.close();
    await this.failsAs('cannot delete the folder', () => rm(this.address, { recursive: true, force: true }));
  }

  /** Waits for writes in flight, then releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.tails.values()]);
    await unlink(join(this.address, LOCK)).catch(() => undefined);
  }

  // ---------------------------------------------------------------- writing

  private async commit(entries: Map<string, Pending>): Promise<void> {
    const journal = `${JOURNAL}${String(++this.journalSeq).padStart(12, '0')}-${randomBytes(4).toString('hex')}`;
    await this.writeDurably(journal, JSON.stringify([...entries]));
    for (const [key, pending] of entries) this.committing.set(key, pending);
    await allOrFirstError([...entries].map(([key, pending]) => this.writeKey(key, pending)));
    // Only now may readers go back to the files. On a failure above they keep answering from
    // the journal, which the next open redoes.
    for (const [key, pending] of entries) if (this.committing.get(key) === pending) this.committing.delete(key);
    await unlink(join(this.address, journal));
    // Durable removal: a journal that came back after a crash would undo later writes of its keys.
    await this.folderSync.sync();
  }

  private writeKey(key: string, pending: Pending): Promise<void> {
    return pending === null ? this.remove(fileNameOf(key)) : this.writeDurably(fileNameOf(key), `{"key":${JSON.stringify(key)},"value":${pending}}`);
  }

  /** temp file → fdatasync → rename over `name` → folder fsync. */
  private async writeDurably(name: string, text: string): Promise<void> {
    const temp = join(this.address, `${TEMP}${randomBytes(8).toString('hex')}`);
    try {
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(text, 'utf8');
        // Data and size reach the disk; the name does with the folder sync after the rename.
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(temp, join(this.address, name));
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    await this.folderSync.sync();
  }

  private async remove(name: string): Promise<void> {
    try {
      await unlink(join(this.address, name));
    } catch (e) {
      if (!isCode(e, 'ENOENT')) throw e;
      return;
    }
    await this.folderSync.sync();
  }

  /** Runs `work` after every earlier write of these keys, so writes of one key keep call order. */
  private inKeyOrder<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const earlier = keys.map((k) => this.tails.get(k)).filter((p) => p !== undefined);
    const run = Promise.allSettled(earlier).then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    for (const k of keys) this.tails.set(k, tail);
    void tail.then(() => {
      for (const k of keys) if (this.tails.get(k) === tail) this.tails.delete(k);
    });
    return run;
  }

  // ---------------------------------------------------------------- opening

  /** Removes abandoned temp files and redoes committed journals, oldest first. */
  private async recover(): Promise<void> {
    const names = await readdir(this.address);
    await Promise.all(names.filter((n) => n.startsWith(TEMP)).map((n) => unlink(join(this.address, n)).catch(() => undefined)));
    for (const journal of names.filter((n) => n.startsWith(JOURNAL)).sort()) {
      let entries: [string, Pending][];
      try {
        entries = JSON.parse(await readFile(join(this.address, journal), 'utf8')) as [string, Pending][];
      } catch (e) {
        throw this.error(`the journal ${journal} is unreadable; move it away to open the folder without it`, e);
      }
      await allOrFirstError(entries.map(([key, pending]) => this.writeKey(key, pending)));
      await unlink(join(this.address, journal));
    }
    await this.folderSync.sync();
  }

  // ---------------------------------------------------------------- helpers

  private encode(key: string, value: unknown): Pending {
    if (value === undefined) return null;
    try {
      return toJsonText(value);
    } catch (e) {
      throw this.error(`cannot store key ${JSON.stringify(key)}`, e);
    }
  }

  private usable(key?: unknown): void {
    if (this.closed) throw this.error('the VSL is closed');
    if (key === undefined) return;
    const problem = keyProblem(key);
    if (problem !== undefined) throw this.error(problem);
  }

  private error(what: string, cause?: unknown): VslBackendError {
    return cause instanceof VslBackendError ? cause : new VslBackendError('file', this.address, what, cause);
  }

  private async failsAs<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      throw this.error(what, e);
    }
  }
}

/** Like Promise.all, but settles only when every write has, so none runs on after a failure. */
async function allOrFirstError(work: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

function parseValue(pending: Pending): unknown {
  return pending === null ? undefined : JSON.parse(pending);
}

function isCode(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === code;
}

/** One folder fsync for every caller that asked while the previous one ran. */
class FolderSync {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly folder: string) {}

  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // A sync already running may have started before the caller's change: wait for a new one.
    this.queued = this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<void> {
    this.queued = null;
    return this.start();
  }

  private start(): Promise<void> {
    const run: Promise<void> = fsyncFolder(this.folder).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}

async function fsyncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Takes `.lock` for this process: written whole via a temp file and link(), which fails if it exists. */
async function lockFolder(folder: string): Promise<void> {
  const lock = join(folder, LOCK);
  const temp = join(folder, `${TEMP}lock-${randomBytes(8).toString('hex')}`);
  await writeFile(temp, String(process.pid), { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(temp, lock);
        return;
      } catch (e) {
        if (!isCode(e, 'EEXIST')) throw e;
      }
      const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (holder === process.pid) throw new VslBackendError('file', folder, 'the folder is already open in this process; share that FileVSL instead of opening it twice');
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) throw new VslBackendError('file', folder, `the folder is in use by process ${holder}`);
      // Left behind by a process that died: take it over.
      await unlink(lock).catch(() => undefined);
    }
    throw new VslBackendError('file', folder, 'cannot take the folder lock: other processes keep taking it');
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return isCode(e, 'EPERM');
  }
}
