// The built-in hardware catalogue: device kinds, intra-node interconnects and scale-out fabric presets,
// written in the unit strings scenarios use and validated through the same schemas, with sources.
import { z } from 'zod';
import { normaliseName, suggestName } from '../scenario/did-you-mean.js';
import {
  deviceSchema,
  fabricSchema,
  interconnectSchema,
  type DeviceKind,
  type DeviceKindInput,
  type FabricPreset,
  type FabricPresetInput,
  type Interconnect,
} from '../scenario/hardware-schema.js';

export { suggestName } from '../scenario/did-you-mean.js';

// Conventions used throughout (each source string repeats the ones it relies on):
// - Vendor NVLink / Infinity Fabric / ICI / HCCS figures are bidirectional aggregates; the schema's
//   `bandwidth` is per-device unidirectional, so those figures are halved.
// - Interconnect `efficiency` is chosen so that bandwidth x efficiency approximates the measured
//   large-message nccl-tests bus bandwidth in reference/hardware.md where one exists.
// - `idle_power` is what the board draws allocated to nothing: for NVIDIA GPUs the median of public
//   nvidia-smi readings of idle boards (no process, 0% utilisation, persistence mode), 10-16% of board power
//   (14 H100 readings 64-75 W, ten A100 80GB 45-64 W, ten V100 SXM2 36-55 W, six B200 136-145 W, four H200
//   73-120 W, nine P100 25-29 W, A10 8-45 W, T4 9 W in P8). The 20% of board power this used to assume (the
//   low end of a 20-30% often quoted) was 1.4-2x too high; it remains only where no reading was found
//   (MI300X, Ascend 910B, K80).
// - Device `memory` is what the driver reports as the device's total (nvidia-smi's memory.total,
//   rocminfo's pool size), which is what frameworks size against (PyTorch's total_memory, vLLM's
//   gpu_memory_utilization x total). Vendors' "80GB" is binary: an H100 reports 81,559 MiB
//   (85.5e9 bytes), not 80e9. Where no driver figure is at hand, the vendor's figure is kept.
// - Device `efficiency` is kernel efficiency (before communication and pipeline bubbles), so it must
//   sit above the published whole-job MFU on that device (reference/published-results.md).

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Intra-node interconnects

export type InterconnectName =
  | 'NVLink2'
  | 'NVLink3'
  | 'NVLink4'
  | 'NVLink4-8link'
  | 'NVLink5'
  | 'InfinityFabric'
  | 'ICI-v4'
  | 'ICI-v5e'
  | 'ICI-v5p'
  | 'HCCS'
  | 'PCIe3'
  | 'PCIe4'
  | 'PCIe5';

const interconnectInputs: Record<InterconnectName, z.input<typeof interconnectSchema>> = {
  NVLink2: {
    name: 'NVLink2',
    // 6 links x 50 GB/s = 300 GB/s bidirectional (V100 datasheet), halved.
    bandwidth: '150GB/s',
    latency: '1us',
    // No measured 8xV100 busbw in hardware.md: assume the ~0.8 ratio A100/H100/H200 show.
    efficiency: 0.8,
  },
  NVLink3: {
    name: 'NVLink3',
    // 12 links, 600 GB/s bidirectional (A100 datasheet), halved.
    bandwidth: '300GB/s',
    latency: '1us',
    // 8xA100 all-reduce busbw ~235 GB/s (hardware.md): 235 / 300 = 0.78.
    efficiency: 0.78,
  },
  NVLink4: {
    name: 'NVLink4',
    // 18 links, 900 GB/s bidirectional (H100/H200 datasheets), halved.
    bandwidth: '450GB/s',
    // Validated NVSwitch collective model (hardware.md).
    latency: '0.94us',
    // Ring (non-NVLS) busbw: 8xH200 ~368 GB/s, 8xH100 ~360-370; 0.81 x 450 = 364.5 GB/s. NVLS reaches
    // ~480 GB/s by reducing inside the switch, which halves the bytes each GPU moves: that is a
    // different algorithm for the collective model, not a higher link efficiency.
    efficiency: 0.81,
  },
  'NVLink4-8link': {
    name: 'NVLink4-8link',
    // H800 (the export variant of H100): 8 of NVLink4's 18 links, 400 GB/s bidirectional (H800
    // datasheet), halved.
    bandwidth: '200GB/s',
    latency: '0.94us',
    // DeepSeek-V3 report (arXiv 2412.19437, section 3.2.2) measures 160 GB/s of NVLink per H800
    // in its all-to-all kernels: 160 / 200 = 0.8, NVLink4's ring ratio.
    efficiency: 0.8,
  },
  NVLink5: {
    name: 'NVLink5',
    // 18 links, 1.8 TB/s bidirectional (B200 datasheet), halved.
    bandwidth: '900GB/s',
    latency: '1us',
    // No measured 8xB200 busbw in hardware.md: assume NVLink4's ring ratio.
    efficiency: 0.8,
  },
  InfinityFabric: {
    name: 'InfinityFabric',
    // 7 links x 128 GB/s = 896 GB/s bidirectional peer-to-peer aggregate (MI300X datasheet), halved.
    bandwidth: '448GB/s',
    latency: '1us',
    // 8xMI300X all-reduce busbw ~313 GB/s (hardware.md): 313 / 448 = 0.70 (point-to-point mesh, no switch).
    efficiency: 0.7,
  },
  'ICI-v4': {
    name: 'ICI-v4',
    // Google's TPU v4 page gives no per-chip ICI figure, but 'all-reduce bandwidth per pod' 1.1 PB/s over
    // 4,096 chips = 268 GB/s per chip (the same ratio gives v5e's documented 400 GB/s bidirectional / 2).
    // Unresolved: a secondary source (glennklockwood.com/garden/processors/TPUv4, citing the TPU v4 paper)
    // gives 400 Gb/s each way per ICI link; over v4's six links that is 300 GB/s, 12% more.
    bandwidth: '268GB/s',
    latency: '1us',
    efficiency: 0.8,
  },
  'ICI-v5e': {
    name: 'ICI-v5e',
    // Cloud TPU v5e docs: 400 GB/s bidirectional ICI per chip (4 ports; older page: 1,600 Gbps), halved.
    bandwidth: '200GB/s',
    latency: '1us',
    efficiency: 0.8,
  },
  'ICI-v5p': {
    name: 'ICI-v5p',
    // Cloud TPU v5p docs: 1,200 GB/s bidirectional ICI per chip (4,800 Gbps in hardware.md), halved.
    bandwidth: '600GB/s',
    latency: '1us',
    efficiency: 0.8,
  },
  HCCS: {
    name: 'HCCS',
    // Atlas 800T A2 (8 x Ascend 910B, full mesh): 7 links x 56 GB/s = 392 GB/s per NPU as widely quoted
    // from Huawei's spec; taken as bidirectional like the NVLink figures and halved (assumption).
    bandwidth: '196GB/s',
    latency: '1us',
    // No public measured HCCL busbw found: assume the MI300X mesh ratio.
    efficiency: 0.7,
  },
  PCIe3: {
    name: 'PCIe3',
    // x16 Gen3: 8 GT/s x 16 lanes x 128b/130b = 15.75 GB/s per direction.
    bandwidth: '15.75GB/s',
    // Peer-to-peer through a PCIe switch or host bridge: assumed ~2 us, slower than NVLink.
    latency: '2us',
    // TLP/DLLP overhead and host-bridge traversal: assumed 0.8.
    efficiency: 0.8,
  },
  PCIe4: { name: 'PCIe4', bandwidth: '31.5GB/s', latency: '2us', efficiency: 0.8 },
  PCIe5: { name: 'PCIe5', bandwidth: '63GB/s', latency: '2us', efficiency: 0.8 },
};

