// A scenario's own kind, named in another case elsewhere in it, is that kind: 'a100' beside the
// scenario's 'A100' was the catalogue's A100-80GB (an alias), so a job's one hour measured on the
// scenario's A100s was sized at the catalogue kind's efficiency and ran 74 min there.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (reference: string): string => `name: al
devices:
  A100: { peak: 312TFLOPS, memory: 40GiB, memory_bandwidth: 1.55TB/s, busy_power: 400W, idle_power: 50W, efficiency: 0.5, interconnect: { name: NVLink3, bandwidth: 300GB/s, latency: 2us } }
datacentres:
  - name: east
    fabric: IB-HDR
    node_groups: [{ name: a, count: 2, device: A100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, duration: 1h, reference_device: ${reference} }
`;

describe("a scenario's own kind named in another case", () => {
  it('is that kind, not a catalogue alias of the name', () => {
    const lower = runToCsv(scenarioFromText(scenario('a100')));
    expect(lower.jobs[0]!.finish_s).toBe(3600);
    expect(lower.jobsCsv).toBe(runToCsv(scenarioFromText(scenario('A100'))).jobsCsv);
  });
});
