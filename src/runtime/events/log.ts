// The event history as columns rather than objects: per record a kind byte, packed small
// enums, one number, the timestamp as epoch milliseconds, the event id as 16 bytes and a few
// string slots that point at strings the runtime holds anyway (ids, names), never copies of
// them. A record costs well under 100 bytes and no per-event objects, so a long run keeps its
// whole history without the garbage collector walking millions of small objects. Events that
// have no compact kind (rare ones, and any event handed to a patched emit seam) are kept as
// objects. Records are turned back into their JSON shape only when read (records.ts).

import { formatUuid as formatId, type IdSource } from '../../mplp/ids.js';
import type { BusEvent } from '../../mplp/types.js';
import { isoOf, isSystemClock, type Clock } from './clock.js';

/** Records per full chunk; the first chunk starts small and doubles up to this. */
const CHUNK_BITS = 15;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
const FIRST_CAPACITY = 64;
/** String slots per record. */
export const SLOTS = 5;

export class Chunk {
  kind: Uint8Array;
  /** Small enums of the record (statuses, flags), packed by its kind. */
  bits: Uint16Array;
  num: Int32Array;
  /** Epoch milliseconds, or NaN when the clock's text is kept in timeText. */
  time: Float64Array;
  /** Event ids as bytes (id sources with fill), or their text in idText. */
  id: Uint8Array;
  str: (string | undefined)[];
  idText: string[] | undefined;
  timeText: string[] | undefined;

  constructor(readonly capacity: number, from?: Chunk) {
    this.kind = new Uint8Array(capacity);
    this.bits = new Uint16Array(capacity);
    this.num = new Int32Array(capacity);
    this.time = new Float64Array(capacity);
    this.id = new Uint8Array(capacity * 16);
    this.str = new Array<string | undefined>(capacity * SLOTS).fill(undefined);
    this.idText = undefined;
    this.timeText = undefined;
    if (from) {
      this.kind.set(from.kind);
      this.bits.set(from.bits);
      this.num.set(from.num);
      this.time.set(from.time);
      this.id.set(from.id);
      for (let k = 0; k < from.str.length; k++) this.str[k] = from.str[k];
      if (from.idText) this.idText = from.idText.slice();
      if (from.timeText) this.timeText = from.timeText.slice();
    }
  }
}

export interface EventLogOptions {
  ids: IdSource;
  clock: Clock;
  /** graph_id of the runtime's PSG, for graph_update records. */
  graphId: string;
  /** Keep records for reading back (default true); false keeps only the count (a sink takes them). */
  retain?: boolean;
}

export class EventLog {
  private readonly chunks: Chunk[] = [];
  private count = 0;
  /** Records emitted but not kept (retain: false): sequence numbers go on from them. */
  private forgotten = 0;
  /** Records kept as objects, by index. */
  private readonly objects = new Map<number, BusEvent>();
  /** Rare fields of compact records (an error text, a bulk graph change), by index. */
  private readonly extras = new Map<number, unknown>();
  readonly retain: boolean;
  readonly graphId: string;
  private readonly ids: IdSource;
  private readonly clock: Clock;
  private readonly numericTime: boolean;
  /** Offset of the record reserve() returned inside its chunk. */
  slot = 0;

  constructor(options: EventLogOptions) {
    this.ids = options.ids;
    this.clock = options.clock;
    this.retain = options.retain ?? true;
    this.graphId = options.graphId;
    this.numericTime = isSystemClock(options.clock);
  }

  /** Records kept. */
  get length(): number {
    return this.count;
  }

  /** Bytes the columns take (typed arrays, and 8 per string slot): what keeping the records costs, beyond the strings they share. */
  get columnBytes(): number {
    let bytes = 0;
    for (const c of this.chunks) {
      bytes += c.kind.byteLength + c.bits.byteLength + c.num.byteLength + c.time.byteLength + c.id.byteLength + 8 * c.str.length;
      bytes += 8 * ((c.idText?.length ?? 0) + (c.timeText?.length ?? 0));
    }
    return bytes;
  }

