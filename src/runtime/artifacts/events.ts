// Event-core notifications of the optional capabilities (digest §9.5, §9.6 [KIT]): drift in
// family impact_analysis, rollback in family compensation_plan. No new event family.

import type { IdSource } from '../../mplp/ids.js';
import type { EventCore, EventFamily } from '../../mplp/types.js';
import type { Clock } from '../events/factory.js';

export type NotificationType = 'DriftDetected' | 'DriftResolved' | 'RollbackInitiated' | 'RollbackCompleted';

const FAMILY: Readonly<Record<NotificationType, EventFamily>> = {
  DriftDetected: 'impact_analysis',
  DriftResolved: 'impact_analysis',
  RollbackInitiated: 'compensation_plan',
  RollbackCompleted: 'compensation_plan',
};

export function notification(ids: IdSource, clock: Clock, type: NotificationType, payload: Record<string, unknown>, projectId?: string): EventCore {
  return {
    event_id: ids.next(),
    event_type: type,
    event_family: FAMILY[type],
    timestamp: clock(),
    ...(projectId ? { project_id: projectId } : {}),
    payload: structuredClone(payload),
  };
}
