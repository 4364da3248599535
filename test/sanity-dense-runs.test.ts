// Published dense runs the step-time model is NOT calibrated on (docs/calibration.md, "Sanity
// set"), each described as a new user would: a scenario with the cluster, the model's shape and
// the published layout, explained through the same route as `poolsim explain`. Every row's error
// is pinned to a tenth of a percent, so a change that moves one must update the page with it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { scenarioFromText } from './helpers.js';
import { spearman } from './rank-correlation.js';

interface Row {
  name: string;
  /** Parameters as published (billions). */
  params: number;
  layers: number;
  hidden: number;
  heads: number;
  tp: number;
  pp: number;
  gpus: number;
  /** Global batch in sequences of 2,048 tokens. */
  batch: number;
  /** Published hardware TFLOP/s per GPU (the 96 B s l h^2 (1 + s/6h + V/16lh) count, recompute included). */
  published: number;
  /**
   * As the paper's own artifact ran the row (Megatron-LM examples/sc21/run_table_1.sh, commit
   * 6985e58938, "to replicate these results"): sequences per micro-batch (--micro-batch-size) and
   * model chunks per pipeline rank (layers per rank / --num-layers-per-virtual-pipeline-stage),
   * and the data-parallel implementation (--DDP-impl: 'torch', PyTorch DDP reducing beside the
   * backward; 'local', Megatron's own, reducing after it).
   */
  artifact?: { microBatchSize: number; virtualStages: number; ddp: 'torch' | 'local' };
  /** Trained with DeepSpeed's pipeline engine (`pipeline_engine: deepspeed`: blocking send/recv instructions, ReduceGrads after the last backward). */
  deepspeedPipeline?: boolean;
}

/**
 * How much of the run a description gives: 'plain' leaves the micro-batch size and the interleaving
 * out (one sequence per micro-batch, plain 1F1B: the scenario's defaults); 'micro-batches' gives the
 * artifact's micro-batches only; 'interleaved' adds its model chunks per rank and fp16; 'as-run'
 * describes the artifact's stack too (how it accumulates gradients, whether it overlaps the
 * data-parallel reduction and the pipeline's send/recv).
 */
type Described = 'plain' | 'micro-batches' | 'interleaved' | 'as-run';

/**
 * A GPT of the Megatron family on DGX A100 80GB nodes over HDR InfiniBand, full recompute, standard
 * attention, described as far as `described` says (rows without an artifact: 'plain' always).
 */
function scenario(r: Row, described: Described = 'plain'): string {
  const asRun = described === 'as-run';
  const dp = r.gpus / (r.tp * r.pp);
  // The artifact trains in fp16 (examples/sc21/CONFIG.sh: --fp16, --loss-scale 8192): precision: fp16 below.
  // The artifact's commit (6985e58938, August 2021) predates gradient accumulation fusion (Megatron-LM
  // 83b1e42f30, February 2022) and run_table_1.sh sets no --use-contiguous-buffers-in-ddp: autograd adds
  // each micro-batch's fp16 weight gradients into .grad (under torch DDP's no_sync, or local DDP
  // without buffers), every micro-batch but the first.
  // Its layer norm is Megatron-LM's fused_mix_prec_layer_norm_cuda, apex's FusedLayerNorm kernels of
  // then (the persistent kernel became the default in October 2021, commit a2fdcdf061): layer_norm: apex.
  const a = r.artifact;
  const run = !a || described === 'plain' ? '' : `, micro_batches: ${r.batch / (dp * a.microBatchSize)}${described === 'micro-batches' ? '' : `, virtual_stages: ${a.virtualStages}`}${asRun ? ', grad_accumulation: autograd, layer_norm: apex' : ''}`;
  // Megatron-LM of 2021 blocks on the pipeline's send/recv, and sends 1/tp of each tensor from every
  // tensor rank, all-gathered on arrival (scatter_gather_tensors_in_pipeline, on by default); DeepSpeed's
  // pipeline engine also reduces the gradients after the backward (`pipeline_engine: deepspeed` implies
  // all three).
  const pipeline = asRun && r.artifact && r.pp > 1 ? ', pp_overlap: 0, pp_tensors: scatter-gather' : '';
  const overlap = (asRun && r.artifact?.ddp === 'local' ? ', dp_overlap: 0' : '') + pipeline + (r.deepspeedPipeline ? ', pipeline_engine: deepspeed' : '');
  return `name: sanity
seed: 1
datacentres:
  - name: selene
    fabric: IB-HDR
    nodes_per_leaf: 20
    node_groups:
      - { name: a100, count: ${r.gpus / 8}, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: ${r.gpus}
        params: ${r.params}B
        tokens: ${r.batch * 2048 * 10}
        model: { layers: ${r.layers}, hidden_size: ${r.hidden}, heads: ${r.heads}, vocab: 51200, seq_len: 2048, global_batch: ${r.batch * 2048}, attention: standard, recompute: full${a && (described === 'interleaved' || asRun) ? ', precision: fp16' : ''} }
        layout: { tp: ${r.tp}, pp: ${r.pp}, dp: ${dp}${run}${overlap} }
`;
}

