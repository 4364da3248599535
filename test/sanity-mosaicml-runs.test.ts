// Sanity set: MosaicML llm-foundry's MPT training benchmarks on A100 40GB (docs/calibration.md,
// "Sanity set: MosaicML llm-foundry (not calibrated on)"). Every row of the table's A100 40GB
// section, described as a new user would from what the table and the benchmark's yamls state, and
// explained through the same route as `poolsim explain`. The errors are pinned to a tenth of a
// percent, so a change that moves one must update the page with it. None of these rows may be used
// to fit a constant.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable, type Explanation } from '../src/model/explain.js';
import { spearman } from './rank-correlation.js';
import { scenarioFromText } from './helpers.js';

/**
 * mosaicml/llm-foundry, scripts/train/benchmarking/README.md, "A100 40GB with 1600 Gbps node-node
 * interconnect (RoCE)" (the table as first published in examples/llm/throughput/README.md at commit
 * 9fa3ceb9a, 4 April 2023, "updt throughput tables" (#271), unchanged since but for a column of model
 * TFLOP and the heading's interconnect): model, sequence length, GPUs, micro-batch (sequences),
 * gradient accumulation steps, global batch (sequences), throughput (tokens/s, all GPUs), activation
 * checkpointing, parameters. Every row: bf16, FSDP FULL_SHARD with mixed precision PURE (weights,
 * gradient reduction and buffers in bf16), no CPU offload.
 */
