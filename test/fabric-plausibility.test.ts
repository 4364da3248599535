// A rate or latency inside a data centre (a fabric's port rate and latencies, a NIC's rate, a
// topology's own links, a device interconnect) that no real hardware has is warned at its line, as
// a long-haul link's is: `hop_latency: 150` is 150 s and `port_rate: 400` is 400 bytes/s, and a run
// with them printed an ECR of 0.0% (two-dc-latency: makespan 6,920 days) or never ended, silently.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { bundled, scenarioFromText } from './helpers.js';

// A horizon: without one, a job on a 400 bytes/s fabric is refused as too long to run (below).
const scenario = (site: string, extra = ''): string => `name: fabric-figures
horizon: 30d
${extra}datacentres:
  - name: dc
${site}
    node_groups: [{ name: h, count: 4, device: H100 }]
workloads:
  - jobs: [{ name: j, devices: 32, params: 7B, tokens: 1B, model: { recompute: selective } }]
`;

const warnings = (text: string): string[] => scenarioFromText(text).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);
const implausible = (w: readonly string[]): string[] => w.filter((m) => /(slower|faster) than any (port in a data centre|NIC|link in a data centre|link between the devices of a node) \((1 Gb\/s|100 Tb\/s)|more than any switch, NIC or device link adds/.test(m));

describe('implausible figures inside a data centre', () => {
  it("warns a bare hop latency read as seconds, at its line, with the likely unit", () => {
    const w = implausible(warnings(scenario('    fabric: { preset: IB-NDR, hop_latency: 150 }')));
    expect(w).toEqual([
      "5:datacentres[0].fabric.hop_latency: a latency per switch hop of 2.5min is more than any switch, NIC or device link adds (microseconds at most); a number without a unit is seconds: write '150ns' if nanoseconds were meant",
    ]);
  });

  it('warns a bare port rate, endpoint latency and NIC rate, in a fabric preset and on a node group', () => {
    const text = scenario('    fabric: RoCE-400G', 'fabrics:\n  RoCE-400G: { port_rate: 400, endpoint_latency: 2 }\n').replace('device: H100 }', 'device: H100, nic_rate: 50 }');
    const w = implausible(warnings(text));
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/^4:fabrics\.RoCE-400G\.port_rate: 400 bytes\/s \(3\.2 kb\/s\) is slower than any port in a data centre .*write '400Gbps'/);
    expect(w[1]).toMatch(/^4:fabrics\.RoCE-400G\.endpoint_latency: a NIC and host latency of 2s .*write '2us' if microseconds were meant$/);
    expect(w[2]).toMatch(/^8:datacentres\[0\]\.node_groups\[0\]\.nic_rate: 50 bytes\/s .*write '50Gbps'/);
  });

  it("warns every bandwidth of a topology block: a torus's per-axis links, a dragonfly's, a graph's", () => {
    const torus = implausible(warnings(scenario('    topology: { kind: torus, dims: [2, 2], link_bandwidth: [100GB/s, 100] }')));
    expect(torus).toHaveLength(1);
    expect(torus[0]).toMatch(/^5:datacentres\[0\]\.topology\.link_bandwidth\[1\]: 100 bytes\/s .*write '100Gbps' if gigabits were meant$/);
    const df = implausible(warnings(scenario('    topology: { kind: dragonfly, nodes_per_router: 1, routers_per_group: 2, local_bandwidth: 100GB/s, global_bandwidth: 100Mbps }')));
    expect(df).toHaveLength(1);
    expect(df[0]).toContain("datacentres[0].topology.global_bandwidth: 12500000 bytes/s (100 Mb/s) is slower than any link in a data centre (1 Gb/s at least); '100Mbps' is 100 Mb/s: write '100Gbps' if gigabits were meant");
    const graph = implausible(warnings(scenario('    topology: { kind: graph, switches: [a, b], attach: [a, a, b, b], links: [{ between: [a, b], bandwidth: 400 }] }')));
    expect(graph).toHaveLength(1);
    expect(graph[0]).toMatch(/^5:datacentres\[0\]\.topology\.links\[0\]\.bandwidth: 400 bytes\/s/);
  });

  it('locates a graph file\'s implausible bandwidth in that file', () => {
    const files: Record<string, string> = {
      '/x/s.yaml': scenario('    topology: { kind: graph, path: g.yaml }'),
      '/x/g.yaml': 'switches: [a, b]\nattach: [a, a, b, b]\nlinks:\n  - { between: [a, b], bandwidth: 400 }\n',
    };
    const r = loadScenario(files['/x/s.yaml']!, '/x/s.yaml', { baseDir: '/x', readFile: (p) => files[p]! });
    const w = r.warnings.filter((i) => i.message.includes('slower than any link in a data centre'));
    expect(w.map((i) => `${i.file}:${i.line}:${i.path}`)).toEqual(['g.yaml:4:links[0].bandwidth']);
  });

  it('warns a device interconnect override of a bare bandwidth or latency', () => {
    const text = scenario('    fabric: IB-NDR', 'devices:\n  H100: { interconnect: { bandwidth: 450, latency: 1 } }\n');
    const w = implausible(warnings(text));
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^4:devices\.H100\.interconnect\.bandwidth: 450 bytes\/s .*link between the devices of a node \(1 Gb\/s at least\).*write '450GB\/s'/);
    expect(w[1]).toMatch(/^4:devices\.H100\.interconnect\.latency: a latency between the devices of a node of 1s .*write '1us'/);
  });

  it('warns a rate faster than any port, NIC or device link, with the likely unit', () => {
    // 1e300 bytes/s was taken without a word: every collective timed as free, ECR near the kernels' alone.
    const bare = implausible(warnings(scenario('    fabric: { preset: IB-NDR, port_rate: 1e300 }')));
    expect(bare).toEqual([
      '5:datacentres[0].fabric.port_rate: 1e+300 bytes/s (8e+276 Yb/s) is faster than any port in a data centre (100 Tb/s at most: NVLink 5 is 14.4 Tb/s per GPU), so every collective over it is timed as if its bytes took no time; the number as written is bytes per second: check its exponent',
    ]);
    const unit = implausible(warnings(scenario('    fabric: IB-NDR').replace('device: H100 }', 'device: H100, nic_rate: 400Pbps }')));
    expect(unit).toHaveLength(1);
    expect(unit[0]).toMatch(/^6:datacentres\[0\]\.node_groups\[0\]\.nic_rate: .* is faster than any NIC .*'400Pbps' is 400 Pb\/s: write '400Gbps' if gigabits were meant$/);
    const device = implausible(warnings(scenario('    fabric: IB-NDR', 'devices:\n  H100: { interconnect: { bandwidth: 900TB/s } }\n')));
    expect(device).toHaveLength(1);
    expect(device[0]).toContain("'900TB/s' is 7.2 Pb/s: write '900GB/s' if gigabytes were meant");
  });

  it("warns a switch's bare power read as watts, in a fabric preset and on a data centre's fabric", () => {
    // `switch_power: 1.2` (1.2 kW meant) priced the fabric's power at watts: 'fabric power 5.4 W'
    // for four switches and 33 links, without a word. A transceiver may draw next to nothing (a
    // passive copper cable), so only the switch is held to a floor.
    const eq = (power: string): string => `{ switch_ports: 64, switch_price: 36000, switch_power: ${power}, transceiver_price: 600, transceiver_power: 0, cable_price: 100 }`;
    const preset = warnings(scenario('    fabric: IB-NDR', `fabrics:\n  IB-NDR: { equipment: ${eq('1.2')} }\n`)).filter((m) => m.includes('switch_power'));
    expect(preset).toEqual([
      "4:fabrics.IB-NDR.equipment.switch_power: 1.2 W is less than any network switch draws; a number without a unit is watts: write '1.2kW' if kilowatts were meant",
    ]);
    const site = warnings(scenario(`    fabric: { preset: IB-NDR, equipment: ${eq('1.2')} }`)).filter((m) => m.includes('switch_power'));
    expect(site).toEqual([expect.stringMatching(/^5:datacentres\[0\]\.fabric\.equipment\.switch_power: 1\.2 W is less than any network switch draws/)]);
    expect(warnings(scenario(`    fabric: { preset: IB-NDR, equipment: ${eq('1176W')} }`)).filter((m) => m.includes('switch_power'))).toEqual([]);
  });

  it('says nothing of real figures, the slowest and fastest included', () => {
    for (const site of [
      "    fabric: { preset: IB-NDR, port_rate: '1.6Tbps' }",
      '    topology: { kind: torus, dims: [2, 2], link_bandwidth: 1.8TB/s }',
      '    fabric: { preset: Ethernet-100G, port_rate: 1Gbps, hop_latency: 10us, endpoint_latency: 100us }',
      '    fabric: { preset: IB-NDR, hop_latency: 150ns, endpoint_latency: 0.47us }',
      '    topology: { kind: torus, dims: [2, 2], link_bandwidth: 100GB/s }',
    ]) {
      expect(implausible(warnings(scenario(site))), site).toEqual([]);
    }
  });

  it('says nothing of any bundled scenario', () => {
    for (const f of readdirSync('scenarios').filter((n) => n.endsWith('.yaml'))) {
      expect(implausible(bundled(f.replace(/\.yaml$/, '')).warnings.map((w) => w.message)), f).toEqual([]);
    }
  });

  it('says nothing of the examples', () => {
    for (const f of readdirSync('examples', { recursive: true }).map(String).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(join('examples', f), 'utf8');
      if (!/^datacentres:/m.test(text)) continue;
      let messages: string[];
      try {
        messages = loadScenario(text, join('examples', f), { baseDir: join('examples', f, '..'), readFile: (p) => readFileSync(p, 'utf8') }).warnings.map((w) => w.message);
      } catch {
        continue; // examples of refusals
      }
      expect(implausible(messages), f).toEqual([]);
    }
  });
});

describe('a refusal that an implausible figure explains', () => {
  it('carries the warnings with it, so the CLI prints the likely cause beside the refusal', () => {
    const text = scenario('    fabric: RoCE-400G', 'fabrics:\n  RoCE-400G: { port_rate: 400, endpoint_latency: 2 }\n').replace('device: H100 }', 'device: H100, nic_rate: 50 }').replace('horizon: 30d\n', '');
    let err: unknown;
    try {
      scenarioFromText(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.issues.map((i) => i.message).join('\n')).toMatch(/would end at about .* years even alone/);
    expect(e.warnings.map((w) => `${w.path}: ${w.message}`).join('\n')).toMatch(/fabrics\.RoCE-400G\.port_rate: 400 bytes\/s .*write '400Gbps'/);
  });
});
