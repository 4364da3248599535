// A model that gives its head width (`model.head_dim`) and not its head count has hidden_size /
// head_dim heads: that is what the width means. The count was derived as hidden_size / 128 whatever
// head_dim said, so a 4,096-wide model of 64-wide heads was timed on 32 heads of 64 (attention and
// projections half as wide as the model's) and tensor groups were checked against the wrong count.
// A head width that does not divide the width, without a count, is refused where it is written.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { headsOf } from '../src/model/shape-defaults.js';
import { resolveShape } from '../src/model/training-layout.js';
import { InputError, formatIssue } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const text = (model: string): string => `name: head-dim
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h100, count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: m, devices: 8, params: 6.7B, tokens: 1B, model: { layers: 32, hidden_size: 4096, ${model} } }
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

describe('model.head_dim without model.heads', () => {
  it('4,096 wide with heads of 64: 64 heads, not 4,096 / 128 = 32', () => {
    const s = resolveShape(6.7e9, { layers: 32, hidden_size: 4096, head_dim: 64 });
    expect(headsOf(s)).toBe(64);
    expect(s.heads).toBe(64);
    const e = explainJob(scenarioFromText(text('head_dim: 64')), 'm');
    expect(e.shape.heads).toBe(64);
  });
  it('heads of 128 on 4,096 stay 32 (the bundled inference models give head_dim 128: unchanged)', () => {
    expect(headsOf(resolveShape(6.7e9, { layers: 32, hidden_size: 4096, head_dim: 128 }))).toBe(32);
    expect(headsOf(resolveShape(70e9, { layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }))).toBe(64);
  });
  it('given heads win: 32 heads of 64 on 4,096 stay 32', () => {
    expect(headsOf(resolveShape(6.7e9, { layers: 32, hidden_size: 4096, heads: 32, head_dim: 64 }))).toBe(32);
  });
  it('a head width that does not divide the width, without a count: refused at model.head_dim', () => {
    const p = problems(text('head_dim: 96'));
    expect(p).toEqual([expect.stringMatching(/workloads\[0\]\.jobs\[0\]\.model\.head_dim: .*head_dim = 96 does not divide hidden_size 4096.*give `heads`/)]);
    expect(problems(text('head_dim: 96, heads: 32'))).toEqual([]);
  });
});

describe("GPT-3 13B's family width", () => {
  it('5,120 = 40 heads x 128 (Brown et al. 2020, Table 2.1 prints d_model 5,140, which 40 heads do not split: read as a typo)', () => {
    const s = resolveShape(13e9, undefined);
    expect([s.layers, s.hiddenSize, headsOf(s), s.hiddenSize / headsOf(s)]).toEqual([40, 5120, 40, 128]);
  });
});
