// The world one check runs in: its sessions (each with a fresh workspace and RecordingAEL),
// the guard every adapter operation goes through, and the cleanup that closes every session
// and removes every workspace however the check ended. The adapter never holds the kit's own
// objects: its SessionEnv is a fresh object whose AEL only forwards `execute` to the check's
// RecordingAEL, so freezing or editing it (or the AEL's records) changes nothing the kit reads.

import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Adapter, AdapterDescription, Session, SessionEnv, StepAction } from '../adapter/contract.js';
import { describeThrown } from '../adapter/load.js';
import { StdioAdapter } from '../adapter/stdio/stdio-adapter.js';
import type { CaseShard, CheckContext, KitSession } from './check.js';
import { CallTrace, type CheckTrace } from './call-trace.js';
import { RecordingAEL } from './recording-ael.js';
import { AdapterFault, guardOperation, guardSession, recordFault, sessionShapeProblems, type OperationGuard } from './session-guard.js';

export interface ContextSettings {
  adapter: Adapter;
  description: AdapterDescription;
  seed: number;
  maxConcurrency: number;
  operationTimeoutMs: number;
  /** Passed to checks as CheckContext.propertyCases / counterexampleDir. */
  propertyCases?: number;
  counterexampleDir?: string;
  /** --trace: record every adapter call (and stdio line) of the check. */
  trace?: boolean;
  /** Passed to checks as CheckContext.caseShard (a sharded run). */
  caseShard?: CaseShard;
}

export interface CheckScope {
  context: CheckContext;
  /** Adapter faults seen while the check ran. */
  faults: readonly AdapterFault[];
  sessionsOpened(): number;
  /** Marks the check over and closes every session; returns faults of the closing itself. */
  end(): Promise<AdapterFault[]>;
  /** What --trace recorded (undefined without --trace). */
  trace(): CheckTrace | undefined;
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
  // The first adapter fault settles the check (`error`, whatever else happens), so the check is
  // stopped there rather than left waiting on a runtime that already failed it.
  const trace = settings.trace ? new CallTrace() : undefined;
  const guard: OperationGuard = { timeoutMs: settings.operationTimeoutMs, signal: checkOver.signal, faults: [], onFault: (fault) => checkOver.abort(fault), ...(trace ? { trace } : {}) };
  // A runtime over stdio: its JSON-RPC lines go into the trace too (exact while checks run one at a time).
  const untap = trace && settings.adapter instanceof StdioAdapter ? settings.adapter.tap((direction, line) => trace.line(direction, line)) : undefined;
  const opened: Opened[] = [];

  // Makes the check's share names its own, so no two checks (or runs) meet in one store.
  const shareScope = randomUUID();

  const newSession = async (options: { vslShare?: string } = {}): Promise<KitSession> => {
    if (checkOver.signal.aborted) throw new AdapterFault('newSession()', 'was called after the check ended');
    const workspace = await mkdtemp(join(tmpdir(), 'mplp-conformance-'));
    const ael = new RecordingAEL();
    const entry: Opened = { raw: undefined, closed: false, ael, workspace };
    opened.push(entry);
    const env: SessionEnv = {
      ael: { execute: (action: StepAction) => ael.execute(action) },
      workspace,
      seed: settings.seed,
      maxConcurrency: settings.maxConcurrency,
      ...(options.vslShare === undefined ? {} : { vslShare: `${shareScope}/${options.vslShare}` }),
    };
    // A runtime process that died in an earlier session is restarted first, within its own startup limit.
    const restart = settings.adapter instanceof StdioAdapter ? settings.adapter.startupAllowanceMs : 0;
    // Closing a session abandons what it still has pending (a run a flow stopped waiting for):
    // that is not a fault of a later session of the same check. Faults still go to the check.
    const sessionOver = new AbortController();
    const sessionGuard: OperationGuard = { ...guard, signal: AbortSignal.any([checkOver.signal, sessionOver.signal]) };
    setMaxListeners(0, sessionGuard.signal);
    const creating = restart > 0 ? { ...sessionGuard, timeoutMs: guard.timeoutMs + restart } : sessionGuard;
    const raw = await guardOperation<unknown>(creating, 'adapter.createSession()', () => settings.adapter.createSession(env), undefined, { byReference: true });
    let session: Session | undefined;
    let problems: string[];
    try {
      problems = sessionShapeProblems(raw, settings.description.capabilities);
      if (problems.length === 0) session = guardSession(raw as Session, sessionGuard, { eventCursor: settings.description.eventCursor === true });
    } catch (e) {
      problems = [`reading it threw (${describeThrown(e)})`];
    }
    if (session === undefined) {
      throw recordFault(guard, new AdapterFault('adapter.createSession()', `returned an unusable session: ${problems.join('; ')}`));
    }
    entry.raw = raw as Session;
    const close = session.close;
    session.close = async () => {
      entry.closed = true;
      try {
        return await close();
      } finally {
        sessionOver.abort();
      }
    };
    return { session, ael, workspace };
  };

  const end = async (): Promise<AdapterFault[]> => {
    checkOver.abort();
    untap?.();
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
    operationTimeoutMs: settings.operationTimeoutMs,
    newSession,
    signal: checkOver.signal,
    ...(settings.propertyCases === undefined ? {} : { propertyCases: settings.propertyCases }),
    ...(settings.counterexampleDir === undefined ? {} : { counterexampleDir: settings.counterexampleDir }),
    ...(settings.caseShard === undefined ? {} : { caseShard: settings.caseShard }),
  };
  return { context, faults: guard.faults, sessionsOpened: () => opened.length, end, trace: () => trace?.result() };
}
