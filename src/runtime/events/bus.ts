// The event bus: one ordered timeline. Each event gets the next sequence number
// (payload.seq for event-core, SA and MAP events alike) before subscribers see it. The
// timeline lives in a columnar log (log.ts); readers get fresh event objects, all of them,
// from a cursor, or one at a time.
//
// emit(event) is the seam: an event object handed to it is numbered and kept as it is. The
// runtime's frequent events skip the object and go into the log as compact records (see
// EventFactory), but only while emit is this class's own: once emit is replaced on an
// instance (a planted fault that drops, adds or rewrites events) every event is built as an
// object and handed to the replacement.

import { copyValue } from '../../mplp/copy.js';
import type { IdSource } from '../../mplp/ids.js';
import type { BusEvent } from '../../mplp/types.js';
import type { Clock } from './clock.js';
import { EventLog } from './log.js';
import { KIND, readRecord } from './records.js';

export type Subscriber = (event: BusEvent) => void;

/** Where events go besides the in-memory timeline (a log file, a socket, a test probe). */
export interface EventSink {
  write(event: BusEvent): void;
}

/** A window of the timeline: events whose payload.seq is above `after`, at most `limit` of them. */
export interface EventCursor {
  after?: number;
  limit?: number;
}

export interface EventBusOptions {
  ids: IdSource;
  clock: Clock;
  graphId: string;
  /** Keep every event for reading back (default true). With false only sinks and subscribers see them. */
  retain?: boolean;
  sinks?: EventSink[];
}

export class EventBus {
  readonly log: EventLog;
  private readonly subscribers = new Set<Subscriber>();
  private readonly sinks: EventSink[] = [];

  constructor(options: EventBusOptions) {
    this.log = new EventLog(options);
    for (const sink of options.sinks ?? []) this.sinks.push(sink);
  }

  /** True while the runtime may append compact records: emit is this class's own. */
  get compact(): boolean {
    return this.emit === EventBus.prototype.emit;
  }

  emit(event: BusEvent): BusEvent {
    const payload = (event.payload ??= {});
    payload['seq'] = this.log.nextSeq;
    this.log.appendObject(KIND.object, event);
    this.deliver(event);
    if (!this.log.retain) this.log.forgetLast();
    return event;
  }

  /** Called after the runtime appended a compact record: sinks and subscribers get it as an object. */
  recorded(): void {
    const log = this.log;
    if (this.sinks.length > 0 || this.subscribers.size > 0) this.deliver(readRecord(log, log.length - 1, identity));
    if (!log.retain) log.forgetLast();
  }

  private deliver(event: BusEvent): void {
    for (const sink of this.sinks) sink.write(event);
    for (const s of this.subscribers) {
      // A failing subscriber must not break the runtime or hide the event from others.
      try {
        s(event);
      } catch {
        /* subscriber errors are the subscriber's problem */
      }
    }
  }

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  /**
   * The timeline so far as fresh objects (the caller may change them), in emission order;
   * with a cursor only the events after `after` (a payload.seq already read), at most `limit`.
   */
  events(cursor?: EventCursor | null): BusEvent[] {
    const [start, end] = this.window(cursor);
    const out = new Array<BusEvent>(end - start);
    for (let i = start; i < end; i++) out[i - start] = readRecord(this.log, i, copyValue);
    return out;
  }

  /** The same window one event at a time; events emitted while iterating are included. */
  *stream(cursor?: EventCursor | null): Generator<BusEvent, void, undefined> {
    let [i, end] = this.window(cursor);
    const unlimited = cursor?.limit === undefined;
    for (; i < (unlimited ? this.log.length : end); i++) yield readRecord(this.log, i, copyValue);
  }

  private window(cursor: EventCursor | null | undefined): [number, number] {
    const after = cursor?.after ?? 0;
    const limit = cursor?.limit ?? Infinity;
    if (typeof after !== 'number' || !Number.isInteger(after) || after < 0) throw new TypeError(`events: "after" must be a payload.seq (an integer ≥ 0), got ${String(after)}`);
    if (typeof limit !== 'number' || !(limit === Infinity || Number.isInteger(limit)) || limit < 0) throw new TypeError(`events: "limit" must be an integer ≥ 0, got ${String(limit)}`);
    const start = Math.min(this.log.length, Math.max(0, this.log.indexOfSeq(after + 1)));
    return [start, Math.min(this.log.length, start + limit)];
  }

  /** Events kept. */
  get size(): number {
    return this.log.length;
  }
}

const identity = (e: BusEvent) => e;
