// One guard for every status change: the L2 table decides the class of the pair, then
// the row's cross-object guards must hold. Rejections name object, id, from, to and rule.

import { classify, referenceAllows, type GuardName, type TransitionRow } from '../../mplp/transitions.js';
import type { LifecycleObject } from '../../mplp/types.js';
import { RuntimeError, TransitionError } from '../errors.js';

/** Answers null when the named guard holds, or the reason it does not. */
export type GuardEvaluator = (guard: GuardName) => string | null;

export type GuardVerdict = { kind: 'same' } | { kind: 'allowed'; row: TransitionRow };

const SAME: GuardVerdict = Object.freeze({ kind: 'same' });
/** One verdict object per table row: the guard runs on every status change. */
const ALLOWED = new WeakMap<TransitionRow, GuardVerdict>();

function allowed(row: TransitionRow): GuardVerdict {
  let verdict = ALLOWED.get(row);
  if (!verdict) ALLOWED.set(row, (verdict = Object.freeze({ kind: 'allowed', row })));
  return verdict;
}

export function checkTransition(
  object: LifecycleObject,
  id: string,
  from: string,
  to: string,
  guards: GuardEvaluator,
): GuardVerdict {
  const c = classify(object, from, to);
  switch (c.kind) {
    case 'unknown-status':
      throw new RuntimeError('TRANSITION_FORBIDDEN', `${object} ${id}: ${JSON.stringify(to)} is not a ${object} status`, { object, id, from, to });
    case 'same':
      return SAME;
    case 'terminal':
      throw new TransitionError('TRANSITION_FORBIDDEN', object, id, from, to, c.row.rule);
    case 'row': {
      if (!referenceAllows(c.row)) throw new TransitionError('TRANSITION_FORBIDDEN', object, id, from, to, c.row.rule);
      const names = c.row.guards;
      if (names) {
        for (let i = 0; i < names.length; i++) {
          const reason = guards(names[i]!);
          if (reason) throw new TransitionError('GUARD_FAILED', object, id, from, to, `${c.row.rule} (${reason})`);
        }
      }
      return allowed(c.row);
    }
  }
}
