// The simulator's running table (SchedulingContext.runningTable, src/sim/running-slots.ts) must
// say, at every scheduling pass, exactly what the jobs say: each running job's predicted finish
// (bit for bit, as ctx.predictedFinishS computes it), devices, share, kind and account, at its
// position in ctx.running. Checked on every pass of runs that start, end, preempt, fail, restore,
// checkpoint, share devices and change rates on a network; and policies that read it (EASY's
// reservation, multifactor's fair-share usage) must decide as they do without it.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { QueueDiscipline, SchedulingContext } from '../src/policy/types.js';
import { bundled, crowdedOpenb, failingQuickstart } from './helpers.js';

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Every disagreement between the table and the jobs on this pass, as text. */
function tableProblems(ctx: SchedulingContext): string[] {
  const t = ctx.runningTable!;
  const out: string[] = [];
  ctx.running.forEach((j, i) => {
    const want = { finishS: ctx.predictedFinishS(j), devices: j.devices, share: (j.devices * j.milli) / 1000, kind: j.placement!.kind, account: j.account ?? '' };
    const got = { finishS: t.finishS[i]!, devices: t.devices[i]!, share: t.share[i]!, kind: t.kind[i]!, account: t.account[i]! };
    for (const k of ['finishS', 'devices', 'share', 'kind'] as const) if (!same(want[k], got[k])) out.push(`t=${ctx.nowS} job ${j.name} (slot ${i}, ${j.state}): ${k} ${got[k]} in the table, ${want[k]} from the job`);
    if (want.account !== got.account) out.push(`t=${ctx.nowS} job ${j.name}: account '${got.account}' in the table, '${want.account}' from the job`);
  });
  return out;
}

interface Checked {
  passes: number;
  runningSeen: number;
  states: Set<string>;
  problems: string[];
  jobs: string;
}

/**
 * Run with the scenario's queue policy (or `policy`) wrapped so that each pass first checks the
 * table; `hideTable` gives the policy a context without it (the route plug-ins and tests take).
 */
function run(resolved: ResolvedScenario, policy?: string, hideTable = false): Checked {
  const policies = resolvePolicies(policy ? { name: policy, params: {} } : resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src });
  const inner = policies.queue;
  const c: Checked = { passes: 0, runningSeen: 0, states: new Set(), problems: [], jobs: '' };
  const queue: QueueDiscipline = {
    schedule(ctx) {
      c.passes++;
      c.runningSeen += ctx.running.length;
      for (const j of ctx.running) c.states.add(j.state);
      if (c.problems.length < 5) c.problems.push(...tableProblems(ctx));
      if (!hideTable) return inner.schedule(ctx);
      // A context that offers everything but the table (its getters read through).
      const view = Object.create(ctx, { runningTable: { value: undefined } }) as SchedulingContext;
      return inner.schedule(view);
    },
  };
  runScenario(resolved, { policies: { ...policies, queue }, outputs: { files: ['jobs.csv', 'summary.csv'], write: (f, t) => (c.jobs += `${f}\n${t}`) } });
  return c;
}


describe('the running table says what the running jobs say, on every pass', () => {
  it('with failures, restores and checkpoints, and rates that change on the network between two sites', () => {
    const c = run(failingQuickstart('easy-backfill'));
    expect(c.problems).toEqual([]);
    expect(c.runningSeen).toBeGreaterThan(1000);
    // Devices did fail under running jobs (summary.csv's failures column).
    const summary = c.jobs.slice(c.jobs.indexOf('summary.csv\n') + 'summary.csv\n'.length).trim().split('\n');
    const failures = Number(summary[1]!.split(',')[summary[0]!.split(',').indexOf('failures')]);
    expect(failures).toBeGreaterThan(0);
  });

  it('with preemption: checkpointing jobs keep their slot with no predicted finish (quickstart under LAS)', () => {
    const c = run(bundled('quickstart'), 'las');
    expect(c.problems).toEqual([]);
    expect(c.states.has('checkpointing')).toBe(true);
  });

  it('with tenant queues reclaiming quota (tenants-kueue) and multifactor inside them', () => {
    for (const policy of [undefined, 'multifactor']) {
      const c = run(bundled('tenants-kueue'), policy);
      expect(c.problems).toEqual([]);
      expect(c.runningSeen).toBeGreaterThan(0);
    }
  });

  it('with shares of devices (openb pods, crowded)', () => {
    const c = run(crowdedOpenb('multifactor'));
    expect(c.problems).toEqual([]);
    expect(c.passes).toBeGreaterThan(500);
  });

  it('a deliberately wrong table is caught (the check can fail)', () => {
    const resolved = bundled('quickstart');
    const policies = resolvePolicies({ name: 'easy-backfill', params: {} }, resolved.scenario.placement, { src: resolved.src });
    const found: string[] = [];
    const queue: QueueDiscipline = {
      schedule(ctx) {
        if (ctx.running.length > 0 && found.length === 0) {
          const t = ctx.runningTable!;
          const kept = t.finishS[0]!;
          t.finishS[0] = kept + 1;
          found.push(...tableProblems(ctx));
          t.finishS[0] = kept;
        }
        policies.queue.schedule(ctx);
      },
    };
    runScenario(resolved, { policies: { ...policies, queue }, outputs: { files: ['jobs.csv'], write: () => undefined } });
    expect(found.length).toBe(1);
    expect(found[0]).toContain('finishS');
  });
});

describe('policies that read the table decide as they do without it', () => {
  for (const [name, resolved, policy] of [
    ['EASY on the crowded openb pods', () => crowdedOpenb('easy-backfill'), undefined],
    ['multifactor on the crowded openb pods', () => crowdedOpenb('multifactor'), undefined],
    ['EASY with failures and checkpoints on two sites', () => failingQuickstart('easy-backfill'), undefined],
    ['multifactor with failures and checkpoints on two sites', () => failingQuickstart('multifactor'), undefined],
    ['multifactor under tenant queues (tenants-kueue)', () => bundled('tenants-kueue'), 'multifactor'],
    ['EASY on two kinds (policy-hetero)', () => bundled('policy-hetero'), 'easy-backfill'],
  ] as const) {
    it(name, () => {
      const withTable = run(resolved(), policy);
      const without = run(resolved(), policy, true);
      expect(withTable.problems).toEqual([]);
      expect(without.jobs).toBe(withTable.jobs);
      expect(withTable.jobs.length).toBeGreaterThan(1000);
    });
  }
});
