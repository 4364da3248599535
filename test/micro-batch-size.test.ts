// `layout.micro_batch_size`: the sequences of one micro-batch, as papers and Megatron-LM's
// `--micro-batch-size` give it, beside `micro_batches` (how many per step per replica). The two
// routes to one layout time the same step; a size that does not divide a replica's share of the
// global batch, or both fields at once, are refused where they are written.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { InputError, formatIssue } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

// Narayanan et al. 2021's 18.4B row: 1,024 sequences of 2,048 over dp 32 = 32 per replica.
const text = (layout: string): string => `name: mbs
seed: 1
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: 32, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: 256
        params: 18.4B
        tokens: 10B
        model: { layers: 40, hidden_size: 6144, heads: 48, vocab: 51200, seq_len: 2048, global_batch: 2097152, attention: standard, recompute: full }
        layout: { tp: 8, pp: 1, dp: 32${layout} }
`;

function problems(t: string): string[] {
  try {
    scenarioFromText(t);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('layout.micro_batch_size', () => {
  it('is the same layout as the micro_batches it implies: the same step, byte for byte', () => {
    for (const [size, count] of [[8, 4], [1, 32], [32, 1], [2, 16]] as const) {
      const bySize = explainJob(scenarioFromText(text(`, micro_batch_size: ${size}`)), 'gpt');
      const byCount = explainJob(scenarioFromText(text(`, micro_batches: ${count}`)), 'gpt');
      expect(bySize.layout.microBatches).toBe(count);
      expect(JSON.stringify(bySize)).toBe(JSON.stringify(byCount));
    }
    // A larger micro-batch times larger GEMMs: 8 sequences a micro-batch run faster than 1.
    const one = explainJob(scenarioFromText(text(', micro_batch_size: 1')), 'gpt').step.step_s;
    const eight = explainJob(scenarioFromText(text(', micro_batch_size: 8')), 'gpt').step.step_s;
    expect(eight).toBeLessThan(one);
  });

  it('a size that does not divide a replica\'s sequences is refused with the divisors', () => {
    expect(problems(text(', micro_batch_size: 3'))).toEqual([
      expect.stringMatching(/^test\.yaml:\d+:\d+: workloads\[0\]\.jobs\[0\]\.layout\.micro_batch_size: micro_batch_size = 3 does not divide the 32 sequences each of the dp = 32 replicas takes \(a global batch of 1024 sequences of 2048 tokens\); give one of 1, 2, 4, 8, 16, 32$/),
    ]);
    expect(problems(text(', micro_batch_size: 64'))).toEqual([expect.stringMatching(/layout\.micro_batch_size: micro_batch_size = 64 does not divide the 32 sequences/)]);
    // 1,000 sequences over 32 replicas are not whole sequences each: no size can divide them.
    expect(problems(text(', micro_batch_size: 1').replace('global_batch: 2097152', 'global_batch: 2048000'))).toEqual([
      expect.stringMatching(/layout\.micro_batch_size: micro_batch_size = 1 needs whole sequences per data-parallel replica, but a global batch of 1000 sequences of 2048 tokens over dp = 32 is 31\.25 each/),
    ]);
  });

  it('both fields at once are refused: they would say the same thing twice, or disagree', () => {
    expect(problems(text(', micro_batch_size: 8, micro_batches: 4'))).toEqual([
      expect.stringMatching(/layout\.micro_batch_size: give `micro_batch_size` \(sequences per micro-batch\) or `micro_batches` \(micro-batches per step\), not both/),
    ]);
  });
});
