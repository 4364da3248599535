// The streaming multiprocessors NCCL's kernels hold while a collective runs hidden behind compute:
// what the overlapped compute loses for them, per step. Pure; step-time.ts calls it once a step.
//
// NCCL launches one CTA per channel and a CTA holds a whole SM for as long as the collective runs:
// "NCCL CTAs won't share an SM with compute kernels" (its maintainer, NVIDIA/nccl#689). Compute
// that runs beside a collective therefore runs on SMs - n of them, n the collective's CTAs, and
// takes SMs / (SMs - n) as long: over the hidden time h of the collective it finishes h x n /
// (SMs - n) later than it would alone. Lee et al. 2025 (arXiv 2507.03114) measure overlapped
// compute 18.9% slower on average (40% at most) on A100 and H100; n / (SMs - n) is 16% for 16 of
// 116 free SMs and 32% for 32 of 132.
//
// Memory-bandwidth contention is not added. The only measurement that separates it (nccl#1433: a
// GEMM and send/recv kernels on disjoint SMs, slower together; "you may not compete for SMs but
// still compete for memory bandwidth", the maintainer) gives no size that could be charged apart
// from the SM share, and Lee et al.'s slowdowns, which contain both, are within the SM share's
// range at NCCL's channel counts: an added term would count that part twice. A ring's own HBM
// traffic is about twice its link rate (2 x 50 GB/s through a 400G NIC, 3% of an H100's 3.35 TB/s)
// beside GEMMs that are compute-bound.
import type { ParallelLayout } from './training-layout.js';

/**
 * What the SM share needs to know about a device kind that runs NCCL. Contract: `sms` > the CTA
 * counts; the counts are NCCL's channels for a collective on each kind of path, before any cap a
 * layout states.
 */
export interface NcclSms {
  /** Streaming multiprocessors of the device. */
  readonly sms: number;
  /** CTAs of a collective among ranks of one node (the interconnect): 2 per NVLink link, at most 32; 2 over PCIe. */
  readonly intraCtas: number;
  /** CTAs of a collective whose ranks span nodes (the fabric): 2 per NIC of the node, at most 32. */
  readonly interCtas: number;
}

/** NCCL's MAXCHANNELS: no collective runs on more channels (nccl#1429). */
export const NCCL_MAX_CHANNELS = 32;
/** CTAs NCCL launches per NVLink link to saturate it for large messages (nccl#1703, the maintainer). */
export const CTAS_PER_NVLINK = 2;
/**
 * CTAs per NIC of a node for rings across nodes: two channels per NIC (nccl#689: "on DGX with 8
 * NICs ... it would use 16 SMs"; a PCIe system with one NIC "should just launch 2 SMs").
 */
export const CTAS_PER_NIC = 2;
/** Channels of a ring over PCIe inside a node (nccl#689: 2 SMs on a PCIe system). */
export const PCIE_CTAS = 2;

/**
 * NVLink links per device of the catalogue's interconnects (NVIDIA datasheets: V100 6, A100 12,
 * H100/H200/B200 18, H800 8). NCCL's channel count follows them: 24 on an HGX A100 (nccl-tests#100),
 * 16 on an H800 (nccl#892), 32 on Hopper (18 links, capped: nccl#1429).
 */
export const NVLINK_LINKS: Readonly<Record<string, number>> = { NVLink2: 6, NVLink3: 12, NVLink4: 18, 'NVLink4-8link': 8, NVLink5: 18 };

/** Per-direction rate of one NVLink link of generations 2-4 (bytes/s): an interconnect not in NVLINK_LINKS is counted by it. */
const NVLINK_LINK_BYTES_PER_S = 25e9;

/** What ncclSmsOf reads of a device kind (the scenario's spec). */
export interface NcclKind {
  readonly vendor: string;
  /** 'server': a row that bundles several GPUs (DGX-2), whose SMs the model does not see: not charged. */
  readonly class?: string | undefined;
  readonly compute_units?: number | undefined;
  readonly interconnect: { readonly name: string; readonly bandwidth: number };
}

/** Whether an interconnect is NVLink (by its name). */
function isNvlink(name: string): boolean {
  return /nvlink/i.test(name);
}

