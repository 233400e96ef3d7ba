// Facts of the stdio adapter protocol shared by both ends: its version, method names, error
// codes and message shapes, and the check of one incoming message against
// schemas/adapter-protocol.schema.json. Documented in docs/stdio-protocol.md.

import { formatErrors, validateWithSchemaFile, type SchemaError } from '../../mplp/validate.js';

/** MAJOR.MINOR; a runtime whose major differs is refused at the handshake. */
export const PROTOCOL_VERSION = '1.0';
export const PROTOCOL_SCHEMA = 'adapter-protocol.schema.json';

/** The longest line either side reads (128 Mi characters); a longer one breaks the protocol. */
export const MAX_LINE_CHARS = 128 * 1024 * 1024;

/** Error codes: JSON-RPC's own, then the protocol's. */
export const RPC_ERROR = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** The operation threw: for the kit, an adapter fault. */
  operationFailed: -32000,
  unknownSession: -32001,
  /** The kit's AEL threw for this action: the step failed. */
  actionFailed: -32002,
  /** The kit-side module threw. */
  moduleFailed: -32003,
} as const;

/**
 * Session operations that cross as they are: method name → the names under which its
 * arguments travel in params (besides `session`). run, get, close, the VSL and
 * modules.register need more than forwarding and are handled by name.
 */
export const FORWARDED_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  load: ['bundle'],
  transition: ['target', 'to'],
  cancel: ['plan_id'],
  confirm: ['decision'],
  graph: [],
  /** `cursor` ({ after?, limit? }) only travels when the kit reads by cursor (runtimes that declare eventCursor). */
  events: ['cursor'],
  pause: ['plan_id'],
  resume: ['plan_id'],
  'modules.unregister': ['name'],
  'modules.list': [],
  'modules.invoke': ['name', 'ctx'],
  'drift.scan': [],
  'drift.ingest': ['event'],
  'drift.reconcile': ['strategy'],
  'drift.resolve': ['path', 'decision'],
  'drift.artifacts': [],
  'rollback.setPolicy': ['policy'],
  'rollback.snapshots': [],
};

/** Optional session members, by the capability that obliges a session to have them. */
export const CAPABILITY_METHODS = {
  pauseResume: ['pause', 'resume'],
  vsl: ['vsl.get', 'vsl.set', 'vsl.transaction'],
  moduleRegistry: ['modules.register', 'modules.unregister', 'modules.list', 'modules.invoke'],
  drift: ['drift.scan', 'drift.ingest', 'drift.reconcile', 'drift.resolve', 'drift.artifacts'],
  rollback: ['rollback.setPolicy', 'rollback.snapshots'],
} as const;

/** Optional session members a runtime may announce in its createSession result (`methods`). */
export const OPTIONAL_SESSION_METHODS = Object.values(CAPABILITY_METHODS).flat();
export type OptionalSessionMethod = (typeof CAPABILITY_METHODS)[keyof typeof CAPABILITY_METHODS][number];

export type RpcId = number | string;

export interface RpcRequest {
  jsonrpc: '2.0';
  id: RpcId;
  method: string;
  params: Record<string, unknown>;
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcResponse = { jsonrpc: '2.0'; id: RpcId; result: unknown } | { jsonrpc: '2.0'; id: RpcId | null; error: RpcErrorObject };

export type RpcMessage = RpcRequest | RpcResponse;

/** An error answer, thrown by request handlers and by the peer when a request is answered with one. */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** What `describe` answers: the AdapterDescription plus the protocol version. */
export interface DescribeResult {
  protocol_version: string;
  name: string;
  version: string;
  contract_version?: string;
  capabilities: unknown;
}

/** What `createSession` answers (any object; `methods` is optional). */
export interface CreateSessionResult {
  methods?: OptionalSessionMethod[];
}

/** A vsl.get / vsl.transaction.get answer: `found: false` is undefined in the contract. */
export interface VslReadResult {
  found: boolean;
  value?: unknown;
}

/**
 * Problems of one parsed incoming message, as one line, or undefined when it is a valid
 * protocol message. Drops Ajv's summary lines (if/oneOf) when a precise error exists.
 */
export function messageProblem(message: unknown): string | undefined {
  const r = validateWithSchemaFile(PROTOCOL_SCHEMA, message);
  if (r.ok) return undefined;
  const precise = r.errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf');
  return formatErrors((precise.length > 0 ? precise : r.errors).map(reword)).replace(/\n/g, '; ');
}

function reword(e: SchemaError): SchemaError {
  return e.keyword === 'false schema' ? { ...e, message: 'is not allowed in this kind of message' } : e;
}

/** Whether two MAJOR.MINOR versions can talk: same major. */
export function compatibleVersion(theirs: unknown): boolean {
  return typeof theirs === 'string' && theirs.split('.')[0] === PROTOCOL_VERSION.split('.')[0];
}

/** A line for messages: long ones cut, so an error never floods the report. */
export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
