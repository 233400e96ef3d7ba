// An event sink that appends each event as one JSON line to a file (NDJSON), so a run can
// stream its history out and, with `retain: false`, keep none of it in memory. Lines are
// buffered and written 64 KiB at a time; close() writes the rest.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { BusEvent } from '../../mplp/types.js';
import type { EventSink } from './bus.js';

const FLUSH_AT = 64 * 1024;

export class NdjsonFileSink implements EventSink {
  private readonly fd: number;
  private buffered: string[] = [];
  private size = 0;
  private closed = false;

  /** Creates (or truncates) the file. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(event: BusEvent): void {
    if (this.closed) throw new Error(`event sink ${this.path} is closed`);
    const line = `${JSON.stringify(event)}\n`;
    this.buffered.push(line);
    this.size += line.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffered.length === 0) return;
    writeSync(this.fd, this.buffered.join(''));
    this.buffered = [];
    this.size = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