/** Published step time: the paper's FLOP count over GPUs x published FLOP/s. */
function publishedStepS(r: Row): number {
  const s = 2048;
  const flop = 96 * r.batch * s * r.layers * r.hidden * r.hidden * (1 + s / (6 * r.hidden) + 51200 / (16 * r.layers * r.hidden));
  return flop / (r.gpus * r.published * 1e12);
}

function evaluate(rows: readonly Row[], described: Described = 'plain'): { name: string; error: number; predictedTflops: number; published: number }[] {
  return rows.map((r) => {
    const e = explainJob(scenarioFromText(scenario(r, described)), 'gpt');
    const pub = publishedStepS(r);
    return { name: r.name, error: e.step.step_s / pub - 1, predictedTflops: (r.published * pub) / e.step.step_s, published: r.published };
  });
}

const pct = (x: number): number => Math.round(1000 * x) / 10;
/** Step-time errors (%) of the Narayanan rows described as the artifact ran them. */
const AS_RUN_ERRORS = [-4.1, -3.9, -3.6, -2.7, 1.1, -6.8, -1, -2.4, -2.8, 0.7];
const doc = readFileSync(new URL('../docs/calibration.md', import.meta.url), 'utf8');

// Narayanan et al. 2021 (SC21), Table 1: Megatron-LM. The paper's table leaves out the micro-batch
// size and the interleaving; its artifact (Megatron-LM examples/sc21/run_table_1.sh) gives both.
const NARAYANAN: Row[] = [
  { name: '1.7B', params: 1.7, layers: 24, hidden: 2304, heads: 24, tp: 1, pp: 1, gpus: 32, batch: 512, published: 137, artifact: { microBatchSize: 16, virtualStages: 1, ddp: 'torch' } },
  { name: '3.6B', params: 3.6, layers: 30, hidden: 3072, heads: 32, tp: 2, pp: 1, gpus: 64, batch: 512, published: 138, artifact: { microBatchSize: 16, virtualStages: 1, ddp: 'torch' } },
  { name: '7.5B', params: 7.5, layers: 36, hidden: 4096, heads: 32, tp: 4, pp: 1, gpus: 128, batch: 512, published: 142, artifact: { microBatchSize: 16, virtualStages: 1, ddp: 'torch' } },
  { name: '18.4B', params: 18.4, layers: 40, hidden: 6144, heads: 48, tp: 8, pp: 1, gpus: 256, batch: 1024, published: 135, artifact: { microBatchSize: 8, virtualStages: 1, ddp: 'torch' } },
  { name: '39.1B', params: 39.1, layers: 48, hidden: 8192, heads: 64, tp: 8, pp: 2, gpus: 512, batch: 1536, published: 138, artifact: { microBatchSize: 4, virtualStages: 1, ddp: 'local' } },
  { name: '76.1B', params: 76.1, layers: 60, hidden: 10240, heads: 80, tp: 8, pp: 4, gpus: 1024, batch: 1792, published: 140, artifact: { microBatchSize: 2, virtualStages: 3, ddp: 'local' } },
  { name: '145.6B', params: 145.6, layers: 80, hidden: 12288, heads: 96, tp: 8, pp: 8, gpus: 1536, batch: 2304, published: 148, artifact: { microBatchSize: 2, virtualStages: 2, ddp: 'local' } },
  { name: '310.1B', params: 310.1, layers: 96, hidden: 16384, heads: 128, tp: 8, pp: 16, gpus: 1920, batch: 2160, published: 155, artifact: { microBatchSize: 1, virtualStages: 2, ddp: 'local' } },
  { name: '529.6B', params: 529.6, layers: 105, hidden: 20480, heads: 128, tp: 8, pp: 35, gpus: 2520, batch: 2520, published: 163, artifact: { microBatchSize: 1, virtualStages: 3, ddp: 'local' } },
  { name: '1008B', params: 1008, layers: 128, hidden: 25600, heads: 160, tp: 8, pp: 64, gpus: 3072, batch: 3072, published: 163, artifact: { microBatchSize: 1, virtualStages: 1, ddp: 'local' } },
];

