// Newline-delimited framing: splits a byte stream into numbered lines (1-based, counting
// blank lines, so numbers match what a developer sees when logging the stream). A line that
// grows past the limit is not kept: it is reported once and skipped up to its end, so a
// writer that never ends its line cannot exhaust the reader's memory.

import type { Readable } from 'node:stream';
import { MAX_LINE_CHARS } from './protocol.js';

export interface LineHandlers {
  line(text: string, lineNumber: number): void;
  /** The stream ended (after its last, possibly unterminated, line). */
  end(): void;
  /** Line `lineNumber` passed `maxChars` characters (`start` is its beginning); it is dropped. */
  tooLong?(lineNumber: number, start: string): void;
}

export function readLines(stream: Readable, handlers: LineHandlers, maxChars = MAX_LINE_CHARS): void {
  stream.setEncoding('utf8');
  let partial = '';
  let count = 0;
  /** The current line passed the limit: drop everything up to its end. */
  let dropping = false;
  const deliver = (text: string) => {
    count++;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() !== '') handlers.line(line, count);
  };
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      if (dropping) {
        count++;
        dropping = false;
      } else deliver(partial + chunk.slice(start, nl));
      partial = '';
      start = nl + 1;
    }
    if (dropping) return;
    partial += chunk.slice(start);
    if (partial.length > maxChars) {
      dropping = true;
      const beginning = partial.slice(0, 200);
      partial = '';
      handlers.tooLong?.(count + 1, beginning);
    }
  });
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    if (partial !== '' && !dropping) deliver(partial);
    partial = '';
    handlers.end();
  };
  stream.on('end', finish);
  // A broken pipe ends the conversation like a closed one.
  stream.on('error', finish);
}
