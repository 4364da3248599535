// A pool's `datacentre` list names the sites its replicas are spread over. A listed site with no
// node of the pool's kind could never hold one: 'datacentre: [east, west]' for H100 replicas, west
// holding only A100s, put both replicas in east without a word, so a planner reading latencies per
// region believed in a replica per site. Refused at the site's entry.
import { describe, expect, it } from 'vitest';
import { inputErrorOf, scenarioFromText } from './helpers.js';

const scenario = (pool: string): string => `name: sites
horizon: 10min
network: ideal
links:
  - { between: [east, west], latency: 1ms, bandwidth: 100Gbps }
datacentres:
  - name: east
    node_groups: [{ count: 1, device: H100 }]
  - name: west
    node_groups: [{ count: 1, device: A100-80GB }]
services:
  - name: s
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    ${pool}
    streams:
      - arrival: { process: poisson, rate: 1/s }
`;

describe("a service pool's sites each hold its kind", () => {
  it('colocated replicas listing a site without their kind are refused at that entry', () => {
    const msg = inputErrorOf(() => scenarioFromText(scenario('replicas: { count: 2, device: H100, datacentre: [east, west] }'), 'sites.yaml'));
    expect(msg).toContain("services[0].replicas.datacentre[1]: west has no 'H100' devices");
    expect(msg).toMatchInlineSnapshot(`"sites.yaml:14:60: services[0].replicas.datacentre[1]: west has no 'H100' devices (its nodes hold 'A100-80GB'), so none of the replicas spread over east, west could run there: remove it from the list, or give the pool a kind it has"`);
  });

  it('an autoscaled pool and a disaggregated pool likewise', () => {
    const scaled = inputErrorOf(() => scenarioFromText(scenario('replicas: { autoscale: { min: 1, max: 4, target_queue: 8 }, device: A100-80GB, datacentre: [east, west] }'), 'sites.yaml'));
    expect(scaled).toContain("services[0].replicas.datacentre[0]: east has no 'A100-80GB' devices");
    expect(scaled).toMatchInlineSnapshot(`"sites.yaml:14:97: services[0].replicas.datacentre[0]: east has no 'A100-80GB' devices (its nodes hold 'H100'), so none of the replicas spread over east, west could run there: remove it from the list, or give the pool a kind it has"`);
    const decode = inputErrorOf(() => scenarioFromText(scenario('prefill: { count: 1, device: H100, datacentre: east }\n    decode: { count: 1, device: H100, datacentre: [west, east] }'), 'sites.yaml'));
    expect(decode).toContain("services[0].decode.datacentre[0]: west has no 'H100' devices");
    expect(decode).toMatchInlineSnapshot(`"sites.yaml:15:52: services[0].decode.datacentre[0]: west has no 'H100' devices (its nodes hold 'A100-80GB'), so none of the replicas spread over west, east could run there: remove it from the list, or give the pool a kind it has"`);
  });

  it('sites that all hold the kind run; one site without any keeps its one message', () => {
    expect(scenarioFromText(scenario('replicas: { count: 2, device: H100, datacentre: [east] }'), 'sites.yaml').scenario.services).toHaveLength(1);
    expect(inputErrorOf(() => scenarioFromText(scenario('replicas: { count: 1, device: H100, datacentre: west }'), 'sites.yaml'))).toMatchInlineSnapshot(`"sites.yaml:14:35: services[0].replicas.device: no 'H100' devices in west"`);
  });
});
