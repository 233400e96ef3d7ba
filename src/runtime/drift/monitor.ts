// Polling: runs a scan every `ms` on a timer the caller can replace (tests drive a fake one;
// nothing here reads the wall clock). A tick that finds the previous scan still running is
// skipped rather than queued.

export interface IntervalTimer {
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const systemTimer: IntervalTimer = {
  every(ms, tick) {
    const handle = setInterval(tick, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};

export class ScanMonitor {
  private cancel: (() => void) | undefined;
  private busy = false;
  /** The last scan failure, kept because a timer has nobody to throw to. */
  lastError: unknown;

  constructor(
    private readonly timer: IntervalTimer,
    private readonly scan: () => Promise<unknown>,
  ) {}

  get watching(): boolean {
    return this.cancel !== undefined;
  }

  start(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`scan interval must be a positive number of ms, got ${ms}`);
    this.stop();
    this.cancel = this.timer.every(ms, () => void this.tick());
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.scan();
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e;
    } finally {
      this.busy = false;
    }
  }
}
