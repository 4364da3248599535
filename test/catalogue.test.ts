// The built-in catalogue: every entry validates, hardware.md's devices are present with their units
// right, the DGX-2 row reproduces the seed article's arithmetic, and name lookup forgives typos.
import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import {
  DEVICE_ALIASES,
  DEVICE_CATALOGUE,
  FABRIC_PRESETS,
  INTERCONNECT_PRESETS,
  canonicalDeviceName,
  lookupDevice,
  suggestDeviceName,
} from '../src/model/catalogue.js';
import { deviceSchema, fabricSchema, interconnectSchema } from '../src/scenario/hardware-schema.js';
import { editDistance, normaliseName, suggestName } from '../src/scenario/did-you-mean.js';
import { flops } from '../src/scenario/quantity.js';
import { scenarioFromText } from './helpers.js';

const HARDWARE_MD_DEVICES = [
  'V100-SXM2-16GB',
  'V100-SXM2-32GB',
  'A100-80GB',
  'H100',
  'H200',
  'B200',
  'MI300X',
  'TPUv4',
  'TPUv5e',
  'TPUv5p',
  'Ascend910B',
  'DGX-2',
];

describe('catalogue entries', () => {
  it('has every device in hardware.md and the Alibaba trace kinds with public figures', () => {
    for (const name of [...HARDWARE_MD_DEVICES, 'T4', 'P100', 'A10']) expect(DEVICE_CATALOGUE).toHaveProperty([name]);
  });

  it('every device re-validates against the schema and cites a source', () => {
    // peak_by_precision is checked as a partial record: see the note in catalogue.ts on deviceSchema.
    const peaks = z.partialRecord(deviceSchema.shape.peak_by_precision.unwrap().keyType, flops({ positive: true }));
    for (const [name, device] of Object.entries(DEVICE_CATALOGUE)) {
      const { peak_by_precision, ...rest } = device;
      expect(deviceSchema.safeParse(rest).success, name).toBe(true);
      if (peak_by_precision) expect(peaks.safeParse(peak_by_precision).success, name).toBe(true);
      expect(device.source.length, name).toBeGreaterThan(80);
      expect(device.description, name).not.toBe('');
      // Kernel efficiency lies in the documented range except the DGX-2's whole-step figure and the
      // old (P100, K80) or power-capped inference parts.
      if (['gpu', 'tpu', 'npu'].includes(device.class) && !['V100-SXM2-16GB', 'V100-SXM2-32GB', 'T4', 'P100', 'A10', 'K80'].includes(name)) {
        expect(device.efficiency, name).toBeGreaterThanOrEqual(0.5);
        expect(device.efficiency, name).toBeLessThanOrEqual(0.7);
      }
      expect(device.idle_power, name).toBeLessThan(device.busy_power);
      if (device.peak_by_precision) {
        // The training precision: bf16, else fp16, else fp32 (a K80 has no 16-bit arithmetic).
        const training = device.peak_by_precision.bf16 ?? device.peak_by_precision.fp16 ?? device.peak_by_precision.fp32;
        expect(training, name).toBe(device.peak);
      }
      if (device.default_fabric !== undefined) expect(FABRIC_PRESETS, name).toHaveProperty([device.default_fabric]);
    }
  });

  it('every fabric and interconnect preset re-validates and cites a source', () => {
    for (const [name, f] of Object.entries(FABRIC_PRESETS)) {
      expect(fabricSchema.safeParse(f).success, name).toBe(true);
      expect(f.source.length, name).toBeGreaterThan(40);
    }
    for (const [name, i] of Object.entries(INTERCONNECT_PRESETS)) {
      expect(interconnectSchema.safeParse(i).success, name).toBe(true);
      expect(i.name).toBe(name);
    }
  });

  it('is frozen all the way down', () => {
    const h100 = DEVICE_CATALOGUE['H100']!;
    expect(Object.isFrozen(DEVICE_CATALOGUE)).toBe(true);
    expect(Object.isFrozen(h100)).toBe(true);
    expect(Object.isFrozen(h100.interconnect)).toBe(true);
    expect(Object.isFrozen(h100.peak_by_precision)).toBe(true);
    expect(Object.isFrozen(FABRIC_PRESETS['IB-NDR'])).toBe(true);
    expect(() => {
      (h100 as { peak: number }).peak = 1;
    }).toThrow(TypeError);
  });

  it('devices share the named interconnect objects', () => {
    expect(DEVICE_CATALOGUE['H100']!.interconnect).toBe(INTERCONNECT_PRESETS.NVLink4);
    expect(DEVICE_CATALOGUE['H200']!.interconnect).toBe(INTERCONNECT_PRESETS.NVLink4);
    expect(DEVICE_CATALOGUE['A100-80GB']!.interconnect).toBe(INTERCONNECT_PRESETS.NVLink3);
    expect(DEVICE_CATALOGUE['Ascend910B']!.interconnect).toBe(INTERCONNECT_PRESETS.HCCS);
    expect(Object.keys(INTERCONNECT_PRESETS)).toEqual(
      expect.arrayContaining(['NVLink2', 'NVLink3', 'NVLink4', 'NVLink5', 'InfinityFabric', 'ICI-v4', 'ICI-v5e', 'ICI-v5p', 'HCCS', 'PCIe4', 'PCIe5']),
    );
  });
});

