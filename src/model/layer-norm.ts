// Layer norm forward and backward on one device, from the bytes each kernel moves and the rate it
// sustains, for the two kernel families a Megatron-LM stack has run. Pure.
import { KERNEL_OVERHEAD_S, MEMORY_BANDWIDTH_EFFICIENCY } from './gemm.js';

/** Which layer-norm kernels a stack runs (ParallelLayout.layerNorm). */
export type LayerNormKernel = 'persistent' | 'apex';

/** apex pull request 1037's timings of the kernels apex's FusedLayerNorm ran then (GB/s as it counts them), and the board's bandwidth. */
export const APEX_FORWARD_GBS = 896;
export const APEX_BACKWARD_GBS = 572;
const A100_40GB_GBS = 1555;

/**
 * Elements of the normalised tensor each kernel reads and writes, and the fraction of HBM bandwidth
 * it sustains, forward and backward. Both measured on one A100 (apex pull request 1037, "fast layer
 * norm", NVIDIA/apex commit e2083df5, February 2021: apex/contrib/test/layer_norm/
 * test_fast_layer_norm.py, fp16, 16,384 rows of 1,024, the mean of 1,000 launches; its throughput
 * counts x and y forward, dy, x and dx backward, and the small per-row and per-column vectors):
 * - 'apex': the kernels of apex's FusedLayerNorm (`layer_norm_cuda_kernel.cu`), which Megatron-LM
 *   compiled as its own `fused_mix_prec_layer_norm_cuda` until it made the persistent kernel its
 *   default (commit a2fdcdf061, 8 October 2021; the SC21 artifact's commit 6985e58938 runs these):
 *   forward 0.0751 ms, 896 GB/s over x and y; backward 0.1762 ms, 572 GB/s over dy, x and dx. Its
 *   backward reads dy and x twice (`cuComputePartGradGammaBeta` for the weight gradients, then
 *   `cuComputeGradInput`: "the main backward kernel crucially reads the large input tensors dout
 *   and x only once", the pull request says of its replacement), so it moves 5 elements, 953 GB/s.
 * - 'persistent': apex.contrib's FastLayerNorm that the pull request adds (Megatron-LM's
 *   `persist_layer_norm`, its default from October 2021 for hidden sizes 1,024-65,536 it lists; the
 *   one-pass kernels later stacks run): forward 0.0535 ms, 1,258 GB/s; backward 0.0866 ms,
 *   1,163 GB/s over 3 elements.
 * The board: the persistent kernel's 1,258 GB/s are 0.81 of the 40 GB A100's 1,555 GB/s (0.62 of
 * the 80 GB board's 2,039, low for a kernel written to stream), so the fractions are of 1,555.
 * 'persistent' keeps the model's earlier count (2 elements forward, 4 backward in two launches, at
 * the streaming rate MEMORY_BANDWIDTH_EFFICIENCY): 0.0548 ms forward against 0.0535 measured, 0.1095
 * backward against 0.0866 (it errs slow): the kernels of the given set's 2022 stack. 'apex' from the
 * measurement: 0.0789 and 0.1883 ms with the launches (4 us each: 1, and 3 backward).
 */
const KERNELS: Readonly<Record<LayerNormKernel, Kernel>> = {
  persistent: { forwardElems: 2, forwardBandwidth: MEMORY_BANDWIDTH_EFFICIENCY, backwardElems: 4, backwardBandwidth: MEMORY_BANDWIDTH_EFFICIENCY, backwardLaunches: 2 },
  apex: { forwardElems: 2, forwardBandwidth: APEX_FORWARD_GBS / A100_40GB_GBS, backwardElems: 5, backwardBandwidth: (APEX_BACKWARD_GBS * 5) / 3 / A100_40GB_GBS, backwardLaunches: 3 },
};

interface Kernel {
  readonly forwardElems: number;
  /** Fraction of HBM bandwidth the forward sustains. */
  readonly forwardBandwidth: number;
  readonly backwardElems: number;
  readonly backwardBandwidth: number;
  /** Kernel launches of the backward: the input gradient and the weight gradients' final reduction (and, for apex, their partial sums). */
  readonly backwardLaunches: number;
}


/**
 * Seconds of layer norm over `elements` values of `bytes` each (every norm of a layer in one
 * call), forward and backward. With 'persistent' the backward is exactly BACKWARD_BYTES_RATIO (2)
 * times the forward, as the model's other streaming kernels.
 */
export function layerNormS(elements: number, bytes: number, kernel: LayerNormKernel, memoryBandwidth: number): { forwardS: number; backwardS: number } {
  if (!(elements > 0)) return { forwardS: 0, backwardS: 0 };
  const k = KERNELS[kernel];
  return {
    forwardS: (k.forwardElems * bytes * elements) / (memoryBandwidth * k.forwardBandwidth) + KERNEL_OVERHEAD_S,
    backwardS: (k.backwardElems * bytes * elements) / (memoryBandwidth * k.backwardBandwidth) + k.backwardLaunches * KERNEL_OVERHEAD_S,
  };
}
