// The runtime's event history: a columnar log read back as fresh event objects, all at once,
// by cursor ({ after: payload.seq, limit }) or one at a time; sinks and subscribers see every
// event as it is emitted; `retain: false` keeps none in memory while a sink takes them all.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatUuid, randomIds, UUID_V4 } from '../src/mplp/ids.js';
import type { BusEvent } from '../src/mplp/types.js';
import { validate } from '../src/mplp/validate.js';
import { NdjsonFileSink } from '../src/runtime/events/ndjson-sink.js';
import { L3Runtime } from '../src/runtime/runtime.js';
import { BarrierAEL } from './helpers/barrier-ael.js';
import { plainRuntime, scenarioFolders, SCENARIOS } from './helpers/scenarios.js';

const folders: string[] = [];
afterAll(async () => {
  for (const f of [...folders, ...scenarioFolders]) await rm(f, { recursive: true, force: true });
});

const seq = (e: BusEvent) => (e.payload as Record<string, number>)['seq']!;
const mapRun = SCENARIOS.find((s) => s.name.startsWith('MAP'))!;

describe('reading back', () => {
  it('events() gives fresh objects: changing one changes nothing the next read gives', async () => {
    const rt = await mapRun.run(plainRuntime);
    const first = rt.events();
    const before = JSON.stringify(first);
    for (const e of first) {
      (e as Record<string, unknown>)['event_type'] = 'changed';
      (e.payload as Record<string, unknown>)['seq'] = -1;
    }
    expect(JSON.stringify(rt.events())).toBe(before);
  });

  it('a cursor answers the events after a payload.seq, at most limit of them', async () => {
    const rt = await mapRun.run(plainRuntime);
    const all = rt.events();
    expect(all.map(seq)).toEqual(all.map((_, i) => i + 1));
    expect(rt.events({ after: 10, limit: 5 })).toEqual(all.slice(10, 15));
    expect(rt.events({ after: 10 })).toEqual(all.slice(10));
    expect(rt.events({ limit: 3 })).toEqual(all.slice(0, 3));
    expect(rt.events({ after: all.length })).toEqual([]);
    expect(rt.events({ after: all.length + 50, limit: 10 })).toEqual([]);
    expect(rt.events({ after: 3, limit: 0 })).toEqual([]);
    expect(rt.events(null)).toEqual(all);
    for (const bad of [{ after: -1 }, { after: 1.5 }, { limit: -2 }, { after: '3' }]) expect(() => rt.events(bad as never)).toThrow(TypeError);
  });

  it('reading page by page gives the whole timeline', async () => {
    const rt = await mapRun.run(plainRuntime);
    const pages: BusEvent[] = [];
    for (let after = 0; ; ) {
      const page = rt.events({ after, limit: 7 });
      pages.push(...page);
      if (page.length < 7) break;
      after = seq(page.at(-1)!);
    }
    expect(pages).toEqual(rt.events());
  });

  it('eventStream yields the same events one at a time, from a cursor on', async () => {
    const rt = await mapRun.run(plainRuntime);
    expect([...rt.eventStream()]).toEqual(rt.events());
    expect([...rt.eventStream({ after: 20, limit: 4 })]).toEqual(rt.events({ after: 20, limit: 4 }));
  });

  it('ids and timestamps read back as they were made: v4 ids from the fast source, system-clock ISO times', async () => {
    const rt = new L3Runtime({ ael: new BarrierAEL() });
    const started = Date.now();
    const { contexts, plans } = await import('./helpers/mplp-builders.js').then((b) => {
      const ctx = b.buildContext('log-ids');
      return { contexts: [ctx], plans: [b.buildPlan('log-ids', ctx, ['a', { name: 'b', deps: ['a'] }], 'approved')] };
    });
    await rt.load({ contexts, plans });
    await rt.run(plans[0]!.plan_id);
    const events = rt.events();
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    for (const e of events) {
      expect(e.event_id).toMatch(UUID_V4);
      const t = Date.parse(e.timestamp);
      expect(new Date(t).toISOString()).toBe(e.timestamp);
      expect(t).toBeGreaterThanOrEqual(started - 1);
      expect(t).toBeLessThanOrEqual(Date.now() + 1);
      expect(validate('event', e)).toEqual({ ok: true });
    }
  });

  it('formatUuid writes the 36-character lowercase form of 16 bytes', () => {
    const bytes = Uint8Array.from([0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x42, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0xff]);
    expect(formatUuid(bytes)).toBe('123e4567-e89b-42d3-a456-4266141740ff');
    const target = new Uint8Array(48);
    randomIds.fill!(target, 16);
    expect(formatUuid(target, 16)).toMatch(UUID_V4);
    expect(target.subarray(0, 16).every((b) => b === 0)).toBe(true);
    expect(target.subarray(32).every((b) => b === 0)).toBe(true);
  });
});

describe('sinks and retention', () => {
  it('an NDJSON sink receives every event as emitted; with retain: false nothing is kept in memory', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'event-sink-'));
    folders.push(folder);
    const kept = await mapRun.run(plainRuntime);
    const sink = new NdjsonFileSink(join(folder, 'events.ndjson'));
    const streamed = await mapRun.run((options) => new L3Runtime({ ...options, events: { sink, retain: false } }));
    sink.close();
    const lines = (await readFile(join(folder, 'events.ndjson'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as BusEvent)).toEqual(kept.events());
    expect(streamed.events()).toEqual([]);
    expect(streamed.bus.size).toBe(0);
  });

  it('subscribers see each event once, numbered, whether it is kept compact or as an object', async () => {
    const seen: BusEvent[] = [];
    const rt = await mapRun.run((options) => {
      const runtime = new L3Runtime(options);
      runtime.bus.subscribe((e) => seen.push(structuredClone(e)));
      return runtime;
    });
    expect(seen).toEqual(rt.events());
  });
});
