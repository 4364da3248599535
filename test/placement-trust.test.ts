// start() checks a placement node by node unless it is the answer a built-in placer just gave, at
// this very cluster state, for this very job (then it fits by construction): a placement handed on
// to another job, kept across a state change, or given by a placer that is not built in is checked.
import { describe, expect, it } from 'vitest';
import { PolicyError, type Placement, type QueueDiscipline } from '../src/policy/types.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const pool = (a: number, b: number): string => `name: trust
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100, devices_per_node: 8 }]
workloads:
  - jobs:
      - { name: a, devices: ${a}, duration: 1h, reference_device: H100 }
      - { name: b, devices: ${b}, duration: 1h, reference_device: H100 }
policy: fifo
placement: first-fit
`;
const resolved = scenarioFromText(pool(8, 8));

function run(queue: QueueDiscipline, builtIn: boolean, scenario = resolved): unknown {
  const resolved = scenario;
  const own = resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
  try {
    simulate(resolved, { policies: { ...own, queue, builtIn } });
    return 'ran';
  } catch (e) {
    return e instanceof PolicyError ? e.message : e;
  }
}

describe('placements checked at start', () => {
  it("a built-in placer's answer for one job, started for another at the same state, is checked", () => {
    const swap: QueueDiscipline = {
      schedule(ctx) {
        const jobs = [...ctx.waiting];
        const p = ctx.place(jobs[0]!);
        if (p && jobs.length === 2) ctx.start(jobs[1]!, p);
      },
    };
    expect(run(swap, true, scenarioFromText(pool(4, 8)))).toMatch(/the gang is split: 4 devices placed for a job of 8/);
  });

  it('an answer started twice is checked the second time', () => {
    const twice: QueueDiscipline = {
      schedule(ctx) {
        const jobs = [...ctx.waiting];
        const p = ctx.place(jobs[0]!);
        if (!p || jobs.length < 2) return;
        ctx.start(jobs[0]!, p);
        ctx.start(jobs[1]!, p);
      },
    };
    expect(run(twice, true)).toMatch(/over-allocation/);
  });

  it('an answer kept across a change of the cluster is checked', () => {
    let kept: Placement | undefined;
    const stale: QueueDiscipline = {
      schedule(ctx) {
        for (const job of ctx.waiting) {
          const p = ctx.place(job) ?? kept;
          kept = p;
          if (p) ctx.start(job, p);
        }
      },
    };
    expect(run(stale, true)).toMatch(/over-allocation/);
  });

  it('with policies that are not all built in, even the answer just given is checked', () => {
    const placer = { place: (): Placement => ({ kind: 0, nodes: [0], counts: [9] }) };
    const own = resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
    expect(() => simulate(resolved, { policies: { ...own, placer, builtIn: false } })).toThrow(/over-allocation/);
  });

  it("the built-in placer's own answer for the job starts it", () => {
    const fifo: QueueDiscipline = {
      schedule(ctx) {
        for (const job of ctx.waiting) {
          const p = ctx.place(job);
          if (!p) return;
          ctx.start(job, p);
        }
      },
    };
    expect(run(fifo, true)).toBe('ran');
  });
});
