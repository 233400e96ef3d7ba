import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Adapter, AdapterDescription, Capabilities, Session } from '../src/adapter/contract.js';
import { referenceAdapter, referenceDescription } from '../src/adapters/reference.js';
import { parseCatalogue } from '../src/kit/catalogue.js';
import type { Check, CheckResult } from '../src/kit/check.js';
import { DEFAULT_RUN_OPTIONS, runChecks, type RunOptions, type RunTarget } from '../src/kit/runner.js';
import { hangingSession } from './fixtures/adapters/hangs.js';
import { garbageSession } from './fixtures/adapters/garbage.js';
import { throwingSession } from './fixtures/adapters/throws.js';

const catalogue = parseCatalogue(
  'inline.yaml',
  `version: 1
requirements:
  - { id: L3-PSG-001, level: MUST, area: psg, source: t, rule: r, needs: [], core: true }
  - { id: L3-PSG-002, level: MUST, area: psg, source: t, rule: r, needs: [], core: true }
  - { id: L3-PAUSE-001, level: MUST, area: pause, source: t, rule: r, needs: [pauseResume], core: true }
  - { id: L3-MAP-001, level: MUST, area: map, source: t, rule: r, needs: ["profile:map"], core: false }
`,
);

const ALL: Capabilities = { profiles: ['sa', 'map'], pauseResume: true, approval: true, moduleRegistry: false, drift: false, rollback: false, vsl: true };
const describeAs = (capabilities: Capabilities = ALL): AdapterDescription => ({ name: 'test adapter', version: '1.0.0', capabilities });

/** A well-behaved session whose operations can be replaced one by one; counts closes. */
function fakeAdapter(overrides: Partial<Session> = {}, capabilities: Capabilities = ALL) {
  const stats = { created: 0, closed: 0 };
  const adapter: Adapter = {
    describe: () => describeAs(capabilities),
    createSession: async () => {
      stats.created += 1;
      const session: Session = {
        load: async () => ({ ok: true }),
        transition: async () => ({ ok: true }),
        run: async (planId) => ({ ok: true, outcome: { plan_id: planId, plan_status: 'completed', step_statuses: {}, paused: false } }),
        cancel: async () => ({ ok: true }),
        confirm: async () => ({ ok: true }),
        pause: async () => ({ ok: true }),
        resume: async () => ({ ok: true }),
        get: async () => undefined,
        graph: async () => ({ nodes: [], edges: [] }),
        events: async () => [],
        close: async () => {
          stats.closed += 1;
        },
        vsl: { get: async () => undefined, set: async () => undefined },
        ...overrides,
      };
      return session;
    },
  };
  return { adapter, stats, target: { adapter, description: describeAs(capabilities), spec: './fake.ts' } satisfies RunTarget };
}

function check(id: string, run: Check['run'], extra: Partial<Check> = {}): Check {
  return { id, title: id, requirements: ['L3-PSG-001'], run, ...extra };
}

const result = (outcome: CheckResult['outcome'], message = `${outcome} result`): CheckResult => ({ outcome, message });

/** Opens a session, loads once, returns what the check decides. */
const loadThen = (outcome: CheckResult['outcome']): Check['run'] => async (ctx) => {
  const { session } = await ctx.newSession();
  await session.load({});
  return result(outcome);
};

const options = (o: Partial<RunOptions> = {}): RunOptions => ({ ...DEFAULT_RUN_OPTIONS, seed: 7, operationTimeoutMs: 200, checkTimeoutMs: 2_000, ...o });

async function runOne(c: Check, target: RunTarget, o: Partial<RunOptions> = {}) {
  const run = await runChecks(target, [c], catalogue, options(o));
  return run.records[0]!;
}

