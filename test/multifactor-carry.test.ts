// Multifactor carries its line from one pass to the next (src/policy/multifactor.ts, `carry`): the
// last pass's jobs less those it started, then the jobs pushed since (WaitingJobs.since), with what
// it read of each kept job, instead of reading every waiting job again. It must decide exactly as
// reading the whole line on every pass does, including when jobs leave the line between passes
// without the policy starting them (the carried line is then refused and the line read again).
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { QueueDiscipline, SchedulingContext, WaitingJobs } from '../src/policy/types.js';
import { bundled, crowdedOpenb, failingQuickstart, phillySlice } from './helpers.js';

interface Route {
  jobs: string;
  /** Passes that read the line incrementally (since) and that iterated all of it. */
  since: number;
  iterated: number;
  /** Jobs the test's own wrapper started behind the policy's back. */
  stolen: number;
}

/**
 * Run `resolved` under multifactor (or the scenario's policy with multifactor inside, for tenants).
 * `carry`: the policy sees one waiting line object for the whole run, forwarding the simulator's
 * incremental index; otherwise a new plain iterable each pass (so it reads every job each pass).
 * `steal`: every `steal`-th pass, the wrapper first starts a waiting job itself (one of the oldest that fits).
 */
function run(resolved: ResolvedScenario, carry: boolean, options: { policy?: string; steal?: number } = {}): Route {
  const policies = resolvePolicies({ name: options.policy ?? 'multifactor', params: {} }, resolved.scenario.placement, { src: resolved.src });
  const inner = policies.queue;
  const route: Route = { jobs: '', since: 0, iterated: 0, stolen: 0 };
  let current: WaitingJobs | undefined;
  const view: WaitingJobs = {
    get size() {
      return current!.size;
    },
    get pushes() {
      return current!.pushes;
    },
    since(mark: number) {
      route.since++;
      return current!.since!(mark);
    },
    [Symbol.iterator]() {
      route.iterated++;
      return current![Symbol.iterator]();
    },
  };
  let passes = 0;
  const queue: QueueDiscipline = {
    schedule(ctx: SchedulingContext) {
      passes++;
      if (options.steal !== undefined && passes % options.steal === 0) {
        // The oldest of the first 50 in line that fits (usually one the policy read last pass).
        let k = 0;
        for (const j of ctx.waiting) {
          const placement = ctx.place(j);
          if (placement) {
            ctx.start(j, placement);
            route.stolen++;
            break;
          }
          if (++k === 50) break;
        }
      }
      const line = ctx.waiting;
      if (carry) {
        expect(line.since).toBeTypeOf('function');
        current = line;
        return inner.schedule(Object.create(ctx, { waiting: { value: view } }) as SchedulingContext);
      }
      const plain: WaitingJobs = { size: line.size, [Symbol.iterator]: () => line[Symbol.iterator]() };
      return inner.schedule(Object.create(ctx, { waiting: { value: plain } }) as SchedulingContext);
    },
  };
  runScenario(resolved, { policies: { ...policies, queue }, outputs: { files: ['jobs.csv', 'summary.csv'], write: (f, t) => (route.jobs += `${f}\n${t}`) } });
  return route;
}

const failing = (): ResolvedScenario => failingQuickstart('multifactor');

describe('multifactor carries its line across passes and decides as reading it whole does', () => {
  it('on a Philly slice with thousands waiting (first fit, backfilling with skips)', () => {
    const carried = run(phillySlice(2500), true);
    const whole = run(phillySlice(2500), false);
    expect(carried.jobs).toBe(whole.jobs);
    expect(carried.jobs.split('\n').length).toBeGreaterThan(2500);
    // The line was carried on most passes: read whole only on the first and where it could not be.
    expect(carried.since).toBeGreaterThan(1000);
    expect(carried.iterated).toBeLessThan(carried.since / 10);
  }, 60_000);

  it('on shares of devices (openb pods, crowded, best fit)', () => {
    const carried = run(crowdedOpenb('multifactor'), true);
    expect(carried.jobs).toBe(run(crowdedOpenb('multifactor'), false).jobs);
    expect(carried.since).toBeGreaterThan(500);
  }, 60_000);

  it('with failures: jobs re-join the line, on two sites with the network', () => {
    const carried = run(failing(), true);
    expect(carried.jobs).toBe(run(failing(), false).jobs);
    expect(carried.since).toBeGreaterThan(100);
  }, 60_000);

  it('inside tenant queues (tenants-kueue: admitted jobs evicted while they wait)', () => {
    const carried = run(bundled('tenants-kueue'), true, { policy: 'multifactor' });
    expect(carried.jobs).toBe(run(bundled('tenants-kueue'), false, { policy: 'multifactor' }).jobs);
  }, 60_000);

  it('when jobs leave the line between passes without the policy starting them: the line is read again', () => {
    const carried = run(phillySlice(1500), true, { steal: 7 });
    const whole = run(phillySlice(1500), false, { steal: 7 });
    expect(carried.stolen).toBeGreaterThan(20);
    expect(whole.stolen).toBe(carried.stolen);
    expect(carried.jobs).toBe(whole.jobs);
    // A job stolen from the carried line made the policy refuse it (the count of waiting jobs
    // told) and read the line whole: far more often than without stealing.
    const plain = run(phillySlice(1500), true);
    expect(carried.iterated).toBeGreaterThan(plain.iterated + 20);
  }, 60_000);
});
