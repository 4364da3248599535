// `model.store_param_remainders` (NeMo's distributed Adam on a bf16 model: apex DistributedFusedAdam's
// store_param_remainders): read from the scenario into the memory explain and validate print, and
// refused where the option does nothing.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { memoryPerDevice } from '../src/model/memory.js';
import { resolveShape } from '../src/model/training-layout.js';
import { scenarioFromText } from './helpers.js';

const pool = (model: string): string => `name: remainders
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h100, count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 16, params: 13B, tokens: 1B, model: { ${model} }, layout: { tp: 2, pp: 1, dp: 8, zero: 1 } }
`;

describe('store_param_remainders', () => {
  it('takes Adam state from 12 to 10 bytes a parameter in explain; nothing else moves', () => {
    const plain = explainJob(scenarioFromText(pool('gated_mlp: true')), 'j');
    const rem = explainJob(scenarioFromText(pool('gated_mlp: true, store_param_remainders: true')), 'j');
    expect(rem.memory.optimizer_gib / plain.memory.optimizer_gib).toBeCloseTo(10 / 12, 12);
    expect(rem.memory.weights_gib).toBe(plain.memory.weights_gib);
    expect(rem.memory.activations_gib).toBe(plain.memory.activations_gib);
    expect(rem.step.step_s).toBe(plain.step.step_s);
  });

  it("the Nemotron-4 340B DGX Cloud recipe's first stage (tp 8, pp 8, vp 12, dp 2, ZeRO-1) with it: 72.3 GiB, not 77.6 (docs/calibration.md)", () => {
    const nemotron = { layers: 96, hidden_size: 18432, heads: 96, kv_heads: 8, ffn_size: 73728, vocab: 256000, tied_embeddings: false, seq_len: 4096, global_batch: 131072, dropout: 0, attention: 'flash3' } as const;
    const l = { tp: 8, pp: 8, dp: 2, microBatches: 16, virtualStages: 12, zeroStage: 1 as const };
    const gib = (b: number): string => (b / 2 ** 30).toFixed(1);
    const at = (store: boolean): string[] => {
      const m = memoryPerDevice({ ...resolveShape(341e9, nemotron), ...(store ? { storeParamRemainders: true } : {}) }, l);
      return [m.optimizerBytes, m.totalBytes].map(gib);
    };
    expect(at(false)).toEqual(['32.2', '77.6']);
    expect(at(true)).toEqual(['26.9', '72.3']);
  });

  it('is refused with fp16 weights (remainders complete a bf16 value) and with fp8_params (NeMo then stores the master weights whole)', () => {
    expect(() => scenarioFromText(pool('precision: fp16, store_param_remainders: true'))).toThrow(/store_param_remainders.*bf16/);
    expect(() => scenarioFromText(pool('precision: fp8, fp8_params: true, store_param_remainders: true'))).toThrow(/store_param_remainders.*fp8_params/);
  });
});
