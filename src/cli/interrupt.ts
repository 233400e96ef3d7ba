// Ctrl-C and SIGTERM during `run`: the first one aborts the run's AbortSignal (the kit stops
// scheduling, cuts off the checks in flight, closes their sessions; the command then writes
// the report so far, marked incomplete, disposes the adapter and exits 130 / 143). A second
// one exits at once: whatever the adapter is doing (a close() that never settles) cannot keep
// the process alive. Runtime processes of stdio adapters are killed on exit by execa's cleanup.

import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type InterruptSignal = (typeof SIGNALS)[number];

/** The exit code of a run stopped by a signal: 128 + its number. */
export const SIGNAL_EXIT: Record<InterruptSignal, number> = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated };

export interface Interrupt {
  /** Aborted (reason: the signal's name) by the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** The first signal received, if any. */
  received(): InterruptSignal | undefined;
  /** Removes the handlers (the default behaviour of the signals comes back). */
  dispose(): void;
}

export function onInterrupt(output: Output, exit: (code: number) => never = (code) => process.exit(code)): Interrupt {
  const controller = new AbortController();
  let first: InterruptSignal | undefined;
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (first !== undefined) {
        output.err(`mplp-conformance: ${name} again: exiting at once (exit ${SIGNAL_EXIT[name]}) without finishing the report`);
        exit(SIGNAL_EXIT[name]);
      }
      first = name;
      const again = name === 'SIGINT' ? 'Ctrl-C' : name;
      output.err(`\nmplp-conformance: ${name}: interrupting the run: no new check starts, the checks in flight are cut off and their sessions closed, then the report so far is written, marked incomplete (${again} again to exit at once)`);
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
