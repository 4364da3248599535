// Multifactor asks for a pass when the soonest age factor reaches its cap (ctx.wakeAt). That time is
// usually the same on thousands of passes in a row (the oldest waiting job's), and the simulator runs
// one pass per instant, so a time already asked is not asked again: the openb GPU-sharing bench had
// 10,055 wake events at 81 distinct times. These tests pin both halves: each time is asked once, and
// asking times still to come again on every pass (what the policy did before) changes no output byte.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { QueueDiscipline, SchedulingContext } from '../src/policy/types.js';
import { crowdedOpenb, phillySlice } from './helpers.js';

interface Asked {
  outputs: string;
  /** Every time the policy asked for, in order. */
  times: number[];
}

/**
 * Run `resolved` under multifactor with `params`; `again`: after every pass, every time asked so far
 * that is still to come is asked again (a superset of what the policy asked before: the same soonest
 * cap on each pass while it was to come).
 */
function run(resolved: ResolvedScenario, params: Record<string, unknown>, again: boolean): Asked {
  const policies = resolvePolicies({ name: 'multifactor', params }, resolved.scenario.placement, { src: resolved.src });
  const inner = policies.queue;
  const asked: Asked = { outputs: '', times: [] };
  const queue: QueueDiscipline = {
    schedule(ctx: SchedulingContext) {
      const wakeAt = (t: number): void => {
        asked.times.push(t);
        ctx.wakeAt(t);
      };
      inner.schedule(Object.create(ctx, { wakeAt: { value: wakeAt } }) as SchedulingContext);
      if (again) for (const t of new Set(asked.times)) if (t > ctx.nowS) ctx.wakeAt(t);
    },
  };
  runScenario(resolved, { policies: { ...policies, queue }, outputs: { files: ['jobs.csv', 'summary.csv'], write: (f, t) => (asked.outputs += `${f}\n${t}`) } });
  return asked;
}

const cases: [string, () => ResolvedScenario, Record<string, unknown>][] = [
  // Caps a week away: every wake falls after the last job, on thousands of passes.
  ['openb pods, crowded, default max_age', () => crowdedOpenb('multifactor'), {}],
  // Caps reached while jobs wait: the wakes' passes start jobs.
  ['openb pods, crowded, max_age 10 min', () => crowdedOpenb('multifactor'), { max_age: 600 }],
  ['a Philly slice, max_age 1 h', () => phillySlice(1500), { max_age: 3600 }],
];

describe('multifactor asks for each pass time once', () => {
  it.each(cases)('%s', (_name, scenario, params) => {
    const once = run(scenario(), params, false);
    expect(once.times.length).toBeGreaterThan(0);
    // Times asked are always in the future, so a repeat would be a time still to come asked again.
    expect(new Set(once.times).size).toBe(once.times.length);
    const again = run(scenario(), params, true);
    expect(again.outputs).toBe(once.outputs);
    expect(again.times).toEqual(once.times);
  }, 60_000);
});
