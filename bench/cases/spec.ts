// What a child process is asked to measure, and what a measured run reports back.

export type Workload = 'map' | 'cycle';

export interface CaseSpec {
  workload: Workload;
  contender: string;
  /** Steps for 'map'; target edge count for 'cycle' (nodes = edges / mean degree). */
  size: number;
  /** 'cycle' only: whether one dependency closing a cycle is added. */
  cyclic?: boolean;
}

export interface RunResult {
  steps: number;
  edges: number;
  events: number;
  /** 'cycle' only: whether the contender reported a cycle. */
  cycle?: boolean;
}

/** A case with its input built, ready to run any number of times. */
export interface PreparedCase {
  /** The timed work. */
  run(): Promise<RunResult>;
  /** Checks the last run did all its work; called after the clock stops, so it costs nothing measured. */
  verify?(): void;
}

export interface Contender {
  name: string;
  /** 'baseline': a hand-written reference shown for context, not a ratio column. */
  role: 'subject' | 'lower-bound' | 'baseline' | 'peer';
  prepare(spec: CaseSpec, hook?: () => void): Promise<PreparedCase>;
}

export const CONCURRENCY = 8;
