// layout.pp_tensors: how a pipeline stage sends tensors not split by sequence, checked by hand on one
// pipelined layout: Megatron-LM's scatter/gather (1/tp from each tensor rank, all-gathered over the
// tensor group on arrival) against Megatron-Core's whole tensors, and sequence parallelism's split.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { stepTime, type CommPath } from '../src/model/step-time.js';
import { validateLayout, type ParallelLayout, type TrainingShape } from '../src/model/training-layout.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { scenarioFromText } from './helpers.js';

const a100 = computeDeviceOf(DEVICE_CATALOGUE['A100-80GB']!)!;
const shape: TrainingShape = {
  params: 3.3e9,
  layers: 16,
  hiddenSize: 4096,
  heads: 32,
  vocab: 51_200,
  seqLen: 2048,
  globalBatchTokens: 8 * 2048,
  precisionBytes: 2,
  activationRecompute: true,
  recompute: 'full',
  attention: 'standard',
  sequenceParallel: false,
};
// Alpha-beta paths, so that every term is a line of arithmetic (the tensor group's marked as crossing
// nodes: a ring of (tp - 1) steps of latency plus (tp - 1) / tp of the bytes at the bandwidth).
const tpPath: CommPath = { bandwidthBytesPerS: 200e9, latencyS: 2e-6, scaleOut: true };
const nic: CommPath = { bandwidthBytesPerS: 25e9, latencyS: 5e-6 };
// tp 4 x pp 4, 8 micro-batches of one 2,048-token sequence, 2 model chunks a stage, nothing hidden.
const base: ParallelLayout = { tp: 4, pp: 4, dp: 1, microBatches: 8, virtualStages: 2, ppOverlap: 0 };
const run = (layout: ParallelLayout, s: TrainingShape = shape): ReturnType<typeof stepTime> =>
  stepTime({ shape: s, layout, peakFlopsPerDevice: a100.peakFlops, compute: computeBreakdown(s, layout, a100), tp: tpPath, pp: nic, dp: nic });
/** The pipeline's send/recv per step, without the tied embedding's all-reduce. */
const p2p = (st: ReturnType<typeof stepTime>): number => st.ppCommS - st.embeddingSyncS;

// One micro-batch's activation: 2,048 tokens x 4,096 x 2 bytes = 16 MiB.
const act = 2048 * 4096 * 2;
const m = 8;
const v = 2;
const exchange = (bytes: number): number => 5e-6 + bytes / 25e9;
const gather = 3 * 2e-6 + (3 / 4) * (act / 200e9);

describe('layout.pp_tensors', () => {
  it("scatter-gather: each tensor rank sends 1/tp of the activation and of the gradient per chunk, and the receiver all-gathers both (2 v gathers of the whole activation a micro-batch), on the stage's timeline", () => {
    const st = run({ ...base, ppTensors: 'scatter-gather' });
    expect(st.ppBytesPerStepPerDevice).toBe(m * v * 2 * (act / 4));
    expect(p2p(st)).toBeCloseTo(m * (v * 2 * exchange(act / 4) + 2 * v * gather), 12);
    // pp_overlap 0: all of it exposed.
    expect(st.ppExposedS - st.embeddingSyncS).toBeCloseTo(p2p(st), 12);
    // The gathers' bytes go over the tensor group: (tp - 1) / tp of the activation each.
    const whole = run({ ...base, ppTensors: 'whole' });
    expect(st.tpBytesPerStepPerDevice - whole.tpBytesPerStepPerDevice).toBeCloseTo(m * 2 * v * (3 / 4) * act, 0);
  });

  it('whole: every tensor rank sends the whole activation and gradient, tp times the bytes, and gathers nothing; it is the default of the Megatron engine', () => {
    const st = run({ ...base, ppTensors: 'whole' });
    expect(st.ppBytesPerStepPerDevice).toBe(m * v * 2 * act);
    expect(p2p(st)).toBeCloseTo(m * v * 2 * exchange(act), 12);
    expect(run(base).stepS).toBe(st.stepS);
  });

  it('with sequence parallelism the tensor is already split by sequence: 1/tp sent, nothing gathered, whichever is given', () => {
    const sp: TrainingShape = { ...shape, sequenceParallel: true };
    for (const ppTensors of ['whole', 'scatter-gather'] as const) {
      const st = run({ ...base, ppTensors }, sp);
      expect(st.ppBytesPerStepPerDevice).toBe(m * v * 2 * (act / 4));
      expect(p2p(st)).toBeCloseTo(m * v * 2 * exchange(act / 4), 12);
    }
  });

  it("DeepSpeed's pipeline engine partitions by default: four transfers of 1/tp, the received activation and (partitioned) gradient gathered, and the freed output gathered again; with whole gradients the gradient is not gathered", () => {
    const ds: ParallelLayout = { ...base, virtualStages: 1, pipelineEngine: 'deepspeed' };
    const st = run(ds);
    expect(p2p(st)).toBeCloseTo(m * (2 * 2 * exchange(act / 4) + 3 * gather), 12);
    const wholeGrads = run({ ...ds, ppGradients: 'whole' });
    expect(p2p(wholeGrads)).toBeCloseTo(m * (2 * (exchange(act / 4) + exchange(act)) + 2 * gather), 12);
    // Told to send whole tensors, it has nothing partitioned to gather again.
    expect(p2p(run({ ...ds, ppTensors: 'whole' }))).toBeCloseTo(m * 2 * 2 * exchange(act), 12);
  });

  it('says when it changes nothing: pp = 1, sequence parallelism, or pp_gradients under whole tensors', () => {
    const notes = (l: Partial<ParallelLayout>, s: TrainingShape = shape): string[] => validateLayout({ ...base, ...l }, 4 * (l.pp ?? 4), 8, s).notes;
    expect(notes({ pp: 1, virtualStages: 1, ppTensors: 'scatter-gather' })).toContainEqual(expect.stringMatching(/^pp_tensors has no effect with pp = 1/));
    expect(notes({ ppTensors: 'whole' }, { ...shape, sequenceParallel: true })).toContainEqual(expect.stringMatching(/^pp_tensors has no effect with sequence parallelism/));
    expect(notes({ ppGradients: 'whole' })).toContainEqual(expect.stringMatching(/^pp_gradients has no effect with pp_tensors: whole/));
    expect(notes({ ppTensors: 'scatter-gather', ppGradients: 'whole' }).some((n) => /no effect/.test(n))).toBe(false);
  });

  it('explain says how the pipeline sends its tensors, and a value it does not know is refused at its field', () => {
    const yaml = (extra: string): string => `name: pp-tensors
seed: 1
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: 2, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: 16
        params: 3.3B
        tokens: 1B
        model: { layers: 16, hidden_size: 4096, heads: 32, vocab: 51200, seq_len: 2048, global_batch: 16384, attention: standard, recompute: full }
        layout: { tp: 4, pp: 4, dp: 1, micro_batches: 8${extra} }
`;
    const text = (extra: string): string => explanationTable(explainJob(scenarioFromText(yaml(extra)), 'gpt'));
    expect(text(', pp_tensors: scatter-gather')).toContain('pipeline tensors sent 1/tp and all-gathered on arrival');
    expect(text('')).toContain('pipeline tensors sent whole by every tensor rank');
    expect(() => scenarioFromText(yaml(', pp_tensors: split'))).toThrow(/layout\.pp_tensors/);
  });
});
