// FP8 parameters (model.fp8_params with precision: fp8): the layers' weights held in FP8 only, so a
// layer weight takes one byte of memory and the sharded data-parallel gather one byte a weight.
import { describe, expect, it } from 'vitest';
import { mlperfRuns } from '../src/model/calibration-runs.js';
import { explainJob } from '../src/model/explain.js';
import { memoryPerDevice } from '../src/model/memory.js';
import { stageParamsPerDevice } from '../src/model/shape-weights.js';
import { stepTime } from '../src/model/step-time.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

// MLPerf v4.0's row (FP8_PARAMS=True), and the same without FP8 parameters.
const row = mlperfRuns().find((r) => r.name === 'MLPerf v4.0, 11,616 GPUs')!;
const withParams = row.input();
const without = { ...withParams, shape: { ...withParams.shape, fp8Params: false } };

describe('FP8 parameters', () => {
  it('the weight gather moves one byte a layer weight, the gradient reduce-scatter is unchanged', () => {
    expect(withParams.shape.fp8Params).toBe(true);
    const held = stageParamsPerDevice(withParams.shape, withParams.layout, 0);
    const a = stepTime(withParams);
    const b = stepTime(without);
    // Per rank: gather (bytes per weight) + reduce-scatter (2 bytes, bf16), times (dp-1)/dp.
    const f = (b.dpBytesPerStepPerDevice - a.dpBytesPerStepPerDevice) / (held.dense - held.embedding);
    expect(f).toBeCloseTo((withParams.layout.dp - 1) / withParams.layout.dp, 6);
    expect(a.dpCommS).toBeLessThan(0.8 * b.dpCommS);
  });
  it('a layer weight takes 1 byte instead of 2 + 1, the embedding its 2', () => {
    const held = stageParamsPerDevice(withParams.shape, withParams.layout, 0);
    const a = memoryPerDevice(withParams.shape, withParams.layout);
    const b = memoryPerDevice(without.shape, without.layout);
    expect(b.weightsBytes - a.weightsBytes).toBeCloseTo(2 * (held.dense - held.embedding) + held.embedding, -3);
  });
  it('without precision: fp8 it is refused at model.fp8_params; with it the scenario says so to the step', () => {
    const text = (model: string): string => `name: f
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 16, params: 1.3B, tokens: 1B, model: ${model}, layout: { tp: 1, dp: 16, zero: 1 } }
`;
    try {
      scenarioFromText(text('{ layers: 24, hidden_size: 2048, seq_len: 2048, global_batch: 1M, fp8_params: true }'));
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toContain('workloads[0].jobs[0].model.fp8_params: `fp8_params` holds the layers\' weights in FP8');
    }
    const fp8 = explainJob(scenarioFromText(text('{ layers: 24, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: fp8 }')), 'j');
    const params = explainJob(scenarioFromText(text('{ layers: 24, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: fp8, fp8_params: true }')), 'j');
    // Layers at 1 byte of 3; the embedding (a fifth of a 1.3B model) at 2 of 3.
    expect(params.memory.weights_gib).toBeLessThan(0.5 * fp8.memory.weights_gib);
  });
});