/** Intra-node interconnects by name; the devices below hold these very objects. */
export const INTERCONNECT_PRESETS: Readonly<Record<InterconnectName, Interconnect>> = deepFreeze(
  Object.fromEntries(
    Object.entries(interconnectInputs).map(([name, input]) => [name, interconnectSchema.parse(input)]),
  ) as Record<InterconnectName, Interconnect>,
);

// ---------------------------------------------------------------------------------------------
// Scale-out fabrics

const fabricInputs: Record<string, FabricPresetInput> = {};

// InfiniBand. Per-hop latency is the switch port-to-port figure; endpoint latency is the rest of the
// one-switch end-to-end figure in hardware.md (NIC, PCIe, verbs). Efficiency 0.93: link headers cost ~1%
// at 4 KiB MTU, the rest is NIC/PCIe and collective-library overhead (two 8xH100 nodes reach ~339 GB/s
// busbw on 8 x 400G = 400 GB/s, 0.85, with NCCL's inter-node algorithm overhead included).
// Credit-based link-level flow control never drops or pauses a whole class, so contention costs only
// the fair share: congestion_efficiency 1.
const IB_SOURCE =
  'InfiniBand (IBTA rates). Efficiency 0.93 assumed from header/NIC overhead (hardware.md: 2 x 8xH100 over 8 x 400G reached ~339 of 400 GB/s busbw including NCCL overhead). Credit-based flow control: congestion_efficiency 1.';
fabricInputs['IB-EDR'] = {
  description: 'InfiniBand EDR, 100 Gb/s per port (Switch-IB 2 / ConnectX-5)',
  transport: 'infiniband',
  port_rate: '100Gb/s',
  hop_latency: '90ns',
  endpoint_latency: '0.41us',
  efficiency: 0.93,
  congestion_efficiency: 1,
  source: `${IB_SOURCE} Hop 90 ns: Switch-IB 2 port-to-port (NVIDIA/Mellanox product brief). End to end ~0.5 us (hardware.md) = 0.41 us endpoint + one hop.`,
};
fabricInputs['IB-HDR'] = {
  description: 'InfiniBand HDR, 200 Gb/s per port (Quantum / ConnectX-6)',
  transport: 'infiniband',
  port_rate: '200Gb/s',
  hop_latency: '130ns',
  endpoint_latency: '0.47us',
  efficiency: 0.93,
  congestion_efficiency: 1,
  source: `${IB_SOURCE} Hop 130 ns: Quantum switch port-to-port. End to end ~0.6 us (hardware.md; PAM4 FEC adds latency over EDR) = 0.47 us endpoint + one hop.`,
};
fabricInputs['IB-NDR'] = {
  description: 'InfiniBand NDR, 400 Gb/s per port (Quantum-2 / ConnectX-7)',
  transport: 'infiniband',
  port_rate: '400Gb/s',
  hop_latency: '150ns',
  endpoint_latency: '0.47us',
  efficiency: 0.93,
  congestion_efficiency: 1,
  equipment: {
    switch_ports: 64,
    switch_price: 36000,
    switch_power: '1176W',
    transceiver_price: 600,
    transceiver_power: '9W',
    cable_price: 100,
    source:
      'Approximate, for comparing fabrics, not quotes. Switch: NVIDIA Quantum-2 QM9700, 64 NDR ports in 32 twin-port OSFP cages (NVIDIA QM9700/QM9790 user manual); ' +
      "USD 36,000, the FS.com price of a 64-port 400G InfiniBand switch in a public H100 cluster cost sheet (Aug 2024), which puts NVIDIA's own at about 50,000; " +
      '1,176 W: the ~1.72 kW datasheet maximum with 32 twin-port optical modules fitted, less their 17 W each, which are counted here as transceivers. ' +
      'Transceiver: 9 W per 400G link end (NVIDIA MMS4X00-NS400 / MMA4Z00-NS400 single-port OSFP: 9 W max; the switch-side MMS4X00-NS twin-port 800G module: 17 W max for two ports, 8.5 W each). ' +
      'Prices per link: the same cost sheet gives USD 1,280-1,320 per 400G link for connectors and cables (2,621,440 for 128 8-NIC nodes on 2,048 links); split here as 600 per end and 100 per fibre. ' +
      "A vendor's 2025 note puts NVIDIA-list optics for 1,024 H100 GPUs at over USD 1.5 million (at least 370 per link end): the figures are within 2x of each other.",
  },
  source: `${IB_SOURCE} Hop 150 ns: the '< 150 ns' port-to-port reseller figure in hardware.md, taken at its bound. Endpoint as HDR (no published NDR end-to-end figure found; assumption).`,
};
fabricInputs['IB-XDR'] = {
  description: 'InfiniBand XDR, 800 Gb/s per port (Quantum-X800 / ConnectX-8)',
  transport: 'infiniband',
  port_rate: '800Gb/s',
  hop_latency: '150ns',
  endpoint_latency: '0.47us',
  efficiency: 0.93,
  congestion_efficiency: 1,
  source: `${IB_SOURCE} NVIDIA's X800 datasheet says only 'ultra-low latency': hop and endpoint latency assumed equal to NDR.`,
};

