// A `devices:` override keyed by a catalogue alias ('A100' for A100-80GB) or a kind in another case
// ('h100') was read as a new kind, and refused six times over: "new device kind 'A100' needs every
// field: missing required field" for peak, memory_bandwidth, powers, efficiency and interconnect,
// as if the user had meant to define a kind, when they meant to change the catalogue's.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';

const scenario = (key: string, device: string): string => `name: alias
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 2, device: ${device} }]
devices:
  ${key}: { memory: 40GB }
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 1h, reference_device: ${device} }
`;

const problems = (text: string): string[] => {
  try {
    loadScenario(text, 'alias.yaml');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
};

describe('a device override keyed by another name of a catalogue kind', () => {
  it('an alias is refused once, naming the kind it stands for and the key to write', () => {
    expect(problems(scenario('A100', 'A100'))).toEqual([
      "devices.A100: 'A100' is the catalogue's alias of 'A100-80GB': an override is keyed by the kind's own name (`A100-80GB:`); a new kind needs a name of its own and every field (peak, memory_bandwidth, busy_power, idle_power, efficiency, interconnect)",
    ]);
  });

  it('a kind in another case is refused the same way', () => {
    expect(problems(scenario('h100', 'H100'))).toEqual([
      "devices.h100: 'h100' is the catalogue's 'H100' in another spelling: an override is keyed by the kind's own name (`H100:`); a new kind needs a name of its own and every field (peak, memory_bandwidth, busy_power, idle_power, efficiency, interconnect)",
    ]);
  });

  it('the kind\'s own name overrides it, and a complete new kind may still take an alias\'s name', () => {
    expect(problems(scenario('A100-80GB', 'A100'))).toEqual([]);
    const full = scenario('A100', 'A100').replace('{ memory: 40GB }', '{ peak: 312TFLOPS, memory: 40GB, memory_bandwidth: 1.5TB/s, busy_power: 400W, idle_power: 50W, efficiency: 0.5, interconnect: { name: NVLink3, bandwidth: 300GB/s, latency: 1us, efficiency: 0.78 } }');
    expect(problems(full)).toEqual([]);
  });
});
