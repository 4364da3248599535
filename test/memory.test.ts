// The memory model per device (src/model/memory.ts) against published figures: ZeRO's model-state
// counts, Korthikanti et al.'s activation formulas and the runs they and Llama 3 report as fitting.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { layerActivationBytes, memoryPerDevice } from '../src/model/memory.js';
import { autoLayout, defaultShape, type ParallelLayout, type TrainingShape } from '../src/model/training-layout.js';

const GB = 1e9;
const A100_80GB = 80 * GB;
const H100_80GB = 80 * GB;

const shape = (o: Partial<TrainingShape> & Pick<TrainingShape, 'params' | 'layers' | 'hiddenSize'>): TrainingShape => ({
  seqLen: 2048,
  globalBatchTokens: 2048,
  precisionBytes: 2,
  activationRecompute: false,
  ...o,
});
const layout = (o: Partial<ParallelLayout>): ParallelLayout => ({ tp: 1, pp: 1, dp: 1, microBatches: 1, virtualStages: 1, shardedDataParallel: false, ...o });
const modelState = (m: ReturnType<typeof memoryPerDevice>): number => m.weightsBytes + m.gradientsBytes + m.optimizerBytes;

describe('model state: Rajbhandari et al., "ZeRO", SC 2020', () => {
  it('Figure 1: a 7.5B model on 64 data-parallel GPUs holds 120 GB per GPU, 16.6 GB with optimizer state and gradients sharded (ZeRO-2)', () => {
    const s = shape({ params: 7.5e9, layers: 32, hiddenSize: 4096 });
    expect(modelState(memoryPerDevice(s, layout({ dp: 64 })))).toBeCloseTo(120 * GB, -6);
    expect(modelState(memoryPerDevice(s, layout({ dp: 64, shardedDataParallel: true }))) / GB).toBeCloseTo(16.6, 1);
  });

  it('section 3.1: mixed-precision Adam keeps 16 bytes per parameter (GPT-2 1.5B: 24 GB)', () => {
    const m = memoryPerDevice(shape({ params: 1.5e9, layers: 48, hiddenSize: 1600 }), layout({}));
    expect(modelState(m)).toBeCloseTo(24 * GB, -6);
  });

  it('fp32 gradients (Megatron-LM main_grad, Llama 3) make it 18 bytes per parameter', () => {
    const m = memoryPerDevice(shape({ params: 1e9, layers: 24, hiddenSize: 2048, gradientBytes: 4 }), layout({}));
    expect(modelState(m)).toBeCloseTo(18 * GB, -6);
  });
});

