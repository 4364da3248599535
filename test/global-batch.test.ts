// A global batch is counted in tokens; a publication gives it in sequences (Narayanan et al.
// 2021: "batch size 512"). `global_batch: 512` with a sequence of 2,048 is a quarter of one
// sequence: a step of nothing, timed and printed with confidence (GPT-3 175B ran 59.8 days at an
// effective compute ratio of 1.3%). A batch shorter than one sequence, or with fewer sequences
// than data-parallel replicas, is refused where it is written, with the likely meaning.
import { describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const text = (model: string, layout = ''): string => `name: batch
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
        model: { layers: 96, hidden_size: 12288, heads: 96, seq_len: 2048, recompute: full${model} }
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

describe('a global batch too small for its layout', () => {
  it('less than one sequence is refused at global_batch, with the tokens it likely meant', () => {
    expect(problems(text(', global_batch: 1536', 'tp: 8, pp: 8, dp: 8'))).toEqual([
      expect.stringMatching(
        /^test\.yaml:\d+:\d+: workloads\[0\]\.jobs\[0\]\.model\.global_batch: 1536 tokens are less than one sequence of 2048: `global_batch` counts tokens \(1536 sequences would be 3145728\)$/,
      ),
    ]);
    // Without a layout (the automatic one) as well.
    expect(problems(text(', global_batch: 512'))).toEqual([expect.stringMatching(/model\.global_batch: 512 tokens are less than one sequence of 2048: `global_batch` counts tokens \(512 sequences would be 1048576\)$/)]);
  });

  it('fewer sequences than data-parallel replicas is refused at the layout: a replica takes at least one', () => {
    // A batch given roughly ('12K' tokens of 4,096: 2.93 sequences) for three replicas is not refused.
    expect(problems(text(', global_batch: 12K, seq_len: 4096', 'tp: 8, pp: 8, dp: 8').replace('seq_len: 2048, ', '').replace('devices: 512', 'devices: 192').replace('pp: 8, dp: 8', 'pp: 8, dp: 3'))).toEqual([]);
    // 4 sequences over dp 8.
    expect(problems(text(', global_batch: 8192', 'tp: 8, pp: 8, dp: 8'))).toEqual([
      expect.stringMatching(/layout\.dp: dp = 8 data-parallel replicas, but the global batch holds 4 sequences of 2048 tokens: each replica needs at least one \(`global_batch` counts tokens\)$/),
    ]);
    // More micro-batches than sequences, but a sequence for each replica: said, not refused (a
    // batch given roughly, as 1M tokens, splits into a fraction of a sequence per micro-batch).
    expect(problems(text(', global_batch: 131072', 'tp: 8, pp: 8, dp: 8, micro_batches: 16'))).toEqual([]);
    expect(scenarioFromText(text(', global_batch: 131072', 'tp: 8, pp: 8, dp: 8, micro_batches: 16')).warnings.map(formatIssue)).toContainEqual(
      expect.stringMatching(/dp x micro_batches = 128 exceeds the 64 sequences in the global batch; micro-batches hold partial sequences/),
    );
    expect(problems(text(', global_batch: 3145728', 'tp: 8, pp: 8, dp: 8, micro_batches: 192'))).toEqual([]);
  });

  it('micro_batches that do not divide a replica\'s sequences are warned at micro_batches, with the divisors nearest', () => {
    const warned = (layout: string): string[] =>
      scenarioFromText(text(', global_batch: 393216', layout)).warnings.map(formatIssue).filter((w) => w.includes('does not divide the'));
    // 192 sequences over dp 8: 24 each; 7 micro-batches would be 3.43 sequences each.
    expect(warned('tp: 8, pp: 8, dp: 8, micro_batches: 7')).toEqual([
      expect.stringMatching(
        /^test\.yaml:\d+:\d+: workloads\[0\]\.jobs\[0\]\.layout\.micro_batches: micro_batches = 7 does not divide the 24 sequences each of the dp = 8 replicas takes: the step is timed with micro-batches of 3\.43 sequences, which no framework runs; give 6 or 8, or `micro_batch_size`$/,
      ),
    ]);
    // Divisors, the default (one sequence each) and micro_batch_size are silent.
    for (const layout of ['tp: 8, pp: 8, dp: 8, micro_batches: 12', 'tp: 8, pp: 8, dp: 8', 'tp: 8, pp: 8, dp: 8, micro_batch_size: 4']) expect(warned(layout)).toEqual([]);
  });
});

describe('a job of fewer tokens than one step', () => {
  it('is warned at tokens with the batch it falls short of: it trains a fraction of a step', () => {
    const warned = (tokens: string, model = ', global_batch: 3145728'): string[] =>
      scenarioFromText(text(model).replace('tokens: 10B', `tokens: ${tokens}`)).warnings.map(formatIssue).filter((w) => w.includes('.tokens:'));
    expect(warned('1M')).toEqual([
      expect.stringMatching(/workloads\[0\]\.jobs\[0\]\.tokens: 1000000 tokens are fewer than one step's global batch of 3145728 tokens: the job trains 0\.32 of one step, which no real run does/),
    ]);
    // The default batch (4M tokens) is named as such.
    expect(warned('1M', '')).toEqual([expect.stringMatching(/global batch of 4194304 tokens \(the default; `model\.global_batch` sets it\)/)]);
    expect(warned('3145728')).toEqual([]);
    expect(warned('10B')).toEqual([]);
  });
});

describe('more devices than the batch has sequences for', () => {
  it('a job whose devices leave no layout with a whole sequence per replica is warned', () => {
    // 6,673 nodes of 8 (6,673 is prime): tp 8 leaves 6,673 ranks, and a 1B model's 24 layers allow
    // no pipeline depth dividing them: 6,673 replicas for 1,024 sequences. The note names the layout
    // a run uses, the fastest of those: tp 8 x dp 6,673 now that the search times traffic between
    // nodes on the fabric the run gives them (dbf93ed; on NVLink, as before, tp 4 x dp 13,346 won).
    const pool = (devices: number, nodes: number): string => `name: wide
datacentres:
  - name: dc
    node_groups:
      - { name: a100, count: ${nodes}, device: A100-80GB }
workloads:
  - jobs:
      - { name: small, devices: ${devices}, params: 1B, tokens: 100B }
`;
    const warned = (t: string): string[] => scenarioFromText(t).warnings.map(formatIssue).filter((w) => w.includes('whole sequence'));
    expect(warned(pool(53384, 6673))).toEqual([
      expect.stringMatching(/53384 devices leave no layout that gives each data-parallel replica a whole sequence of the global batch \(1024 sequences of 4096 tokens; the automatic layout tp 8 x pp 1 x dp 6673 has 6673 replicas\)/),
    ]);
    // 16,000 devices: tp 8 x pp 20 x dp 100 gives each replica about ten sequences.
    expect(warned(pool(16000, 2000))).toEqual([]);
  });
});
