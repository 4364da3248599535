// A site that names no fabric gives its nodes their kind's `default_fabric`: the preset of that name
// as the scenario's `fabrics:` override or add it (it was the built-in one, overrides dropped), and a
// name that is no preset is refused (it was read as 100G Ethernet without a word).
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (head: string, siteFabric: string): string => `name: fab
${head}
datacentres:
  - name: east
${siteFabric}    node_groups: [{ name: h, count: 4, device: H100 }]
workloads:
  - jobs: [{ name: j, devices: 32, params: 7B, tokens: 0.5B }]
`;
const outputs = (text: string): string => {
  const r = runToCsv(scenarioFromText(text));
  return r.summaryCsv + r.jobsCsv;
};

describe("a kind's default fabric", () => {
  it("takes the scenario's override of the preset, as a site naming it does", () => {
    const slow = 'fabrics: { IB-NDR: { port_rate: 25Gbps } }';
    const named = outputs(scenario(slow, '    fabric: IB-NDR\n'));
    expect(outputs(scenario(slow, ''))).toBe(named);
    expect(outputs(scenario('', ''))).not.toBe(named);
  });

  it("takes a preset the scenario adds", () => {
    const added = 'fabrics: { Slow: { transport: infiniband, port_rate: 25Gbps, hop_latency: 150ns, endpoint_latency: 1us, efficiency: 0.9 } }';
    expect(outputs(scenario(`${added}\ndevices: { H100: { default_fabric: Slow } }`, ''))).toBe(outputs(scenario(added, '    fabric: Slow\n')));
  });

  it('refuses a name that is no preset, at its line', () => {
    let message = '';
    try {
      scenarioFromText(scenario('devices: { H100: { default_fabric: IB-NDRR } }', ''), 'bad.yaml');
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      message = e.message;
    }
    expect(message).toMatch(/^bad\.yaml:2:\d+: devices\.H100\.default_fabric: unknown fabric preset 'IB-NDRR' \(did you mean 'IB-NDR'\?\)/);
  });
});