describe('runner outcomes', () => {
  it('passes and fails only as the check says when the adapter behaves', async () => {
    const { target } = fakeAdapter();
    expect((await runOne(check('c.pass', loadThen('pass')), target)).outcome).toBe('pass');
    const failed = await runOne(check('c.fail', loadThen('fail')), target);
    expect(failed.outcome).toBe('fail');
    expect(failed.replay).toEqual(['npx mplp-conformance run --adapter ./fake.ts --only c.fail --seed 7']);
  });

  it('gives the embedded reference\'s --vsl (password redacted) and the run\'s --cases to replay commands', async () => {
    const { target } = fakeAdapter();
    const onVsl: RunTarget = { adapter: target.adapter, description: target.description, vsl: 'redis://:***@127.0.0.1:6379/' };
    const run = await runChecks(onVsl, [check('c.fail', loadThen('fail'))], catalogue, options({ propertyCases: 12 }));
    expect(run.records[0]!.replay).toEqual(["npx mplp-conformance run --vsl 'redis://:***@127.0.0.1:6379/' --only c.fail --seed 7 --cases 12"]);
  });

  it.each([
    ['load', 'session.load() threw the string "load exploded"'],
    ['transition', 'session.transition() threw null'],
    ['run', 'session.run() threw a non-Error value {"reason":"run exploded"}'],
  ] as const)('turns a non-Error throw from %s into error naming the operation', async (op, message) => {
    const { target } = fakeAdapter({ [op]: throwingSession()[op] });
    const c = check('c.throws', async (ctx) => {
      const { session } = await ctx.newSession();
      await (session[op] as (...a: unknown[]) => Promise<unknown>)({ type: 'plan', id: 'p' }, 'approved');
      return result('pass');
    });
    const record = await runOne(c, target);
    expect(record.outcome).toBe('error');
    expect(record.message).toContain(message);
  });

  it.each([
    ['load', 'session.load() returned 42, not an OpResult'],
    ['run', 'session.run() accepted the run but returned no "outcome"'],
    ['graph', 'session.graph() returned {"nodes":"none"}, not a GraphExport'],
    ['events', 'session.events() returned {"events":[]}, not an array of events'],
    ['cancel', 'session.cancel() returned a rejection without a string "code"'],
  ] as const)('turns a malformed return from %s into error naming the operation', async (op, message) => {
    const { target } = fakeAdapter({ [op]: garbageSession()[op] });
    const c = check('c.garbage', async (ctx) => {
      const { session } = await ctx.newSession();
      await (session[op] as (...a: unknown[]) => Promise<unknown>)('p');
      return result('pass');
    });
    const record = await runOne(c, target);
    expect(record.outcome).toBe('error');
    expect(record.message).toContain(message);
  });

  it('ends a hanging operation with error at the operation timeout, and the run completes', async () => {
    const { target } = fakeAdapter({ run: hangingSession().run });
    const record = await runOne(check('c.hang', async (ctx) => {
      const { session } = await ctx.newSession();
      await session.run('p');
      return result('pass');
    }), target, { operationTimeoutMs: 50 });
    expect(record.outcome).toBe('error');
    expect(record.message).toContain('session.run() did not settle within 50 ms');
  });

  it('keeps error when the check swallows the adapter fault and claims pass', async () => {
    const { target } = fakeAdapter({ load: throwingSession().load });
    const record = await runOne(check('c.swallow', async (ctx) => {
      const { session } = await ctx.newSession();
      await session.load({}).catch(() => undefined);
      return result('pass');
    }), target);
    expect(record.outcome).toBe('error');
    expect(record.evidence).toEqual({ adapter_faults: ['session.load() threw the string "load exploded"'] });
  });

  it('is error when the check itself throws or returns garbage', async () => {
    const { target } = fakeAdapter();
    const thrown = await runOne(check('c.bug', async () => {
      throw new RangeError('index out of range');
    }), target);
    expect(thrown).toMatchObject({ outcome: 'error', message: 'the check itself failed to run: RangeError: index out of range' });
    const garbage = await runOne(check('c.bad', async () => ({ outcome: 'great' }) as unknown as CheckResult), target);
    expect(garbage.outcome).toBe('error');
    expect(garbage.message).toContain('outcome "great"');
    // A check may end blocked itself: something it needed broke before it graded its requirements.
    const blocked = await runOne(check('c.self-blocked', async () => result('blocked')), target);
    expect(blocked.outcome).toBe('blocked');
  });

  it('ends a check that never finishes with error at the check timeout and aborts its signal', async () => {
    const { target, stats } = fakeAdapter();
    let aborted = false;
    const record = await runOne(check('c.stuck', async (ctx) => {
      await ctx.newSession();
      ctx.signal.addEventListener('abort', () => {
        aborted = true;
      });
      return new Promise<CheckResult>(() => undefined);
    }), target, { checkTimeoutMs: 50 });
    expect(record.outcome).toBe('error');
    expect(record.message).toContain('did not finish within 50 ms (check timeout)');
    expect(aborted).toBe(true);
    expect(stats.closed).toBe(1);
  });

  it('skips a check whose need is not claimed, without opening a session', async () => {
    const { target, stats } = fakeAdapter({}, { ...ALL, pauseResume: false });
    const record = await runOne(check('c.pause', loadThen('pass'), { needs: ['pauseResume'], requirements: ['L3-PAUSE-001'] }), target);
    expect(record).toMatchObject({ outcome: 'skipped', message: 'needs pauseResume, which the adapter does not claim' });
    expect(stats.created).toBe(0);
  });

  it('blocks a check whose prerequisite did not pass, is unknown, or forms a cycle', async () => {
    const { target } = fakeAdapter();
    const checks = [
      check('a.fails', loadThen('fail')),
      check('b.after-fail', loadThen('pass'), { after: ['a.fails'] }),
      check('c.after-unknown', loadThen('pass'), { after: ['nope'] }),
      check('d.loop', loadThen('pass'), { after: ['e.loop'] }),
      check('e.loop', loadThen('pass'), { after: ['d.loop'] }),
      check('f.after-pass', loadThen('pass'), { after: ['g.pass'] }),
      check('g.pass', loadThen('pass')),
    ];
    const run = await runChecks(target, checks, catalogue, options());
    const byId = Object.fromEntries(run.records.map((r) => [r.id, r]));
    expect(byId['b.after-fail']).toMatchObject({ outcome: 'blocked', message: 'prerequisite a.fails ended fail' });
    expect(byId['c.after-unknown']).toMatchObject({ outcome: 'blocked', message: 'prerequisite nope is not a known check' });
    expect(byId['d.loop']!.outcome).toBe('blocked');
    expect(byId['d.loop']!.message).toContain('cycle');
    expect(byId['f.after-pass']!.outcome).toBe('pass');
    expect(run.records.map((r) => r.id)).toEqual(checks.map((c) => c.id));
  });

  it('refuses a session that lacks the methods of a claimed capability', async () => {
    const { target } = fakeAdapter({ pause: undefined, resume: undefined } as Partial<Session>);
    const record = await runOne(check('c.caps', loadThen('pass')), target);
    expect(record.outcome).toBe('error');
    expect(record.message).toContain('the session has no pause() although the adapter claims pauseResume');
  });
});