// Smith et al. 2022 (MT-NLG 530B), section 2.4: DeepSpeed + Megatron, TP 8 x PP 35, batch 1,920,
// 60.1 / 50.2 / 44.4 s per iteration on 280 / 350 / 420 DGX A100 nodes = 126 / 121 / 113 TFLOP/s.
const MTNLG: Row[] = [280, 350, 420].map((nodes, i) => ({
  name: `MT-NLG 530B, ${nodes} nodes`,
  params: 530,
  layers: 105,
  hidden: 20480,
  heads: 128,
  tp: 8,
  pp: 35,
  gpus: 8 * nodes,
  batch: 1920,
  published: [126, 121, 113][i]!,
  // DeepSpeed's pipeline engine (deepspeed/runtime/pipe/engine.py, schedule.py TrainSchedule): send and
  // receive instructions of their own in line with the compute, ReduceGrads after the last backward.
  deepspeedPipeline: true,
}));

/** The Narayanan rows described with their micro-batches, `chosen` sequences each: the rows, their mean |error| and rank correlation. */
function withMicroBatchSizes(chosen: readonly number[]): { rows: ReturnType<typeof evaluate>; mean: number; rho: number } {
  const rows = evaluate(
    NARAYANAN.map((r, i) => ({ ...r, artifact: { ...r.artifact!, microBatchSize: chosen[i]! } })),
    'micro-batches',
  );
  const mean = rows.reduce((a, r) => a + Math.abs(r.error), 0) / rows.length;
  const rho = spearman(rows.map((r) => r.published), rows.map((r) => r.predictedTflops));
  return { rows, mean, rho };
}

