// The memory-bound ops of one transformer block, each in two descriptions of its kernels: 'fused'
// (what the step-time model has always charged) and 'eager' (PyTorch eager, as TorchTitan's Llama runs them). Pure.
import { KERNEL_OVERHEAD_S, MEMORY_BANDWIDTH_EFFICIENCY, type ComputeDevice } from './gemm.js';

/** Which kernels a stack runs its block's norms, rotary embedding, activation and residual adds with (TrainingShape.kernels). */
export type ElementwiseKernels = 'fused' | 'eager';

/** fp32: the width eager PyTorch upcasts RMSNorm and RoPE to (complex64 is two of them). */
const FP32 = 4;

/**
 * Elements, on one device, of the tensors the block's ops work on (one micro-batch):
 * - residual: the residual stream where the norms and adds run (tokens x hidden; 1/tp of the tokens with sequence parallelism);
 * - gathered: the norms' outputs as the projections read them (tokens x hidden, whole over the tensor group);
 * - q, k: the rotary embedding's queries and keys (tokens x heads x head dim / tp, and x kv heads);
 * - ffn: the gated FFN's inner activation (tokens x ffn / tp).
 */
export interface BlockTensors {
  readonly residual: number;
  readonly gathered: number;
  readonly q: number;
  readonly k: number;
  readonly ffn: number;
}

/** One kernel: bytes it reads and writes per element of its op's tensor (a per-row statistic, 1/hidden of that, counts 0). */
export interface Kernel {
  readonly what: string;
  readonly read: number;
  readonly write: number;
}

/** An op of the block: the tensor it works on, how often a block runs it, its kernels forward and backward in each description. */
export interface BlockOp {
  readonly op: string;
  /** 'activation' is the FFN's (layer-compute.ts times it with the FFN); the rest run on the residual stream and the attention's inputs. */
  readonly part: 'stream' | 'activation';
  readonly tensor: keyof BlockTensors;
  readonly perBlock: number;
  readonly fused: { readonly forward: readonly Kernel[]; readonly backward: readonly Kernel[] };
  readonly eager: { readonly forward: readonly Kernel[]; readonly backward: readonly Kernel[] };
}

const k = (what: string, read: number, write: number): Kernel => ({ what, read, write });

/**
 * The block's memory-bound ops with activations `b` bytes wide (2 in bf16), as TorchTitan's Llama
 * writes them (torchtitan/models/llama/model.py and models/norms.py, the same at 3faaa1a0d, August
 * 2024, and 9dec370, December 2024): `h = x + attention(attention_norm(x))`, `out = h +
 * feed_forward(ffn_norm(h))`, `RMSNorm.forward = _norm(x.float()).type_as(x) * weight` with `_norm =
 * x * rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)`, `apply_rotary_emb` on `view_as_complex(xq.float())`
 * times the complex64 `freqs_cis`, back with `view_as_real(...).type_as(xq)`, `w2(silu(w1(x)) * w3(x))`.
 *
 * 'eager': one kernel per op forward; backward, the kernels of each op's autograd formula
 * (tools/autograd/derivatives.yaml and FunctionsManual.cpp: mul's two products and `sum_to_size`,
 * `pow_backward`'s `grad * (2 * self.pow(1))`, `mean_backward`'s expand and divide, `rsqrt`'s, the
 * casts'), reading the tensors autograd saved (the fp32 input of the norm, the normalised bf16 output,
 * the FFN's two inputs and SiLU's output) and the sums autograd's input buffer makes where a tensor
 * feeds two ops (the norm's fp32 input, the residual stream, the norm output the separate wq, wk, wv
 * and w1, w3 read).
 *
 * 'fused': the same ops as the model has always charged them (layer-compute.ts; torch.compile's and
 * Megatron-LM's fused kernels): a one-pass norm, 2 elements forward and 4 backward in two launches
 * (layer-norm.ts 'persistent'); a residual add 3 forward, 6 backward (BACKWARD_BYTES_RATIO); SwiGLU 3
 * and 6. It charges no rotary embedding and no gradient sums (Megatron-LM fuses wq, wk, wv into one
 * GEMM, and w1, w3). A compiled TorchTitan block does run a fused RoPE kernel (reading and writing q
 * and k, forward and backward) and reads the projections' gradients in its norm's backward: the fused
 * charge keeps that omission (docs/calibration.md, TorchTitan cause 2, gives its size), so an eager
 * row's step counts them and its compiled twin's does not.
 *
 * Left out of both: GQA's `repeat_kv` copies of keys and values (eager and compiled alike materialise
 * them), the final norm before the output layer (one in 2 x layers + 1), the per-row statistics' bytes.
 */