// RoCE v2: the same NICs as IB, but over Ethernet switches and a UDP/IP header, kept lossless by
// PFC with ECN/DCQCN. Three parameters differ from IB on purpose, each overridable by a planner
// (Meta tuned a 24k-H100 RoCE cluster to match its IB twin: set congestion_efficiency to 1 to model that).
const ROCE_SOURCE =
  'RoCE v2. Hop 600 ns: assumption for mainstream 51.2T shallow-buffer cut-through Ethernet ASICs (Tomahawk 5 / Spectrum-4 class; Broadcom markets the latency-optimised Tomahawk Ultra at 250 ns as an improvement on them), against IB\'s 90-150 ns. Endpoint 0.8 us: assumption, UDP/IP encapsulation and RoCE NIC pipeline over IB\'s ~0.5 us. Efficiency 0.9: Ethernet+IP+UDP+BTH+ICRC headers and inter-frame gap cost ~2% at 4 KiB MTU, plus DCQCN rate oscillation. congestion_efficiency 0.85: PFC pauses are per port and priority, so contended links suffer head-of-line blocking and victim flows, and DCQCN under-utilises while converging (Zhu et al., SIGCOMM 2015, DCQCN); hardware.md: Meta needed ECMP and queue-pair tuning for +40% all-reduce on RoCE, and tuned RoCE matched IB, so set 1.0 for a well-tuned fabric.';
for (const gbps of [100, 200, 400, 800] as const) {
  fabricInputs[`RoCE-${gbps}G`] = {
    description: `RoCE v2 over ${gbps} GbE with PFC and ECN/DCQCN`,
    transport: 'roce',
    port_rate: `${gbps}Gb/s`,
    hop_latency: '600ns',
    endpoint_latency: '0.8us',
    efficiency: 0.9,
    congestion_efficiency: 0.85,
    source: ROCE_SOURCE,
  };
}

fabricInputs['Ethernet-100G'] = {
  description: 'Plain 100 GbE with kernel TCP, for storage and long-haul links',
  transport: 'ethernet',
  port_rate: '100Gb/s',
  hop_latency: '1us',
  endpoint_latency: '10us',
  efficiency: 0.85,
  congestion_efficiency: 0.8,
  source:
    'Assumptions, not vendor figures: hop 1 us for deep-buffer store-and-forward data-centre switches; endpoint 10 us for the kernel TCP stack on both ends; efficiency 0.85 for TCP/IP headers at 1500-byte MTU (~5%) plus stack and copy overhead; congestion_efficiency 0.8 for loss-based TCP recovery (incast, retransmission) on contended links.',
};

// TPU ICI across hosts: within a slice the torus spans hosts, so ICI is also the "scale-out" fabric of
// a TPU node group. port_rate is the chip's unidirectional ICI bandwidth (see INTERCONNECT_PRESETS).
const ICI_SOURCE =
  'TPU ICI as the fabric between hosts of one slice (Cloud TPU docs give the per-chip bandwidth; see the interconnect preset of the same name). Hop 0.5 us, endpoint 1 us and efficiency 0.8 are assumptions: Google publishes no ICI latency. Torus links with link-level flow control: congestion_efficiency 1 (assumption).';
for (const [name, rate] of [['ICI-v4', '268GB/s'], ['ICI-v5e', '200GB/s'], ['ICI-v5p', '600GB/s']] as const) {
  fabricInputs[name] = {
    description: `Google ${name} inter-chip interconnect across the hosts of a TPU slice`,
    transport: 'ici',
    port_rate: rate,
    hop_latency: '0.5us',
    endpoint_latency: '1us',
    efficiency: 0.8,
    congestion_efficiency: 1,
    source: ICI_SOURCE,
  };
}

/** Scale-out fabric presets by name; every behaviour difference is a parameter, never the name. */
export const FABRIC_PRESETS: Readonly<Record<string, FabricPreset>> = deepFreeze(
  Object.fromEntries(Object.entries(fabricInputs).map(([name, input]) => [name, fabricSchema.parse(input)])),
);

// ---------------------------------------------------------------------------------------------
// Devices

type CatalogueDeviceInput = Omit<DeviceKindInput, 'interconnect'> & { interconnect: InterconnectName };

function defineDevice(input: CatalogueDeviceInput): DeviceKind {
  const interconnect = INTERCONNECT_PRESETS[input.interconnect];
  // Parse with the preset's input form, then keep the shared (frozen) interconnect object.
  return deepFreeze({ ...deviceSchema.parse({ ...input, interconnect }), interconnect });
}

/** FlashAttention-2 on a Hopper die (H100, H200), fractions of peak: see the H100 entry. */
const HOPPER_FLASH_ATTENTION_2 = { forward: 0.35, backward: 0.28 } as const;

const GPU_IDLE = 'idle_power: the median of public nvidia-smi readings of idle boards (see the conventions at the top of catalogue.ts).';
/** Where no idle reading was found: 20% of board power, an assumption above the 10-16% NVIDIA boards read. */
const GPU_IDLE_ASSUMED = 'idle_power 20% of board power (assumption: no public idle reading found; NVIDIA boards read 10-16%).';

/**
 * A100 SXM4, 40 or 80 GB: the same die, clocks and 400 W cap; the 40 GB board has HBM2 at 1,555
 * GB/s, the 80 GB one HBM2e at 2,039 GB/s (which moves memory-bound kernels and what fits).
 */
const a100 = (memory: '40GB' | '80GB'): CatalogueDeviceInput => ({
  description: `NVIDIA A100 ${memory} SXM4`,
  vendor: 'NVIDIA',
  class: 'gpu',
  peak: '312TFLOPS',
  peak_by_precision: { bf16: '312TFLOPS', fp16: '312TFLOPS', tf32: '156TFLOPS', fp32: '19.5TFLOPS', int8: '624TFLOPS' },
  // nvidia-smi's memory.total: 81,920 MiB (80GB board), 40,960 MiB (40GB board).
  memory: memory === '80GB' ? '81920MiB' : '40960MiB',
  memory_bandwidth: memory === '80GB' ? '2.039TB/s' : '1.555TB/s',
  busy_power: '400W',
  // nvidia-smi on idle A100-SXM4-80GB boards: 45-64 W, median 55.5 (ten public readings); the 40 GB board 66-67 W (one).
  idle_power: '56W',
  efficiency: 0.62,
  // A100 SXM: 108 SMs. ML Engineering's MAMF table (stas00/ml-engineering, compute/accelerator/README.md,
  // 'Maximum Achievable Matmul FLOPS': the best shape of a brute-force search, 100 iterations after 50
  // warm-up): 271.2 of 312 TFLOPS bf16 (86.9%; 267.9 in the table's first version). 0.8 is consistent with
  // that burst figure at the clock NVIDIA quotes as sustainable at the 400 W cap under (FP64) HPL, 1,305 of
  // 1,410 MHz (glennklockwood.com/garden/peak-FLOPS): 0.869 x 1305/1410 = 0.80; it is also the low end of
  // 0.80-0.90, chosen with the given set in view (docs/calibration.md).
  gemm_efficiency: 0.8,
  compute_units: 108,
  interconnect: 'NVLink3',
  devices_per_node: 8,
  default_fabric: 'IB-HDR',
  source:
    `NVIDIA A100 datasheet (${memory} SXM): 312 TFLOPS bf16/fp16 dense, 156 tf32, 19.5 fp32, 624 TOPS int8, ${memory === '80GB' ? '80 GB HBM2e at 2,039 GB/s' : '40 GB HBM2 at 1,555 GB/s'}, 400 W; NVLink3 600 GB/s bidirectional, halved; usual NIC 200G HDR (hardware.md). ${GPU_IDLE} ` +
    'efficiency 0.62: Narayanan et al. (SC21) sustained 52% of peak end to end on 3,072 A100s including communication, so kernels run above that; MT-NLG reached 30.2% MFU overall (PaLM Table 3) with an older pipeline schedule.',
});

