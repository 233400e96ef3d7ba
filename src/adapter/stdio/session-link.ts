// The kit's side of one session opened over stdio: the SessionEnv its runtime calls back
// into (every `ael.execute` and `module.invoke` request lands here), the kit-side modules
// registered on it, and which step actions of which plan are executing right now.

import type { RuntimeModule, SessionEnv, StepAction } from '../contract.js';
import { RPC_ERROR, RpcError } from './protocol.js';
import type { RuntimeProcess } from './runtime-process.js';

export class SessionLink {
  /** Modules are kit-side functions; the runtime reaches them by name through `module.invoke`. */
  readonly modules = new Map<string, RuntimeModule>();
  /** Step ids whose AEL call is executing, by plan id. */
  private readonly executing = new Map<string, string[]>();

  constructor(
    readonly id: string,
    readonly env: SessionEnv,
    readonly process: RuntimeProcess,
  ) {}

  /** Answers `ael.execute`: the kit's recording AEL runs the action; a throw fails the step. */
  async executeAction(action: unknown): Promise<unknown> {
    const { plan_id: planId, step_id: stepId } = (action ?? {}) as Partial<StepAction>;
    const plan = String(planId);
    const running = this.executing.get(plan) ?? [];
    running.push(String(stepId));
    this.executing.set(plan, running);
    try {
      const result = await this.env.ael.execute(action as StepAction);
      return result === undefined ? null : result;
    } catch (e) {
      throw new RpcError(RPC_ERROR.actionFailed, e instanceof Error ? e.message : String(e));
    } finally {
      running.splice(running.indexOf(String(stepId)), 1);
      if (running.length === 0) this.executing.delete(plan);
    }
  }

  /** Answers `module.invoke`: runs the kit-side module registered under `name`. */
  async invokeModule(name: string, ctx: unknown): Promise<unknown> {
    const module = this.modules.get(name);
    if (!module) throw new RpcError(RPC_ERROR.moduleFailed, `no module named ${JSON.stringify(name)} is registered for session ${this.id}`);
    try {
      const result = await module({ ctx });
      return result === undefined ? null : result;
    } catch (e) {
      throw new RpcError(RPC_ERROR.moduleFailed, `module ${name} threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Steps of the plan whose AEL call has not returned yet. */
  actionsExecuting(planId: string): readonly string[] {
    return this.executing.get(planId) ?? [];
  }
}