describe('activations: Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models"', () => {
  // GPT-3 175B's layer: h 12288, 96 heads, sequence 2048, micro-batch 1.
  const gpt3 = shape({ params: 175e9, layers: 96, hiddenSize: 12288, heads: 96, sequenceParallel: true });
  const sbh = 2048 * 12288;

  it('Table 2: tensor parallelism without sequence parallelism repeats the norms and dropouts: s b h (10 + 24 / t + 5 a s / (h t))', () => {
    const noSp = { ...gpt3, sequenceParallel: false };
    expect(layerActivationBytes(noSp, 2048, 8, 'none')).toBeCloseTo(sbh * (10 + 24 / 8 + (5 * 96 * 2048) / (12288 * 8)), 0);
    expect(layerActivationBytes(noSp, 2048, 8, 'selective')).toBeCloseTo(sbh * (10 + 24 / 8), 0);
    expect(layerActivationBytes(noSp, 2048, 8, 'full')).toBeCloseTo(2 * sbh, 0);
    // FlashAttention never stores the scores, recomputed or not.
    expect(layerActivationBytes({ ...noSp, attention: 'flash' }, 2048, 8, 'none')).toBeCloseTo(sbh * (10 + 24 / 8), 0);
  });

  it('Table 2: per layer s b h (34 + 5 a s / h) without recomputation, (34 + 5 a s / h) / t with tensor + sequence parallelism', () => {
    expect(layerActivationBytes(gpt3, 2048, 1, 'none')).toBeCloseTo(sbh * (34 + (5 * 96 * 2048) / 12288), 0);
    expect(layerActivationBytes(gpt3, 2048, 8, 'none')).toBeCloseTo((sbh * (34 + (5 * 96 * 2048) / 12288)) / 8, 0);
  });

  it('Table 2: selective recomputation keeps 34 s b h / t, full recomputation the layer input, 2 s b h / t', () => {
    expect(layerActivationBytes(gpt3, 2048, 8, 'selective')).toBeCloseTo((34 * sbh) / 8, 0);
    expect(layerActivationBytes(gpt3, 2048, 8, 'full')).toBeCloseTo((2 * sbh) / 8, 0);
  });

  it('section 4.2.3: the first stage holds pp micro-batches of L / pp layers, L layers in all, whatever pp is', () => {
    const perLayer = layerActivationBytes(gpt3, 2048, 8, 'selective');
    const batch64 = { ...gpt3, globalBatchTokens: 64 * 2048 };
    for (const pp of [2, 4, 8, 16]) {
      const m = memoryPerDevice(batch64, layout({ tp: 8, pp, microBatches: 64 }));
      expect(m.microBatchesInFlight).toBe(pp);
      // Plus the embedding dropout's one-byte mask of each micro-batch in flight (1/t of s b h with SP).
      expect(m.activationsBytes).toBeCloseTo(pp * ((96 / pp) * perLayer + sbh / 8), 0);
    }
    // Fewer micro-batches than stages: only those are ever in flight.
    expect(memoryPerDevice(batch64, layout({ tp: 8, pp: 8, microBatches: 2 })).microBatchesInFlight).toBe(2);
  });

  // Table 5's four runs (reference/training-runs.md), each on A100 80GB with data parallel size 1,
  // fp32 gradients as Megatron keeps them: they ran with sequence parallelism + selective
  // recomputation and with full recomputation, so both must fit; the paper's premise (Figure 1)
  // is that without recomputation they do not.
  const runs: { name: string; s: TrainingShape; l: ParallelLayout }[] = [
    { name: '22B', s: shape({ params: 22e9, layers: 48, hiddenSize: 6144, heads: 64, globalBatchTokens: 4 * 2048, gradientBytes: 4 }), l: layout({ tp: 8, microBatches: 1 }) },
    { name: '175B', s: shape({ params: 175e9, layers: 96, hiddenSize: 12288, heads: 96, globalBatchTokens: 64 * 2048, gradientBytes: 4 }), l: layout({ tp: 8, pp: 8, microBatches: 64, virtualStages: 3 }) },
    { name: '530B', s: shape({ params: 530e9, layers: 105, hiddenSize: 20480, heads: 128, globalBatchTokens: 280 * 2048, gradientBytes: 4 }), l: layout({ tp: 8, pp: 35, microBatches: 280, virtualStages: 3 }) },
    { name: '1T', s: shape({ params: 1e12, layers: 128, hiddenSize: 25600, heads: 160, globalBatchTokens: 512 * 2048, gradientBytes: 4 }), l: layout({ tp: 8, pp: 64, microBatches: 512 }) },
  ];
  for (const { name, s, l } of runs) {
    it(`Table 5, ${name}: fits in 80 GB with selective or full recomputation, not without any`, () => {
      // The selective column ran with sequence parallelism, the full one without.
      const sp = { ...s, sequenceParallel: true };
      expect(memoryPerDevice(sp, l, 'selective').totalBytes).toBeLessThan(A100_80GB);
      expect(memoryPerDevice(s, l, 'full').totalBytes).toBeLessThan(A100_80GB);
      expect(memoryPerDevice(sp, l, 'none').totalBytes).toBeGreaterThan(A100_80GB);
    });
  }
});