export function blockOps(b: number): readonly BlockOp[] {
  return [
    {
      op: 'RMSNorm',
      part: 'stream',
      tensor: 'residual',
      perBlock: 2,
      fused: { forward: [k('norm', b, b)], backward: [k('input gradient', 2 * b, b), k('weight gradient', b, 0)] },
      eager: {
        forward: [
          k('x.float()', b, FP32),
          k('pow(2)', FP32, FP32),
          k('mean(-1)', FP32, 0),
          k('+ eps', 0, 0),
          k('rsqrt', 0, 0),
          k('x * rsqrt', FP32, FP32),
          k('type_as(x)', FP32, b),
          k('* weight', b, b),
        ],
        backward: [
          k('* weight: grad x weight', b, b),
          k('* weight: grad x normed', 2 * b, b),
          k('* weight: sum over tokens', b, 0),
          k('type_as: grad to fp32', b, FP32),
          k('x * rsqrt: grad x rsqrt', FP32, FP32),
          k('x * rsqrt: grad x x', 2 * FP32, FP32),
          k('x * rsqrt: sum over the row', FP32, 0),
          k('rsqrt backward: pow(3)', 0, 0),
          k('rsqrt backward: x -0.5', 0, 0),
          k('rsqrt backward: x grad', 0, 0),
          k('mean backward: expand / n', 0, FP32),
          k('pow backward: x.pow(1)', FP32, FP32),
          k('pow backward: 2 x', FP32, FP32),
          k('pow backward: grad x', 2 * FP32, FP32),
          k('sum of the two fp32 gradients', 2 * FP32, FP32),
          k('float() backward: to bf16', FP32, b),
        ],
      },
    },
    ...(['q', 'k'] as const).map(
      (tensor): BlockOp => ({
        op: `RoPE (${tensor})`,
        part: 'stream',
        tensor,
        perBlock: 1,
        fused: { forward: [], backward: [] },
        eager: {
          forward: [k('float()', b, FP32), k('complex64 x freqs_cis', FP32, FP32), k('type_as', FP32, b)],
          backward: [k('grad to fp32', b, FP32), k('x conj(freqs_cis)', FP32, FP32), k('to bf16', FP32, b)],
        },
      }),
    ),
    {
      op: 'residual add',
      part: 'stream',
      tensor: 'residual',
      perBlock: 2,
      fused: { forward: [k('add', 2 * b, b)], backward: [k('add backward', 4 * b, 2 * b)] },
      // The add's backward passes the gradient on; the residual input's two gradients are summed.
      eager: { forward: [k('add', 2 * b, b)], backward: [k('sum of the residual and branch gradients', 2 * b, b)] },
    },
    {
      op: 'projection gradient sums',
      part: 'stream',
      tensor: 'gathered',
      // wq, wk, wv read one norm output (two sums), w1, w3 the other (one).
      perBlock: 3,
      fused: { forward: [], backward: [] },
      eager: { forward: [], backward: [k('sum of two input gradients', 2 * b, b)] },
    },
    {
      op: 'SiLU x mul',
      part: 'activation',
      tensor: 'ffn',
      perBlock: 1,
      fused: { forward: [k('swiglu', 2 * b, b)], backward: [k('swiglu backward', 4 * b, 2 * b)] },
      eager: {
        forward: [k('silu', b, b), k('mul', 2 * b, b)],
        backward: [k('mul: grad x w3 out', 2 * b, b), k('mul: grad x silu out', 2 * b, b), k('silu_backward', 2 * b, b)],
      },
    },
  ];
}

/** Bytes and kernel launches of one pass. */
export interface PassCount {
  readonly bytes: number;
  readonly kernels: number;
}

/** Bytes each description's kernels move and how many it launches, forward and backward, for a part of the block (or all of it). */
export function blockCount(t: BlockTensors, b: number, kernels: ElementwiseKernels, part?: BlockOp['part']): { forward: PassCount; backward: PassCount } {
  const count = (pass: 'forward' | 'backward'): PassCount => {
    let bytes = 0;
    let launches = 0;
    for (const op of blockOps(b)) {
      if (part !== undefined && op.part !== part) continue;
      for (const kernel of op[kernels][pass]) {
        bytes += op.perBlock * (kernel.read + kernel.write) * t[op.tensor];
        launches += op.perBlock;
      }
    }
    return { bytes, kernels: launches };
  };
  return { forward: count('forward'), backward: count('backward') };
}

/**
 * Seconds of a part of the block's memory-bound kernels on one device, forward and backward: their
 * bytes at the streaming rate (MEMORY_BANDWIDTH_EFFICIENCY) plus KERNEL_OVERHEAD_S a launch, as the
 * model times every memory-bound kernel. The CPU's dispatch of each eager op is not charged: PyTorch
 * queues kernels asynchronously, so the GPU waits only where the CPU issues them more slowly than the
 * GPU runs them: a block's 72 eager kernels run far longer together than their dispatch on the
 * TorchTitan rows (docs/calibration.md, TorchTitan cause 2).
 */
export function blockKernelsS(t: BlockTensors, b: number, kernels: ElementwiseKernels, part: BlockOp['part'], dev: ComputeDevice): { forwardS: number; backwardS: number } {
  const c = blockCount(t, b, kernels, part);
  const rate = dev.memoryBandwidth * MEMORY_BANDWIDTH_EFFICIENCY;
  return { forwardS: c.forward.bytes / rate + c.forward.kernels * KERNEL_OVERHEAD_S, backwardS: c.backward.bytes / rate + c.backward.kernels * KERNEL_OVERHEAD_S };
}
