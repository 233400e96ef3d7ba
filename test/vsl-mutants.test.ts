// The VSL area has teeth: the reference runtime (in-memory VSL) passes all of it, and every VSL
// mutant of the planted-fault corpus fails the checks of the requirements it declares (the whole
// corpus against every check runs in mutants.test.ts).

import { describe, expect, it } from 'vitest';
import { referenceAdapter } from '../src/adapters/reference.js';
import { FAULTS, mutantAdapter } from './mutants/faults.js';
import { notPassed, runVslArea } from './helpers/vsl-area.js';

const VSL_FAULTS = FAULTS.filter((f) => f.name.startsWith('vsl-'));

describe('VSL area', () => {
  it('passes on the reference runtime with its in-memory VSL', async () => {
    const records = await runVslArea(referenceAdapter);
    expect(notPassed(records)).toEqual([]);
    expect(records.filter((r) => r.area === 'vsl').length).toBeGreaterThanOrEqual(13);
  });

  it('has VSL mutants for every VSL requirement', () => {
    const covered = new Set(VSL_FAULTS.flatMap((f) => f.requirements));
    expect([...covered].sort()).toEqual(['L3-VSL-001', 'L3-VSL-002', 'L3-VSL-004', 'L3-VSL-005', 'L3-VSL-006', 'L3-VSL-007']);
  });

  it.each(VSL_FAULTS.map((f) => [f.name, f] as const))('catches %s on its declared requirements', async (name, fault) => {
    const adapter = mutantAdapter(name);
    try {
      const records = await runVslArea(adapter, fault.requirements);
      const failed = new Set(records.filter((r) => r.outcome === 'fail').flatMap((r) => r.requirements.slice(0, 1)));
      for (const requirement of fault.requirements) expect(failed, `${name} should fail ${requirement}; records:\n${notPassed(records).join('\n')}`).toContain(requirement);
      expect(records.filter((r) => r.outcome === 'error').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    } finally {
      await adapter.dispose?.();
    }
  });
});
