// Typed runtime errors: every rejection carries a stable code, a message that names the
// object and the rule, and details a caller can act on.

export type RuntimeErrorCode =
  | 'SCHEMA_INVALID'
  | 'REF_UNRESOLVED'
  | 'DAG_CYCLE'
  | 'DUPLICATE_ID'
  | 'TRANSITION_FORBIDDEN'
  | 'GUARD_FAILED'
  | 'NOT_FOUND'
  | 'APPEND_ONLY'
  | 'INVALID_STATE'
  | 'MODULE_UNKNOWN'
  | 'MODULE_DUPLICATE'
  | 'VSL_WRITE_FAILED';

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A status change the L2 tables or a cross-object guard refuse. */
export class TransitionError extends RuntimeError {
  override name = 'TransitionError';
  constructor(
    code: 'TRANSITION_FORBIDDEN' | 'GUARD_FAILED',
    readonly object: string,
    readonly id: string,
    readonly from: string,
    readonly to: string,
    readonly rule: string,
  ) {
    super(code, `${object} ${id}: ${from} → ${to} rejected: ${rule}`, { object, id, from, to, rule });
  }
}