type TableRow = [model: string, seq: number, gpus: number, microBatch: number, gradAccum: number, globalBatch: number, tokensPerS: number, checkpointing: boolean, params: number];
const TABLE: TableRow[] = [
  ['70b', 2048, 128, 4, 1, 512, 48194, true, 64862437376],
  ['70b', 2048, 64, 2, 1, 128, 17672, true, 64862437376],
  ['30b', 2048, 128, 6, 1, 768, 110803, true, 29975214080],
  ['30b', 2048, 32, 4, 1, 128, 27431, true, 29975214080],
  ['13b', 8192, 8, 1, 16, 128, 11258, true, 12885411840],
  ['13b', 4096, 8, 2, 16, 256, 12830, true, 12864440320],
  ['13b', 2048, 128, 16, 1, 2048, 252444, true, 12853954560],
  ['13b', 2048, 64, 16, 1, 1024, 126479, true, 12853954560],
  ['13b', 2048, 32, 14, 1, 448, 63946, true, 12853954560],
  ['13b', 2048, 16, 10, 1, 160, 31900, true, 12853954560],
  ['13b', 2048, 8, 4, 16, 512, 13347, true, 12853954560],
  ['13b', 1024, 8, 8, 16, 1024, 13817, true, 12848711680],
  ['13b', 512, 8, 16, 16, 2048, 14108, true, 12846090240],
  ['7b', 16384, 8, 1, 4, 32, 17998, true, 6717579264],
  ['7b', 8192, 8, 3, 4, 96, 23098, true, 6684024832],
  ['7b', 4096, 8, 6, 4, 192, 26930, true, 6667247616],
  ['7b', 2048, 128, 18, 1, 2304, 463749, true, 6658859008],
  ['7b', 2048, 64, 18, 1, 1152, 234614, true, 6658859008],
  ['7b', 2048, 32, 18, 1, 576, 119202, true, 6658859008],
  ['7b', 2048, 16, 16, 1, 256, 58322, true, 6658859008],
  ['7b', 2048, 8, 12, 4, 384, 29436, true, 6658859008],
  ['7b', 1024, 8, 24, 4, 768, 30833, true, 6654664704],
  ['7b', 512, 8, 48, 4, 1536, 31167, true, 6652567552],
  ['3b', 32768, 8, 1, 4, 32, 23640, true, 2730480640],
  ['3b', 16384, 8, 2, 8, 128, 35726, true, 2688537600],
  ['3b', 8192, 8, 1, 8, 64, 57193, false, 2667566080],
  ['3b', 4096, 8, 2, 8, 128, 70223, false, 2657080320],
  ['3b', 2048, 128, 6, 1, 768, 1220885, false, 2651837440],
  ['3b', 2048, 64, 6, 1, 384, 623167, false, 2651837440],
  ['3b', 2048, 32, 6, 1, 192, 317261, false, 2651837440],
  ['3b', 2048, 16, 5, 1, 80, 156013, false, 2651837440],
  ['3b', 2048, 8, 5, 8, 320, 80520, false, 2651837440],
  ['3b', 1024, 8, 10, 8, 640, 85854, false, 2649216000],
  ['3b', 512, 8, 20, 8, 1280, 90596, false, 2647905280],
  ['1b', 32768, 8, 1, 4, 32, 40762, true, 1378865152],
  ['1b', 16384, 8, 1, 8, 64, 77723, false, 1345310720],
  ['1b', 8192, 8, 2, 8, 128, 107799, false, 1328533504],
  ['1b', 4096, 8, 4, 8, 256, 134851, false, 1320144896],
  ['1b', 2048, 128, 10, 1, 1280, 2386897, false, 1315950592],
  ['1b', 2048, 64, 10, 1, 640, 1216104, false, 1315950592],
  ['1b', 2048, 32, 10, 1, 320, 497782, false, 1315950592],
  ['1b', 2048, 16, 8, 1, 128, 305372, false, 1315950592],
  ['1b', 2048, 8, 8, 8, 512, 154171, false, 1315950592],
  ['1b', 1024, 8, 16, 8, 1024, 167677, false, 1313853440],
  ['1b', 512, 8, 32, 8, 2048, 174256, false, 1312804864],
  ['760m', 32768, 8, 1, 4, 32, 57464, true, 807656448],
  ['760m', 16384, 8, 1, 4, 32, 111316, false, 782490624],
  ['760m', 8192, 8, 3, 4, 96, 160853, false, 769907712],
  ['760m', 4096, 8, 6, 4, 192, 206909, false, 763616256],
  ['760m', 2048, 128, 12, 1, 1536, 3704382, false, 760470528],
  ['760m', 2048, 64, 12, 1, 768, 1878030, false, 760470528],
  ['760m', 2048, 32, 12, 1, 384, 948745, false, 760470528],
  ['760m', 2048, 16, 12, 1, 192, 473723, false, 760470528],
  ['760m', 2048, 8, 12, 4, 384, 241389, false, 760470528],
  ['760m', 1024, 8, 24, 4, 768, 267376, false, 758897664],
  ['760m', 512, 8, 48, 4, 1536, 279504, false, 758111232],
  ['350m', 32768, 8, 1, 4, 32, 107329, false, 387442688],
  ['350m', 16384, 8, 2, 4, 64, 183175, false, 370665472],
  ['350m', 8192, 8, 4, 4, 128, 279466, false, 362276864],
  ['350m', 4096, 8, 8, 4, 256, 374670, false, 358082560],
  ['350m', 2048, 128, 18, 1, 2304, 6647647, false, 355985408],
  ['350m', 2048, 64, 18, 1, 1152, 3372118, false, 355985408],
  ['350m', 2048, 32, 18, 1, 576, 1721978, false, 355985408],
  ['350m', 2048, 16, 18, 1, 288, 886622, false, 355985408],
  ['350m', 2048, 8, 16, 4, 512, 447963, false, 355985408],
  ['350m', 1024, 8, 32, 4, 1024, 500184, false, 354936832],
  ['350m', 512, 8, 64, 4, 2048, 530277, false, 354412544],
  ['125m', 32768, 8, 1, 4, 32, 261208, false, 148904448],
  ['125m', 16384, 8, 2, 3, 48, 443876, false, 136321536],
  ['125m', 8192, 8, 5, 3, 120, 694868, false, 130030080],
  ['125m', 4096, 8, 13, 3, 312, 921297, false, 126884352],
  ['125m', 2048, 128, 26, 1, 3328, 15863837, false, 125311488],
  ['125m', 2048, 64, 26, 1, 1664, 8015010, false, 125311488],
  ['125m', 2048, 32, 26, 1, 832, 4067922, false, 125311488],
  ['125m', 2048, 16, 26, 1, 416, 2088560, false, 125311488],
  ['125m', 2048, 8, 26, 3, 624, 1090678, false, 125311488],
  ['125m', 1024, 8, 52, 3, 1248, 1186314, false, 124525056],
  ['125m', 512, 8, 104, 3, 2496, 1253886, false, 124131840],
];

