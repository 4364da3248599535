// Attention heads against the shape and the tensor-parallel degree. Each tensor-parallel rank
// computes whole query heads and holds whole key/value groups (Megatron-Core's TransformerConfig
// refuses num_attention_heads or num_query_groups not divisible by the tensor-parallel size);
// grouped-query attention shares each key/value head among heads / kv_heads query heads; a head is
// hidden_size / heads wide unless `head_dim` says otherwise. Each of these was accepted and timed
// on fractional heads; now refused where it is written, and the automatic layout picks only a tp
// the model's given heads allow.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { autoLayout, resolveShape, tpDividesHeads } from '../src/model/training-layout.js';
import { InputError, formatIssue } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const text = (model: string, layout?: string): string => `name: heads
seed: 1
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: 64, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: 512
        params: 175B
        tokens: 10B
        model: { layers: 96, hidden_size: 12288, ${model}, vocab: 51200, seq_len: 2048, global_batch: 3145728, attention: standard, recompute: full }
${layout ? `        layout: { ${layout} }\n` : ''}`;

function problems(t: string): string[] {
  try {
    scenarioFromText(t);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('attention heads against the shape and tp', () => {
  it('tp must divide the query heads and the key/value heads', () => {
    expect(problems(text('heads: 100, head_dim: 128', 'tp: 8, pp: 8, dp: 8'))).toEqual([
      expect.stringMatching(/layout\.tp: tp = 8 must divide the model's 100 attention heads: each tensor-parallel rank computes whole heads$/),
    ]);
    expect(problems(text('heads: 96, kv_heads: 4, head_dim: 128', 'tp: 8, pp: 8, dp: 8'))).toEqual([
      expect.stringMatching(/layout\.tp: tp = 8 must divide the model's 4 key\/value heads \(kv_heads\): each tensor-parallel rank holds whole key\/value groups$/),
    ]);
    expect(problems(text('heads: 96, kv_heads: 8, head_dim: 128', 'tp: 8, pp: 8, dp: 8'))).toEqual([]);
  });

  it('kv_heads must divide heads', () => {
    expect(problems(text('heads: 96, kv_heads: 7, head_dim: 128', 'tp: 1, pp: 8, dp: 64, sharded: true'))).toEqual([
      expect.stringMatching(/model\.kv_heads: kv_heads = 7 must divide the 96 attention heads: grouped-query attention shares each key\/value head among heads \/ kv_heads query heads$/),
    ]);
    expect(problems(text('heads: 96, kv_heads: 192, head_dim: 128', 'tp: 8, pp: 8, dp: 8'))).toEqual([expect.stringMatching(/model\.kv_heads: kv_heads = 192 must divide the 96 attention heads/)]);
  });

  it('a head is hidden_size / heads wide: heads not dividing the width need head_dim', () => {
    expect(problems(text('heads: 100', 'tp: 4, pp: 8, dp: 16'))).toEqual([
      expect.stringMatching(/model\.heads: hidden_size 12288 is not a multiple of heads = 100 \(a head would be 122\.88 wide\): give a head count that divides it, or `head_dim`$/),
    ]);
    // With head_dim given the width need not divide (GPT-OSS: 64 heads of 64 on a 2,880-wide model).
    expect(problems(text('heads: 100, head_dim: 128', 'tp: 4, pp: 8, dp: 16, sharded: true'))).toEqual([]);
  });

  it('the automatic layout takes only a tp that divides the given heads', () => {
    // The leanest-first layout (what validate suggests) takes the widest tp within a node: 8, or 4
    // with 12 key/value heads, 2 with 6, 1 with 3.
    for (const [kv, tp] of [[undefined, 8], [12, 4], [6, 2], [3, 1]] as const) {
      const shape = resolveShape(175e9, { layers: 96, hidden_size: 12288, heads: 96, head_dim: 128, ...(kv !== undefined ? { kv_heads: kv } : {}) });
      expect(autoLayout(512, 8, shape, 80e9).tp).toBe(tp);
    }
    // The fastest layout a run uses: Llama 2 70B on 64 A100-40GB with selective recompute runs
    // tp 8 x pp 2 x dp 4 with its 8 key/value heads; with 4, tp 8 is not a layout (it was taken
    // before), and at tp 4 the activations leave no headroom without context parallelism: tp 4 x cp 2
    // (it was refused, with full recompute as the way out, before the search tried cp).
    const llama = (kv: number): string =>
      text(`heads: 64, kv_heads: ${kv}, head_dim: 128, gated_mlp: true, ffn_size: 28672`)
        .replace('device: A100-80GB', 'device: A100-40GB')
        .replace('devices: 512', 'devices: 64')
        .replace('params: 175B', 'params: 70B')
        .replace('layers: 96, hidden_size: 12288', 'layers: 80, hidden_size: 8192')
        .replace('vocab: 51200, seq_len: 2048, global_batch: 3145728, attention: standard, recompute: full', 'vocab: 32000, seq_len: 4096, global_batch: 4194304, attention: flash, recompute: selective');
    const eight = explainJob(scenarioFromText(llama(8)), 'gpt');
    expect([eight.layout.automatic, eight.layout.tp, eight.layout.pp, eight.layout.dp]).toEqual([true, 8, 2, 4]);
    expect(problems(llama(4))).toEqual([]);
    const four = explainJob(scenarioFromText(llama(4)), 'gpt');
    expect([four.layout.tp, four.layout.cp, four.layout.pp, four.layout.dp, four.layout.zero]).toEqual([4, 2, 4, 2, 2]);
  });
});

describe('heads not given: the derived count (hidden_size / 128) is held to tp as a given one is', () => {
  // Was: tp 3 on a 4,096-wide 7B model without `heads` ran (a 24.46 s step on 10.67 heads a rank),
  // while the same job with `heads: 32` written was refused; likewise tp 8 on the 6,656-wide
  // (52 heads) and 2,560-wide (20 heads) families.
  const job = (params: string, dims: string, devices: number, layout?: string): string =>
    text('heads: 96')
      .replace('params: 175B', `params: ${params}`)
      .replace('devices: 512', `devices: ${devices}`)
      .replace('layers: 96, hidden_size: 12288, heads: 96', dims)
      .replace(/\n$/, '') + (layout ? `\n        layout: { ${layout} }\n` : '\n');
  it('refused where tp is written, saying the count was assumed and how', () => {
    const seven = problems(job('7B', 'layers: 32, hidden_size: 4096', 6, 'tp: 3, pp: 1, dp: 2, zero: 3'));
    expect(seven).toEqual([
      expect.stringMatching(
        /^test\.yaml:\d+:\d+: workloads\[0\]\.jobs\[0\]\.layout\.tp: tp = 3 must divide the model's attention heads: each tensor-parallel rank computes whole heads; heads not given: assumed hidden_size \/ 128 = 4096 \/ 128 = 32, which tp 3 does not divide; give model\.heads$/,
      ),
    ]);
    // Written out, the same count is refused as before.
    expect(problems(job('7B', 'layers: 32, hidden_size: 4096, heads: 32', 6, 'tp: 3, pp: 1, dp: 2, zero: 3'))).toEqual([expect.stringMatching(/layout\.tp: tp = 3 must divide the model's 32 attention heads/)]);
    expect(problems(job('33B', 'layers: 60, hidden_size: 6656', 64, 'tp: 8, pp: 4, dp: 2'))).toEqual([expect.stringMatching(/layout\.tp: .*assumed hidden_size \/ 128 = 6656 \/ 128 = 52, which tp 8 does not divide; give model\.heads$/)]);
    expect(problems(job('2.7B', 'layers: 32, hidden_size: 2560', 8, 'tp: 8, pp: 1, dp: 1'))).toEqual([expect.stringMatching(/layout\.tp: .*assumed hidden_size \/ 128 = 2560 \/ 128 = 20, which tp 8 does not divide; give model\.heads$/)]);
    // A tp the derived count allows is accepted.
    expect(problems(job('33B', 'layers: 60, hidden_size: 6656', 64, 'tp: 4, pp: 4, dp: 4'))).toEqual([]);
    expect(problems(job('7B', 'layers: 32, hidden_size: 4096', 8, 'tp: 4, pp: 1, dp: 2, zero: 3'))).toEqual([]);
  });

  it('the automatic layout never takes such a tp: the same rule (tpDividesHeads)', () => {
    for (const [params, hidden, layers, tp] of [[32.5e9, 6656, 60, 4], [2.7e9, 2560, 32, 4], [6.7e9, 4096, 32, 8]] as const) {
      const shape = resolveShape(params, { layers, hidden_size: hidden });
      expect(tpDividesHeads(shape, 8)).toBe(tp === 8);
      expect(autoLayout(64, 8, shape, 80e9).tp).toBe(tp);
    }
    // A job known by params alone takes its family's width, and its heads from it.
    expect(tpDividesHeads(resolveShape(32.5e9), 8)).toBe(false);
    const auto = explainJob(scenarioFromText(job('33B', 'layers: 60, hidden_size: 6656', 64)), 'gpt');
    expect(auto.layout.automatic).toBe(true);
    expect(52 % auto.layout.tp).toBe(0);
  });
});

describe('layout fields that change nothing on the layout given', () => {
  const warned = (t: string): string[] => scenarioFromText(t).warnings.map(formatIssue);
  it('virtual_stages with one pipeline stage, sequence_parallel with tp 1: said, the step unchanged', () => {
    const plain = text('heads: 96', 'tp: 1, pp: 1, dp: 512, zero: 3');
    expect(warned(text('heads: 96', 'tp: 1, pp: 1, dp: 512, zero: 3, virtual_stages: 2'))).toContainEqual(expect.stringMatching(/layout\.virtual_stages: virtual_stages = 2 has no effect with pp = 1/));
    expect(warned(text('heads: 96, sequence_parallel: true', 'tp: 1, pp: 1, dp: 512, zero: 3'))).toContainEqual(expect.stringMatching(/layout: sequence_parallel has no effect with tp = 1/));
    expect(warned(plain).filter((w) => w.includes('no effect'))).toEqual([]);
    const step = (t: string): number => explainJob(scenarioFromText(t), 'gpt').step.step_s;
    expect(step(text('heads: 96, sequence_parallel: true', 'tp: 1, pp: 1, dp: 512, zero: 3'))).toBe(step(plain));
    expect(step(text('heads: 96', 'tp: 1, pp: 1, dp: 512, zero: 3, virtual_stages: 2'))).toBe(step(plain));
    // With tp 8, sequence parallelism is no note.
    expect(warned(text('heads: 96, sequence_parallel: true', 'tp: 8, pp: 8, dp: 8')).filter((w) => w.includes('no effect'))).toEqual([]);
  });
});

describe('overlaps and sharding with nothing to act on', () => {
  const warned = (t: string): string[] => scenarioFromText(t).warnings.map(formatIssue).filter((w) => w.includes('no effect'));
  it('pp_overlap with one stage, dp_overlap and zero with one replica are said; sharded: true beside zero 0 or 1 is refused', () => {
    const seven = (layout: string): string =>
      text('heads: 32').replace('devices: 512', 'devices: 8').replace('params: 175B', 'params: 7B').replace('layers: 96, hidden_size: 12288', 'layers: 32, hidden_size: 4096').replace('recompute: full', 'recompute: full').replace(/\n$/, '') + `\n        layout: { ${layout} }\n`;
    expect(warned(seven('tp: 8, pp: 1, dp: 1, pp_overlap: 0, dp_overlap: 0'))).toEqual([
      expect.stringMatching(/pp_overlap has no effect with pp = 1/),
      expect.stringMatching(/dp_overlap has no effect with dp = 1/),
    ]);
    expect(warned(seven('tp: 4, pp: 2, dp: 1, zero: 1'))).toEqual([expect.stringMatching(/zero = 1 has no effect with dp = 1/)]);
    expect(warned(seven('tp: 4, pp: 1, dp: 2, pp_overlap: 0'))).toEqual([expect.stringMatching(/pp_overlap has no effect with pp = 1/)]);
    expect(warned(seven('tp: 4, pp: 2, dp: 1, pp_overlap: 0'))).toEqual([]);
    expect(problems(seven('tp: 4, pp: 1, dp: 2, sharded: true, zero: 1'))).toEqual([
      expect.stringMatching(/layout\.zero: zero = 1 and `sharded: true` \(ZeRO-2: gradients and optimizer state sharded\) say different things; give one of them$/),
    ]);
    expect(problems(seven('tp: 4, pp: 1, dp: 2, sharded: true, zero: 3'))).toEqual([]);
  });
});

describe("a generator's model problems", () => {
  const gen = (model: string, params = '7B'): string => `name: gen
seed: 1
datacentres:
  - name: dc
    node_groups:
      - { name: a100, count: 8, device: A100-80GB }
workloads:
  - generator:
      count: 10
      arrival: { process: poisson, rate: 1/h }
      devices: 8
      params: ${params}
      tokens: 1B
      model: { layers: 32, hidden_size: 4096, ${model} }
`;
  it('are said as themselves where they are written, not as a size that fits no memory', () => {
    // Was: "generator.params: no job it can generate fits in memory: 7B parameters on 8 devices ()".
    expect(problems(gen('heads: 32, kv_heads: 5, head_dim: 128'))).toEqual([
      expect.stringMatching(/workloads\[0\]\.generator\.model\.kv_heads: kv_heads = 5 must divide the 32 attention heads/),
    ]);
    expect(problems(gen('heads: 32, kv_heads: 8, head_dim: 128'))).toEqual([]);
  });
});

describe('a width given without layers', () => {
  // The layers are solved from params; a width far too small for the size (hidden_size: 12 for
  // 12288) made millions of layers, refused only later for their memory.
  const job = (model: string): string => text('heads: 96').replace(/model: \{[^\n]*\}/, `model: { ${model}, seq_len: 2048, global_batch: 3145728, recompute: full }`);
  it('deeper than wide is refused at hidden_size, with the width a model of that size usually has', () => {
    expect(problems(job('hidden_size: 12'))).toEqual([
      expect.stringMatching(
        /^test\.yaml:\d+:\d+: workloads\[0\]\.jobs\[0\]\.model\.hidden_size: hidden_size = 12 with params 175B makes [\d,]+ layers \(the layers are solved from params when not given\), deeper than wide, which no transformer is: give `layers`, or the width meant \(a model of this size is usually about 12,[0-9]{3} wide\)$/,
      ),
    ]);
    // The same width with its layers is the params check's (the shape holds another model), and a width of the usual proportions is accepted.
    expect(problems(job('hidden_size: 12, layers: 96')).join('\n')).toMatch(/describe different models/);
    expect(problems(job('hidden_size: 12288'))).toEqual([]);
    expect(resolveShape(175e9, { hidden_size: 12288 }).layers).toBe(96);
  });
});

describe("an interpolated width's heads are poolsim's stand-in, not the model's", () => {
  const job = (model: string): string => `name: stand-in
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 2, device: H100 }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 1B, tokens: 20B, ${model}layout: { tp: 8, pp: 1, dp: 2 } }
`;

  it('a 1B model given by params alone (width 1,792 interpolated, 14 heads by hidden / 128) runs at tp 8', () => {
    const shape = resolveShape(1e9);
    expect(shape).toMatchObject({ hiddenSize: 1792, widthInterpolated: true });
    expect(shape.heads).toBeUndefined();
    expect(tpDividesHeads(shape, 8)).toBe(true);
    expect(problems(job(''))).toEqual([]);
  });

  it('the same width given by the model is its own: tp 8 over its 14 assumed heads is refused', () => {
    expect(resolveShape(1e9, { hidden_size: 1792 }).widthInterpolated).toBeUndefined();
    const p = problems(job('model: { hidden_size: 1792 }, '));
    expect(p.join('\n')).toContain('heads not given: assumed hidden_size / 128 = 1792 / 128 = 14, which tp 8 does not divide; give model.heads');
  });

  it('a published family keeps its heads (GPT-3 6.7B: 32), so tp 3 is refused on params alone', () => {
    const shape = resolveShape(6.7e9);
    expect(shape.widthInterpolated).toBeUndefined();
    expect(tpDividesHeads(shape, 3)).toBe(false);
  });
});
