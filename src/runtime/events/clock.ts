// The runtime's clock: ISO 8601 timestamps. The system clock is recognised so the event log
// can keep its readings as numbers (Date.now()) and format them only when an event is read;
// any other clock's text is kept as given.

export type Clock = () => string;

let lastMs = NaN;
let lastIso = '';

/** Now, as ISO text; one string per millisecond (a run makes hundreds of timestamps in one). */
export const systemClock: Clock = () => {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};

/** Epoch milliseconds as the system clock writes them. */
export function isoOf(ms: number): string {
  return ms === lastMs ? lastIso : new Date(ms).toISOString();
}

export function isSystemClock(clock: Clock): boolean {
  return clock === systemClock;
}
