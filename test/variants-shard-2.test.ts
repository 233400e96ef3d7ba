// Issue 15: share 2 of the must-pass variants passes the whole kit with no fail and no error
// (test/variants/shard.ts; the last share also runs every variant at once).

import { it } from 'vitest';
import { expectVariantShardPasses } from './variants/shard.js';

it('every variant of share 2 passes the whole kit with no fail and no error', () => expectVariantShardPasses(1), 900_000);
