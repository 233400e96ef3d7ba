// Generators of L3 test cases (fast-check) and the property checks built on them. Every case
// is a golden flow, so any failing case can be written out and replayed. See docs/properties.md.

// Plan DAGs and their defects
export { type Dag, stepName, stepCount, edgeCount, dagOf, ancestorsOf, descendantsOf, dependentsOf, restrict, isAntichain } from './dag.js';
export { dagArbitrary, chainDag, fanOutDag, latticeDag, layeredDag, DAG_SHAPES, type DagShape, type DagOptions } from './dag-arbitraries.js';
export { defectivePlanArbitrary, defectivePlanSpec, smallerDefectivePlans, CYCLIC_DEFECTS, DANGLING_DEFECTS, DEFECT_KINDS, type PlanDefect, type DefectKind, type DefectivePlan } from './plan-defects.js';
export { shrinkingBy, smallerDags } from './shrink.js';

// Runs, scripted outcomes and the L2 model
export { runScenarioArbitrary, scenarioBody, predictedEnd, failurePlan, widestLevel, smallerScenarios, type RunScenario, type ScenarioOptions } from './run-scenario.js';
export { predict, initialState, type WalkState, type WalkOp, type Prediction } from './l2-model.js';

// Schema-driven objects and mutations
export { fakeObject, inlinedSchema } from './schema-objects.js';
export { applyMutation, mutationSites, describeMutation, MUTATION_KINDS, type MutationKind, type SchemaMutation } from './schema-mutations.js';

// Cases (golden flows) per property
export { finishCase, type GeneratedCase, type CaseEnv, type CaseOwner, type CaseFiles } from './case.js';
export type { PropertyCases } from './cases/cases.js';
export { validPlanCases, defectivePlanCases } from './cases/registration.js';
export { executionCases, statusEventCases, failurePropagationCases } from './cases/runs.js';
export { lifecycleWalkCases, oracleExpectation, walkScript, WALK_PLANS, type Walk, type WalkStart, type WalkOptions } from './cases/lifecycle-walk.js';
export { schemaFuzzCases, registrable, type FuzzValue } from './cases/schema-fuzz.js';

// Property checks, running cases, counterexamples, benchmark hooks
export { propertyCheck, checkProperty, caseEnv, propertyCases, DEFAULT_PROPERTY_CASES, SHRINK_BUDGET_MS, type PropertyCheckDefinition } from './property-check.js';
export { runCase, loadedCase } from './run-case.js';
export { runPropertyCheck, type PropertyRunOptions, type PropertyRun } from './run-property.js';
export { writeCounterexample, counterexampleYaml, defaultCounterexampleDir, type CounterexampleOrigin } from './counterexample.js';
export { measurePropertyThroughput, THROUGHPUT_PROPERTIES, type ThroughputOptions, type ThroughputResult, type ThroughputProperty, type CaseRate } from './throughput.js';
