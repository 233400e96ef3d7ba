// Issue 6: share 3 of the mutant corpus; every mutant in it must fail its declared requirements
// and the reference must pass every check.
import { it } from 'vitest';
import { expectShardCaught } from './mutants/shard.js';

it('catches every mutant of share 3 and passes the reference', () => expectShardCaught(2), 900_000);