/**
 * The kind's NCCL figures, or undefined where the kind does not run NCCL: NVIDIA devices, and any
 * kind on NVLink whatever its vendor field says (a 'server' row that bundles GPUs: not modelled,
 * undefined). `nicsPerNode`: the NICs of the kind's node
 * (inter-node rings take 2 CTAs per NIC). `defaultSms`: the SMs assumed when the kind gives no
 * compute_units (the compute model's own default).
 */
export function ncclSmsOf(kind: NcclKind, nicsPerNode: number, defaultSms: number): NcclSms | undefined {
  const ic = kind.interconnect;
  const nvlink = isNvlink(ic.name);
  if (kind.class === 'server' || (!nvlink && kind.vendor.trim().toUpperCase() !== 'NVIDIA')) return undefined;
  const links = NVLINK_LINKS[ic.name] ?? Math.max(1, Math.round(ic.bandwidth / NVLINK_LINK_BYTES_PER_S));
  const intraCtas = nvlink ? Math.min(NCCL_MAX_CHANNELS, CTAS_PER_NVLINK * links) : PCIE_CTAS;
  const interCtas = Math.min(NCCL_MAX_CHANNELS, CTAS_PER_NIC * Math.max(1, Math.floor(nicsPerNode)));
  return { sms: kind.compute_units ?? defaultSms, intraCtas, interCtas };
}

/** Share of the compute beside a collective of `ctas` CTAs that the lost SMs add: n / (SMs - n); 0 without CTAs. */
export function smShare(ctas: number, sms: number): number {
  const n = Math.max(0, ctas);
  if (!(n > 0)) return 0;
  // Contract: sms > n. A kind with fewer SMs than the channels would run nothing beside them; charge no more than the whole.
  const left = sms - n;
  return left > 0 ? n / left : 1;
}

/** CTAs of a collective on a path that stays in the node (`intra`) or spans nodes, capped by `maxCtas` when the layout states one. */
export function ctasOf(nccl: NcclSms, intra: boolean, maxCtas: number | undefined): number {
  const n = intra ? nccl.intraCtas : nccl.interCtas;
  return maxCtas !== undefined ? Math.min(n, maxCtas) : n;
}

/**
 * One step's hidden collective time per group (s) and whether each group's ranks stay in a node.
 * tp: the part of NCCL tensor-parallel collectives hidden by a plain overlap fraction (never a
 * `tp_overlap` mode's: userbuffers' and async TP's SMs are tp-overlap.ts's cost); pp: the hidden
 * part of pipeline send/recv; dp: the hidden data-parallel (ZeRO, FSDP) gathers and reductions;
 * ep: overlapped expert all-to-alls; cp: the context-parallel ring where hidden.
 */
export interface HiddenCollectives {
  readonly tpS: number;
  readonly ppS: number;
  readonly dpS: number;
  readonly epS: number;
  readonly cpS: number;
  readonly tpIntra: boolean;
  readonly ppIntra: boolean;
  readonly dpIntra: boolean;
  readonly epIntra: boolean;
  readonly cpIntra: boolean;
}

/**
 * Time the overlapped compute loses to NCCL's SMs in one step (s): each group's hidden collective
 * time x n / (SMs - n), n that group's CTAs (layout.dpMaxCtas caps the data-parallel group's,
 * layout.ppMaxCtas the pipeline's). 0 for a kind that does not run NCCL (`nccl` undefined) and
 * when nothing is hidden. Never negative.
 */
export function ncclSmShareS(nccl: NcclSms | undefined, hidden: HiddenCollectives, layout: Pick<ParallelLayout, 'dpMaxCtas' | 'ppMaxCtas'>): number {
  if (!nccl) return 0;
  const charge = (hiddenS: number, intra: boolean, maxCtas: number | undefined): number => (hiddenS > 0 ? hiddenS * smShare(ctasOf(nccl, intra, maxCtas), nccl.sms) : 0);
  return (
    charge(hidden.tpS, hidden.tpIntra, undefined) +
    charge(hidden.ppS, hidden.ppIntra, layout.ppMaxCtas) +
    charge(hidden.dpS, hidden.dpIntra, layout.dpMaxCtas) +
    charge(hidden.epS, hidden.epIntra, undefined) +
    charge(hidden.cpS, hidden.cpIntra, undefined)
  );
}