describe('units land in SI', () => {
  it('H100', () => {
    const h100 = DEVICE_CATALOGUE['H100']!;
    expect(h100.peak).toBe(989e12);
    expect(h100.peak_by_precision?.fp8).toBe(1979e12);
    // What nvidia-smi reports on an H100 80GB HBM3 (81,559 MiB), not 80e9: vendors' GB of HBM are binary.
    expect(h100.memory).toBe(81559 * 2 ** 20);
    expect(h100.memory_bandwidth).toBeCloseTo(3.35e12, -3);
    expect(h100.busy_power).toBe(700);
    expect(h100.interconnect.bandwidth).toBe(450e9);
    expect(h100.interconnect.latency).toBeCloseTo(0.94e-6, 15);
  });

  it('Hopper GEMM efficiencies: the MAMF burst figure at the clock a tensor-core GEMM holds under the 700 W cap (docs/calibration.md, "Device constants")', () => {
    // As A100's 0.8 = 0.869 x 1,305/1,410: the spec TFLOPS are quoted at 1,830 MHz on the H100 die
    // (132 SMs x 4,096 dense bf16 FLOP a clock x 1.83 GHz = 989.4 TFLOPS); FP8 GEMMs at the power cap
    // fall to 1,575 MHz (deepseek-ai/DeepGEMM issue 120), an H200 at 700 W holds 1,500 (tile-ai/TileOPs issue 1587).
    const sustained = (mamf: number, mhz: number): number => mamf * (mhz / 1830);
    const h100 = DEVICE_CATALOGUE['H100']!;
    const h200 = DEVICE_CATALOGUE['H200']!;
    expect(Math.abs(132 * 4096 * 1.83e9 / h100.peak - 1)).toBeLessThan(0.001);
    // bf16: 0.803 x 1,500..1,575 / 1,830 = 0.658..0.691; 0.68 lies within.
    expect(h100.gemm_efficiency!).toBeGreaterThanOrEqual(sustained(794.5 / 989, 1500));
    expect(h100.gemm_efficiency!).toBeLessThanOrEqual(sustained(794.5 / 989, 1575));
    // FP8: MAMF 1,402.6 of 1,979 (70.9%) at the FP8 GEMM clock: 0.61 (H100), 1,453.4 (73.4%): 0.63 (H200).
    expect(h100.gemm_efficiency_fp8!).toBeCloseTo(sustained(1402.6 / 1979, 1575), 2);
    expect(h200.gemm_efficiency_fp8!).toBeCloseTo(sustained(1453.4 / 1979, 1575), 2);
    // The H200 is the H100 die at the same cap, and MAMF measures its bf16 GEMMs the same ("H200 is the same").
    expect(h200.gemm_efficiency).toBe(h100.gemm_efficiency);
  });

  it("B200's attention: cuDNN's fused attention on Blackwell as NVIDIA benchmarks it, not 0.75 / 0.6 of the GEMM efficiency (docs/calibration.md, \"Device constants\")", () => {
    // NVIDIA/cudnn-frontend benchmark/sdpa_benchmark_training/artifacts/sdpa_bf16_benchmark_results_NVIDIA_B200.csv
    // (two stored versions): PyTorch's cuDNN SDPA backend, bf16, causal, head dim 128, 128 query and 8 KV heads,
    // batch 1, FLOPs counted as the model counts them (4 b s^2 h d / 2 forward, 2.5 times that backward).
    // At 16k, the sequence a kind's own figures are read at (flash-rate.ts): forward 1,332.4 and 1,349.8
    // TFLOP/s, backward 1,074.8 and 1,072.8.
    const b200 = DEVICE_CATALOGUE['B200']!;
    const fwd16k = [1332.4, 1349.8];
    const bwd16k = [1074.8, 1072.8];
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(b200.flash_attention).toBeDefined();
    expect(Math.abs((b200.flash_attention!.forward * b200.peak) / 1e12 / mean(fwd16k) - 1)).toBeLessThan(0.01);
    expect(Math.abs((b200.flash_attention!.backward * b200.peak) / 1e12 / mean(bwd16k) - 1)).toBeLessThan(0.01);
    // The A100-derived ratios it replaces would put the kernel at 0.75 x 0.7 x 2,250 = 1,181 TFLOP/s forward at
    // 2k and, along FlashAttention-2's curve, 1,387 at 8k where the benchmark gives 1,171-1,197.
    expect(b200.flash_attention!.forward).toBeLessThan(0.75 * b200.gemm_efficiency! * (189 / 155));
    // No own FP8 GEMM figure: the MAMF fp8 burst (76.3%) at A100's sustained-to-burst ratio is the bf16 figure.
    expect(b200.gemm_efficiency_fp8).toBeUndefined();
    expect(((3432.5 / 4500) * (0.8 / (271.2 / 312))).toFixed(2)).toBe(b200.gemm_efficiency!.toFixed(2));
  });

  it('H800: the H100 die and memory behind 8 NVLink links (400 GB/s bidirectional), as DeepSeek trained on', () => {
    const h800 = DEVICE_CATALOGUE['H800']!;
    const h100 = DEVICE_CATALOGUE['H100']!;
    for (const k of ['peak', 'memory', 'memory_bandwidth', 'busy_power', 'gemm_efficiency', 'gemm_efficiency_fp8', 'compute_units'] as const) expect(h800[k], k).toBe(h100[k]);
    expect(h800.peak_by_precision).toEqual(h100.peak_by_precision);
    expect(h800.flash_attention).toEqual(h100.flash_attention);
    expect(h800.interconnect).toBe(INTERCONNECT_PRESETS['NVLink4-8link']);
    expect(h800.interconnect.bandwidth).toBe(200e9);
    // DeepSeek-V3's report: 160 GB/s of NVLink per GPU in its all-to-all kernels.
    expect(h800.interconnect.bandwidth * h800.interconnect.efficiency).toBeCloseTo(160e9, -6);
    expect(h800.default_fabric).toBe('IB-NDR');
    expect(lookupDevice('H800-SXM5')).toBe(h800);
    expect(lookupDevice('h800 80GB')).toBe(h800);
  });

  it("device memory is what the device's driver reports (MiB), not the vendor's label read as decimal GB", () => {
    expect(DEVICE_CATALOGUE['TPUv4']!.memory).toBe(32 * 2 ** 30);
    const mib = (name: string): number => DEVICE_CATALOGUE[name]!.memory / 2 ** 20;
    // nvidia-smi's memory.total (public nvidia-smi outputs; rocminfo's memory pool for the MI300X).
    expect(mib('H200')).toBe(143771);
    expect(mib('B200')).toBe(183359);
    // The B200 the driver reports: a 7,680-bit bus (15 of 16 channels, as 180 of 192 GB) at 3,996 MHz DDR, not the datasheet's 8 TB/s.
    expect(DEVICE_CATALOGUE['B200']!.memory_bandwidth).toBeCloseTo((7680 / 8) * 3.996e9 * 2, -10);
    expect(mib('A100-80GB')).toBe(81920);
    expect(mib('V100-SXM2-16GB')).toBe(16160);
    expect(mib('V100-SXM2-32GB')).toBe(32510);
    expect(mib('MI300X')).toBe(196592);
    expect(mib('T4')).toBe(15360);
    // Every GPU labelled "N GB" reports within 4% of N GiB: none is N x 1e9 (7% less), as it was.
    for (const [name, d] of Object.entries(DEVICE_CATALOGUE)) {
      const label = /(\d+)GB/.exec(d.description)?.[1];
      if (d.class !== 'gpu' || label === undefined || name === 'DGX-2') continue;
      expect(d.memory / (Number(label) * 2 ** 30), name).toBeGreaterThan(0.96);
      expect(d.memory / (Number(label) * 2 ** 30), name).toBeLessThanOrEqual(1);
    }
  });

  it('TPUs and NPUs too: HBM is sold in binary gigabytes, so "95 GB" is 95 GiB, not 95e9 bytes (7% less)', () => {
    const gib = (name: string): number => DEVICE_CATALOGUE[name]!.memory / 2 ** 30;
    // Cloud TPU docs (docs.cloud.google.com/tpu/docs/v5p, /v5e): "HBM capacity per chip (GiB) 95", "16 GiB"
    // (older pages of the same docs printed "95GB" and "16 GB").
    expect(gib('TPUv5p')).toBe(95);
    expect(gib('TPUv5e')).toBe(16);
    // npu-smi on a 910B: "HBM-Usage(MB) 3197 / 65536" (MiB, as nvidia-smi counts).
    expect(DEVICE_CATALOGUE['Ascend910B']!.memory / 2 ** 20).toBe(65536);
    // No accelerator of any class keeps a decimal-GB capacity (a whole number of 1e9 bytes).
    for (const [name, d] of Object.entries(DEVICE_CATALOGUE)) expect(d.memory % 1e9, name).not.toBe(0);
  });

  it('so a model that needs 89.7 GiB a chip trains on one TPU v5p, and one of 61.2 GiB on one 910B (both were refused, at 88.5 and 59.6 GiB)', () => {
    const one = (device: string, params: string): string[] =>
      scenarioFromText(`name: fit
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: ${device} }]
workloads:
  - jobs:
      - { name: j, devices: 1, params: ${params}, tokens: 1B, model: { recompute: true } }
`).warnings.map((w) => w.message);
    expect(one('TPUv5p', '5.9B')).toEqual([expect.stringContaining('needs 89.7 GiB per device, 94% of the 95.0 GiB of each TPUv5p')]);
    expect(one('Ascend910B', '4B')).toEqual([expect.stringContaining('needs 61.2 GiB per device, 96% of the 64.0 GiB of each Ascend910B')]);
  });

  it("an idle GPU draws what nvidia-smi reads on one (P0 or P8, no process, 0% utilisation), 10-16% of board power, not the 20% once assumed", () => {
    const idle = (name: string): number => DEVICE_CATALOGUE[name]!.idle_power;
    // Medians of public nvidia-smi readings (see catalogue.ts): H100 64-75 W, A100 80GB 45-64 W, V100 SXM2 36-55 W,
    // B200 136-145 W, H200 73-120 W, P100 PCIe 25-29 W, A10 8-45 W, T4 9 W in P8.
    expect([idle('H100'), idle('H800'), idle('A100-80GB'), idle('A100-40GB'), idle('V100-SXM2-32GB'), idle('B200'), idle('H200')]).toEqual([70, 70, 56, 56, 41, 141, 97]);
    expect([idle('P100'), idle('A10'), idle('T4')]).toEqual([27, 26, 9]);
    for (const name of ['H100', 'A100-80GB', 'V100-SXM2-32GB', 'B200', 'H200', 'P100', 'A10', 'T4']) {
      const d = DEVICE_CATALOGUE[name]!;
      expect(d.idle_power / d.busy_power, name).toBeLessThan(0.2);
    }
  });

  it('V100 peaks at fp16 only (no bf16)', () => {
    const v100 = DEVICE_CATALOGUE['V100-SXM2-32GB']!;
    expect(v100.peak).toBe(125e12);
    expect(v100.peak_by_precision?.bf16).toBeUndefined();
    expect(v100.peak_by_precision?.fp16).toBe(125e12);
  });

  it('interconnect efficiencies reproduce the measured 8-device bus bandwidths in hardware.md', () => {
    const busbw = (name: keyof typeof INTERCONNECT_PRESETS) => INTERCONNECT_PRESETS[name].bandwidth * INTERCONNECT_PRESETS[name].efficiency;
    expect(busbw('NVLink3') / 235e9).toBeCloseTo(1, 1); // 8xA100 ~235 GB/s
    expect(busbw('NVLink4')).toBeGreaterThanOrEqual(360e9); // 8xH100 ring ~360-370, 8xH200 ~368 GB/s
    expect(busbw('NVLink4')).toBeLessThanOrEqual(370e9);
    expect(busbw('InfinityFabric') / 313e9).toBeCloseTo(1, 1); // 8xMI300X ~313 GB/s
  });

  it('fabric port rates are bits per second converted to bytes', () => {
    expect(FABRIC_PRESETS['IB-EDR']!.port_rate).toBe(12.5e9);
    expect(FABRIC_PRESETS['IB-HDR']!.port_rate).toBe(25e9);
    expect(FABRIC_PRESETS['IB-NDR']!.port_rate).toBe(50e9);
    expect(FABRIC_PRESETS['IB-XDR']!.port_rate).toBe(100e9);
    expect(FABRIC_PRESETS['RoCE-400G']!.port_rate).toBe(50e9);
    expect(FABRIC_PRESETS['Ethernet-100G']!.port_rate).toBe(12.5e9);
  });
});