describe('runner session lifecycle', () => {
  it('closes every session and removes its workspace, whatever the check did', async () => {
    const { target, stats } = fakeAdapter();
    const workspaces: string[] = [];
    const opener = (finish: () => Promise<CheckResult>): Check['run'] => async (ctx) => {
      for (let i = 0; i < 2; i++) workspaces.push((await ctx.newSession()).workspace);
      return finish();
    };
    const checks = [
      check('c.ok', opener(async () => result('pass'))),
      check('c.throws', opener(async () => {
        throw 'check bug';
      })),
      check('c.fails', opener(async () => result('fail'))),
    ];
    await runChecks(target, checks, catalogue, options());
    expect(stats).toEqual({ created: 6, closed: 6 });
    expect(workspaces.filter((w) => existsSync(w))).toEqual([]);
  });

  it('does not close a session twice when the check closed it', async () => {
    const { target, stats } = fakeAdapter();
    const record = await runOne(check('c.closes', async (ctx) => {
      const { session } = await ctx.newSession();
      await session.close();
      return result('pass');
    }), target);
    expect(record.outcome).toBe('pass');
    expect(stats.closed).toBe(1);
  });

  it('makes a hanging close() an error without hanging the run', async () => {
    const { target } = fakeAdapter({ close: hangingSession().close });
    const record = await runOne(check('c.close-hangs', loadThen('pass')), target, { operationTimeoutMs: 50 });
    expect(record.outcome).toBe('error');
    expect(record.message).toContain('session.close() did not settle within 50 ms');
  });

  it('gives the adapter copies: mutating an argument does not reach the check', async () => {
    const { target } = fakeAdapter({
      load: async (bundle) => {
        (bundle as { plans?: unknown[] }).plans = ['mutated'];
        return { ok: true };
      },
    });
    const record = await runOne(check('c.copy', async (ctx) => {
      const { session } = await ctx.newSession();
      const bundle = { contexts: [] };
      await session.load(bundle);
      return 'plans' in bundle ? result('fail', 'bundle was mutated') : result('pass');
    }), target);
    expect(record.outcome).toBe('pass');
  });

  it('gives each session a fresh workspace, a RecordingAEL and the run seed', async () => {
    const seen: unknown[] = [];
    const adapter: Adapter = {
      describe: () => describeAs(),
      createSession: async (env) => {
        seen.push({ seed: env.seed, maxConcurrency: env.maxConcurrency, hasAel: typeof env.ael.execute === 'function', workspace: existsSync(env.workspace) });
        return (await fakeAdapter().adapter.createSession(env));
      },
    };
    await runOne(check('c.env', loadThen('pass')), { adapter, description: describeAs() }, { seed: 99, maxConcurrency: 3 });
    expect(seen).toEqual([{ seed: 99, maxConcurrency: 3, hasAel: true, workspace: true }]);
  });
});

