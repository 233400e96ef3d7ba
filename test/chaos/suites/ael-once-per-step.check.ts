// The chaos CLI runs load only the checks they grade (discovering every suite takes seconds).
export { default } from '../../../suites/orchestration/ael-once-per-step.check.js';
