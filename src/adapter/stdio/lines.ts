// Newline-delimited framing: splits a byte stream into numbered lines (1-based, counting
// blank lines, so numbers match what a developer sees when logging the stream).

import type { Readable } from 'node:stream';

export interface LineHandlers {
  line(text: string, lineNumber: number): void;
  /** The stream ended (after its last, possibly unterminated, line). */
  end(): void;
}

export function readLines(stream: Readable, handlers: LineHandlers): void {
  stream.setEncoding('utf8');
  let partial = '';
  let count = 0;
  const deliver = (text: string) => {
    count++;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() !== '') handlers.line(line, count);
  };
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      deliver(partial + chunk.slice(start, nl));
      partial = '';
      start = nl + 1;
    }
    partial += chunk.slice(start);
  });
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    if (partial !== '') deliver(partial);
    partial = '';
    handlers.end();
  };
  stream.on('end', finish);
  // A broken pipe ends the conversation like a closed one.
  stream.on('error', finish);
}
