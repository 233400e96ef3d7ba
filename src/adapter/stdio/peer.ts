// One end of a JSON-RPC 2.0 conversation over newline-delimited JSON, used by both the kit
// (host) and a JS runtime (server): numbers and times out its own requests, answers the
// other side's requests through handlers, and checks every incoming line against the
// protocol schema. What to do when the other side breaks the protocol is the owner's
// decision (the host stops the process, the server logs and answers an error).

import { describeThrown, isInstance } from '../values.js';
import { clip, messageProblem, RPC_ERROR, RpcError, type RpcId, type RpcMessage, type RpcRequest } from './protocol.js';

export type RequestHandler = (params: Record<string, unknown>) => unknown;

/** A line the other side should not have sent. */
export interface ProtocolViolation {
  lineNumber: number;
  line: string;
  problem: string;
}

export interface PeerOptions {
  /** Writes one message line (without its newline). */
  send(line: string): void;
  /** How messages name the other side and this one: "the runtime", "the kit". */
  peerName: string;
  selfName: string;
  /** Where the other side's lines come from, for messages: "stdout", "stdin". */
  streamName: string;
  handlers: Readonly<Record<string, RequestHandler>>;
  onViolation(violation: ProtocolViolation): void;
  /** An answer that arrived after its request had timed out (harmless, worth a log line). */
  onLateAnswer?(note: string): void;
}

/** A request's answer, the line it came on, and what `atAnswer` saw when that line arrived. */
export interface Reply {
  result: unknown;
  lineNumber: number;
  atAnswer?: unknown;
}

export interface CallOptions {
  /** No answer within this many ms rejects the call; absent: wait for ever (the owner times out). */
  timeoutMs?: number;
  /** Runs the moment the answer line is read, before anything else happens (state at that point in the stream). */
  atAnswer?: () => unknown;
}

