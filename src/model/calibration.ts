// Calibration constants of the training step-time model, each with its source, and the
// Llama 3 405B reference setups (Table 4 of the Llama 3 paper) they are checked against.
// docs/calibration.md explains the check and how sensitive the result is to each constant.
import type { ParallelLayout, TrainingShape } from './training-layout.js';
import type { StepTimeInput } from './step-time.js';

/**
 * H100 SXM kernel efficiency: fraction of the 989 TFLOP/s dense bf16 peak that a large
 * transformer layer's kernels sustain, before communication and bubbles. Bottom-up estimate,
 * not a fit: large bf16 GEMMs on H100 SXM sustain ~0.70-0.75 of peak at the 700 W power cap
 * (clocks settle below the 1.98 GHz boost); FlashAttention-3 reaches ~0.75 forward and less
 * backward (Shah et al. 2024); and the non-GEMM kernels of a Llama-style layer (RMSNorm, rotary,
 * SwiGLU, residual adds, casts) take roughly a quarter of layer time: 0.72 x 0.77 ~= 0.55.
 * The Llama 3 rows are the check (docs/calibration.md): 8,192 GPUs 43.2% (6PT) / 46.8% (PaLM
 * convention) against 43% published; 16,384 GPUs 38.6% / 41.9% against 41%.
 */
export const H100_KERNEL_EFFICIENCY = 0.55;

/**
 * Fraction of tensor-parallel all-gather/reduce-scatter time hidden behind GEMMs. Megatron
 * sequence parallelism runs them on the critical path unless communication/GEMM overlap
 * (TransformerEngine userbuffers, PyTorch async-TP) splits them into chunks that overlap with
 * the neighbouring GEMM; those report hiding most but not all of it. Llama 3's stack is not
 * documented on this point, so the midpoint is used; docs/calibration.md shows the spread.
 */
export const TP_OVERLAP_FRACTION = 0.5;

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

/** Llama 3 405B as published (paper Table 3): 126 layers, width 16384, 8K sequences, 16M-token batch. */
export function llama3Shape(): TrainingShape {
  return {
    params: 405e9,
    layers: 126,
    hiddenSize: 16384,
    seqLen: 8192,
    // "16M tokens per batch" (Table 4): 2048 sequences of 8192 tokens.
    globalBatchTokens: 2048 * 8192,
    precisionBytes: 2,
    // Not stated for the 405B run; with full recompute 43% MFU would need kernel efficiency > 0.7.
    activationRecompute: false,
    // "reduce-scatter gradients in FP32" (paper section 3.3.2).
    gradientBytes: 4,
    ffnMultiplier: 53248 / 16384,
    vocab: 128_000,
  };
}

/**
 * Interleaving depth assumed for Llama 3: the paper uses the interleaved schedule with V stages
 * per rank but does not give V for the 405B run. 126 layers with one layer removed from the
 * first and the last stage means 128 layer slots over 16 ranks, i.e. 8 per rank, so V is 1, 2,
 * 4 or 8; 4 (two layers per chunk) is assumed and the spread shown in docs/calibration.md.
 */
export const LLAMA3_VIRTUAL_STAGES = 4;

/**
 * The 8,192- and 16,384-GPU rows of Llama 3 Table 4 (TP8, PP16, DP64 or DP128, 8K sequences).
 * The third row (context parallelism CP16 at 128K sequences) is out of scope: the model has no
 * context-parallel group. Micro-batches hold one sequence: 2048 sequences / dp per replica.
 */
export function llama3Input(gpus: 8192 | 16384, kernelEfficiency = H100_KERNEL_EFFICIENCY): StepTimeInput {
  const shape = llama3Shape();
  const dp = gpus / (8 * 16);
  const layout: ParallelLayout = {
    tp: 8,
    pp: 16,
    dp,
    microBatches: shape.globalBatchTokens / shape.seqLen / dp,
    virtualStages: LLAMA3_VIRTUAL_STAGES,
    shardedDataParallel: true,
  };
  const scaleOut = { bandwidthBytesPerS: NIC_400G_BYTES_PER_S * SCALE_OUT_EFFICIENCY, latencyS: SCALE_OUT_LATENCY_S };
  return {
    shape,
    layout,
    peakFlopsPerDevice: H100_PEAK_BF16_FLOPS,
    kernelEfficiency,
    tp: { bandwidthBytesPerS: H100_NVLINK_BYTES_PER_S * NVLINK_EFFICIENCY, latencyS: NVLINK_LATENCY_S, scaleOut: false },
    // Each pipeline stage is a different node (TP fills the node): stage hops cross the network.
    pp: { ...scaleOut },
    // A DP group holds one rank per node (same TP and PP coordinates): flat over the NICs.
    dp: { ...scaleOut },
  };
}