describe('sanity set: published dense runs the model is not calibrated on (docs/calibration.md)', () => {
  it('Narayanan et al. 2021, Table 1 as its artifact ran it (micro-batch size, interleaving, fp16, accumulation, layer norm): every row within 10%, all but two optimistic, rank correlation at least 0.9, as docs/calibration.md reports', () => {
    const rows = evaluate(NARAYANAN, 'as-run');
    expect(rows.map((r) => pct(r.error))).toEqual(AS_RUN_ERRORS);
    // Every row but the 39.1B (+1.1%) and the 1008B (+0.7%) lies below its published time: a level the model misses (docs/calibration.md).
    expect(rows.filter((r) => r.error >= 0).map((r) => r.name)).toEqual(['39.1B', '1008B']);
    for (const r of rows) expect(Math.abs(r.error)).toBeLessThanOrEqual(0.1);
    const rho = spearman(rows.map((r) => r.published), rows.map((r) => r.predictedTflops));
    // The published figures lie within 135-163 TFLOP/s: a point reorders them (0.896 with the
    // 16-bit tile's fixed cost at 128 of K, the 145.6B just under the 7.5B, whose pp = 1 row was
    // then 6.7% optimistic).
    expect(rho).toBeGreaterThanOrEqual(0.9);
    expect(Math.round(1000 * rho) / 1000).toBe(0.909);
    expect(doc).toContain(`rank correlation ${(Math.round(1000 * rho) / 1000).toFixed(3)} as run`);
    for (const r of rows) expect(doc).toContain(`| ${r.name} |`);
  });

  it('Narayanan et al. 2021, Table 1 with the micro-batch size left out (one sequence each, plain 1F1B): every row within 10%, mean |error| within 5%, as docs/calibration.md reports', () => {
    const rows = evaluate(NARAYANAN);
    expect(rows.map((r) => pct(r.error))).toEqual([3, 5, 9.3, 9, 0.4, -5.6, -0.6, -2.4, -1, -2.3]);
    for (const r of rows) expect(Math.abs(r.error)).toBeLessThanOrEqual(0.1);
    expect(rows.reduce((a, r) => a + Math.abs(r.error), 0) / rows.length).toBeLessThanOrEqual(0.05);
    // The published figures lie within 135-163 TFLOP/s, so a few points reorder the small rows.
    const rho = spearman(rows.map((r) => r.published), rows.map((r) => r.predictedTflops));
    expect(Math.round(100 * rho) / 100).toBe(0.85);
    expect(doc).toContain('rank correlation 0.85');
  });

  it('Narayanan et al. 2021, Table 1 described in between (the micro-batches given, then the interleaving and fp16 too, the stack left at the defaults): the errors docs/calibration.md reports, and what each misses of the issue', () => {
    const summary = (rows: ReturnType<typeof evaluate>): { errors: number[]; mean: number; worst: number; rho: number } => ({
      errors: rows.map((r) => pct(r.error)),
      mean: Math.round(10000 * (rows.reduce((a, r) => a + Math.abs(r.error), 0) / rows.length)) / 100,
      worst: pct(Math.max(...rows.map((r) => Math.abs(r.error)))),
      rho: Math.round(1000 * spearman(rows.map((r) => r.published), rows.map((r) => r.predictedTflops))) / 1000,
    });
    const mb = summary(evaluate(NARAYANAN, 'micro-batches'));
    expect(mb).toEqual({ errors: [-4.9, -5.1, -5.3, -5, -3.2, -5.2, 1.8, -2.4, -1, -2.3], mean: 3.6, worst: 5.3, rho: 0.939 });
    const interleaved = summary(evaluate(NARAYANAN, 'interleaved'));
    expect(interleaved).toEqual({ errors: [-4.7, -4.8, -5.1, -4.8, -3.1, -9.9, -3.6, -5.7, -3.5, -2.3], mean: 4.76, worst: 9.9, rho: 0.939 });
    for (const d of [mb, interleaved]) expect(doc).toContain(`mean |error| ${d.mean.toFixed(2)}%, worst ${d.worst.toFixed(1)}%, rank correlation ${d.rho.toFixed(3)}`);
  });

  it('the fastest micro-batch size, tried as the default where none is given and not applied (docs/calibration.md): the sizes it chose, given, still miss the rank bar', () => {
    // Sequences per micro-batch the trial chose for each row (the fastest that fits on nominal paths).
    const CHOSEN = [16, 16, 16, 32, 4, 1, 1, 1, 1, 1];
    const { rows, mean, rho } = withMicroBatchSizes(CHOSEN);
    expect(rows.map((r) => pct(r.error))).toEqual([-4.9, -5.1, -5.3, -7, -3.2, -5.6, -0.6, -2.4, -1, -2.3]);
    expect(Math.round(10000 * mean) / 100).toBe(3.74);
    // Under the issue's 0.9: the reason the trial was not applied (with a sanity row it made worse).
    expect(Math.round(1000 * rho) / 1000).toBe(0.921);
    expect(doc.replace(/\s+/g, ' ')).toContain('with the receiver\'s gathers and Megatron-Core\'s whole tensors since (audit item 20), 3.78%, worst -7.1% (18.4B), 0.921, every row optimistic (-5.0, -5.2, -5.4, -7.1, -3.2, -5.6, -0.6, -2.4, -1.0, -2.3%)');
  });

  it('tried again with the sizes capped at 16 sequences (2026-12-07, docs/calibration.md "Automatic layout"): the rank bar met, the mean worse than one sequence each', () => {
    // The 18.4B's 32 sequences a replica then go in two micro-batches of 16 (the artifact ran four of 8); the other rows as before.
    const CHOSEN = [16, 16, 16, 16, 4, 1, 1, 1, 1, 1];
    const { rows, mean, rho } = withMicroBatchSizes(CHOSEN);
    expect(rows.map((r) => pct(r.error))).toEqual([-4.9, -5.1, -5.3, -6.3, -3.2, -5.6, -0.6, -2.4, -1, -2.3]);
    expect([Math.round(10000 * mean) / 100, pct(Math.max(...rows.map((r) => Math.abs(r.error)))), Math.round(1000 * rho) / 1000]).toEqual([3.66, 6.3, 0.921]);
    expect(doc.replace(/\s+/g, ' ')).toContain('mean |error| 4.38% -> 4.83%, worst +8.6% -> -7.1%, rank correlation 0.854 -> 0.921 (with NCCL\'s SMs charged since: 4.47% -> 4.51%, worst +9.2% -> -6.4%, 0.854 -> 0.945');
  });

  it('Narayanan et al. 2021: the pairs the two descriptions under the rank bar mis-rank, and why (docs/calibration.md, "Which pairs the rank bar turns on")', () => {
    /** Pairs whose published order (ties excepted) the predicted throughput reverses, as 'lower/higher published'. */
    const misranked = (rows: ReturnType<typeof evaluate>): string[] => {
      const out: string[] = [];
      for (let i = 0; i < rows.length; i++)
        for (let j = i + 1; j < rows.length; j++) {
          const [a, b] = [rows[i]!, rows[j]!];
          if (a.published !== b.published && Math.sign(a.published - b.published) !== Math.sign(a.predictedTflops - b.predictedTflops)) out.push(a.published < b.published ? `${a.name}/${b.name}` : `${b.name}/${a.name}`);
        }
      return out;
    };
    const rho = (rows: ReturnType<typeof evaluate>, scale: Record<string, number> = {}): number =>
      Math.round(1000 * spearman(rows.map((r) => r.published), rows.map((r) => r.predictedTflops * (scale[r.name] ?? 1)))) / 1000;
    const by = (rows: ReturnType<typeof evaluate>, name: string) => rows.find((r) => r.name === name)!;
    const mb = evaluate(NARAYANAN, 'micro-batches');
    const plain = evaluate(NARAYANAN);
    const interleaved = evaluate(NARAYANAN, 'interleaved');
    const asRun = evaluate(NARAYANAN, 'as-run');
    // Micro-batches given: one pair 1 TFLOP/s apart as published, and the 145.6B, the one pessimistic row, under three.
    expect(misranked(mb)).toEqual(['1.7B/39.1B', '7.5B/145.6B', '76.1B/145.6B']);
    // Left out: every pair has a pp = 1 row run at one sequence a micro-batch (the artifact ran 8-16).
    expect(misranked(plain)).toEqual(['1.7B/3.6B', '1.7B/7.5B', '3.6B/7.5B', '39.1B/7.5B', '76.1B/7.5B']);
    // The 145.6B described without its two model chunks pays plain 1F1B's bubble, (8 - 1) / 48 of the ideal step...
    const e145 = explainJob(scenarioFromText(scenario(NARAYANAN[6]!, 'micro-batches')), 'gpt').step;
    expect(Math.round(1000 * (e145.bubble_s / e145.step_s)) / 10).toBe(12.4);
    // ...and with them given it ranks above the 3.6B and 7.5B; under the 76.1B it stays in every description (below).
    expect(misranked(interleaved)).toEqual(['1.7B/39.1B', '76.1B/7.5B', '76.1B/145.6B']);
    expect(misranked(asRun)).toEqual(['1.7B/39.1B', '76.1B/7.5B', '18.4B/39.1B', '76.1B/145.6B']);
    // The bar turns on a point: with the embedding's reduction exposed (step-time.ts) the 3.6B falls
    // 0.02 TFLOP/s under the 145.6B and the micro-batches description meets it by that hair; the
    // 145.6B 1% faster changes nothing more, the 1.7B 3% slower lifts it further.
    expect([rho(mb), rho(mb, { '145.6B': 1.01 }), rho(mb, { '1.7B': 0.97 })]).toEqual([0.939, 0.939, 0.945]);
    expect(by(mb, '145.6B').predictedTflops - by(mb, '3.6B').predictedTflops).toBeGreaterThan(0);
    expect(by(mb, '145.6B').predictedTflops - by(mb, '3.6B').predictedTflops).toBeLessThan(0.05);
    expect([rho(plain), rho(plain, { '7.5B': 1.03 }), rho(plain, { '1.7B': 0.97 })]).toEqual([0.854, 0.933, 0.921]);
    // The 76.1B stands 5-7 points more optimistic than the 145.6B in every description, plain 1F1B included.
    const gap = (rows: ReturnType<typeof evaluate>): number => pct(by(rows, '145.6B').error - by(rows, '76.1B').error);
    expect([asRun, interleaved, mb, plain].map(gap)).toEqual([5.7, 6.3, 7, 5]);
    const d = doc.replace(/\s+/g, ' ');
    for (const said of ['1.7B/39.1B, 7.5B/145.6B, 76.1B/145.6B', '1.7B/3.6B, 1.7B/7.5B, 3.6B/7.5B, 39.1B/7.5B, 76.1B/7.5B', '5.7, 6.3, 7.0 and 5.0 points', 'now rank correlation 0.939, 0.939 with the 145.6B 1% faster, 0.945 with the 1.7B 3% slower', 'puts the 3.6B at 145.36 TFLOP/s, 0.02 under the 145.6B\'s 145.38'])
      expect(d.includes(said), said).toBe(true);
  });

  it('Narayanan et al. 2021, Figure 7 (one A100, 4 layers of width 4,096 with 128 heads, micro-batch 1 to 16): the model gains 6% from the larger micro-batch where the paper measures up to 1.3x (docs/calibration.md)', () => {
    const step = (b: number): number => {
      const text = `name: fig7
seed: 1
datacentres:
  - name: selene
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: 1, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: 1
        params: 1.0B
        tokens: ${16 * 2048 * 10}
        model: { layers: 4, hidden_size: 4096, heads: 128, vocab: 51200, seq_len: 2048, global_batch: ${16 * 2048}, attention: standard, recompute: full }
        layout: { tp: 1, pp: 1, dp: 1, micro_batch_size: ${b} }
`;
      return explainJob(scenarioFromText(text), 'gpt').step.step_s;
    };
    const gain = [1, 2, 4, 8, 16].map((b) => Math.round(1000 * (step(1) / step(b))) / 1000);
    expect(gain).toEqual([1, 1.035, 1.044, 1.057, 1.059]);
    expect(doc.replace(/\s+/g, ' ').includes('1.000, 1.035, 1.044, 1.057, 1.059')).toBe(true);
  });

  it('MT-NLG 530B: the trend over scale is right, the level a quarter optimistic (a software generation the model cannot see), as docs/calibration.md says', () => {
    const rows = evaluate(MTNLG);
    expect(rows.map((r) => pct(r.error))).toEqual([-22.5, -23.2, -26.1]);
    expect(spearman(rows.map((r) => r.published), rows.map((r) => r.predictedTflops))).toBe(1);
    for (const r of rows) expect(doc).toContain(`${r.name} | ${r.published} |`);
  });
});
