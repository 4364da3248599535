// How many runs of an experiment are simulated at once: each run is sized and refused alone when it
// loads, so N workers of a large run could together need N times what one may use. compare and sweep
// run fewer at once when that many of the largest point would not fit in half the machine's memory.
import { describe, expect, it } from 'vitest';
import { prepareExperiment, runPlan, workersThatFit } from '../src/experiment/experiment.js';
import { prepareCheck, runCheck } from '../src/experiment/check.js';
import { parseSetOption } from '../src/experiment/sweep-values.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { applyAssignments } from '../src/experiment/scenario-edit.js';

const GiB = 2 ** 30;

const SCENARIO = `name: sizes
datacentres:
  - name: east
    node_groups:
      - { name: h100, count: 2, device: H100 }
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 1h, reference_device: H100 }
`;

describe('runs at once', () => {
  it('as many as asked when they fit, else as many of the largest run as fit in the budget, at least one', () => {
    // 16 workers (a 16-core machine's default) of runs estimated at 3 GiB, with 16 GiB to share: 5 at once.
    expect(workersThatFit(16, 3 * GiB, 16 * GiB)).toBe(5);
    expect(workersThatFit(2, 64 * 2 ** 20, 16 * GiB)).toBe(2);
    // A run larger than the budget alone still runs (its own limit, --max-memory, allowed it), one at a time.
    expect(workersThatFit(4, 20 * GiB, 16 * GiB)).toBe(1);
    expect(workersThatFit(1, 3 * GiB, 16 * GiB)).toBe(1);
  });

  it("the plan knows its largest point's estimate", async () => {
    const plan = await prepareExperiment({
      scenarioText: SCENARIO,
      scenarioFile: 'sizes.yaml',
      sweep: [parseSetOption('datacentres[0].node_groups[0].count=2,20000')],
      policies: [],
      placements: [],
      seeds: [1],
    });
    const big = loadScenario(applyAssignments(SCENARIO, [{ path: 'datacentres[0].node_groups[0].count', value: '20000' }]), 'sizes.yaml');
    const small = loadScenario(SCENARIO, 'sizes.yaml');
    expect(big.size.memoryBytes).toBeGreaterThan(small.size.memoryBytes);
    expect(plan.largestRunBytes).toBe(big.size.memoryBytes);
  });
});

describe('check runs no more at once than fit, and says so', () => {
  const CHECKED = `${SCENARIO}expect:
  seeds: 3
  metrics:
    jobs_completed: { min: 1 }
`;

  it('check (and compare) get the cap and the note; the findings are the same whatever ran at once', async () => {
    const prepared = await prepareCheck({ file: '/tmp/sizes.yaml', text: CHECKED }, {});
    const bytes = prepared.plan.largestRunBytes;
    expect(bytes).toBeGreaterThan(0);
    const notes: string[] = [];
    // Room for one and a half of the largest run: 1 at once, not the 3 asked.
    const tight = await runCheck(prepared, { workers: 3, machineBytes: 1.5 * bytes, onNote: (t) => notes.push(t) });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^3 runs at once would need about .* running 1 at once$/);
    const roomy: string[] = [];
    const loose = await runCheck(prepared, { workers: 3, machineBytes: 10 * bytes, onNote: (t) => roomy.push(t) });
    expect(roomy).toEqual([]);
    expect(tight.findings).toEqual(loose.findings);
    expect(tight.runs).toEqual(loose.runs);

    const plan = await prepareExperiment({ scenarioText: SCENARIO, scenarioFile: 'sizes.yaml', sweep: [], policies: [], placements: [], seeds: [1, 2, 3] });
    const compared = await runPlan(plan, { workers: 3, machineBytes: 2.5 * bytes, onNote: (t) => notes.push(t) });
    expect(compared.runsAtOnce).toBe(2);
    expect(notes[1]).toMatch(/running 2 at once$/);
  });
});