interface Pending {
  method: string;
  atAnswer: (() => unknown) | undefined;
  resolve(reply: Reply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** Ids of timed-out requests kept to recognise late answers; bounded so a long run stays small. */
const REMEMBERED_EXPIRED = 1024;

export class RpcPeer {
  private nextId = 1;
  private readonly pending = new Map<RpcId, Pending>();
  private readonly expired = new Map<RpcId, string>();
  private closedReason: string | undefined;

  constructor(private readonly options: PeerOptions) {}

  /** Sends a request; resolves with its result, rejects with an RpcError answer, a timeout or the end of the conversation. */
  request(method: string, params: Record<string, unknown>, call: CallOptions = {}): Promise<Reply> {
    if (this.closedReason !== undefined) return Promise.reject(new Error(`${method}: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer =
        call.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              this.remember(id, method);
              reject(new Error(`${method} (request ${id}): ${this.options.peerName} did not answer within ${call.timeoutMs} ms`));
            }, call.timeoutMs);
      this.pending.set(id, { method, atAnswer: call.atAnswer, resolve, reject, timer });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Rejects every pending request and refuses new ones: the conversation is over. */
  close(reason: string): void {
    this.closedReason ??= reason;
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new Error(`${p.method} (request ${id}): ${reason}`));
    }
  }

  /** Handles one incoming line. */
  receive(line: string, lineNumber: number): void {
    if (this.closedReason !== undefined) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (e) {
      this.violation(lineNumber, line, `is not JSON (${(e as Error).message})`);
      this.write({ jsonrpc: '2.0', id: null, error: { code: RPC_ERROR.parseError, message: `line ${lineNumber} is not JSON` } });
      return;
    }
    const problem = messageProblem(message);
    if (problem !== undefined) {
      this.invalid(message, line, lineNumber, problem);
      return;
    }
    const m = message as RpcMessage;
    if ('method' in m) this.dispatch(m);
    else this.answer(m, line, lineNumber);
  }

  private invalid(message: unknown, line: string, lineNumber: number, problem: string): void {
    this.violation(lineNumber, line, `is not a valid protocol message: ${problem}`);
    const m = message as { id?: unknown; method?: unknown };
    const id = typeof m?.id === 'number' || typeof m?.id === 'string' ? m.id : null;
    if (m !== null && typeof m === 'object' && 'method' in m) {
      this.write({ jsonrpc: '2.0', id, error: { code: RPC_ERROR.invalidParams, message: `line ${lineNumber}: ${problem}` } });
    } else if (id !== null && this.pending.has(id)) {
      const p = this.pending.get(id)!;
      this.settle(id);
      p.reject(new Error(`${p.method} (request ${id}): ${this.options.peerName} answered on ${this.options.streamName} line ${lineNumber} with an invalid response (${problem}): ${clip(line)}`));
    }
  }

  private dispatch(request: RpcRequest): void {
    const handler = Object.hasOwn(this.options.handlers, request.method) ? this.options.handlers[request.method] : undefined;
    if (!handler) {
      this.write({ jsonrpc: '2.0', id: request.id, error: { code: RPC_ERROR.methodNotFound, message: `unknown method ${request.method}` } });
      return;
    }
    // Called at once, so what a handler records on arrival is in place before the next line is read.
    let answer: Promise<unknown>;
    try {
      answer = Promise.resolve(handler(request.params));
    } catch (e) {
      answer = Promise.reject(e);
    }
    const fail = (e: unknown) => {
      const error = isInstance(e, RpcError) ? e : new RpcError(RPC_ERROR.operationFailed, errorText(e));
      this.write({ jsonrpc: '2.0', id: request.id, error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } });
    };
    answer
      .then(
        (result) => this.write({ jsonrpc: '2.0', id: request.id, result: result === undefined ? null : result }),
        (e: unknown) => fail(e),
      )
      // What cannot be written as JSON (a Proxy, a cycle, a BigInt) is answered as an internal error.
      .catch((e: unknown) => fail(new RpcError(RPC_ERROR.internalError, `${this.options.selfName} could not send its answer to ${request.method} as JSON: ${describeThrown(e)}`)))
      .catch(() => undefined);
  }

  private answer(response: Exclude<RpcMessage, RpcRequest>, line: string, lineNumber: number): void {
    const id = response.id;
    const p = id === null ? undefined : this.pending.get(id);
    if (!p) {
      const late = id === null ? undefined : this.expired.get(id);
      if (late !== undefined) this.options.onLateAnswer?.(`${this.options.peerName} answered ${late} (request ${id}) on ${this.options.streamName} line ${lineNumber}, after it had timed out`);
      else if ('error' in response && id === null) this.violation(lineNumber, line, `reports an error about an unreadable message: ${response.error.message}`);
      else this.violation(lineNumber, line, `answers request id ${JSON.stringify(id)}, which matches no request ${this.options.selfName} sent`);
      return;
    }
    this.settle(id!);
    if ('error' in response) p.reject(new RpcError(response.error.code, response.error.message, response.error.data));
    else p.resolve({ result: response.result, lineNumber, ...(p.atAnswer ? { atAnswer: p.atAnswer() } : {}) });
  }

  private settle(id: RpcId): void {
    const p = this.pending.get(id);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(id);
  }

  private remember(id: RpcId, method: string): void {
    this.expired.set(id, method);
    if (this.expired.size > REMEMBERED_EXPIRED) this.expired.delete(this.expired.keys().next().value!);
  }

  private violation(lineNumber: number, line: string, problem: string): void {
    this.options.onViolation({ lineNumber, line, problem });
  }

  private write(message: object): void {
    if (this.closedReason !== undefined) return;
    this.options.send(JSON.stringify(message));
  }
}

/** The text of anything a handler threw: an Error's message, a string as it is, anything else described. */
function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (isInstance(e, Error)) {
    try {
      return String(e.message || e.name);
    } catch {
      // A getter threw: describe it below.
    }
  }
  return describeThrown(e);
}
