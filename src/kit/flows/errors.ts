// How a malformed flow is reported: the file, the 1-based line when known, and the problem.

export interface FlowProblem {
  file: string;
  line?: number;
  message: string;
}

export function formatProblem(p: FlowProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`;
}

/** Thrown by loadFlowFile: the first problem of a flow file, plus every other one found. */
export class FlowError extends Error {
  override name = 'FlowError';
  readonly file: string;
  readonly line: number | undefined;
  readonly problem: string;

  constructor(
    first: FlowProblem,
    readonly problems: readonly FlowProblem[] = [first],
  ) {
    super(formatProblem(first));
    this.file = first.file;
    this.line = first.line;
    this.problem = first.message;
  }
}
