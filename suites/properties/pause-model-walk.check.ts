// Property (model-based): the L2 walk with pause and resume mixed in. Without a running plan
// every pause or resume must be rejected and change nothing, wherever the walk has taken
// the plan (draft, approved, completed, cancelled...).

import { lifecycleWalkCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.pause.model-walk',
  title: 'Pause and resume of a plan that is not running are rejected along random L2 walks',
  requirements: ['L3-PAUSE-005'],
  needs: ['pauseResume'],
  cases: lifecycleWalkCases({ pauseResume: true }),
});
