// The world one check runs in: its sessions (each with a fresh workspace and RecordingAEL),
// the guard every adapter operation goes through, and the cleanup that closes every session
// and removes every workspace however the check ended.

import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Adapter, AdapterDescription, Session } from '../adapter/contract.js';
import type { CheckContext, KitSession } from './check.js';
import { RecordingAEL } from './recording-ael.js';
import { AdapterFault, guardOperation, guardSession, sessionShapeProblems, type OperationGuard } from './session-guard.js';

export interface ContextSettings {
  adapter: Adapter;
  description: AdapterDescription;
  seed: number;
  maxConcurrency: number;
  operationTimeoutMs: number;
}

export interface CheckScope {
  context: CheckContext;
  /** Adapter faults seen while the check ran. */
  faults: readonly AdapterFault[];
  sessionsOpened(): number;
  /** Marks the check over and closes every session; returns faults of the closing itself. */
  end(): Promise<AdapterFault[]>;
}

interface Opened {
  raw: Session | undefined;
  /** The check closed it itself: the kit must not close it twice. */
  closed: boolean;
  ael: RecordingAEL;
  workspace: string;
}

export function openCheckScope(settings: ContextSettings): CheckScope {
  const checkOver = new AbortController();
  // Every pending guarded operation and wait listens to this one signal; many at once is normal.
  setMaxListeners(0, checkOver.signal);
  const guard: OperationGuard = { timeoutMs: settings.operationTimeoutMs, signal: checkOver.signal, faults: [] };
  const opened: Opened[] = [];

  // Makes the check's share names its own, so no two checks (or runs) meet in one store.
  const shareScope = randomUUID();

  const newSession = async (options: { vslShare?: string } = {}): Promise<KitSession> => {
    if (checkOver.signal.aborted) throw new AdapterFault('newSession()', 'was called after the check ended');
    const workspace = await mkdtemp(join(tmpdir(), 'mplp-conformance-'));
    const ael = new RecordingAEL();
    const entry: Opened = { raw: undefined, closed: false, ael, workspace };
    opened.push(entry);
    const env = {
      ael,
      workspace,
      seed: settings.seed,
      maxConcurrency: settings.maxConcurrency,
      ...(options.vslShare === undefined ? {} : { vslShare: `${shareScope}/${options.vslShare}` }),
    };
    const raw = await guardOperation<unknown>(guard, 'adapter.createSession()', () => settings.adapter.createSession(env));
    const problems = sessionShapeProblems(raw, settings.description.capabilities);
    if (problems.length > 0) {
      const fault = new AdapterFault('adapter.createSession()', `returned an unusable session: ${problems.join('; ')}`);
      guard.faults.push(fault);
      throw fault;
    }
    entry.raw = raw as Session;
    const session = guardSession(raw as Session, guard);
    const close = session.close;
    session.close = () => {
      entry.closed = true;
      return close();
    };
    return { session, ael, workspace };
  };

  const end = async (): Promise<AdapterFault[]> => {
    checkOver.abort();
    // Closing gets its own guard: the check's guard has just been aborted.
    const closing = new AbortController();
    const closeGuard: OperationGuard = { timeoutMs: settings.operationTimeoutMs, signal: closing.signal, faults: [] };
    for (const entry of [...opened].reverse()) {
      entry.ael.releaseAll();
      const raw = entry.raw;
      if (raw && !entry.closed) await guardOperation(closeGuard, 'session.close()', () => raw.close()).catch(() => undefined);
      await rm(entry.workspace, { recursive: true, force: true }).catch(() => undefined);
    }
    closing.abort();
    return closeGuard.faults;
  };

  const context: CheckContext = {
    adapter: settings.description,
    seed: settings.seed,
    maxConcurrency: settings.maxConcurrency,
    newSession,
    signal: checkOver.signal,
  };
  return { context, faults: guard.faults, sessionsOpened: () => opened.length, end };
}
