// The event bus: one ordered timeline. Each event gets the next sequence number
// (payload.seq for event-core, SA and MAP events alike) before subscribers see it.

import type { BusEvent } from '../../mplp/types.js';

export type Subscriber = (event: BusEvent) => void;

/** Where events go besides the in-memory timeline (a log file, a socket, a test probe). */
export interface EventSink {
  write(event: BusEvent): void;
}

export class EventBus {
  private readonly timeline: BusEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly sinks: EventSink[] = [];
  private seq = 0;

  emit(event: BusEvent): BusEvent {
    const payload = (event.payload ??= {});
    payload['seq'] = ++this.seq;
    this.timeline.push(event);
    for (const sink of this.sinks) sink.write(event);
    for (const s of this.subscribers) {
      // A failing subscriber must not break the runtime or hide the event from others.
      try {
        s(event);
      } catch {
        /* subscriber errors are the subscriber's problem */
      }
    }
    return event;
  }

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  /** The timeline so far (a copy of the list; events themselves are shared, treat as read-only). */
  events(): BusEvent[] {
    return this.timeline.slice();
  }

  get size(): number {
    return this.timeline.length;
  }
}