/**
 * The MPT shapes of the benchmark's yamls at that commit (examples/llm/yamls/mosaic_gpt/*.yaml:
 * n_layers, d_model, n_heads; mlp_ratio 4, vocab_size 50,368), with the model's defaults of then
 * (configuration_mosaic_gpt.py: attn_pdrop, resid_pdrop and emb_pdrop 0; the output layer is the
 * word embedding, `F.linear(x, wte.weight)`).
 */
const SHAPES: Record<string, { layers: number; hidden: number; heads: number }> = {
  '125m': { layers: 12, hidden: 768, heads: 12 },
  '350m': { layers: 24, hidden: 1024, heads: 16 },
  '760m': { layers: 24, hidden: 1536, heads: 12 },
  '1b': { layers: 24, hidden: 2048, heads: 16 },
  '3b': { layers: 32, hidden: 2560, heads: 20 },
  '7b': { layers: 32, hidden: 4096, heads: 32 },
  '13b': { layers: 40, hidden: 5120, heads: 40 },
  '30b': { layers: 48, hidden: 7168, heads: 56 },
  '70b': { layers: 80, hidden: 8192, heads: 64 },
};

/**
 * The row as a new user writes it: nodes of 8 A100 40GB with eight 200 Gb/s RoCE NICs each (the
 * table's "1600 Gbps node-node interconnect (RoCE)"), the MPT shape, `attention: flash1` (the yamls'
 * `attn_impl: triton`: flash-attn 0.2.8's Triton kernel, FlashAttention-1 class), full recompute when the table says
 * activation checkpointing, no dropout, fused cross-entropy (the model's default `loss_fn:
 * fused_crossentropy`, flash-attn's xentropy kernel on the bf16 logits), FSDP FULL_SHARD as ZeRO-3
 * over every GPU, the table's micro-batch. `devices` adds catalogue overrides.
 */
function scenario(r: TableRow, devices = ''): string {
  const [model, seq, gpus, mb, , globalBatch, , checkpointing, params] = r;
  const s = SHAPES[model]!;
  return `name: mpt
seed: 1
${devices}datacentres:
  - name: mosaic
    fabric: RoCE-200G
    node_groups:
      - { name: a100, count: ${Math.max(1, gpus / 8)}, device: A100-40GB, nics: 8 }
workloads:
  - jobs:
      - name: mpt
        devices: ${gpus}
        params: ${params}
        tokens: ${globalBatch * seq * 10}
        model: { layers: ${s.layers}, hidden_size: ${s.hidden}, heads: ${s.heads}, vocab: 50368, seq_len: ${seq}, global_batch: ${globalBatch * seq}, attention: flash1, recompute: ${checkpointing ? 'full' : 'none'}, dropout: 0 }
        layout: { tp: 1, pp: 1, dp: ${gpus}, zero: 3, micro_batch_size: ${mb}, cross_entropy: fused }
`;
}

interface Result {
  row: TableRow;
  name: string;
  publishedS: number;
  e: Explanation;
  error: number;
  publishedPerGpu: number;
  predictedPerGpu: number;
}

function evaluate(rows: readonly TableRow[], devices = '', edit = (yaml: string): string => yaml): Result[] {
  return rows.map((row) => {
    const [model, seq, gpus, mb, ga, globalBatch, tokensPerS, ac] = row;
    const e = explainJob(scenarioFromText(edit(scenario(row, devices))), 'mpt');
    const publishedS = (globalBatch * seq) / tokensPerS;
    return {
      row,
      name: `${model}, ${seq}, ${gpus} GPUs, mb ${mb} x ${ga}${ac ? ', AC' : ''}`,
      publishedS,
      e,
      error: e.step.step_s / publishedS - 1,
      publishedPerGpu: tokensPerS / gpus,
      predictedPerGpu: (globalBatch * seq) / (e.step.step_s * gpus),
    };
  });
}

