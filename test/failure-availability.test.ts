// Devices out of service most of the time (a repair far longer than the time between failures) make
// a run that can go on to its century limit with nothing done: a 32-device job on 32 H100 that fail
// every 2 days and take 30 days to repair ran 584,511 failures over a century and printed 3.92 GWh
// of idle energy, without a word at load. Warned at the repair time with how many are up on average.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundled, scenarioFromText } from './helpers.js';

const scenario = (failures: string): string => `name: down
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 4, device: H100 }, { count: 2, device: A100-80GB }] }
workloads:
  - jobs: [{ name: big, devices: 32, duration: 30d, reference_device: H100 }]
failures:
${failures}
`;

const warnings = (failures: string): string[] =>
  scenarioFromText(scenario(failures))
    .warnings.filter((w) => /out of service/.test(w.message))
    .map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('devices out of service most of the time', () => {
  it('warns a kind whose devices are down more than half the time, at the repair, with the mean number up', () => {
    expect(warnings('  devices:\n    H100: { mtbf: 2d, repair: 30d }')).toEqual([
      "9:failures.devices.H100.repair: 'H100' devices are out of service 94% of the time (repair 30d against a mean time between failures of 2d per device): on average 2.0 of the pool's 32 are up at once, so a job that needs more waits for repairs that rarely line up and the run may go on to its century limit with nothing done",
    ]);
  });

  it('counts node failures for every kind, and both together', () => {
    // Nodes up 1/3 of the time: every kind; with H100 devices up 1/2 as well, H100 is up 1/6. Said
    // at the larger cause: the nodes' repair.
    const w = warnings('  nodes: { mtbf: 1d, repair: 2d }\n  devices:\n    H100: { mtbf: 1d, repair: 1d }');
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^8:failures\.nodes\.repair: 'H100' devices are out of service 83% of the time \(repair 24h against a mean time between failures of 24h per device; node repair 2d against a node mtbf of 24h\): on average 5\.3 of the pool's 32/);
    expect(w[1]).toMatch(/^8:failures\.nodes\.repair: 'A100-80GB' devices are out of service 67% of the time \(node repair 2d against a node mtbf of 24h\): on average 5\.3 of the pool's 16/);
  });

  it('says nothing of failures that leave most devices up, the bundled scenarios included', () => {
    expect(warnings('  devices:\n    H100: { mtbf: 2d, repair: 1d }')).toEqual([]);
    expect(warnings('  nodes: { mtbf: 30d, repair: 1d }\n  devices:\n    H100: { mtbf: 2111d, repair: 1d }')).toEqual([]);
    for (const f of readdirSync('scenarios').filter((n) => n.endsWith('.yaml'))) {
      expect(bundled(f.replace(/\.yaml$/, '')).warnings.filter((w) => /out of service/.test(w.message)), f).toEqual([]);
    }
  });
});