  /** The sequence number (payload.seq) of the record at index i. */
  seqOf(i: number): number {
    return this.forgotten + i + 1;
  }

  /** The next sequence number to be given. */
  get nextSeq(): number {
    return this.forgotten + this.count + 1;
  }

  /** Index of the record with sequence number seq (may be out of range). */
  indexOfSeq(seq: number): number {
    return seq - this.forgotten - 1;
  }

  /**
   * Appends a record of `kind`, stamped with the next event id and the clock (in that order,
   * as an event object is built), and returns its chunk; its offset is `slot`.
   */
  reserve(kind: number): Chunk {
    const i = this.count;
    let chunk = this.chunks[i >>> CHUNK_BITS];
    const j = i & MASK;
    if (!chunk || j >= chunk.capacity) chunk = this.grow(i);
    chunk.kind[j] = kind;
    const ids = this.ids;
    if (ids.fill) ids.fill(chunk.id, j * 16);
    else (chunk.idText ??= [])[j] = ids.next();
    if (this.numericTime) chunk.time[j] = Date.now();
    else {
      chunk.time[j] = NaN;
      (chunk.timeText ??= [])[j] = this.clock();
    }
    this.slot = j;
    this.count = i + 1;
    return chunk;
  }

  /** Appends an event kept as an object (already numbered by the bus). */
  appendObject(kind: number, event: BusEvent): number {
    const i = this.count;
    let chunk = this.chunks[i >>> CHUNK_BITS];
    const j = i & MASK;
    if (!chunk || j >= chunk.capacity) chunk = this.grow(i);
    chunk.kind[j] = kind;
    this.objects.set(i, event);
    this.count = i + 1;
    return i;
  }

  private grow(i: number): Chunk {
    const c = i >>> CHUNK_BITS;
    const old = this.chunks[c];
    const capacity = old ? Math.min(CHUNK, old.capacity * 2) : c === 0 ? FIRST_CAPACITY : CHUNK;
    const chunk = new Chunk(capacity, old);
    this.chunks[c] = chunk;
    return chunk;
  }

  /** Removes the last record once it was delivered (retain: false); its sequence number stays used. */
  forgetLast(): void {
    this.forgotten++;
    const i = --this.count;
    this.objects.delete(i);
    this.extras.delete(i);
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const j = i & MASK;
    for (let k = j * SLOTS; k < (j + 1) * SLOTS; k++) chunk.str[k] = undefined;
    if (chunk.idText) chunk.idText[j] = undefined as never;
    if (chunk.timeText) chunk.timeText[j] = undefined as never;
  }

  setExtra(i: number, value: unknown): void {
    this.extras.set(i, value);
  }

  extra(i: number): unknown {
    return this.extras.get(i);
  }

  object(i: number): BusEvent | undefined {
    return this.objects.get(i);
  }

  chunkOf(i: number): Chunk {
    return this.chunks[i >>> CHUNK_BITS]!;
  }

  offsetOf(i: number): number {
    return i & MASK;
  }

  /** The event id of record i, as text. */
  idOf(chunk: Chunk, j: number): string {
    return chunk.idText?.[j] ?? formatId(chunk.id, j * 16);
  }

  /** The timestamp of record i, as the clock gave it. */
  timeOf(chunk: Chunk, j: number): string {
    const ms = chunk.time[j]!;
    return Number.isNaN(ms) ? chunk.timeText![j]! : isoAt(ms);
  }
}

let readMs = NaN;
let readIso = '';
/** Records read in a row mostly share a millisecond: one Date per distinct one. */
function isoAt(ms: number): string {
  if (ms !== readMs) {
    readIso = isoOf(ms);
    readMs = ms;
  }
  return readIso;
}
