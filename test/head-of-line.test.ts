// A queue policy that promises a strict FIFO walk (QueueDiscipline.headOfLine: the built-in fifo)
// has its pass run by the simulator itself (Simulation.startHeads), without calling its schedule.
// The walk must decide what the policy's own schedule decides: every run below writes the same
// jobs.csv and summary.csv with the fast path as with the policy's schedule called as any other.
import { describe, expect, it } from 'vitest';
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { QueueDiscipline } from '../src/policy/types.js';
import { bundled, failingQuickstart, runToCsv, scenarioFromText } from './helpers.js';

// A burst that builds a line of hundreds (entries kept as fields, compactions while the pass walks)
// beside a Poisson stream of single devices, gangs of 1 to 8 on nodes of 4.
const burst = `name: head-of-line
seed: 5
datacentres:
  - name: dc
    node_groups: [{ count: 4, device: H100, devices_per_node: 4 }]
workloads:
  - generator:
      name: burst
      count: 1200
      arrival: { process: fixed, interval: 1ms }
      devices: { distribution: empirical, values: [1, 2, 4, 8] }
      duration: { distribution: exponential, mean: 2s }
      reference_device: H100
  - generator:
      name: stream
      count: 400
      arrival: { process: poisson, rate: 2/s }
      devices: 1
      duration: { distribution: exponential, mean: 1s }
      reference_device: H100
policy: fifo
`;

function policiesOf(resolved: ResolvedScenario) {
  return resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
}

const cases: [string, () => ResolvedScenario][] = [
  ['a burst beside a stream (long line, gangs)', () => scenarioFromText(burst)],
  ['quickstart', () => bundled('quickstart')],
  ['quickstart with failures and checkpoints (re-queued jobs)', () => failingQuickstart('fifo')],
  ['policy-hetero (a placer that is not request-only)', () => bundled('policy-hetero')],
  ['policy-topology', () => bundled('policy-topology')],
];

describe('the head-of-line pass', () => {
  for (const [name, make] of cases) {
    it(`${name}: the same jobs.csv and summary.csv as fifo's own schedule`, () => {
      const fast = runToCsv(make());
      const resolved = make();
      const policies = policiesOf(resolved);
      expect(policies.queue.headOfLine).toBe(true);
      const fifo = policies.queue;
      // The same policy without the promise: the simulator calls its schedule each pass.
      const called: QueueDiscipline = { schedule: (ctx) => fifo.schedule(ctx) };
      const slow = runToCsv(resolved, { policies: { ...policies, queue: called } });
      expect(fast.jobs.length).toBeGreaterThan(0);
      expect(fast.jobsCsv).toBe(slow.jobsCsv);
      expect(fast.summaryCsv).toBe(slow.summaryCsv);
    });
  }

  it("runs the walk itself: a policy with the promise is not asked to schedule", () => {
    const resolved = scenarioFromText(burst);
    const policies = policiesOf(resolved);
    let calls = 0;
    const promised: QueueDiscipline = {
      schedule: () => {
        calls++;
      },
      headOfLine: true,
    };
    const r = runToCsv(resolved, { policies: { ...policies, queue: promised } });
    expect(calls).toBe(0);
    expect(r.jobs.length).toBe(1600);
  });
});
