// Counts of one printed with the plural ('needs 1 devices of one kind' in jobs.csv's reason, '1
// replicas x 16 devices', a plug-in's placement refused with 'node 0 has 1 free devices'): each
// phrase now takes its noun from countOf.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { placementProblem } from '../src/policy/check-placement.js';
import type { ClusterView, JobView } from '../src/policy/types.js';
import { runToCsv, scenarioFromText } from './helpers.js';

describe('a count of one takes the singular', () => {
  it("in jobs.csv's reason for a job of 1 device that can never start", () => {
    const text = `name: one
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }, { count: 1, device: A100-80GB }] }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 1, tensor_parallel: 8, device: H100, datacentre: dc }
    max_batch: 16
    streams:
      - { arrival: { process: poisson, rate: 1/s }, prompt_tokens: 500, output_tokens: 50, count: 10 }
workloads:
  - jobs:
      - { name: one, devices: 1, duration: 1h, reference_device: H100, device_kinds: [H100] }
`;
    const one = runToCsv(scenarioFromText(text)).jobs.find((j) => j.job_id === 'one')!;
    expect(one.status).toBe('rejected');
    expect(one.reason).toBe("needs 1 device of one kind (H100); inference replicas hold 8 of the pool's 8 H100 for the whole run, which leaves at most 0");
  });

  it("in a service's replicas that do not fit", () => {
    const text = `name: one
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 1, tensor_parallel: 16, device: H100, datacentre: dc }
    max_batch: 16
    streams:
      - { arrival: { process: poisson, rate: 1/s }, prompt_tokens: 500, output_tokens: 50, count: 10 }
`;
    let messages: string[] = [];
    try {
      loadScenario(text, 'one.yaml');
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      messages = e.issues.map((i) => i.message);
    }
    expect(messages).toContain("1 replica x 16 devices = 16 'H100' devices, but dc has 8");
  });

  it("in a plug-in's placement refused for too few free devices, or a split gang", () => {
    const cluster = { kinds: [{ name: 'H100' }], nodeCount: 1, nodeKind: [0], nodeFree: [1], nodeDevices: [8] } as unknown as ClusterView;
    const job = { allowedKinds: [0], milli: 1000, devices: 2 } as unknown as JobView;
    expect(placementProblem(job, { kind: 0, nodes: [0], counts: [2] }, cluster)).toBe('node 0 has 1 free device, 2 asked (over-allocation)');
    const free = { ...cluster, nodeFree: [8] } as unknown as ClusterView;
    expect(placementProblem(job, { kind: 0, nodes: [0], counts: [1] }, free)).toBe('the gang is split: 1 device placed for a job of 2');
  });
});

// More phrases built by hand ('the 1 devices of one kind', "1 of the trace's 2 jobs are submitted
// ... and never run"): countOf, and the verb that agrees with the count.
describe('a count of one takes the singular, and its verb agrees', () => {
  const issuesOf = (text: string, read?: (path: string) => string): string[] => {
    try {
      const r = loadScenario(text, 'dir/one.yaml', read ? { readFile: read, baseDir: 'dir' } : {});
      return r.warnings.map((w) => w.message);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return e.issues.map((i) => i.message);
    }
  };

  it('in a generator whose jobs need more than the pool has of one kind', () => {
    const gen = (devices: string): string => `name: one
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 1, device: H100, devices_per_node: 1 }]
workloads:
  - generator:
      name: g
      count: 40
      arrival: { process: poisson, rate: 60/h }
      devices: ${devices}
      duration: 10min
      reference_device: H100
`;
    expect(issuesOf(gen('2'))).toContain('every job it generates needs more than the 1 device of one kind (any kind) the pool has at most; none could ever start');
    expect(issuesOf(gen('{ distribution: empirical, values: [1, 2], weights: [1, 1] }'))).toContain('50% of the jobs it generates will need more than the 1 device of one kind (any kind) the pool has at most, and be rejected when drawn');
  });

  it('in the count of trace jobs submitted after the horizon', () => {
    const text = `name: one
horizon: 1h
network: ideal
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 1, device: H100 }]
workloads:
  - trace:
      format: csv
      path: jobs.csv
      reference_device: H100
      mapping: { submit: submit, duration: duration, devices: gpus, id: id }
`;
    expect(issuesOf(text, () => 'id,submit,duration,gpus\na,0,100,1\nb,7200,100,1\n')).toContain(
      "1 of the trace's 2 jobs is submitted after the horizon (60min) and never runs, the first at line 3 (2h into the run); 1 is submitted before it",
    );
  });
});