describe('Llama 3 405B (Llama 3 paper, Table 4 and section 3.3.2)', () => {
  // Trained at 8K tokens without activation checkpointing on H100 80GB, TP8 PP16, FSDP-style
  // sharding (ZeRO-2) with fp32 gradients, 16M tokens per batch; an output layer of its own, and
  // one layer fewer on the first and the last stage, which hold the embedding and the output
  // layer (section 3.3.2: 7 + 14 x 8 + 7 = 126 layers).
  const llama: TrainingShape = { ...defaultShape(405e9), layers: 126, hiddenSize: 16384, seqLen: 8192, globalBatchTokens: 16_777_216, gradientBytes: 4, vocab: 128_256, tiedEmbeddings: false, attention: 'flash', sequenceParallel: true };
  const stageLayers = [7, ...new Array<number>(14).fill(8), 7];
  for (const dp of [64, 128]) {
    it(`TP8 PP16 DP${dp} fits, and fills most of the device`, () => {
      const m = memoryPerDevice(llama, layout({ tp: 8, pp: 16, dp, microBatches: 2048 / dp, virtualStages: 4, shardedDataParallel: true, stageLayers }));
      expect(m.totalBytes).toBeLessThan(H100_80GB);
      // 71.3 GB (DP64) and 70.9 GB (DP128) on the first stage; spread evenly (7.875 layers and the
      // embedding on it) DP64 would need 80.05 GB, which is why the paper takes a layer off.
      expect(m.totalBytes).toBeGreaterThan(0.85 * H100_80GB);
    });
  }
  it('unsharded, the same layout does not fit', () => {
    expect(memoryPerDevice(llama, layout({ tp: 8, pp: 16, dp: 128, microBatches: 16, virtualStages: 4 })).totalBytes).toBeGreaterThan(H100_80GB);
  });
});

describe('ZeRO stages (Rajbhandari et al. 2020, Figure 1: 7.5B on 64 GPUs)', () => {
  const s = shape({ params: 7.5e9, layers: 32, hiddenSize: 4096 });
  it('stage 1 shards the optimizer state (31.4 GB), 2 also the gradients (16.6 GB), 3 also the weights (1.9 GB + two gathered layers)', () => {
    const state = (zeroStage: 0 | 1 | 2 | 3): number => modelState(memoryPerDevice(s, layout({ dp: 64, zeroStage }))) / GB;
    expect(state(0)).toBeCloseTo(120, 1);
    expect(state(1)).toBeCloseTo(31.4, 1);
    expect(state(2)).toBeCloseTo(16.6, 1);
    // A gathered layer holds a 32nd of the parameters beside the 51,200 x 4,096 embedding.
    expect(state(3)).toBeCloseTo(1.875 + (2 * 2 * (7.5 - (51_200 * 4096) / GB)) / 32, 2);
  });
  it('`sharded: true` is stage 2', () => {
    expect(memoryPerDevice(s, layout({ dp: 64, shardedDataParallel: true })).totalBytes).toBe(memoryPerDevice(s, layout({ dp: 64, zeroStage: 2 })).totalBytes);
  });
});

