// Dominant Resource Fairness (src/policy/drf.ts) on the DRF paper's example (Ghodsi et al., NSDI
// 2011, section 4): a pool of 9 "CPUs" and 18 "GB", user A's tasks ask <1, 4>, user B's <3, 1>;
// DRF runs three of A's and two of B's, equalising their dominant shares at 2/3. Here the 9 are
// GPUs and the 18 are CPU cores of one node.
import { describe, expect, it } from 'vitest';
import { dominantShare } from '../src/policy/drf.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv } from './helpers.js';

const pods = (prefix: string, gpus: number, cpuMilli: number): string =>
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n' +
  Array.from({ length: 6 }, (_, i) => `${prefix}${i},${cpuMilli},0,${gpus},1000,,LS,Running,0,100000,0`).join('\n') + '\n';
const files: Record<string, string> = {
  '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,18000,65536,9,G2\n',
  // B's tasks are listed first, so first-come-first-served would give B all 9 GPUs.
  '/t/b.csv': pods('b', 3, 1000),
  '/t/a.csv': pods('a', 1, 4000),
};
const text = `name: drf
seed: 1
network: ideal
datacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { G2: V100-SXM2-32GB } }
workloads:
  - trace: { name: user-b, format: alibaba-openb, path: b.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }
  - trace: { name: user-a, format: alibaba-openb, path: a.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }
policy: drf
placement: best-fit
`;

describe('DRF', () => {
  it('dominant share: the largest share of any resource', () => {
    expect(dominantShare([3, 12], [9, 18])).toBeCloseTo(2 / 3, 12);
    expect(dominantShare([6, 2], [9, 18])).toBeCloseTo(2 / 3, 12);
    expect(dominantShare([1, 0], [0, 18])).toBe(0); // a resource the pool lacks is left out
  });

  it("the paper's example: three of A's tasks and two of B's start at once, where FIFO gives B the whole node", () => {
    const r = loadScenario(text, '/t/s.yaml', { readFile: (p) => files[p]!, baseDir: '/t' });
    const startedAtZero = (policy: string): string[] => {
      const jobs = runToCsv(r, { policies: resolvePolicies({ name: policy, params: {} }, r.scenario.placement, { src: r.src }) }).jobs;
      return jobs.filter((j) => j.start_s === 0).map((j) => j.job_id[0]!).sort();
    };
    expect(startedAtZero('drf')).toEqual(['a', 'a', 'a', 'b', 'b']);
    expect(startedAtZero('fifo')).toEqual(['b', 'b', 'b']);
  });
});
