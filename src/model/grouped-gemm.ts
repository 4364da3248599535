// Time of a mixture-of-experts layer's grouped GEMM: one M x N x K product per local expert, as
// Transformer Engine's GroupedLinear runs them on Hopper and earlier by default (Megatron-Core's
// `moe_grouped_gemm`): one cuBLAS GEMM per expert, issued round-robin over a small pool of CUDA
// streams (`nvte_multi_stream_cublas_gemm`). The experts on different streams run at the same
// time and share the device's compute units; the experts on one stream run one after the other,
// each a kernel of its own with its own tile and wave quantisation and its own fixed cost. Pure.
import { gemmTimeS, type ComputeDevice } from './gemm.js';

/**
 * Streams Transformer Engine spreads a grouped GEMM's per-expert GEMMs over: 4
 * (`transformer_engine/common/util/multi_stream.cpp`, `nvte_get_num_compute_streams()`; the
 * PyTorch side mirrors it in `get_num_cublas_streams()`).
 */
export const GROUPED_GEMM_STREAMS = 4;

/**
 * Seconds for `groups` independent M x N x K products (one per local expert) run as TE's
 * multi-stream grouped GEMM: ceil(groups / streams) rounds of up to `streams` concurrent GEMMs,
 * whose output tiles share one pool of waves (gemm.ts), each round paying one kernel's fixed
 * cost (the concurrent kernels' launches overlap theirs). Checked against TE's own measurements
 * of this path on H100 (test/grouped-gemm.test.ts): the more experts a rank holds and the fewer
 * tokens each gets, the more rounds of partly filled waves and fixed costs.
 */
export function groupedGemmTimeS(m: number, n: number, k: number, groups: number, bytesPerElement: number, dev: ComputeDevice, streams = GROUPED_GEMM_STREAMS): number {
  if (!(groups > 0)) return 0;
  const s = Math.max(1, Math.floor(streams));
  const full = Math.floor(groups / s);
  const rest = groups - full * s;
  return full * gemmTimeS(m, n, k, s, bytesPerElement, dev) + (rest > 0 ? gemmTimeS(m, n, k, rest, bytesPerElement, dev) : 0);
}
