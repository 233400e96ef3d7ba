import type { ActionExecutionLayer, StepActionLike } from './types.js';

/** The seed's reference AEL: every action succeeds and echoes itself. */
export class InMemoryAEL implements ActionExecutionLayer {
  async execute(action: StepActionLike): Promise<unknown> {
    return { status: 'executed', action };
  }
}
