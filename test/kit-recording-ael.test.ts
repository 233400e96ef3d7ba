import { describe, expect, it } from 'vitest';
import type { StepAction } from '../src/adapter/contract.js';
import { RecordingAEL } from '../src/kit/recording-ael.js';

const action = (step_id: string, extra: Record<string, unknown> = {}): StepAction => ({ action_id: `a-${step_id}`, plan_id: 'p1', step_id, ...extra });

describe('RecordingAEL', () => {
  it('succeeds by default, returns the scripted result and records calls on a logical clock', async () => {
    const ael = new RecordingAEL();
    ael.script('s2', { kind: 'succeed', result: { value: 7 } });
    expect(await ael.execute(action('s1'))).toEqual({ status: 'executed', step_id: 's1' });
    expect(await ael.execute(action('s2'))).toEqual({ value: 7 });
    expect(ael.calls.map((c) => [c.index, c.step_id, c.plan_id, c.start, c.end, c.outcome])).toEqual([
      [0, 's1', 'p1', 1, 2, 'completed'],
      [1, 's2', 'p1', 3, 4, 'completed'],
    ]);
    expect(ael.anomalies).toEqual([]);
  });

  it('throws an Error naming the step for a scripted failure', async () => {
    const ael = new RecordingAEL();
    ael.script('s1', { kind: 'fail', message: 'disk full' });
    const error = await ael.execute(action('s1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('s1');
    expect((error as Error).message).toContain('disk full');
    expect(ael.calls[0]!.outcome).toBe('failed');
  });

  it('applies the default outcome to unscripted steps and flags them when strict', async () => {
    const ael = new RecordingAEL({ default: { kind: 'fail' }, strict: true });
    await expect(ael.execute(action('x'))).rejects.toThrow(/step x/);
    expect(ael.anomalies).toEqual(['AEL called for step x, which was never scripted']);
  });

  it('keeps a frozen copy of the action so later mutation by the runtime does not change the record', async () => {
    const ael = new RecordingAEL();
    const a = action('s1', { payload: { n: 1 } });
    await ael.execute(a);
    (a.payload as { n: number }).n = 2;
    a.step_id = 'changed';
    expect(ael.calls[0]!.action).toMatchObject({ step_id: 's1', payload: { n: 1 } });
    expect(Object.isFrozen(ael.calls[0]!.action)).toBe(true);
  });

  it('records anomalies for a missing step_id and for a second call of one step', async () => {
    const ael = new RecordingAEL();
    await expect(ael.execute({ action_id: 'a', plan_id: 'p' } as unknown as StepAction)).rejects.toThrow(/without a step_id/);
    await ael.execute(action('s1'));
    await ael.execute(action('s1'));
    expect(ael.anomalies).toHaveLength(2);
    expect(ael.anomalies[1]).toContain('second time for step s1');
    expect(ael.calls).toHaveLength(2);
  });

  it('holds calls at a barrier, counts arrivals and in-flight steps, then releases them', async () => {
    const ael = new RecordingAEL();
    ael.script('a', { kind: 'barrier', barrier: 'gate' });
    ael.script('b', { kind: 'barrier', barrier: 'gate', then: 'fail' });
    const barrier = ael.barrier('gate');
    const runs = [ael.execute(action('a')), ael.execute(action('b')).catch((e: Error) => e.message)];
    await barrier.waitForArrivals(2);
    expect(barrier.arrived).toBe(2);
    expect(ael.inFlight().sort()).toEqual(['a', 'b']);
    expect(ael.maxInFlight).toBe(2);
    barrier.release();
    const [a, b] = await Promise.all(runs);
    expect(a).toEqual({ status: 'executed', step_id: 'a' });
    expect(b).toContain('step b');
    expect(ael.inFlight()).toEqual([]);
    expect(ael.calls.map((c) => c.outcome)).toEqual(['completed', 'failed']);
  });

  it('rejects waitForArrivals when its signal aborts, naming the barrier and the count', async () => {
    const ael = new RecordingAEL();
    const controller = new AbortController();
    const waiting = ael.barrier('never').waitForArrivals(3, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow("barrier 'never': waited for 3 arrival(s), only 0 arrived");
  });

  it('releaseAll unblocks every held call', async () => {
    const ael = new RecordingAEL();
    ael.script('a', { kind: 'barrier', barrier: 'one' });
    ael.script('b', { kind: 'barrier', barrier: 'two' });
    const runs = Promise.all([ael.execute(action('a')), ael.execute(action('b'))]);
    ael.releaseAll();
    await expect(runs).resolves.toHaveLength(2);
  });
});