const pct = (x: number): number => Math.round(1000 * x) / 10;
/** Model FLOPs a token as the table counts them for its MFU: 6 N + 12 L d s (its attn_flops_per_seq). */
const flopPerToken = (r: TableRow): number => 6 * r[8] + 12 * SHAPES[r[0]]!.layers * SHAPES[r[0]]!.hidden * r[1];
const summary = (rs: readonly Result[]): { mean: number; worst: number; rho: number; rhoMfu: number } => ({
  mean: Math.round(10000 * (rs.reduce((a, r) => a + Math.abs(r.error), 0) / rs.length)) / 100,
  worst: pct(rs.map((r) => r.error).reduce((w, x) => (Math.abs(x) > Math.abs(w) ? x : w), 0)),
  rho: Math.round(1000 * spearman(rs.map((r) => r.publishedPerGpu), rs.map((r) => r.predictedPerGpu))) / 1000,
  // The same throughputs in model FLOP/s (the table's MFU x peak): ranks the rows across sizes by how well each uses the GPU.
  rhoMfu: Math.round(1000 * spearman(rs.map((r) => r.publishedPerGpu * flopPerToken(r.row)), rs.map((r) => r.predictedPerGpu * flopPerToken(r.row)))) / 1000,
});
const doc = readFileSync(new URL('../docs/calibration.md', import.meta.url), 'utf8');
const docRow = (r: Result): string => `| ${r.name} | ${r.publishedS.toFixed(3)} | ${r.e.step.step_s.toFixed(3)} | ${pct(r.error) > 0 ? '+' : ''}${pct(r.error).toFixed(1)}% |`;

/** The same row described with `attention: flash` (FlashAttention-2's rate), as this set was first described. */
const asFlash2 = (yaml: string): string => yaml.replace('attention: flash1,', 'attention: flash,');

const AT_2048 = TABLE.filter((r) => r[1] === 2048);
const SEQ_SWEEP = TABLE.filter((r) => r[1] !== 2048);