/** H100 SXM5; the H800 is the same board behind fewer NVLink links. */
const h100: CatalogueDeviceInput = {
  description: 'NVIDIA H100 SXM5 80GB',
  vendor: 'NVIDIA',
  class: 'gpu',
  peak: '989TFLOPS',
  peak_by_precision: {
    fp8: '1979TFLOPS',
    bf16: '989TFLOPS',
    fp16: '989TFLOPS',
    tf32: '494.5TFLOPS',
    fp32: '67TFLOPS',
    int8: '1979TFLOPS',
  },
  // nvidia-smi's memory.total on an H100 80GB HBM3: 81,559 MiB (85.5e9 bytes).
  memory: '81559MiB',
  memory_bandwidth: '3.35TB/s',
  busy_power: '700W',
  // nvidia-smi on idle H100 80GB HBM3 boards: 64-75 W, median 70 (14 public readings), not 20% of 700 W.
  idle_power: '70W',
  efficiency: 0.55,
  // H100 SXM: 132 SMs. Derived as A100's 0.8 is (a burst GEMM rate at the clock a GEMM holds under the
  // board's power cap): ML Engineering's MAMF table (as for A100) gives 794.5 of 989 TFLOPS bf16 (80.3%; 792.1
  // in its first version). The 989 are quoted at 1,830 MHz, NVIDIA's tensor-core clock for the SXM part
  // (132 SMs x 4,096 dense FLOP a clock x 1.83 GHz = 989.4; ML Engineering's clock table, glennklockwood.com:
  // "1.83 GHz (low precision), 1.98 GHz (high precision)"). Under the 700 W cap tensor-core GEMMs hold less:
  // FP8 GEMMs overlapped with communication fall from 1,980 to 1,575 MHz (deepseek-ai/DeepGEMM issue 120,
  // "the power consumption exceeded the limit"; a Hopper board the issue does not name, all of which report
  // 1,980 MHz), and an H200 at 700 W cannot hold a locked 1,830 MHz under
  // full load, 1,500 being what its runners sustain (tile-ai/TileOPs issue 1587). 0.803 x 1,500..1,575 /
  // 1,830 = 0.66..0.69: 0.68 lies within (it was first set with the Llama 3 rows in view, at 0.803 they
  // read -13.2%, -9.7% and -8.8%: docs/calibration.md, "Device constants").
  gemm_efficiency: 0.68,
  // FP8 (cuBLASLt): MAMF 1,402.6 of 1,979 TFLOPS (70.9%) at the 1,575 MHz that FP8 GEMMs hold at the cap
  // (DeepGEMM issue 120, above): 0.709 x 1575/1830 = 0.61 (0.58 at TileOPs' 1,500).
  gemm_efficiency_fp8: 0.61,
  compute_units: 132,
  // FlashAttention-2 reaches ~35% of H100 peak (FlashAttention-3 paper, Shah et al. 2024, abstract
  // and figure 5(d): ~335 TFLOP/s causal forward at head dim 128, at 16k tokens, the figures' anchor in
  // flash-rate.ts); backward at the 0.8 of forward
  // that FlashAttention-2 keeps on A100 (Dao 2023).
  flash_attention: HOPPER_FLASH_ATTENTION_2,
  flash3: true,
  interconnect: 'NVLink4',
  devices_per_node: 8,
  default_fabric: 'IB-NDR',
  source:
    `NVIDIA H100 datasheet (SXM): dense 989 TFLOPS bf16/fp16, 1,979 fp8 and int8, 494.5 tf32 (half the sparse figures), 67 fp32; 80 GB HBM3 at 3.35 TB/s; 700 W; NVLink4 900 GB/s bidirectional, halved; usual NIC 400G NDR IB (or RoCE-400G, hardware.md). ${GPU_IDLE} ` +
    'efficiency 0.55 (the whole-kernel figure for jobs without a model size or with network: ideal): bottom-up, large bf16 GEMMs ~0.7 of peak at the 700 W cap x ~0.77 GEMM share of layer time. Jobs with a model use the operator-level model (gemm_efficiency; docs/calibration.md).',
};

const v100 = (memory: '16GB' | '32GB'): CatalogueDeviceInput => ({
  description: `NVIDIA Tesla V100 SXM2 ${memory}`,
  vendor: 'NVIDIA',
  class: 'gpu',
  peak: '125TFLOPS',
  peak_by_precision: { fp16: '125TFLOPS', fp32: '15.7TFLOPS' },
  // nvidia-smi's memory.total: 16,160 MiB (16GB board), 32,510 MiB (32GB board).
  memory: memory === '32GB' ? '32510MiB' : '16160MiB',
  memory_bandwidth: '900GB/s',
  busy_power: '300W',
  // nvidia-smi on idle V100-SXM2-32GB boards: 36-55 W, median 41 (ten public readings).
  idle_power: '41W',
  efficiency: 0.35,
  // V100 SXM2: 80 SMs; cuBLAS fp16 tensor-core GEMMs of large shapes reach ~100 of 125 TFLOPS (NVIDIA Volta tuning guide and DeepBench results).
  gemm_efficiency: 0.8,
  compute_units: 80,
  interconnect: 'NVLink2',
  devices_per_node: 8,
  default_fabric: 'IB-EDR',
  source:
    `NVIDIA V100 datasheet (SXM2): 125 TFLOPS fp16 tensor (no bf16, so peak is fp16), 15.7 fp32, ${memory} HBM2 at 900 GB/s, 300 W; NVLink2 300 GB/s bidirectional, halved; usual NIC 100G EDR (hardware.md). ${GPU_IDLE} ` +
    'efficiency 0.35: Megatron-LM (Shoeybi et al. 2019) single-V100 baseline sustained 39 TFLOP/s = 30% of peak; GPT-3 reached 21.3% MFU overall (PaLM Table 3); later kernels did somewhat better.',
});

