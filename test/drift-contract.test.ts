// The optional drift and rollback groups of the adapter contract: required exactly when
// claimed, guarded like every other operation (a malformed answer is an adapter fault), and
// wired by the reference adapter.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Capabilities, Session } from '../src/adapter/contract.js';
import { referenceAdapter, referenceDescription } from '../src/adapters/reference.js';
import { RecordingAEL } from '../src/kit/recording-ael.js';
import { AdapterFault, guardSession, sessionShapeProblems, type OperationGuard } from '../src/kit/session-guard.js';

const workspace = await mkdtemp(join(tmpdir(), 'drift-contract-'));
afterAll(() => rm(workspace, { recursive: true, force: true }));

const caps = (drift: boolean, rollback: boolean): Capabilities => ({ ...referenceDescription.capabilities, drift, rollback });
const session = () => referenceAdapter.createSession({ ael: new RecordingAEL(), workspace, seed: 1, maxConcurrency: 2 });

describe('drift and rollback groups', () => {
  it('are claimed and wired by the reference adapter', async () => {
    expect([referenceDescription.capabilities.drift, referenceDescription.capabilities.rollback]).toEqual([true, true]);
    const s = await session();
    expect(sessionShapeProblems(s, caps(true, true))).toEqual([]);
    expect(await s.drift!.scan()).toMatchObject({ ok: true, value: { entries: [] } });
    expect(await s.rollback!.setPolicy({ snapshot: true, compensate: false })).toMatchObject({ ok: true });
    expect(await s.rollback!.setPolicy({ snapshot: 'yes' } as never)).toMatchObject({ ok: false, code: 'SCHEMA_INVALID' });
    expect(await s.drift!.ingest({ file_path: '../x', change_type: 'modified', timestamp: '2030-01-01T00:00:00Z' })).toMatchObject({ ok: false });
  });

  it('are required exactly when claimed', async () => {
    const { drift: _d, rollback: _r, ...bare } = await session();
    expect(sessionShapeProblems(bare, caps(false, false))).toEqual([]);
    expect(sessionShapeProblems(bare, caps(true, true))).toEqual(
      expect.arrayContaining(['the session has no drift.scan() although the adapter claims drift', 'the session has no rollback.snapshots() although the adapter claims rollback']),
    );
  });

  it('are guarded: a malformed answer is an adapter fault', async () => {
    const raw = await session();
    const faulty: Session = { ...raw, drift: { ...raw.drift!, scan: async () => ({ ok: true, value: { entries: 'none' } }) } };
    const guard: OperationGuard = { timeoutMs: 1000, signal: new AbortController().signal, faults: [] };
    const guarded = guardSession(faulty, guard);
    await expect(guarded.drift!.scan()).rejects.toBeInstanceOf(AdapterFault);
    expect(guard.faults.map((f) => f.operation)).toEqual(['session.drift.scan()']);
    expect(await guarded.rollback!.snapshots()).toEqual([]);
  });
});
