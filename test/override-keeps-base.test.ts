// An override of a catalogue kind or fabric preset changes only the fields it writes: the rest stay
// the catalogue's. zod applies a field's default even when the field is optional, so the override
// schemas carry no defaults (src/scenario/schema.ts withoutDefaults); before, `devices: { TPUv4:
// { memory: 30GiB } }` made TPU v4 a GPU of 8 a node, and a RoCE preset given a latency lost its
// congestion efficiency (0.85 -> 1, InfiniBand's).
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE, FABRIC_PRESETS } from '../src/model/catalogue.js';
import { scenarioFromText } from './helpers.js';

const pool = (device: string, extra: string, fabric = 'RoCE-400G'): string => `name: over
${extra}
datacentres:
  - { name: a, fabric: ${fabric}, node_groups: [{ name: g, count: 2, device: ${device} }] }
workloads:
  - jobs:
      - { name: j, devices: 4, duration: 1h, reference_device: ${device} }
`;

describe('an override changes only what it writes', () => {
  it('a device kind keeps its class, devices per node, vendor, source and interconnect efficiency', () => {
    const tpu = DEVICE_CATALOGUE['TPUv4']!;
    const r = scenarioFromText(pool('TPUv4', 'devices:\n  TPUv4: { memory: 30GiB, interconnect: { latency: 2us } }'));
    const spec = r.shape.kinds[0]!.spec;
    expect(spec.memory).toBe(30 * 2 ** 30);
    expect(spec.interconnect.latency).toBeCloseTo(2e-6, 15);
    expect([spec.class, spec.devices_per_node, spec.vendor, spec.source, spec.description]).toEqual([tpu.class, tpu.devices_per_node, tpu.vendor, tpu.source, tpu.description]);
    expect(spec.interconnect.efficiency).toBe(tpu.interconnect.efficiency);
    expect(spec.interconnect.bandwidth).toBe(tpu.interconnect.bandwidth);
    expect(r.shape.groups[0]!.devicesPerNode).toBe(4);
  });

  it('a whole new kind still gets the schema defaults', () => {
    const r = scenarioFromText(
      pool('X1', 'devices:\n  X1: { peak: 100TFLOPS, memory: 40GiB, memory_bandwidth: 1TB/s, busy_power: 300W, idle_power: 50W, efficiency: 0.5, interconnect: { name: X1-link, bandwidth: 100GB/s, latency: 2us } }', 'IB-NDR'),
    );
    const spec = r.shape.kinds[0]!.spec;
    expect([spec.class, spec.devices_per_node, spec.vendor, spec.interconnect.efficiency]).toEqual(['gpu', 8, '', 0.8]);
  });

  it('a fabric preset keeps its congestion efficiency, given a latency in the data centre or in fabrics:', () => {
    const roce = FABRIC_PRESETS['RoCE-400G']!;
    expect(roce.congestion_efficiency).toBeLessThan(1);
    const inDc = scenarioFromText(pool('H100', '', '{ preset: RoCE-400G, hop_latency: 300ns }'));
    const f = inDc.shape.datacentres[0]!.fabric!;
    expect(f.hop_latency).toBeCloseTo(300e-9, 15);
    expect([f.congestion_efficiency, f.transport, f.source]).toEqual([roce.congestion_efficiency, roce.transport, roce.source]);
    const inFabrics = scenarioFromText(pool('H100', 'fabrics:\n  RoCE-400G: { hop_latency: 300ns }'));
    const g = inFabrics.shape.datacentres[0]!.fabric!;
    expect(g.hop_latency).toBeCloseTo(300e-9, 15);
    expect([g.congestion_efficiency, g.source]).toEqual([roce.congestion_efficiency, roce.source]);
  });
});