describe('automatic layouts fit', () => {
  it('every layout autoLayout calls fitting fits, and it prefers one with headroom', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(1e9, 7e9, 13e9, 70e9, 175e9, 405e9),
        fc.constantFrom(16e9, 40e9, 80e9, 141e9, 192e9),
        (devices, perNode, params, mem) => {
          const s = defaultShape(params);
          const l = autoLayout(devices, perNode, s, mem);
          expect(l.memory.totalBytes).toBeCloseTo(memoryPerDevice(s, l).totalBytes, 0);
          if (l.fits) expect(l.memory.totalBytes).toBeLessThanOrEqual(mem);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("405B on 16,384 H100 at Llama 3's 16M-token batch shards its optimizer state: no stage count fits unsharded", () => {
    // 16 micro-batches of one 8K sequence per replica keep 126 layers of activations (72 GB) on
    // the first stage whatever pp is; only sharding leaves room for the model state.
    // Llama 3's stack: FlashAttention with sequence parallelism.
    const modern = { ...defaultShape(405e9), attention: 'flash' as const };
    const l = autoLayout(16384, 8, { ...modern, globalBatchTokens: 16_777_216 }, H100_80GB);
    expect(l).toMatchObject({ tp: 8, fits: true, shardedDataParallel: true });
    // At the default 4M-token batch (4 micro-batches in flight) 16 unsharded stages fit.
    expect(autoLayout(16384, 8, modern, H100_80GB)).toMatchObject({ tp: 8, pp: 16, fits: true, shardedDataParallel: false });
    // Without sequence parallelism every tensor rank keeps the norms' and dropouts' 10 s b h per
    // layer: nothing fits at 16M tokens without recomputation, as Megatron-LM ran in 2021.
    expect(autoLayout(16384, 8, { ...defaultShape(405e9), globalBatchTokens: 16_777_216 }, H100_80GB).fits).toBe(false);
    expect(autoLayout(16384, 8, { ...defaultShape(405e9), globalBatchTokens: 16_777_216, activationRecompute: true }, H100_80GB).fits).toBe(true);
  });

  it('70B on 8 H100 fits no layout; on 64 it does', () => {
    expect(autoLayout(8, 8, defaultShape(70e9), H100_80GB).fits).toBe(false);
    expect(autoLayout(64, 8, defaultShape(70e9), H100_80GB)).toMatchObject({ fits: true, tp: 8 });
  });
});

describe('mixture-of-experts activations', () => {
  // A model whose every layer is a MoE layer (dense_layers 0) has no dense FFN: its `ffn_size`
  // (the experts' width is moe.ffn_size) changes nothing it keeps. The experts' activations used to
  // replace the dense FFN's at that width, so a larger unused ffn_size shrank the activations.
  const moe = (ffnSize: number | undefined, denseLayers: number): TrainingShape =>
    shape({ params: 30e9, layers: 48, hiddenSize: 2048, heads: 32, gatedMlp: true, seqLen: 4096, globalBatchTokens: 4096 * 64, ...(ffnSize !== undefined ? { ffnSize } : {}), moe: { experts: 128, topK: 8, expertFfnSize: 768, sharedExperts: 0, denseLayers } } as Partial<TrainingShape> & Pick<TrainingShape, 'params' | 'layers' | 'hiddenSize'>);
  it("an all-MoE model's activations do not depend on the dense ffn_size it does not use", () => {
    const bytes = (f: number | undefined): number => layerActivationBytes(moe(f, 0), 4096, 1, 'selective');
    expect(bytes(6144)).toBe(bytes(undefined));
    expect(bytes(20000)).toBe(bytes(6144));
    // Its dense layers (dense_layers: 4 of 48) keep their gated FFN at ffn_size: 6 bytes an element of it, averaged over the layers.
    expect(layerActivationBytes(moe(20000, 4), 4096, 1, 'selective') - layerActivationBytes(moe(6144, 4), 4096, 1, 'selective')).toBeCloseTo((4096 * 6 * (20000 - 6144) * 4) / 48, 4);
    // k = 8 routed copies and 8 x 768-wide gated experts against the dense count's gated FFN (8/3 h = 5,461 wide, 6 bytes an element): per token 2h(k - 1) + 6 (k 768 - 5461) more.
    const dense = layerActivationBytes({ ...moe(undefined, 0), moe: undefined }, 4096, 1, 'selective');
    expect(bytes(undefined) - dense).toBeCloseTo(4096 * (2 * 2048 * 7 + 6 * (8 * 768 - 5461)), 6);
  });
});

describe('per-layer activations operator by operator (Korthikanti et al. 2022, section 4.1), at the FFN width the model has', () => {
  // GPT-3 175B's width and heads, at other FFN widths and with a gated MLP.
  const base = shape({ params: 175e9, layers: 96, hiddenSize: 12288, heads: 96, seqLen: 2048, globalBatchTokens: 2048 });
  const sbh = 2048 * 12288;
  it('a GeLU MLP of width f keeps its input (2 s b h), the GeLU input and output (2 s b f each) and the dropout mask (s b h): 34 - 16 + 4 f / h s b h, 34 at f = 4h', () => {
    expect(layerActivationBytes(base, 2048, 1, 'selective')).toBe(34 * sbh);
    expect(layerActivationBytes({ ...base, ffnSize: 2 * 12288 }, 2048, 1, 'selective')).toBeCloseTo((18 + 8) * sbh, 0);
    expect(layerActivationBytes({ ...base, ffnSize: 6 * 12288 }, 2048, 1, 'selective')).toBeCloseTo((18 + 24) * sbh, 0);
    expect(layerActivationBytes({ ...base, ffnMultiplier: 2 }, 2048, 1, 'selective')).toBeCloseTo((18 + 8) * sbh, 0);
  });
  it('a gated MLP (SwiGLU) keeps the gate and up outputs, the activation input (4 s b f) and its output, the down projection input (2 s b f): 6 s b f', () => {
    // Llama 3 8B's proportions: f = 3.5 h.
    const gated = { ...base, gatedMlp: true, ffnSize: 3.5 * 12288, sequenceParallel: true };
    expect(layerActivationBytes(gated, 2048, 1, 'selective')).toBeCloseTo((18 + 21) * sbh, 0);
    // Gated with no ffn_size: 8/3 h, 16 s b h (as a 4h GeLU MLP).
    expect(layerActivationBytes({ ...base, gatedMlp: true }, 2048, 1, 'selective')).toBeCloseTo(34 * sbh, 0);
    // Tensor + sequence parallelism splits it all; without sequence parallelism the FFN's inner tensors split, the norms, inputs and masks (10) do not.
    expect(layerActivationBytes(gated, 2048, 8, 'selective')).toBeCloseTo(((18 + 21) * sbh) / 8, 0);
    const noSp = { ...gated, sequenceParallel: false };
    expect(layerActivationBytes(noSp, 2048, 8, 'selective')).toBeCloseTo(sbh * (10 + (8 + 21) / 8), 0);
    // Standard attention without recomputation adds the scores as before; full recomputation keeps the layer input only.
    expect(layerActivationBytes(gated, 2048, 8, 'none')).toBeCloseTo((sbh * (18 + 21 + (5 * 96 * 2048) / 12288)) / 8, 0);
    expect(layerActivationBytes({ ...gated, attention: 'flash' }, 2048, 8, 'none')).toBeCloseTo(((18 + 21) * sbh) / 8, 0);
    expect(layerActivationBytes(gated, 2048, 8, 'full')).toBeCloseTo((2 * sbh) / 8, 0);
  });
  it('dropout masks are one byte whatever the activations are: fp32 activations keep 2 x 32 + 2 s b h, not 2 x 34', () => {
    expect(layerActivationBytes({ ...base, precisionBytes: 4 }, 2048, 1, 'selective')).toBeCloseTo(66 * sbh, 0);
    // Standard attention: 2 x (2 + 2) a s^2 b of softmax and dropout outputs, a s^2 b of mask.
    expect(layerActivationBytes({ ...base, precisionBytes: 4 }, 2048, 1, 'none')).toBeCloseTo(sbh * (66 + (9 * 96 * 2048) / 12288), 0);
  });
});

describe("`store_param_remainders`: NeMo's distributed Adam keeps the fp32 master weights as 16-bit remainders", () => {
  // NeMo's MegatronBaseModel.setup_optimization with `optim.name: distributed_fused_adam`, a bf16 model
  // under megatron_amp_O2 and the optimizer state in fp32 sets apex DistributedFusedAdam's
  // store_params False and store_param_remainders True: the master weight is the bf16 parameter the
  // device holds plus its low 16 bits, 2 bytes a parameter where a master copy takes 4; the moments
  // stay fp32 (8 bytes). Adam's state: 10 bytes a parameter, not 12.
  const s = shape({ params: 7.5e9, layers: 32, hiddenSize: 4096 });
  it('Adam state 10 bytes a parameter instead of 12, sharded as the ZeRO stage says; weights and gradients unchanged', () => {
    const plain = memoryPerDevice(s, layout({ dp: 64, zeroStage: 1 }));
    const rem = memoryPerDevice({ ...s, storeParamRemainders: true }, layout({ dp: 64, zeroStage: 1 }));
    expect(rem.optimizerBytes / plain.optimizerBytes).toBeCloseTo(10 / 12, 12);
    expect(rem.weightsBytes).toBe(plain.weightsBytes);
    expect(rem.gradientsBytes).toBe(plain.gradientsBytes);
    // Figure 1's 7.5B unsharded: 120 GB -> 105 GB of model state.
    expect(modelState(memoryPerDevice({ ...s, storeParamRemainders: true }, layout({ dp: 64 }))) / GB).toBeCloseTo((7.5 * 14), 0);
  });
});
