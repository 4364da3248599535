// Nominal quotas that add up to more devices than the pool has passed validate in silence: a queue
// "guaranteed" 200 H100 on a 32-H100 pool. Kueue allows it (it does not check quotas against
// nodes), so it is warned, not refused: a plan relying on the guarantees should know they overlap.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { scenarioFromText } from './helpers.js';

const bundledText = readFileSync(new URL('../scenarios/tenants-kueue.yaml', import.meta.url), 'utf8');
const warningsOf = (text: string): string[] => scenarioFromText(text, 'k.yaml').warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('nominal quotas against the pool', () => {
  it('says nothing when the quotas add up to the pool (the bundled cohort: 32 of each kind)', () => {
    expect(warningsOf(bundledText)).toEqual([]);
  });

  it('warns per kind when queues and cohorts together promise more devices than the pool has', () => {
    const over = bundledText.replace('H100: { nominal: 20, borrowing_limit: 32 }', 'H100: { nominal: 200, borrowing_limit: 32 }').replace('V100-SXM2-32GB: { nominal: 32, lending_limit: 16 }', 'V100-SXM2-32GB: { nominal: 33, lending_limit: 16 }');
    expect(over).not.toBe(bundledText);
    const w = warningsOf(over);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^\d+:tenants\.queues: the nominal quotas of H100 add up to 212 devices, more than the pool's 32: not every queue can hold its nominal quota at once/);
    expect(w[1]).toMatch(/the nominal quotas of V100-SXM2-32GB add up to 33 devices, more than the pool's 32/);
  });
});

// Inference replicas hold their devices for the whole run (a fixed count, or an autoscaler's min):
// quotas that add up to the pool but not to what the replicas leave were taken in silence. A queue
// "guaranteed" all 16 H100 beside 8 serving replicas admitted a 16-device job that could never
// start, and the 4-device job behind it waited with it to the horizon: 0 of 2 done, no word.
describe('nominal quotas against what inference replicas leave', () => {
  const scenario = (replicas: string) => `
name: quota-beside-services
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: h, count: 2, device: H100 }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: ${replicas}
    streams:
      - { name: s, arrival: { process: poisson, rate: 1/s }, prompt_tokens: 512, output_tokens: 64 }
tenants:
  queues:
    - { name: a, quota: { H100: 16 } }
workloads:
  - jobs:
      - { name: a1, devices: 4, duration: 1h, reference_device: H100, queue: a }
horizon: 1h
`;
  it('warns when the replicas leave fewer devices than the quotas promise', () => {
    expect(warningsOf(scenario('{ count: 8, device: H100, datacentre: dc }'))).toEqual([
      "16:tenants.queues: the nominal quotas of H100 add up to 16 devices, more than the 8 of the pool's 16 that the services' replicas leave (they hold 8 for the whole run): not every queue can hold its nominal quota at once, and a job admitted within its queue's quota may wait for devices other queues hold",
    ]);
  });

  it("counts an autoscaler's minimum, and says nothing when the quotas fit beside it", () => {
    expect(warningsOf(scenario('{ autoscale: { min: 2, max: 8, target_queue: 4 }, device: H100, datacentre: dc }'))).toHaveLength(1);
    expect(warningsOf(scenario('{ count: 8, device: H100, datacentre: dc }').replace('quota: { H100: 16 }', 'quota: { H100: 8 }'))).toEqual([]);
  });
});
