// Issue 6: share 1 of the mutant corpus; every mutant in it must fail its declared requirements
// and the reference must pass every check.
import { it } from 'vitest';
import { expectShardCaught } from './mutants/shard.js';

it('catches every mutant of share 1 and passes the reference', () => expectShardCaught(0), 900_000);
