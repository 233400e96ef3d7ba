// Real Redis and PostgreSQL servers for the VSL tests: each started on 127.0.0.1 on a free port,
// with its files in a fresh temporary folder, and stopped (folder removed) by stop(). PostgreSQL
// refuses to run as root, so under root its folder is handed to the `postgres` user (or
// `nobody`) and its programs run as that user. A missing server program is an error that says
// how to install it: these tests never skip silently.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface RunningServer {
  /** Connection URL for vslFromUrl. */
  url: string;
  stop(): Promise<void>;
}

const INSTALL = 'install it with `apt-get install -y redis-server postgresql` (Debian/Ubuntu; .ci/run does this on CI)';
/** Bound on a server becoming ready (a liveness limit, not a measurement). */
const READY_WITHIN_MS = 30_000;

export async function startRedis(): Promise<RunningServer> {
  const binary = onPath('redis-server');
  if (!binary) throw new Error(`the VSL tests need a real Redis server, but redis-server is not on PATH: ${INSTALL}`);
  const folder = await mkdtemp(join(tmpdir(), 'mplp-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder, '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = collect(child);
  const url = `redis://127.0.0.1:${port}`;
  await untilReady('redis-server', child, log, async () => {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
    } finally {
      probe.disconnect();
    }
  });
  return { url, stop: () => stopChild(child, 'SIGTERM').then(() => rm(folder, { recursive: true, force: true })) };
}

export async function startPostgres(): Promise<RunningServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(`the VSL tests need a real PostgreSQL server, but initdb and postgres were found neither in /usr/lib/postgresql/*/bin nor on PATH: ${INSTALL}`);
  const folder = await mkdtemp(join(tmpdir(), 'mplp-postgres-'));
  const owner = serverUser();
  if (owner) await chown(folder, owner.uid, owner.gid);
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const data = join(folder, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'mplp', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...as, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}): ${init.stderr || init.error?.message}`);
  const port = await freePort();
  // fsync off: these tests check our use of PostgreSQL, not PostgreSQL's own durability.
  const child = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', folder, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { ...as, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  const log = collect(child);
  const url = `postgres://mplp@127.0.0.1:${port}/postgres`;
  await untilReady('postgres', child, log, async () => {
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await probe.connect();
      await probe.query('SELECT 1');
    } finally {
      await probe.end().catch(() => undefined);
    }
  });
  // SIGINT is PostgreSQL's fast shutdown.
  return { url, stop: () => stopChild(child, 'SIGINT').then(() => rm(folder, { recursive: true, force: true })) };
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/** The newest /usr/lib/postgresql/<n>/bin, else the folder of initdb on PATH. */
function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  }
  const initdb = onPath('initdb');
  return initdb && existsSync(join(initdb, '..', 'postgres')) ? join(initdb, '..') : undefined;
}

/** Under root, the unprivileged user PostgreSQL runs as: `postgres` when it exists, else `nobody`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const entry = users.find((u) => u[0] === 'postgres') ?? users.find((u) => u[0] === 'nobody');
  if (!entry) throw new Error('running as root, and neither a `postgres` nor a `nobody` user exists for PostgreSQL to run as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

function collect(child: ChildProcess): string[] {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return lines;
}

async function untilReady(name: string, child: ChildProcess, log: string[], probe: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log.join('\n')}`);
    try {
      await probe();
      return;
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not accept connections within ${READY_WITHIN_MS} ms (${(e as Error).message}):\n${log.join('\n')}`);
      }
    }
    await sleep(50);
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(forced);
}
