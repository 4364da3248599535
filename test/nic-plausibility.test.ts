// More NICs per node than any built system is warned at its line: `nics: 100` on an 8-GPU node was
// accepted silently and made the step slower (13.79 s against 13.68 s with 8: NCCL's inter-node
// rings take 2 CTAs per NIC, up to 32), with no sign that the figure was likely a typo.
import { describe, expect, it } from 'vitest';
import { scenarioFromText } from './helpers.js';

const scenario = (group: string): string => `name: nics
datacentres:
  - name: east
    node_groups:
      - { name: a, count: 2, device: H100${group} }
workloads:
  - jobs: [{ name: j, devices: 2, duration: 1h, reference_device: H100 }]
`;

const warnings = (group: string): string[] => scenarioFromText(scenario(group)).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('implausible NICs per node', () => {
  it('warns more NICs than 4 per device (AWS p5: 32 for 8 GPUs), at the field, with the source', () => {
    const w = warnings(', nics: 100');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^5:datacentres\[0\]\.node_groups\[0\]\.nics: 100 NICs on a node of 8 devices is more than any built system has \(at most 4 per device, 32 here: AWS p5\.48xlarge has 32 EFA NICs for 8 H100s/);
    expect(w[0]).toContain('2 CTAs per NIC');
    expect(warnings(', nics: 33')).toHaveLength(1);
    // The bound scales with the node's devices.
    expect(warnings(', devices_per_node: 2, nics: 9')).toHaveLength(1);
  });

  it('says nothing of what built systems have: 1, 8 (DGX), 32 (p5) NICs for 8 GPUs, or none given', () => {
    expect(warnings(', nics: 1')).toEqual([]);
    expect(warnings(', nics: 8')).toEqual([]);
    expect(warnings(', nics: 32')).toEqual([]);
    expect(warnings(', devices_per_node: 2, nics: 8')).toEqual([]);
    expect(warnings('')).toEqual([]);
  });
});