const deviceInputs: Record<string, CatalogueDeviceInput> = {
  'V100-SXM2-16GB': v100('16GB'),
  'V100-SXM2-32GB': v100('32GB'),
  'A100-80GB': a100('80GB'),
  'A100-40GB': a100('40GB'),
  H100: h100,
  H200: {
    description: 'NVIDIA H200 SXM 141GB',
    vendor: 'NVIDIA',
    class: 'gpu',
    // The H100 die: the same dense peaks at every precision.
    peak: h100.peak,
    peak_by_precision: h100.peak_by_precision,
    // nvidia-smi's memory.total on an H200: 143,771 MiB.
    memory: '143771MiB',
    // The datasheet's 4.8 TB/s. The driver's maximum memory clock is 3,201 MHz (nvidia-smi -q -d CLOCK in
    // amazon-eks-ami pull request 1985 and TensorRT-LLM issue 3486), which on six 1,024-bit HBM3e stacks
    // would be 4.92 TB/s; no driver-reported bus width for the H200 found, so the datasheet figure stays.
    memory_bandwidth: '4.8TB/s',
    busy_power: '700W',
    // nvidia-smi on idle H200 SXM boards: 73, 78, 115 and 120 W (four public readings), median 97; the H100's 70 is at the low end.
    idle_power: '97W',
    efficiency: 0.6,
    // H200: the H100 die (132 SMs) at the same 700 W and 1,830 MHz tensor clock; MAMF table: "H200 is the same"
    // as H100 for bf16 (80.3%), so H100's 0.68 (TileOPs issue 1587, an H200: 1,500 MHz held at 700 W, 0.66);
    // fp8 1,453.4 of 1,979 (73.4%) at the 1,575 MHz FP8 GEMMs hold at the cap (H100): 0.734 x 1575/1830 = 0.63.
    gemm_efficiency: 0.68,
    gemm_efficiency_fp8: 0.63,
    compute_units: 132,
    flash_attention: HOPPER_FLASH_ATTENTION_2,
    flash3: true,
    interconnect: 'NVLink4',
    devices_per_node: 8,
    default_fabric: 'IB-NDR',
    source:
      `NVIDIA H200 datasheet (SXM): compute as H100 (989 TFLOPS bf16 dense, 1,979 fp8), 141 GB HBM3e at 4.8 TB/s, 700 W; NVLink4 900 GB/s bidirectional, halved; usual NIC 400G (NDR IB assumed). ${GPU_IDLE} ` +
      'efficiency 0.6: H100 estimate plus a little for 43% more memory bandwidth on the memory-bound kernels of a step (assumption).',
  },
  H800: {
    // The H100 SXM5 die, memory, clocks and 700 W cap (so H100's GEMM and FlashAttention figures) behind 8 NVLink links.
    ...h100,
    description: 'NVIDIA H800 SXM5 80GB',
    interconnect: 'NVLink4-8link',
    source:
      `NVIDIA H800 datasheet (SXM): compute and memory as H100 SXM (989 TFLOPS bf16/fp16 dense, 1,979 fp8 and int8, 494.5 tf32, 67 fp32; 80 GB HBM3 at 3.35 TB/s; 700 W), NVLink 400 GB/s bidirectional (8 links; H100: 900), halved. NIC: eight 400G InfiniBand CX7 per 8-GPU node in DeepSeek's H800 cluster (Zhao et al., "Insights into DeepSeek-V3", ISCA 2025, arXiv 2505.09343), so IB-NDR. ${GPU_IDLE} ` +
      'efficiency and the operator-level constants as H100 (the same die at the same power).',
  },
  B200: {
    description: 'NVIDIA B200 (HGX B200 / DGX B200, 180GB)',
    vendor: 'NVIDIA',
    class: 'gpu',
    peak: '2250TFLOPS',
    peak_by_precision: {
      fp8: '4500TFLOPS',
      bf16: '2250TFLOPS',
      fp16: '2250TFLOPS',
      tf32: '1125TFLOPS',
      int8: '4500TFLOPS',
    },
    // nvidia-smi's memory.total on an HGX B200: 183,359 MiB.
    memory: '183359MiB',
    // 7,680-bit bus x 3,996 MHz x 2 (DDR) = 7.67 TB/s, as the CUDA driver reports the board (pytorch/ao
    // pull request 4002): 15 of 16 memory channels, as 180 of the 192 GB; the datasheet's 8 TB/s is
    // the full 8,192-bit bus.
    memory_bandwidth: '7.67TB/s',
    busy_power: '1000W',
    // nvidia-smi on idle B200 boards: 136-145 W, median 141 (six public readings).
    idle_power: '141W',
    efficiency: 0.55,
    // B200: 148 SMs. MAMF table: 1,745.0 of 2,250 TFLOPS bf16 (77.6%), fp8 3,432.5 of 4,500 (76.3%). The 2,250
    // are 148 SMs x 8,192 dense FLOP a clock at 1,856 MHz (the driver's maximum SM clock is 1,965). No reading of
    // the clock a B200's GEMMs hold at its 1,000 W cap was found (searched 2026-12-07: docs/calibration.md,
    // "Device constants"), so 0.7 stays an assumption: 0.776 at A100's sustained-to-burst ratio (0.8 / 0.869 =
    // 0.92: 0.71). FP8 on the same footing: 0.763 x 0.92 = 0.70, the bf16 figure, so no `gemm_efficiency_fp8`.
    gemm_efficiency: 0.7,
    // cuDNN's fused attention on Blackwell (what Transformer Engine and PyTorch's cuDNN SDPA backend run there),
    // NVIDIA's own benchmark on a B200 (NVIDIA/cudnn-frontend benchmark/sdpa_benchmark_training, artifacts/
    // sdpa_bf16_benchmark_results_NVIDIA_B200.csv, both stored versions; bf16, causal, head dim 128, GQA
    // 128/8 heads, batch 1, the same FLOP count as the model's): at 16k, the sequence own figures are read
    // at, 1,332-1,350 TFLOP/s forward and 1,073-1,075 backward, 0.60 and 0.48 of 2,250. Was 0.75 and 0.6 of
    // gemm_efficiency at 2k on A100's curve (an assumption: 1,387 and 1,110 TFLOP/s at 8k, where the
    // benchmark gives 1,171-1,197 and 940-943). flash-attn 2.x has no Blackwell path: 0.19 and 0.15-0.16 of
    // peak in the same benchmark (425-428 and 337-354 at 16k), so a stack running it should override these.
    flash_attention: { forward: 0.6, backward: 0.48 },
    compute_units: 148,
    interconnect: 'NVLink5',
    devices_per_node: 8,
    default_fabric: 'IB-NDR',
    source:
      `NVIDIA HGX/DGX B200 datasheets: dense 2.25 PFLOPS bf16/fp16, 4.5 fp8 and int8, 1.125 tf32 (half the sparse figures); 180 GB HBM3e per GPU in DGX B200 (1,440 GB / 8; 192 GB is the die's full capacity, hardware.md gives 180-192), 8 TB/s (7.67 TB/s on the 7,680-bit bus the driver reports, taken here); 1,000 W; NVLink5 1.8 TB/s bidirectional, halved; DGX B200 ships 400G ConnectX-7, so NDR (800G XDR is the option). ${GPU_IDLE} ` +
      'efficiency 0.55: assumption, below H100 because the higher FLOP-to-byte ratio leaves more of a step memory-bound and kernels are younger; no published large-scale MFU yet. ' +
      'flash_attention: cuDNN\'s fused attention on Blackwell (NVIDIA cudnn-frontend SDPA benchmark on B200, causal, head dim 128, at 16k); flash-attn 2.x runs at about a third of it there.',
  },
  MI300X: {
    description: 'AMD Instinct MI300X OAM',
    vendor: 'AMD',
    class: 'gpu',
    peak: '1307.4TFLOPS',
    peak_by_precision: {
      fp8: '2614.9TFLOPS',
      bf16: '1307.4TFLOPS',
      fp16: '1307.4TFLOPS',
      tf32: '653.7TFLOPS',
      fp32: '163.4TFLOPS',
      int8: '2614.9TFLOPS',
    },
    // rocminfo's GPU memory pool on an MI300X: 201,310,208 KiB (196,592 MiB).
    memory: '196592MiB',
    memory_bandwidth: '5.3TB/s',
    busy_power: '750W',
    idle_power: '150W',
    efficiency: 0.5,
    // MI300X: 304 CUs. MAMF table: 668.4 of 1,300 TFLOPS bf16 (51.4%, ROCm 6.3 with TunableOp; 781.9, 60.1%,
    // with ROCm 6.2 in an earlier version), not the ~708 this line used to cite. 0.55 sits between the two
    // (assumption: the figure moves with the ROCm release more than with the board; the MI325X, the same
    // compute at 1,000 W, reads 784.9, 60.4%, with ROCm 6.2.4). No clock at the 750 W cap in hand.
    gemm_efficiency: 0.55,
    compute_units: 304,
    interconnect: 'InfinityFabric',
    devices_per_node: 8,
    default_fabric: 'RoCE-400G',
    source:
      `AMD Instinct MI300X datasheet: dense 1,307.4 TFLOPS bf16/fp16, 2,614.9 fp8 and int8, 653.7 tf32, 163.4 fp32 matrix; 192 GB HBM3 at 5.3 TB/s; 750 W; Infinity Fabric 896 GB/s bidirectional peer aggregate, halved. Usual NIC 400G (hardware.md): RoCE assumed as in AMD's Ethernet reference platforms (Azure's ND MI300X v5 uses 400G NDR IB instead: override per site). ${GPU_IDLE_ASSUMED} ` +
      'efficiency 0.5: assumption at the low end of the range, ROCm kernels reaching a smaller fraction of the larger nominal peak than CUDA on H100; no MFU for MI300X in published-results.md.',
  },
  TPUv4: {
    description: 'Google Cloud TPU v4',
    vendor: 'Google',
    class: 'tpu',
    peak: '275TFLOPS',
    peak_by_precision: { bf16: '275TFLOPS', int8: '275TFLOPS' },
    memory: '32GiB',
    memory_bandwidth: '1.2TB/s',
    busy_power: '170W',
    idle_power: '90W',
    efficiency: 0.6,
    // TPU v4: 2 TensorCores x 4 MXUs (128x128); large matmuls ~80% of peak in XLA (assumption from MLPerf/PaLM kernel reports).
    gemm_efficiency: 0.8,
    compute_units: 8,
    interconnect: 'ICI-v4',
    devices_per_node: 4,
    default_fabric: 'ICI-v4',
    source:
      'Cloud TPU v4 docs: 275 TFLOPS bf16 or int8, 32 GiB HBM2 at 1,200 GB/s, measured min/mean/max power 90/170/192 W (hardware.md: ~170-192 W): busy 170 W is the measured mean over production workloads, idle 90 W the measured minimum; 4 chips per host; 3D torus ICI (per-chip bandwidth derived from the documented 1.1 PB/s all-reduce bandwidth per 4,096-chip pod). No NIC in hardware.md: slices span hosts over ICI, so the default fabric is the ICI-v4 preset. ' +
      'efficiency 0.6: PaLM 540B reached 46.2% MFU on 6,144 TPU v4 including communication (no pipeline parallelism), i.e. about 25% overhead on top of 0.6.',
  },
  TPUv5e: {
    description: 'Google Cloud TPU v5e',
    vendor: 'Google',
    class: 'tpu',
    peak: '197TFLOPS',
    peak_by_precision: { bf16: '197TFLOPS', int8: '393TFLOPS' },
    // Cloud TPU v5e docs: "HBM capacity per chip 16 GiB" (older pages: "16 GB"; HBM stacks are binary).
    memory: '16GiB',
    memory_bandwidth: '819GB/s',
    busy_power: '122W',
    idle_power: '65W',
    efficiency: 0.68,
    // TPU v5e: 1 TensorCore x 4 MXUs; large matmuls ~80% of peak (assumption).
    gemm_efficiency: 0.8,
    compute_units: 4,
    interconnect: 'ICI-v5e',
    devices_per_node: 8,
    default_fabric: 'ICI-v5e',
    source:
      'Cloud TPU v5e docs: 197 TFLOPS bf16, 393 TOPS int8, 16 GiB HBM2 at 819 GB/s, 8 chips per host, 2D torus ICI 400 GB/s bidirectional per chip (halved), 2 x 100 Gbps NICs per host for the data-centre network (model as Ethernet-100G where pods talk over DCN). Power is not published: busy 122 W assumes TPU v4\'s measured FLOP/s per W (275 TFLOPS at 170 W mean), idle 65 W keeps v4\'s measured min/mean ratio (90/170). ' +
      'efficiency 0.68: MaxText reports 46-67% MFU for 16B-128B models on v5e pods, so kernel efficiency is at least the top of that range.',
  },
  TPUv5p: {
    description: 'Google Cloud TPU v5p',
    vendor: 'Google',
    class: 'tpu',
    peak: '459TFLOPS',
    peak_by_precision: { bf16: '459TFLOPS', fp8: '459TFLOPS', int8: '918TFLOPS' },
    // Cloud TPU v5p docs: "HBM capacity per chip (GiB) 95" (older pages: "95GB", read as 95e9 bytes: 7% short).
    memory: '95GiB',
    memory_bandwidth: '2.765TB/s',
    busy_power: '284W',
    idle_power: '150W',
    efficiency: 0.62,
    // TPU v5p: 2 TensorCores x 4 MXUs; large matmuls ~80% of peak (assumption).
    gemm_efficiency: 0.8,
    compute_units: 8,
    interconnect: 'ICI-v5p',
    devices_per_node: 4,
    default_fabric: 'ICI-v5p',
    source:
      'Cloud TPU v5p docs: 459 TFLOPS bf16 (fp8 runs at the same rate), 918 TOPS int8, 95 GiB HBM2e at 2,765 GB/s (the current doc page: HBM capacity per chip (GiB) 95; older pages and hardware.md print 95 GB), 4 chips per VM, 3D torus ICI 1,200 GB/s bidirectional per chip (= 4,800 Gbps one way; halved). Power is not published: busy 284 W assumes TPU v4\'s measured FLOP/s per W (275 TFLOPS at 170 W mean), idle 150 W keeps v4\'s min/mean ratio. ' +
      'efficiency 0.62: assumption between v4 (0.6, PaLM 46.2% MFU) and v5e (0.68, MaxText up to 67% MFU).',
  },
  Ascend910B: {
    description: 'Huawei Ascend 910B (Atlas 800T A2 module)',
    vendor: 'Huawei',
    class: 'npu',
    peak: '320TFLOPS',
    peak_by_precision: { bf16: '320TFLOPS', fp16: '320TFLOPS', int8: '640TFLOPS' },
    // npu-smi on a 910B: "HBM-Usage(MB) 3197 / 65536" (Project-HAMi/HAMi-WebUI issue 47): 64 GiB, not 64e9 bytes.
    memory: '65536MiB',
    memory_bandwidth: '1.6TB/s',
    busy_power: '400W',
    idle_power: '80W',
    efficiency: 0.5,
    // Ascend 910B: ~20-25 AI cores; large fp16 GEMMs ~70% of peak (assumption: no public microbenchmark in hand).
    gemm_efficiency: 0.7,
    compute_units: 20,
    interconnect: 'HCCS',
    devices_per_node: 8,
    default_fabric: 'RoCE-200G',
    source:
      'Sources conflict (hardware.md); chosen values: 320 TFLOPS fp16 (the figure most cited for 910B; 256 TFLOPS is the original 2019 Ascend 910), bf16 assumed at the fp16 rate (the Da Vinci cube runs both 16-bit formats at one rate), int8 2x; 64 GB HBM2e (65,536 MiB as npu-smi reports it) at 1.6 TB/s (four HBM2e stacks; the 0.4 TB/s figure some articles print matches one stack); 400 W (Atlas 800T A2 module; 310 W is the original 910\'s measured power). HCCS 392 GB/s per NPU (7 x 56 GB/s full mesh), taken as bidirectional and halved. Atlas 800T A2 has 8 NPUs and 200GE RoCE ports, so RoCE-200G (hardware.md: RoCE). ' +
      `${GPU_IDLE_ASSUMED} efficiency 0.5: assumption at the low end of the range; no MFU for Ascend in published-results.md.`,
  },
  'DGX-2': {
    description: 'NVIDIA DGX-2 server (16 x V100 SXM3 32GB) as one device',
    vendor: 'NVIDIA',
    class: 'server',
    peak: '2PFLOPS',
    peak_by_precision: { fp16: '2PFLOPS' },
    // 16 x the 32,510 MiB nvidia-smi reports for each V100 SXM3 32GB.
    memory: '520160MiB',
    memory_bandwidth: '14.4TB/s',
    busy_power: '10kW',
    idle_power: '3kW',
    efficiency: 0.213,
    interconnect: 'NVLink2',
    devices_per_node: 1,
    default_fabric: 'IB-EDR',
    source:
      'NVIDIA DGX-2 datasheet and the seed article (design.md): 2 PFLOPS fp16 tensor (16 x 125), 16 x 32 GB HBM2 at 16 x 0.9 TB/s, 10 kW max system power (the article\'s 2,464,992 kWh = 8,559 server-days x 24 h x 10 kW x PUE 1.2); idle 3 kW = 30% of max (assumption: GPUs at 20% of board power plus CPUs, NVSwitches, fans and NVMe that idle down less). ' +
      'efficiency 0.213 is the article\'s effective compute ratio (GPT-3 on V100, PaLM Table 3), i.e. the whole-step figure rather than a kernel efficiency: with one device per node nothing else is modelled, so this row reproduces the article\'s 8,559 server-days. Its 16 GPUs share NVSwitch (NVLink2 preset; unused with one device per node); the server has 8 x 100G EDR ports, and IB-EDR is per port, so give its node group 8 NICs.',
  },
  // Older and inference kinds from the Alibaba GPU trace (openb node list `model` column).
  T4: {
    description: 'NVIDIA Tesla T4 (PCIe, 70 W)',
    vendor: 'NVIDIA',
    class: 'gpu',
    peak: '65TFLOPS',
    peak_by_precision: { fp16: '65TFLOPS', fp32: '8.1TFLOPS', int8: '130TFLOPS' },
    // nvidia-smi's memory.total on a T4: 15,360 MiB.
    memory: '15360MiB',
    memory_bandwidth: '320GB/s',
    busy_power: '70W',
    // nvidia-smi on idle T4s: 9 W in P8 (seven of ten public readings; 25-26 W in the three still in P0).
    idle_power: '9W',
    efficiency: 0.3,
    // T4: 40 SMs; the 70 W cap holds large fp16 GEMMs near ~40 of 65 TFLOPS (assumption: no source in hand, audit of 2026-12-07).
    gemm_efficiency: 0.6,
    compute_units: 40,
    interconnect: 'PCIe3',
    devices_per_node: 4,
    default_fabric: 'Ethernet-100G',
    source:
      `NVIDIA T4 datasheet: 65 TFLOPS fp16 mixed precision (Turing: no bf16), 8.1 fp32, 130 TOPS int8, 16 GB GDDR6 at 320 GB/s, 70 W, PCIe Gen3 x16. ${GPU_IDLE} efficiency 0.3: assumption, the 70 W cap drops clocks under sustained tensor load. Inference nodes: plain Ethernet assumed; Alibaba's trace has 2- and 4-GPU T4 nodes (set devices_per_node from the trace).`,
  },
  P100: {
    description: 'NVIDIA Tesla P100 PCIe 16GB',
    vendor: 'NVIDIA',
    class: 'gpu',
    peak: '18.7TFLOPS',
    peak_by_precision: { fp16: '18.7TFLOPS', fp32: '9.3TFLOPS' },
    // nvidia-smi's memory.total on a P100 PCIe 16GB: 16,280 MiB.
    memory: '16280MiB',
    memory_bandwidth: '732GB/s',
    busy_power: '250W',
    // nvidia-smi on idle P100 PCIe 16GB boards: 25-29 W, median 27 (nine public readings).
    idle_power: '27W',
    efficiency: 0.35,
    // P100: 56 SMs, no tensor cores; fp16 GEMMs ~80% of 18.7 TFLOPS (assumption: no source in hand, audit of 2026-12-07).
    gemm_efficiency: 0.8,
    compute_units: 56,
    interconnect: 'PCIe3',
    devices_per_node: 4,
    default_fabric: 'Ethernet-100G',
    source:
      `NVIDIA Tesla P100 PCIe datasheet (16 GB): 18.7 TFLOPS fp16 (no tensor cores, no bf16), 9.3 fp32, 16 GB HBM2 at 732 GB/s, 250 W, PCIe Gen3 x16 (the SXM2 variant is 21.2 TFLOPS / 300 W; Alibaba's 1- and 2-GPU P100 nodes suggest PCIe). ${GPU_IDLE} efficiency 0.35: assumption, as V100.`,
  },
  K80: {
    description: 'NVIDIA Tesla K80, one of its two GK210 GPUs (as clouds expose it)',
    vendor: 'NVIDIA',
    class: 'gpu',
    peak: '4.37TFLOPS',
    peak_by_precision: { fp32: '4.37TFLOPS' },
    // nvidia-smi's memory.total on one of a K80's two GPUs: 11,441 MiB.
    memory: '11441MiB',
    memory_bandwidth: '240GB/s',
    busy_power: '150W',
    idle_power: '25W',
    efficiency: 0.35,
    interconnect: 'PCIe3',
    devices_per_node: 4,
    default_fabric: 'Ethernet-100G',
    source:
      'NVIDIA Tesla K80 datasheet (a board of two GK210 GPUs): 8.73 TFLOPS fp32 with GPU Boost, 24 GB GDDR5 at 480 GB/s, 300 W per board; halved here for one GPU, the unit cloud instances (and Gavel, Narayanan et al. OSDI 2020) schedule. Kepler: no fp16 arithmetic, no tensor cores, so fp32 is the training precision. Idle power: assumption. efficiency 0.35: assumption, as V100 and P100.',
  },
  A10: {
    description: 'NVIDIA A10 (PCIe, 150 W)',
    vendor: 'NVIDIA',
    class: 'gpu',
    peak: '125TFLOPS',
    peak_by_precision: { bf16: '125TFLOPS', fp16: '125TFLOPS', tf32: '62.5TFLOPS', fp32: '31.2TFLOPS', int8: '250TFLOPS' },
    // nvidia-smi's memory.total on an A10: 23,028 MiB.
    memory: '23028MiB',
    memory_bandwidth: '600GB/s',
    busy_power: '150W',
    // nvidia-smi on idle A10s: 8-45 W (P8 and P0), median 26.
    idle_power: '26W',
    efficiency: 0.4,
    // A10: 72 SMs; the 150 W cap holds large bf16 GEMMs near ~85-90 of 125 TFLOPS (assumption: no source in hand, audit of 2026-12-07).
    gemm_efficiency: 0.7,
    compute_units: 72,
    interconnect: 'PCIe4',
    devices_per_node: 4,
    default_fabric: 'Ethernet-100G',
    source:
      `NVIDIA A10 datasheet: 125 TFLOPS bf16/fp16 dense (250 sparse), 62.5 tf32, 31.2 fp32, 250 TOPS int8, 24 GB GDDR6 at 600 GB/s, 150 W, PCIe Gen4 x16. ${GPU_IDLE} efficiency 0.4: assumption, GDDR6 bandwidth and the 150 W cap limit sustained tensor throughput.`,
  },
};

