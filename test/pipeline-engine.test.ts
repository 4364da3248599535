// layout.pipeline_engine and layout.pp_gradients: how DeepSpeed's pipeline engine moves a
// micro-batch between stages (deepspeed/runtime/pipe/engine.py and schedule.py), against Megatron's
// 1F1B, on one small GPT whose pipeline send/recv the step exposes.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { scenarioFromText } from './helpers.js';

const gpt = (tp: number, layout: string): string => `name: pipe-engine
seed: 1
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: ${Math.max(1, tp / 2)}, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: ${4 * tp}
        params: 5.4B
        tokens: 1B
        model: { layers: 16, hidden_size: 5120, heads: 40, vocab: 51200, seq_len: 2048, global_batch: 131072, attention: standard, recompute: full }
        layout: { tp: ${tp}, pp: 4, dp: 1${layout} }
`;
const step = (tp: number, layout = ''): ReturnType<typeof explainJob>['step'] => explainJob(scenarioFromText(gpt(tp, layout)), 'gpt').step;
/** The pipeline's send/recv exposed per step, without the tied embedding's all-reduce. */
const p2p = (s: ReturnType<typeof step>): number => s.exposed_pp_s - s.embedding_sync_s;

describe('layout.pipeline_engine: deepspeed', () => {
  it('runs each send and receive as an instruction of its own: twice the transfers of Megatron\'s paired exchanges on a stage\'s timeline (exactly, at tp 1, where there is no output to gather again)', () => {
    const megatron = step(1, ', pp_overlap: 0, dp_overlap: 0');
    const deepspeed = step(1, ', pipeline_engine: deepspeed');
    expect(p2p(megatron)).toBeGreaterThan(0);
    expect(p2p(deepspeed)).toBeCloseTo(2 * p2p(megatron), 12);
    // The bubble carries a micro-batch's exposed send/recv for each of the pp - 1 idle slots.
    expect(deepspeed.bubble_s - megatron.bubble_s).toBeCloseTo((3 * p2p(megatron)) / 64, 12);
  });

  it('gathers each stage\'s freed output over the tensor group again before the backward: with tp > 1, three gathers a micro-batch on twice the transfers, where Megatron\'s scatter/gather runs two', () => {
    // Megatron's scatter/gather: 2 exchanges + 2 gathers a micro-batch; DeepSpeed's engine: 4 + 3
    // (the received activation and gradient, and its freed output), so 2 Megatron - DeepSpeed = 1 gather.
    const megatron = step(8, ', pp_overlap: 0, dp_overlap: 0, pp_tensors: scatter-gather');
    const deepspeed = step(8, ', pipeline_engine: deepspeed');
    const regatherPerMb = (2 * p2p(megatron) - p2p(deepspeed)) / 64; // 64 micro-batches of one sequence
    expect(regatherPerMb).toBeGreaterThan(0);
    // One all-gather of a 2,048 x 5,120 fp16 activation (21 MB) over NVLink: tens of microseconds to a millisecond.
    expect(regatherPerMb).toBeGreaterThan(20e-6);
    expect(regatherPerMb).toBeLessThan(1e-3);
  });

  it('implies pp_overlap 0 and dp_overlap 0 (blocking instructions, ReduceGrads after the last backward), which a layout may still override', () => {
    const implied = step(8, ', pipeline_engine: deepspeed').step_s;
    expect(step(8, ', pipeline_engine: deepspeed, pp_overlap: 0, dp_overlap: 0').step_s).toBe(implied);
    expect(step(8, ', pipeline_engine: deepspeed, pp_overlap: 0.5').step_s).toBeLessThan(implied);
  });

  it('leaves a layout that does not say it, or says megatron, where it was', () => {
    expect(step(8, ', pipeline_engine: megatron').step_s).toBe(step(8).step_s);
  });

  it('refuses an interleaved schedule, which DeepSpeed\'s engine does not have', () => {
    expect(() => explainJob(scenarioFromText(gpt(8, ', pipeline_engine: deepspeed, virtual_stages: 2')), 'gpt')).toThrow(/no interleaved schedule/);
  });
});

describe('layout.pp_gradients: whole', () => {
  it('sends the whole gradient from every tensor rank, and so gathers none on arrival: nothing changes at tp 1, more exposed time at tp 8, the bytes doubled under DeepSpeed\'s separate transfers', () => {
    expect(step(1, ', pp_overlap: 0, pp_gradients: whole').step_s).toBe(step(1, ', pp_overlap: 0').step_s);
    const sg = ', pp_overlap: 0, pp_tensors: scatter-gather';
    const megatronExtra = p2p(step(8, `${sg}, pp_gradients: whole`)) - p2p(step(8, sg));
    const deepspeedExtra = p2p(step(8, ', pipeline_engine: deepspeed, pp_gradients: whole')) - p2p(step(8, ', pipeline_engine: deepspeed'));
    expect(megatronExtra).toBeGreaterThan(0);
    // Each: the whole gradient's extra bytes (twice under DeepSpeed) less the one gather it saves.
    const gathers = 2 * p2p(step(8, sg)) - p2p(step(8, ', pipeline_engine: deepspeed'));
    expect(deepspeedExtra).toBeCloseTo(2 * megatronExtra + gathers, 9);
    // Megatron-Core sends every tensor whole already: the field changes nothing there.
    expect(step(8, ', pp_overlap: 0, pp_gradients: whole').step_s).toBe(step(8, ', pp_overlap: 0').step_s);
  });
});

describe('the pipeline fields without a pipeline', () => {
  it('are said to change nothing with pp = 1', async () => {
    const { validateLayout } = await import('../src/model/training-layout.js');
    const notes = (l: object, pp: number): string[] => validateLayout({ tp: 8, pp, dp: 1, microBatches: 8, ...l }, 8 * pp, 8).notes;
    expect(notes({ pipelineEngine: 'deepspeed', ppGradients: 'whole' }, 1)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pipeline_engine has no effect with pp = 1/), expect.stringMatching(/^pp_gradients has no effect with pp = 1/)]),
    );
    expect(notes({ pipelineEngine: 'deepspeed', ppGradients: 'whole' }, 2).some((n) => /^(pipeline_engine|pp_gradients) has no effect/.test(n))).toBe(false);
  });
});
