// The unit the kit runs: a check names its requirements, says what it needs, and returns
// one result. Checks are data + a function: the CLI scheduler and the kit's own tests both
// run them, and none depends on vitest.

import type { AdapterDescription, Capabilities, Profile, Session } from '../adapter/contract.js';
import type { BusEvent } from '../mplp/types.js';
import type { RecordingAEL } from './recording-ael.js';

/** pass: the runtime kept the rule; fail: it broke it; error: adapter or harness problem;
 *  inconclusive: the check ran but graded nothing (no transition answered, no event compared);
 *  skipped: a needed capability is not claimed; blocked: a prerequisite did not hold. */
export const OUTCOMES = ['pass', 'fail', 'error', 'inconclusive', 'skipped', 'blocked'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type Need = Exclude<keyof Capabilities, 'profiles'> | `profile:${Profile}`;

export interface CheckResult {
  /** A check returns pass, fail, error, skipped, or blocked when a prerequisite it needed broke
   *  before it could grade its own requirements (the message names what broke). The scheduler
   *  also blocks checks. Any adapter fault seen during the check overrides what it returns with `error`. */
  outcome: Outcome;
  /** One sentence a vendor understands without reading the kit. */
  message: string;
  expected?: unknown;
  seen?: unknown;
  /** The fewest events that show the violation (or the whole timeline when short). */
  events?: BusEvent[];
  /** Extra evidence (graph excerpt, AEL call log, object snapshot...). */
  evidence?: Record<string, unknown>;
  /** A standalone golden-flow file that reproduces the case, if one was written. */
  counterexample?: string;
  /**
   * The outcome for each of the check's requirements, when they differ: a broken rule is
   * charged to the requirement(s) it is about, the others keep the outcome of their own
   * evidence (`pass`) or are `blocked` when the check stopped before grading them. A
   * requirement without an entry takes the check's outcome.
   */
  byRequirement?: Record<string, Outcome>;
  /** For `blocked`: the requirement whose rule the runtime broke first, so the check could not
   *  grade its own (its checks hold the root cause). */
  blockedBy?: { requirement: string };
}

/** A session plus the recording AEL wired into it. Closed by the kit after the check. */
export interface KitSession {
  session: Session;
  ael: RecordingAEL;
  workspace: string;
}

export interface CheckContext {
  adapter: AdapterDescription;
  seed: number;
  /** Limit passed to sessions as env.maxConcurrency. */
  maxConcurrency: number;
  /** The run's operation timeout (a hang past it is an adapter fault); absent: none known.
   *  Waits a check grades (a run that must end) end before it, so they are verdicts. */
  operationTimeoutMs?: number;
  /** Opens a fresh isolated session (own workspace and RecordingAEL); every session opened is
   *  closed after the check. Its operations are guarded: a throw, a hang past the operation
   *  timeout or a malformed return rejects with an AdapterFault and ends the check `error`.
   *  Sessions of one check opened with the same `vslShare` name share one VSL store (for
   *  adapters that declare `sharedVsl`); the name is made unique to the check by the kit. */
  newSession(options?: { vslShare?: string }): Promise<KitSession>;
  /** Fires when the check is over (its time is up, or it finished): stop waiting on barriers. */
  signal: AbortSignal;
  /** Generated cases per property check (`--cases`); absent: the property's own default. */
  propertyCases?: number;
  /** Where property checks write shrunk counterexamples (reports/<run-id>/counterexamples);
   *  absent: a folder per seed under the OS temp dir. */
  counterexampleDir?: string;
  /** In a sharded run (`--shard i/n`): a check with `splitCases` runs only the generated cases
   *  whose index modulo `count` is `index` (0-based), and reports the index of its first failing
   *  case so shards can be merged (src/kit/shard.ts). */
  caseShard?: CaseShard;
}

export interface CaseShard {
  /** 0-based. */
  index: number;
  count: number;
}

export interface CheckOrigin {
  file: string;
  /** `flow` checks come from golden-flow files and can also be replayed from that file. */
  kind: 'suite' | 'flow';
}

export interface Check {
  /** Stable dotted id, e.g. `psg.cycle.self-dependency`. */
  id: string;
  title: string;
  /** Requirement ids from suites/requirements.yaml this check grades. */
  requirements: string[];
  needs?: Need[];
  /** Checks that must pass first; otherwise this one ends `blocked`. */
  after?: string[];
  /** Its cases are drawn from the run's seed (property checks): against a faulty runtime, a
   *  different seed may find a different violation, or none. Every other check must give the
   *  same outcome whatever the seed (npm run selfcheck:soak holds them to it). */
  generated?: boolean;
  /** Its generated cases can be split across the shards of a sharded run (`--shard`): every
   *  shard runs it on the cases whose index falls to it (CheckContext.caseShard). */
  splitCases?: boolean;
  /** Where the check is defined; set by discovery, used in reports and replay commands. */
  origin?: CheckOrigin;
  run(ctx: CheckContext): Promise<CheckResult>;
}
