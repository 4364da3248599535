// Shared constants of the training step-time model's communication and schedule, each with its
// source. Device constants live in the catalogue; the runs they are checked against in
// calibration-runs.ts; docs/calibration.md reports the check.

/**
 * Fraction of tensor-parallel all-gather/reduce-scatter time hidden behind GEMMs: 0, every
 * collective on the critical path, as Megatron-LM of the SC21 artifact (commit 6985e58938) runs
 * them. Megatron-LM from commit cf7efd4f5a (30 August 2021, on by default) overlaps the backward's
 * input-gradient all-reduces (with sequence parallelism its reduce-scatters) with the
 * weight-gradient GEMM, which Korthikanti et al. 2022 (section 6.2) ran; the given set's whole
 * steps are reproduced with them charged exposed, their per-layer times (Table 4) with them
 * hidden (docs/calibration.md, "Per-layer check"): not modelled yet. A stack that decomposes its
 * collectives into the GEMMs (Transformer Engine's userbuffers, PyTorch's async TP) is described by
 * `layout.tp_overlap` instead (tp-overlap.ts), which replaces this fraction where it is set.
 */
export const TP_OVERLAP_FRACTION = 0;

/**
 * Fraction of pipeline send/recv time hidden behind compute. Megatron's 1F1B posts its
 * send/recv between micro-batch computations (on the critical path); Llama 3 switched to
 * asynchronous point-to-point (paper section 3.3.2), which hides most of it. 0.5 splits the
 * difference; the term is ~2% of the step for Llama 3, so the choice barely matters there.
 */
export const PP_OVERLAP_FRACTION = 0.5;

/**
 * Fraction of the overlap window's compute time during which data-parallel communication
 * progresses. NCCL kernels run on their own stream and take a few SMs, so a bucket's reduction
 * runs while the next layer's backward computes (PyTorch DDP, Li et al. VLDB 2020; ZeRO/FSDP
 * prefetch); 0.9 allows for the bucket that can only start once the last layer is done.
 */
export const DP_OVERLAP_FRACTION = 0.9;

/**
 * Share of the PaLM attention term (12 L h s FLOPs per token, no causal discount) that the
 * hardware actually executes: FlashAttention skips the fully masked upper-triangle blocks of
 * a causal mask, so about half (Dao 2023, section 3.1).
 */
export const ATTENTION_HARDWARE_FRACTION = 0.5;

/** H100 SXM dense bf16 peak (NVIDIA H100 datasheet, SXM5). */
export const H100_PEAK_BF16_FLOPS = 989e12;
/**
 * NVLink4 per GPU: 900 GB/s bidirectional = 450 GB/s each way (NVIDIA H100 datasheet), of
 * which large collectives reach ~0.8 (nccl-tests all-reduce busbw ~360-370 GB/s on 8xH100
 * without NVLS; hardware.md).
 */
export const H100_NVLINK_BYTES_PER_S = 450e9;
export const NVLINK_EFFICIENCY = 0.8;
/** One NVSwitch step (hardware.md: ~0.94 us in a published validated collective model). */
export const NVLINK_LATENCY_S = 1e-6;
/** 400 Gb/s RoCE/NDR NIC per GPU = 50 GB/s (Llama 3 paper section 3.3.1). */
export const NIC_400G_BYTES_PER_S = 50e9;
/** Large-message RoCE/IB goodput over line rate (headers, ECN pacing); nccl-tests cross-node busbw ~ 45-47 of 50 GB/s. */
export const SCALE_OUT_EFFICIENCY = 0.9;
/**
 * Per-step alpha across a three-tier Clos: ~5 switch hops at ~0.5-1 us plus ~2 us NIC and
 * host overhead per message (hardware.md: NDR port-to-port < 150 ns, HDR end to end 0.6 us;
 * Ethernet switches higher).
 */
export const SCALE_OUT_LATENCY_S = 5e-6;