describe('sanity set: MosaicML llm-foundry MPT benchmarks on A100 40GB (docs/calibration.md), described as a new user would', () => {
  it('every row describes a whole step: micro-batch x accumulation x GPUs is the global batch', () => {
    for (const [, , gpus, mb, ga, globalBatch] of TABLE) expect(gpus * mb * ga).toBe(globalBatch);
    expect([AT_2048.length, SEQ_SWEEP.length]).toEqual([39, 39]);
  });

  const at2048 = evaluate(AT_2048);
  const sweep = evaluate(SEQ_SWEEP);

  it('sequence 2,048, 8 to 128 GPUs, 125M to 70B: all but two rows optimistic, mean |error| 7.27%, worst -29.1%, rank correlation of tokens/s per GPU 0.988, as docs/calibration.md reports', () => {
    expect(at2048.map((r) => pct(r.error))).toEqual(ERRORS_2048);
    expect(summary(at2048)).toEqual({ mean: 7.27, worst: -29.1, rho: 0.988, rhoMfu: 0.833 });
    for (const r of at2048) expect(doc).toContain(docRow(r));
    expect(doc).toContain('mean |error| 7.27%, worst -29.1%, rank correlation 0.988');
  });

  it('the sequence-length sweep on 8 GPUs (512 to 32,768 tokens): short sequences optimistic, the longest the least so, as docs/calibration.md reports', () => {
    expect(sweep.map((r) => pct(r.error))).toEqual(ERRORS_SWEEP);
    expect(summary(sweep)).toEqual({ mean: 6.21, worst: -16.8, rho: 0.999, rhoMfu: 0.769 });
    for (const r of sweep) expect(doc).toContain(docRow(r));
    expect(doc).toContain('mean |error| 6.21%, worst -16.8%, rank correlation 0.999');
    // Within each model the longest sequence is still the most pessimistic row, by 6.5 to 21.5 points over
    // the shortest (11 to 42 when the kernel's rate was one number at every sequence).
    for (const model of Object.keys(SHAPES).filter((m) => sweep.some((r) => r.row[0] === m))) {
      const rs = sweep.filter((r) => r.row[0] === model).sort((a, b) => a.row[1] - b.row[1]);
      const errors = rs.map((r) => r.error);
      expect(Math.max(...errors)).toBe(errors[errors.length - 1]);
      expect(errors[errors.length - 1]! - errors[0]!).toBeGreaterThan(0.06);
      expect(errors[errors.length - 1]! - errors[0]!).toBeLessThan(0.22);
    }
  });

  it('32 rows of 39 within 10%, the 7 outside named; left at the default loss kernel (unfused, 52 bytes a logit) the small models read less optimistic, for the wrong reason', () => {
    const outside = at2048.filter((r) => Math.abs(r.error) > 0.1).map((r) => `${r.row[0]},${r.row[2]}`);
    expect(outside).toEqual(['70b,64', '13b,8', '1b,32', '125m,128', '125m,64', '125m,32', '125m,16']);
    const unfused = evaluate(AT_2048, '', (yaml) => yaml.replace(', cross_entropy: fused', ''));
    expect(summary(unfused)).toEqual({ mean: 4.72, worst: -29.1, rho: 0.988, rhoMfu: 0.831 });
    expect(doc).toContain('mean |error| 4.72%, worst -29.1%');
  });

  it('FSDP exposes only its first gathers and last reduce-scatters (0.02-0.7% of the step), while the published step grows with the GPU count at a fixed micro-batch', () => {
    // The root unit (the embedding) and the first block, gathered before each micro-batch's forward
    // and reduce-scattered after the last backward; every other unit's collectives hide.
    for (const r of [...at2048, ...sweep]) {
      expect(r.e.step.exposed_dp_s).toBeGreaterThan(0.0001 * r.e.step.step_s);
      expect(r.e.step.exposed_dp_s).toBeLessThan(0.008 * r.e.step.step_s);
    }
    // `poolsim explain` prints it on its DP line: 1.85 ms of the 125M's step on 128 GPUs.
    const small = at2048.find((r) => r.row[0] === '125m' && r.row[2] === 128)!;
    expect(small.e.step.exposed_dp_s).toBeGreaterThan(0.0018);
    expect(small.e.step.exposed_dp_s).toBeLessThan(0.0019);
    expect(explanationTable(small.e)).toMatch(new RegExp(`exposed DP communication +${(small.e.step.exposed_dp_s * 1e3).toFixed(2)} ms +0\\.5%`));
    // Each size's 128-GPU row is more optimistic than its 16-GPU (30B: 32-GPU) row: the published
    // time per sequence grows by 1-7% from 16 to 128 GPUs, the predicted one by under 0.3%.
    for (const model of ['30b', '13b', '7b', '3b', '1b', '760m', '350m', '125m']) {
      const rs = at2048.filter((r) => r.row[0] === model && r.row[2] >= 16);
      const most = rs.find((r) => r.row[2] === 128)!;
      const fewest = rs.reduce((a, b) => (b.row[2] < a.row[2] ? b : a));
      expect(most.error).toBeLessThan(fewest.error);
    }
    // At a fixed micro-batch from 32, 64 or 128 GPUs the published time per sequence grows too (7B, 3B from 32; 1B, 13B from 64).
    const growth = (model: string, from: number): number => {
      const [few, most] = [from, 128].map((g) => at2048.find((r) => r.row[0] === model && r.row[2] === g)!);
      expect(few!.row[3]).toBe(most!.row[3]);
      return pct(most!.publishedS / few!.publishedS - 1);
    };
    expect([growth('7b', 32), growth('3b', 32), growth('1b', 64), growth('13b', 64)]).toEqual([2.8, 3.9, 1.9, 0.2]);
    expect(doc).toContain('at a fixed micro-batch by 2.8% from 32 to 128 GPUs (7B), 3.9% (3B), 1.9%');
    // At the same micro-batch on 16 and 128 GPUs (760M, 350M, 125M) the published step grows by 2.3-6.8%, the predicted by under 0.3%.
    for (const model of ['760m', '350m', '125m']) {
      const [few, most] = [16, 128].map((g) => at2048.find((r) => r.row[0] === model && r.row[2] === g)!);
      expect(most!.publishedS / few!.publishedS - 1).toBeGreaterThan(0.02);
      expect(most!.e.step.step_s / few!.e.step.step_s - 1).toBeLessThan(0.003);
    }
  });

  it('described with `attention: flash` (FlashAttention-2’s rate, as this set was first described) every row is optimistic and the longest sequences most of all; the checkpointed 7B-30B rows come within 4.2% as described (flash1)', () => {
    const fa2048 = evaluate(AT_2048, '', asFlash2);
    const faSweep = evaluate(SEQ_SWEEP, '', asFlash2);
    expect(summary(fa2048)).toEqual({ mean: 16.72, worst: -32.1, rho: 0.988, rhoMfu: 0.68 });
    expect(summary(faSweep)).toEqual({ mean: 23.18, worst: -44.8, rho: 0.993, rhoMfu: 0.402 });
    for (const r of [...fa2048, ...faSweep]) expect(r.error).toBeLessThan(0);
    // There the longest sequence is each model's most optimistic row, by 6.5 to 29.5 points.
    for (const model of Object.keys(SHAPES).filter((m) => faSweep.some((r) => r.row[0] === m))) {
      const errors = faSweep.filter((r) => r.row[0] === model).sort((a, b) => a.row[1] - b.row[1]).map((r) => r.error);
      expect(Math.min(...errors)).toBe(errors[errors.length - 1]);
      expect(errors[0]! - errors[errors.length - 1]!).toBeGreaterThan(0.035);
    }
    // The tables' last two columns: each row described with `attention: flash`.
    const docLines = doc.split('\n');
    for (const [as, fa] of [[at2048, fa2048], [sweep, faSweep]] as const) {
      as.forEach((r, i) => {
        const f = fa[i]!;
        expect(f.name).toBe(r.name);
        const line = docLines.find((l) => l.startsWith(docRow(r)));
        expect(line).toBeDefined();
        expect(line!.endsWith(`| ${f.e.step.step_s.toFixed(3)} | ${pct(f.error) > 0 ? '+' : ''}${pct(f.error).toFixed(1)}% |`)).toBe(true);
      });
    }
    expect(doc).toContain('mean |error| 16.72%, worst -32.1%, rank correlations 0.988 and\n0.680');
    expect(doc).toContain('mean |error| 23.18%, worst -44.8%, 0.993\nand 0.402');
    // Without the three rows unlike their neighbours (70B on 64 GPUs, 1B on 32, 13B on 8), as described and at FlashAttention-2's rate.
    const usual = (rs: Result[]): Result[] => rs.filter((r) => !['70b,64', '1b,32', '13b,8'].includes(`${r.row[0]},${r.row[2]}`));
    const mean = (rs: Result[]): number => Math.round(10000 * (rs.reduce((a, r) => a + Math.abs(r.error), 0) / rs.length)) / 100;
    expect([usual(at2048).length, mean(usual(at2048)), mean(usual(fa2048))]).toEqual([36, 6, 15.78]);
    expect(doc).toContain('other 36 read mean |error| 6.00% as described and 15.78% with `attention: flash`');
    // The checkpointed 7B-30B rows on 16 or more GPUs come within 4.2%.
    const large = at2048.filter((r) => ['7b', '13b', '30b'].includes(r.row[0]) && r.row[2] >= 16);
    expect(large).toHaveLength(10);
    for (const r of large) expect(Math.abs(r.error)).toBeLessThan(0.042);
  });
});

/** Step-time errors (%), predicted / published - 1, in the table's order. */
const ERRORS_2048 = [-8.5, -29.1, -2.1, -1.2, -1.2, -1.0, 0.1, 0.3, -15.3, -2.9, -1.8, -0.2, -2.5, -1.0, -9.8, -8.0, -6.4, -5.9, -4.2, -8.0, -6.3, -23.3, -4.8, -4.7, -9.0, -7.8, -6.9, -7.1, -5.8, -8.5, -7.2, -5.2, -2.5, -1.2, -17.7, -16.9, -15.7, -13.5, -9.9];
const ERRORS_SWEEP = [-10.5, -11.7, -16.3, -16.8, 2.9, 1.3, -0.3, -2.1, -4.2, 11.2, 6.1, -3.3, -5.4, -5.8, -5.2, 10.4, 3.4, -0.1, -2.8, -5.7, -7.4, 11.9, 4.2, 0.0, -3.3, -6.9, -9.1, 6.9, 5.6, 4.8, 1.9, -3.7, -6.0, -2.1, -3.3, -2.5, -6.2, -14.5, -16.8];