describe('seed article (design.md): GPT-3 on DGX-2', () => {
  const dgx2 = DEVICE_CATALOGUE['DGX-2']!;
  const gpt3Flop = 6 * 1.75e11 * 3e11;
  const serverDays = gpt3Flop / (dgx2.peak * dgx2.efficiency) / 86_400;

  it('is one 2 PFLOP/s, 10 kW server per node', () => {
    expect(dgx2.class).toBe('server');
    expect(dgx2.devices_per_node).toBe(1);
    expect(dgx2.peak).toBe(2e15);
    expect(dgx2.busy_power).toBe(10_000);
    expect(dgx2.efficiency).toBe(0.213);
    expect(dgx2.idle_power).toBeGreaterThan(0);
    expect(dgx2.idle_power).toBeLessThan(dgx2.busy_power);
  });

  it('needs about 8,559 server-days and 2,464,992 kWh at PUE 1.2', () => {
    expect(gpt3Flop).toBe(3.15e23);
    expect(Math.abs(serverDays / 8_559 - 1)).toBeLessThan(0.005);
    const energyKWh = (serverDays * 24 * dgx2.busy_power * 1.2) / 1000;
    expect(Math.abs(energyKWh / 2_464_992 - 1)).toBeLessThan(0.005);
  });
});

