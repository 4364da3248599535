// A submission checks that its job can ever fit the pool (Simulation.neverFits). The allowed kinds'
// names are for the refusal's message only: they were joined for every submission, fitting or not
// (a million scale-100k jobs, each narrowed to the kinds that hold its model: 66 B and a join each).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobTemplate } from '../src/model/job.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { Simulation } from '../src/sim/simulation.js';

const resolved = loadScenario(
  `name: names
datacentres:
  - name: dc
    node_groups: [{ name: h, count: 1, device: H100 }, { name: a, count: 1, device: A100-80GB }]
workloads:
  - jobs: [{ name: listed, devices: 1, duration: 1h, reference_device: H100, submit: 1h }]
`,
  'names.yaml',
);

const template = (name: string, devices: number): JobTemplate => ({
  name,
  submitS: 0,
  devices,
  usefulFlop: 1e18,
  efficiency: undefined,
  allowedKinds: [0, 1],
  priority: 0,
  params: 0,
  source: 'test',
});

describe('submission check', () => {
  afterEach(() => vi.restoreAllMocks());

  it("names the allowed kinds only when it refuses the job", () => {
    const sim = new Simulation(resolved, {});
    const join = vi.spyOn(Array.prototype, 'join');
    const fits = sim.submit(template('fits', 8));
    expect(fits.state).toBe('waiting');
    expect(join).not.toHaveBeenCalled();
    join.mockRestore();
    const big = sim.submit(template('big', 9));
    expect(big.state).toBe('rejected');
    expect(big.reason).toBe('needs 9 devices of one kind (H100|A100-80GB); the pool has at most 8');
  });
});
