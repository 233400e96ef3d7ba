// Public surface of the reference L3 runtime.
export { L3Runtime, type RuntimeOptions, type LoadBundle, type ObjectRef, type DecisionInput } from './runtime.js';
export type { RunOutcome, RunProfile } from './orchestrator/plan-run.js';
export { RuntimeError, TransitionError, type RuntimeErrorCode } from './errors.js';
export { EventBus, type EventSink, type Subscriber } from './events/bus.js';
export { ProjectSemanticGraph, type PsgNode, type PsgEdge, type Mutation, type NodeType, type EdgeType } from './psg/graph.js';
export { findCycle, topoOrder } from './psg/dag.js';
export { InMemoryVSL } from './vsl/in-memory.js';
export type { ValueStateLayer, VslTx } from './vsl/types.js';
export { InMemoryAEL } from './ael/in-memory.js';
export type { ActionExecutionLayer, StepActionLike } from './ael/types.js';
export { ModuleRegistry, type RuntimeModule, type RuntimeModuleRegistry } from './registry/modules.js';
export { createRuntimeContext, runSingleAgentFlow, type RuntimeContext, type RunSingleAgentFlowOptions, type RuntimeResult } from './sa-flow.js';