describe('fabric presets', () => {
  it('has IB and RoCE at every rate, and plain Ethernet', () => {
    for (const name of ['IB-EDR', 'IB-HDR', 'IB-NDR', 'IB-XDR', 'RoCE-100G', 'RoCE-200G', 'RoCE-400G', 'RoCE-800G', 'Ethernet-100G']) {
      expect(FABRIC_PRESETS).toHaveProperty([name]);
    }
  });

  it('RoCE differs from IB at the same rate by parameters, not only by name', () => {
    for (const [ib, roce] of [['IB-EDR', 'RoCE-100G'], ['IB-HDR', 'RoCE-200G'], ['IB-NDR', 'RoCE-400G'], ['IB-XDR', 'RoCE-800G']] as const) {
      const a = FABRIC_PRESETS[ib]!;
      const b = FABRIC_PRESETS[roce]!;
      expect(b.port_rate).toBe(a.port_rate);
      expect(b.hop_latency).toBeGreaterThan(a.hop_latency);
      expect(b.congestion_efficiency).toBeLessThan(a.congestion_efficiency);
      expect(b.transport).toBe('roce');
      expect(a.transport).toBe('infiniband');
    }
  });

  it('IB latencies match hardware.md: EDR ~0.5 us and HDR ~0.6 us end to end through one switch', () => {
    const oneSwitch = (name: string) => FABRIC_PRESETS[name]!.endpoint_latency + FABRIC_PRESETS[name]!.hop_latency;
    expect(oneSwitch('IB-EDR')).toBeCloseTo(0.5e-6, 8);
    expect(oneSwitch('IB-HDR')).toBeCloseTo(0.6e-6, 8);
  });
});