describe('runner scheduling', () => {
  it('stops starting checks after the first fail under --bail', async () => {
    const { target } = fakeAdapter();
    const run = await runChecks(target, [check('a', loadThen('pass')), check('b', loadThen('fail')), check('c', loadThen('pass'))], catalogue, options({ bail: true }));
    expect(run.records.map((r) => r.outcome)).toEqual(['pass', 'fail', 'blocked']);
    expect(run.records[2]!.message).toContain('--bail');
    expect(run.bailedAfter).toBe('b');
  });

  it('runs checks in parallel when asked, still honouring prerequisites', async () => {
    const { target } = fakeAdapter();
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const tracked = (id: string): Check['run'] => async (ctx) => {
      running += 1;
      peak = Math.max(peak, running);
      await ctx.newSession();
      await new Promise((r) => setImmediate(r));
      order.push(id);
      running -= 1;
      return result('pass');
    };
    const checks = [check('x', tracked('x'), { after: ['y'] }), check('y', tracked('y')), check('z', tracked('z')), check('w', tracked('w'))];
    const run = await runChecks(target, checks, catalogue, options({ concurrency: 2 }));
    expect(run.records.every((r) => r.outcome === 'pass')).toBe(true);
    expect(order.indexOf('y')).toBeLessThan(order.indexOf('x'));
    expect(peak).toBe(2);
  });

  it('selects by level and --only, pulling in prerequisites', async () => {
    const { target } = fakeAdapter();
    const checks = [
      check('psg.one', loadThen('pass')),
      check('map.one', loadThen('pass'), { requirements: ['L3-MAP-001'], after: ['psg.one'] }),
      check('pause.one', loadThen('pass'), { requirements: ['L3-PAUSE-001'] }),
    ];
    const core = await runChecks(target, checks, catalogue, options({ level: 'core' }));
    expect(core.records.map((r) => r.id)).toEqual(['psg.one', 'pause.one']);
    const onlyMap = await runChecks(target, checks, catalogue, options({ only: ['map'] }));
    expect(onlyMap.records.map((r) => r.id)).toEqual(['psg.one', 'map.one']);
    expect(onlyMap.selection).toMatchObject({ partial: true, requirements: ['L3-MAP-001'] });
    const byCheck = await runChecks(target, checks, catalogue, options({ only: ['pause.one'] }));
    expect(byCheck.selection.requirements).toEqual(['L3-PAUSE-001']);
    const unmatched = await runChecks(target, checks, catalogue, options({ only: ['nothing-here'] }));
    expect(unmatched.selection.unmatched).toEqual(['nothing-here']);
  });

  it('drives the embedded reference adapter through real sessions', async () => {
    const target: RunTarget = { adapter: referenceAdapter, description: referenceDescription };
    const record = await runOne(check('c.reference', async (ctx) => {
      const { session } = await ctx.newSession();
      const refused = await session.transition({ type: 'plan', id: '00000000-0000-4000-8000-000000000000' }, 'completed');
      return refused.ok ? result('fail', 'an unknown plan was transitioned') : result('pass', `refused with ${refused.code}`);
    }), target);
    expect(record.outcome).toBe('pass');
    expect(record.replay).toBeUndefined();
  });
});
