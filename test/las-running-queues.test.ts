// LAS works out the running jobs' queues once per pass (src/policy/las.ts, runningQueues): each
// running position keeps its job's track while it holds the same job, devices and kinds come from
// the simulator's running table, and the devices eligible for preemption below each queue are
// summed in one walk. Without the table (devices and kinds read from the jobs, as a plug-in's
// context has it) the decisions must be the same, on runs that preempt, fail, checkpoint and
// restart (jobs leave the running list and come back at other positions). The running list is
// handed over as it is: its order is not free (victims are chosen in it) and it grows during a pass.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { QueueDiscipline, SchedulingContext } from '../src/policy/types.js';
import { bundled, failingQuickstart, phillySlice } from './helpers.js';

function run(resolved: ResolvedScenario, hideTable: boolean): { out: string; preemptions: number } {
  const policies = resolvePolicies({ name: 'las', params: {} }, resolved.scenario.placement, { src: resolved.src });
  const inner = policies.queue;
  const queue: QueueDiscipline = {
    schedule(ctx: SchedulingContext) {
      if (!hideTable) return inner.schedule(ctx);
      const view = Object.create(ctx, { runningTable: { value: undefined } }) as SchedulingContext;
      return inner.schedule(view);
    },
  };
  let out = '';
  const r = runScenario(resolved, { policies: { ...policies, queue }, outputs: { files: ['jobs.csv', 'summary.csv'], write: (f, t) => (out += `${f}\n${t}`) } });
  return { out, preemptions: r.summary.preemptions };
}

const failing = (): ResolvedScenario => failingQuickstart('las');

describe("LAS's running queues decide as the jobs say, with the running table or without it", () => {
  it('on a Philly slice, preempting', () => {
    const plain = run(phillySlice(3000), false);
    expect(plain.preemptions).toBeGreaterThan(100);
    expect(run(phillySlice(3000), true).out).toBe(plain.out);
  }, 60_000);

  for (const name of ['policy-hetero', 'gavel-hetero']) {
    it(`on several device kinds (${name})`, () => {
      const plain = run(bundled(name), false);
      expect(plain.preemptions).toBeGreaterThan(0);
      expect(run(bundled(name), true).out).toBe(plain.out);
    }, 60_000);
  }

  it('with failures and checkpoints on two sites', () => {
    const plain = run(failing(), false);
    expect(plain.preemptions).toBeGreaterThan(0);
    expect(run(failing(), true).out).toBe(plain.out);
  }, 60_000);
});
