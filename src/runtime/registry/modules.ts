// Seed §3.5: modules can be registered and unregistered while the runtime is alive.

import { RuntimeError } from '../errors.js';

export interface ModuleOutput {
  output: unknown;
  events: unknown[];
}
export type RuntimeModule = (args: { ctx: unknown }) => Promise<ModuleOutput>;
/** The seed's RuntimeModuleRegistry shape. */
export type RuntimeModuleRegistry = Record<string, RuntimeModule>;

export class ModuleRegistry {
  private readonly modules = new Map<string, RuntimeModule>();

  constructor(initial: RuntimeModuleRegistry = {}) {
    for (const [name, m] of Object.entries(initial)) this.register(name, m);
  }

  register(name: string, module: RuntimeModule): void {
    if (typeof name !== 'string' || name.length === 0) throw new RuntimeError('INVALID_STATE', 'module name must be a non-empty string');
    if (typeof module !== 'function') throw new RuntimeError('INVALID_STATE', `module ${name} must be a function ({ ctx }) => Promise<{ output, events }>`);
    if (this.modules.has(name)) throw new RuntimeError('MODULE_DUPLICATE', `module ${name} is already registered`, { name });
    this.modules.set(name, module);
  }

  unregister(name: string): void {
    if (!this.modules.delete(name)) throw new RuntimeError('MODULE_UNKNOWN', `module ${name} is not registered`, { name });
  }

  has(name: string): boolean {
    return this.modules.has(name);
  }

  list(): string[] {
    return [...this.modules.keys()];
  }

  async invoke(name: string, ctx: unknown): Promise<ModuleOutput> {
    const m = this.modules.get(name);
    if (!m) throw new RuntimeError('MODULE_UNKNOWN', `module ${name} is not registered`, { name });
    const result = await m({ ctx });
    if (!result || typeof result !== 'object' || !Array.isArray((result as ModuleOutput).events)) {
      throw new RuntimeError('INVALID_STATE', `module ${name} returned ${JSON.stringify(result)}; expected { output, events: [] }`, { name });
    }
    return result;
  }
}
