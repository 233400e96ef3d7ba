// The kit's public API: checks, the recording AEL, the runner, reports, baselines, diffs and selfcheck.

export type { Check, CheckContext, CheckOrigin, CheckResult, KitSession, Need, Outcome } from './check.js';
export { RecordingAEL, type AelCall, type Barrier, type RecordingAelOptions, type Scripted } from './recording-ael.js';
export { AREAS, CatalogueError, DEFAULT_CATALOGUE, lintCoverage, loadCatalogue, parseCatalogue, type Area, type Catalogue, type Requirement } from './catalogue.js';
export { discoverChecks, DEFAULT_FLOWS_DIR, DEFAULT_SUITES_DIR, type Discovery, type DiscoveryProblem } from './discover.js';
export { DEFAULT_RUN_OPTIONS, interruptionName, runChecks, type CheckRecord, type RunInterruption, type RunOptions, type RunProgress, type RunResult, type RunTarget } from './runner.js';
export { AdapterFault } from './session-guard.js';
export { runConformance, type ConformanceInput } from './conformance.js';
export { buildReport, incompleteText, type Report, type ReportIncomplete } from './report/build.js';
export { writeReport, reportSchemaProblems, type WrittenReport } from './report/write.js';
export { renderJunit } from './report/junit.js';
export { renderSummary } from './report/summary.js';
export { verdictHash, canonicalJson } from './report/hash.js';
export type { LevelVerdict, RequirementVerdict } from './report/verdicts.js';
export type { ConformanceLevel } from './select.js';
export { diffReports, renderDiff, type DiffInput, type OutcomeChange, type ReportDiff } from './report/diff.js';
export { renderHtml } from './report/html/page.js';
export { renderBadge, type Badge } from './report/badge.js';
export {
  BaselineError,
  DEFAULT_BASELINE_FILE,
  judgeBaseline,
  loadBaseline,
  openBaseline,
  parseBaseline,
  renderBaseline,
  renderJudgement,
  settleBaseline,
  updateBaseline,
  type Baseline,
  type BaselineEntry,
  type BaselineJudgement,
  type CiVerdict,
} from './baseline/index.js';
export { selfcheck, renderSelfcheck, type MutantSpec, type MutantVerdict, type SelfcheckResult } from './selfcheck.js';
export { importUpstream, importUpstreamFlow, isUpstreamFixture, loadFlowDir, loadFlowFile, type ImportResult } from './flows/index.js';
export { mergeShardReports, MergeError, type MergedReport, type ShardReport } from './merge.js';
export { parseShard, type ShardInfo, type ShardSpec } from './shard.js';
export { renderTap } from './report/tap.js';
export { buildMatrix, renderMatrixHtml, renderMatrixMarkdown, type Matrix, type MatrixInput } from './report/matrix.js';
