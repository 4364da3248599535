// A model that gives `mla` (which sets its heads' widths and makes keys and values from one latent)
// with `head_dim` or `kv_heads` is refused there, for listed jobs and generators alike: one of the
// two would be silently ignored.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const MODEL = '{ layers: 8, hidden_size: 7168, heads: 128, head_dim: 128, mla: { kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128 }, attention: flash }';
const scenario = (workload: string): string => `name: mla
seed: 1
datacentres:
  - name: dc
    node_groups:
      - { name: h100, count: 1, device: H100 }
workloads:
  - ${workload}
`;

describe('model.mla with model.head_dim', () => {
  it('is refused at head_dim, for a listed job and for a generator, with nothing run', () => {
    for (const [text, path] of [
      [scenario(`jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B, model: ${MODEL} }]`), 'workloads[0].jobs[0].model.head_dim'],
      [scenario(`generator: { count: 2, arrival: { process: poisson, rate: 1/h }, devices: 8, params: 7B, tokens: 1B, model: ${MODEL} }`), 'workloads[0].generator.model.head_dim'],
    ] as const) {
      let error: unknown;
      try {
        scenarioFromText(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(`${path}: \`mla\` gives the widths of its heads`);
    }
  });

  it('kv_heads beside mla is refused too', () => {
    expect(() => scenarioFromText(scenario(`jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B, model: ${MODEL.replace('head_dim: 128', 'kv_heads: 8')} }]`))).toThrow(
      /workloads\[0\]\.jobs\[0\]\.model\.kv_heads: `mla` makes every head's keys and values from one compressed latent/,
    );
  });

  it('either one alone is accepted', () => {
    expect(() => scenarioFromText(scenario(`jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B, model: ${MODEL.replace('head_dim: 128, mla', 'mla')} }]`))).not.toThrow();
    expect(() => scenarioFromText(scenario(`jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B, model: ${MODEL.replace(/, mla: \{[^}]*\}/, '')} }]`))).not.toThrow();
  });
});
