// The kit reads events in one place, the guarded session: from adapters that declare
// eventCursor it keeps what it has read and asks only for newer events (a page at a time,
// re-reading the last event it holds to notice a changed timeline); from the others it reads
// the whole list each time. Checks see the whole list either way.

import { describe, expect, it } from 'vitest';
import type { EventCursor, Session } from '../src/adapter/contract.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { EVENT_PAGE, guardSession, type OperationGuard } from '../src/kit/session-guard.js';
import type { BusEvent } from '../src/mplp/types.js';

const guard = (): OperationGuard => ({ timeoutMs: 5000, signal: new AbortController().signal, faults: [] });

function event(seq: number, type = 'x'): BusEvent {
  return { event_id: `e${seq}`, event_type: type, event_family: 'pipeline_stage', timestamp: '2030-01-01T00:00:00.000Z', payload: { seq } };
}

/** A session over a timeline the test appends to; it honours the cursor unless told not to, and logs each request. */
function timelineSession(timeline: BusEvent[], options: { honour?: boolean } = {}): { session: Session; asked: (EventCursor | undefined)[] } {
  const asked: (EventCursor | undefined)[] = [];
  const events = async (cursor?: EventCursor) => {
    asked.push(cursor);
    if (!cursor || options.honour === false) return structuredClone(timeline);
    const from = timeline.filter((e) => (e.payload!['seq'] as number) > (cursor.after ?? 0));
    return structuredClone(from.slice(0, cursor.limit ?? from.length));
  };
  const session = { events } as unknown as Session;
  return { session, asked };
}

describe('reading events by cursor', () => {
  it('asks only for what it has not read (re-reading the last event it holds) and hands checks the whole list', async () => {
    const timeline = [1, 2, 3].map((s) => event(s));
    const { session, asked } = timelineSession(timeline);
    const guarded = guardSession(session, guard(), { eventCursor: true });
    expect(await guarded.events()).toEqual(timeline);
    timeline.push(event(4), event(5));
    expect(await guarded.events()).toEqual(timeline);
    expect(await guarded.events()).toEqual(timeline);
    expect(asked).toEqual([{ after: 0, limit: EVENT_PAGE }, { after: 2, limit: EVENT_PAGE }, { after: 4, limit: EVENT_PAGE }]);
  });

  it('pages through a long timeline', async () => {
    const timeline = Array.from({ length: EVENT_PAGE * 2 + 3 }, (_, i) => event(i + 1));
    const { session, asked } = timelineSession(timeline);
    const guarded = guardSession(session, guard(), { eventCursor: true });
    expect((await guarded.events()).length).toBe(timeline.length);
    expect(asked.map((c) => c?.after)).toEqual([0, EVENT_PAGE, 2 * EVENT_PAGE]);
  });

  it('reads the whole timeline again when the last event it holds changed', async () => {
    const timeline = [1, 2, 3].map((s) => event(s));
    const { session } = timelineSession(timeline);
    const guarded = guardSession(session, guard(), { eventCursor: true });
    await guarded.events();
    timeline[2] = event(3, 'rewritten');
    timeline.push(event(4));
    expect((await guarded.events()).map((e) => e.event_type)).toEqual(['x', 'x', 'rewritten', 'x']);
  });

  it('a runtime that declares the cursor but ignores it is read whole from then on', async () => {
    const timeline = [1, 2, 3].map((s) => event(s));
    const { session, asked } = timelineSession(timeline, { honour: false });
    const g = guard();
    const guarded = guardSession(session, g, { eventCursor: true });
    expect(await guarded.events()).toEqual(timeline);
    timeline.push(event(4));
    expect(await guarded.events()).toEqual(timeline);
    timeline.push(event(5));
    expect(await guarded.events()).toEqual(timeline);
    expect(asked).toEqual([{ after: 0, limit: EVENT_PAGE }, { after: 2, limit: EVENT_PAGE }, undefined, undefined]);
    expect(g.faults).toEqual([]);
  });

  it('a wrapper that rewrites the timeline (out of order, no seq) is read whole, and checks see what it answers', async () => {
    const timeline = [1, 2, 3].map((s) => event(s));
    const { session } = timelineSession(timeline, { honour: false });
    const rewritten: Session = { events: async () => [...(await session.events())].reverse() } as Session;
    const guarded = guardSession(rewritten, guard(), { eventCursor: true });
    expect((await guarded.events()).map((e) => e.payload!['seq'])).toEqual([3, 2, 1]);
  });

  it('without the declaration the whole list is read each time, with no cursor', async () => {
    const timeline = [1, 2].map((s) => event(s));
    const { session, asked } = timelineSession(timeline);
    const guarded = guardSession(session, guard());
    await guarded.events();
    timeline.push(event(3));
    expect(await guarded.events()).toEqual(timeline);
    expect(asked).toEqual([undefined, undefined]);
  });

  it('the reference runtime declares the cursor and its guarded session reads the same timeline either way', async () => {
    expect((await referenceAdapter.describe()).eventCursor).toBe(true);
    const raw = await referenceAdapter.createSession({ ael: { execute: async () => ({}) }, workspace: '/tmp', seed: 1, maxConcurrency: 2 });
    const byCursor = guardSession(raw, guard(), { eventCursor: true });
    const whole = guardSession(raw, guard());
    const ctx = { meta: { protocol_version: '1.0.0', schema_version: '1.0.0' }, context_id: '8a1d2b2c-1c1f-4f7e-9a3b-0c0d0e0f1011', root: { domain: 'd', environment: 'e' }, title: 't', status: 'active' as const };
    await raw.load({ contexts: [ctx] });
    const first = await byCursor.events();
    await raw.load({ contexts: [{ ...ctx, context_id: '8a1d2b2c-1c1f-4f7e-9a3b-0c0d0e0f1012' }] });
    expect(await byCursor.events()).toEqual(await whole.events());
    expect((await byCursor.events()).length).toBe(first.length + 1);
    await raw.close();
  });
});
