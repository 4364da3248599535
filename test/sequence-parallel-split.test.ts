// Sequence parallelism (on by default with fused attention) splits each rank's sequence over the
// tensor-parallel ranks: Megatron-LM scatters the [sequence, batch, hidden] activations along the
// sequence and asserts that tp divides it (megatron/core/tensor_parallel/mappings.py,
// _split_along_first_dim). seq_len 4100 at tp 8 was accepted and timed as 512.5 tokens a rank, a
// step Megatron never runs; the automatic search chose such layouts too.
import { describe, expect, it } from 'vitest';
import { fastestLayout, layoutEnvOf } from '../src/model/layout-search.js';
import { resolveShape, tpSplitsSequence, validateLayout, type ParallelLayout, type TrainingShape } from '../src/model/training-layout.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const flash = (seqLen: number, sequenceParallel?: boolean): TrainingShape => ({
  ...resolveShape(13e9, { attention: 'flash', seq_len: seqLen, ...(sequenceParallel !== undefined ? { sequence_parallel: sequenceParallel } : {}) }),
});
const tp8: ParallelLayout = { tp: 8, pp: 1, dp: 8, microBatches: 128 };

describe('tp must divide the tokens each rank splits under sequence parallelism', () => {
  it('explicit layouts: refused with the rule and the ways out; sequence parallelism off, tp 1, or a dividing length pass', () => {
    expect(validateLayout(tp8, 64, 8, flash(4100)).problems).toEqual([
      "tp = 8 must divide the sequence's 4100 tokens: sequence parallelism (on with fused attention) splits them over the tensor-parallel ranks, which Megatron-LM requires to be equal; give a seq_len that tp divides, another tp, or model.sequence_parallel: false",
    ]);
    expect(validateLayout(tp8, 64, 8, flash(4104)).problems).toEqual([]);
    expect(validateLayout(tp8, 64, 8, flash(4100, false)).problems).toEqual([]);
    expect(validateLayout({ ...tp8, tp: 1, dp: 64 }, 64, 8, flash(4100)).problems).toEqual([]);
    // With context parallelism each rank holds seq_len / cp tokens: 4112 / 2 = 2056, which 8 divides; 4104 / 2 = 2052 not.
    expect(validateLayout({ ...tp8, cp: 2, dp: 4 }, 64, 8, flash(4112)).problems).toEqual([]);
    expect(validateLayout({ ...tp8, cp: 2, dp: 4 }, 64, 8, flash(4104)).problems[0]).toMatch(/^tp = 8 must divide the 2052 tokens each of the cp = 2 ranks holds of a sequence/);
    expect(tpSplitsSequence(flash(4100), 4)).toBe(true);
    expect(tpSplitsSequence(flash(4100), 8)).toBe(false);


  });

  it('the automatic search never chooses such a tp (405B on 256 H100s at seq_len 4100 took tp 8 x pp 8 x dp 4)', () => {
    const r = scenarioFromText(`name: sp
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 32, device: H100 }
workloads:
  - jobs:
      - { name: j, devices: 256, params: 405B, tokens: 2B }
`);
    const env = layoutEnvOf(r.shape, 0, undefined);
    const shape = resolveShape(405e9, { attention: 'flash', seq_len: 4100 });
    const l = fastestLayout(256, shape, env);
    expect(4100 % l.tp).toBe(0);
    expect(validateLayout(l, 256, 8, shape).problems).toEqual([]);
  });

  it('a scenario with such a layout is refused at the field, located', () => {
    const text = `name: sp
datacentres:
  - name: dc
    node_groups:
      - { name: h100, count: 8, device: H100 }
workloads:
  - jobs:
      - name: j
        devices: 64
        params: 13B
        tokens: 2B
        model: { attention: flash, seq_len: 4100 }
        layout: { tp: 8, dp: 8 }
`;
    let err: unknown;
    try {
      scenarioFromText(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const issue = (err as InputError).issues.find((i) => /sequence parallelism/.test(i.message))!;
    expect(issue).toMatchObject({ line: 13, path: 'workloads[0].jobs[0].layout.tp' });
  });
});