// Alibaba openb trace `model` values not in the catalogue: 'G2' (549 8-GPU nodes) and 'G3' (39 8-GPU
// nodes) are opaque internal names with no public figures, so the trace importer must map them to a
// kind the user chooses. 'V100M16' / 'V100M32' are aliases below; their 1- and 4-GPU nodes may well be
// PCIe V100s (112 TFLOPS, 250 W), which a scenario can override.

/** Built-in device kinds by the name scenarios use. */
export const DEVICE_CATALOGUE: Readonly<Record<string, DeviceKind>> = Object.freeze(
  Object.fromEntries(Object.entries(deviceInputs).map(([name, input]) => [name, defineDevice(input)])),
);

/** Other names accepted for catalogue kinds, written in the normalised form `normaliseName` gives. */
export const DEVICE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  // The DGX-2 and most late V100 systems used the 32 GB part.
  v100: 'V100-SXM2-32GB',
  v100sxm2: 'V100-SXM2-32GB',
  v10032gb: 'V100-SXM2-32GB',
  v10016gb: 'V100-SXM2-16GB',
  // Alibaba trace names.
  v100m16: 'V100-SXM2-16GB',
  v100m32: 'V100-SXM2-32GB',
  a100: 'A100-80GB',
  a100sxm: 'A100-80GB',
  a100sxm4: 'A100-80GB',
  a100sxm480gb: 'A100-80GB',
  a100sxm440gb: 'A100-40GB',
  a10040gbsxm: 'A100-40GB',
  h100sxm: 'H100',
  h100sxm5: 'H100',
  h10080gb: 'H100',
  h100sxm80gb: 'H100',
  h800sxm: 'H800',
  h800sxm5: 'H800',
  h80080gb: 'H800',
  h200sxm: 'H200',
  h200141gb: 'H200',
  hgxb200: 'B200',
  instinctmi300x: 'MI300X',
  tpu4: 'TPUv4',
  tpuv5lite: 'TPUv5e',
  tpuv5litepod: 'TPUv5e',
  '910b': 'Ascend910B',
  dgx2v100: 'DGX-2',
  teslav100: 'V100-SXM2-32GB',
  teslat4: 'T4',
  teslap100: 'P100',
  p100pcie: 'P100',
  p100pcie16gb: 'P100',
  teslak80: 'K80',
});


const deviceKeyByNormalName = new Map<string, string>([
  ...Object.keys(DEVICE_CATALOGUE).map((k) => [normaliseName(k), k] as const),
  ...Object.entries(DEVICE_ALIASES),
]);

/**
 * The catalogue kind called `name`, ignoring case and separators ('h100', 'TPU-v4'), or reached by
 * an alias ('A100' -> 'A100-80GB', 'H100-SXM' -> 'H100', the trace's 'V100M32'); undefined otherwise.
 */
export function lookupDevice(name: string): DeviceKind | undefined {
  const key = deviceKeyByNormalName.get(normaliseName(name));
  return key === undefined ? undefined : DEVICE_CATALOGUE[key];
}

/** The catalogue key `lookupDevice` resolves `name` to, for messages and reports. */
export function canonicalDeviceName(name: string): string | undefined {
  return deviceKeyByNormalName.get(normaliseName(name));
}

/** Did-you-mean for an unknown device kind: the closest catalogue key. */
export function suggestDeviceName(name: string): string | undefined {
  return suggestName(name, Object.keys(DEVICE_CATALOGUE));
}