describe('lookup and did-you-mean', () => {
  it('finds kinds case- and separator-insensitively and through aliases', () => {
    expect(lookupDevice('H100')).toBe(DEVICE_CATALOGUE['H100']);
    expect(lookupDevice('h100')).toBe(DEVICE_CATALOGUE['H100']);
    expect(lookupDevice('H100-SXM')).toBe(DEVICE_CATALOGUE['H100']);
    expect(lookupDevice('A100')).toBe(DEVICE_CATALOGUE['A100-80GB']);
    expect(lookupDevice('a100-80gb')).toBe(DEVICE_CATALOGUE['A100-80GB']);
    expect(lookupDevice('TPU-v4')).toBe(DEVICE_CATALOGUE['TPUv4']);
    expect(lookupDevice('tpu v5e')).toBe(DEVICE_CATALOGUE['TPUv5e']);
    expect(lookupDevice('Ascend-910B')).toBe(DEVICE_CATALOGUE['Ascend910B']);
    expect(lookupDevice('dgx2')).toBe(DEVICE_CATALOGUE['DGX-2']);
    expect(lookupDevice('V100M16')).toBe(DEVICE_CATALOGUE['V100-SXM2-16GB']);
    expect(lookupDevice('V100M32')).toBe(DEVICE_CATALOGUE['V100-SXM2-32GB']);
    expect(canonicalDeviceName('v100')).toBe('V100-SXM2-32GB');
  });

  it('does not guess at opaque or different products', () => {
    expect(lookupDevice('G2')).toBeUndefined();
    expect(lookupDevice('G3')).toBeUndefined();
    expect(lookupDevice('A100-PCIe')).toBeUndefined();
    expect(lookupDevice('H100-PCIe')).toBeUndefined();
  });

  it('tells the A100 boards apart: 40 GB of HBM2 at 1,555 GB/s against 80 GB of HBM2e at 2,039 GB/s, the same die', () => {
    const small = lookupDevice('A100-SXM4-40GB')!;
    const large = lookupDevice('A100')!;
    expect(canonicalDeviceName('a100-sxm4-40gb')).toBe('A100-40GB');
    expect(canonicalDeviceName('A100')).toBe('A100-80GB');
    expect(small.memory).toBe(40960 * 2 ** 20);
    expect(small.memory_bandwidth / 1e12).toBeCloseTo(1.555, 9);
    expect(large.memory_bandwidth / 1e12).toBeCloseTo(2.039, 9);
    expect(small.peak).toBe(large.peak);
  });

  it('names and aliases never collide once normalised, and every alias points at a kind', () => {
    const normal = Object.keys(DEVICE_CATALOGUE).map(normaliseName);
    expect(new Set(normal).size).toBe(normal.length);
    for (const [alias, key] of Object.entries(DEVICE_ALIASES)) {
      expect(alias).toBe(normaliseName(alias));
      expect(normal).not.toContain(alias);
      expect(DEVICE_CATALOGUE).toHaveProperty([key]);
    }
  });

  it('edit distance counts adjacent transpositions as one edit', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('h100', 'h010')).toBe(1);
    expect(editDistance('abcd', 'abcd')).toBe(0);
    expect(editDistance('ca', 'abc')).toBe(3); // the restricted (OSA) form
  });

  it('suggests the closest candidate within max(2, len/3) edits', () => {
    const kinds = Object.keys(DEVICE_CATALOGUE);
    expect(suggestName('H10O', kinds)).toBe('H100');
    expect(suggestName('h1OO', kinds)).toBe('H100');
    expect(suggestName('TPUv5x', kinds)).toBe('TPUv5e'); // tie with TPUv5p: the earlier candidate wins
    expect(suggestName('Acsend910B', kinds)).toBe('Ascend910B');
    expect(suggestName('MI300', kinds)).toBe('MI300X');
    expect(suggestName('RoCE-400', Object.keys(FABRIC_PRESETS))).toBe('RoCE-400G');
    expect(suggestName('IB-NRD', Object.keys(FABRIC_PRESETS))).toBe('IB-NDR');
    expect(suggestName('Gaudi3', kinds)).toBeUndefined();
    expect(suggestName('x', [])).toBeUndefined();
    expect(suggestDeviceName('B20O')).toBe('B200');
  });

  // A short name was within 2 edits of any short candidate: the unknown kinds v1, x and ib were
  // answered "did you mean 'T4'?". A suggestion must also share more than 40% of the longer name's
  // characters (commander's rule), so real misspellings of short names are still suggested.
  it('suggests nothing unrelated for a short name, and still corrects short misspellings', () => {
    const kinds = Object.keys(DEVICE_CATALOGUE);
    for (const unrelated of ['v1', 'x', 'ib', 'q', 'zz', 'ab', 'v5e', 'gpu']) expect(suggestName(unrelated, kinds), unrelated).toBeUndefined();
    expect(['T5', 't4', 'k8', 'a1', 'A1O', 'K08', 'P10', 'h2O0', 'mi300', 'TPUv4x'].map((n) => suggestName(n, kinds))).toEqual(['T4', 'T4', 'K80', 'A10', 'A10', 'K80', 'P100', 'H200', 'MI300X', 'TPUv4']);
    expect(suggestName('fifp', ['fifo', 'sjf', 'las'])).toBe('fifo');
    expect(suggestName('sfj', ['fifo', 'sjf', 'las'])).toBe('sjf');
    expect(suggestName('ls', ['fifo', 'sjf', 'las'])).toBe('las');
    expect(suggestName('rr', ['fifo', 'sjf', 'las'])).toBeUndefined();
  });
});
