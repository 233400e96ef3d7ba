// Seed §3.3: the Action Execution Layer. execute resolves with the result and throws
// on failure; the runtime catches the throw, fails the step and keeps running.

export interface StepActionLike {
  action_id: string;
  plan_id: string;
  step_id: string;
  description?: string;
  agent_role?: string;
  [k: string]: unknown;
}

export interface ActionExecutionLayer {
  execute(action: StepActionLike): Promise<unknown>;
}
