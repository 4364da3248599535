// The automatic layout tries context parallelism where no layout without it leaves memory
// headroom (model/layout-search.ts). Before it never did: a 6B model with 128K-token sequences
// (flash attention) on 16 H100 got tp 8 x pp 2 at 99% of memory (74.0 GiB of 74.5), where
// tp 8 x cp 2 needs 46.8 GiB and is as fast within 1%.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { formatIssue } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (model: string): string => `name: automatic-layout-cp
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h100, count: 8, device: H100 }]
workloads:
  - jobs:
      - { name: f, devices: 16, params: 6B, tokens: 1B, model: { ${model} } }
`;

describe('the automatic layout and context parallelism', () => {
  it('128K-token sequences: context parallelism instead of a layout at 99% of memory, in explain, the loader and the run alike', () => {
    // A 4h-wide FFN (16,384): the width the 6B's activations were counted at before the FFN's own width was.
    const r = scenarioFromText(pool('seq_len: 131072, global_batch: 4194304, attention: flash, ffn_size: 16384'));
    const e = explainJob(r, 'f');
    expect(e.layout).toMatchObject({ tp: 8, cp: 2, pp: 1, dp: 1, automatic: true });
    expect(e.memory.total_gib).toBeLessThan(0.9 * e.memory.device_gib);
    // No tight-fit note: the layout the loader checks is the run's.
    expect(r.warnings.map(formatIssue).filter((w) => w.includes('automatic layout'))).toEqual([]);
    const ran = runToCsv(r).jobs[0]!;
    expect(ran.layout).toMatch(/^tp8 pp1 dp1 cp2 /);
    expect(ran.step_time_s / e.step.step_s).toBeCloseTo(1, 4);
  });

  it('the 6B as its size alone gives it (a 13,952-wide FFN, 3.4 h): tp 8 x pp 2 leaves headroom (69.2 GiB, 87%), so no context parallelism', () => {
    const e = explainJob(scenarioFromText(pool('seq_len: 131072, global_batch: 4194304, attention: flash')), 'f');
    expect(e.layout).toMatchObject({ tp: 8, cp: 1, pp: 2, dp: 1 });
    expect(e.memory.total_gib).toBeCloseTo(69.16, 2);
  });

  it('ordinary sequences: no context parallelism (a layout without it has headroom)', () => {
    const e = explainJob(scenarioFromText(pool('seq_len: 4096, global_batch: 4194304, attention: flash')), 'f');
    expect(e.layout.cp).toBe(1);
  });
});
