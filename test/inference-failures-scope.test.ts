// Failures and stragglers once reached training jobs only: with 88 device and node failures (mtbf
// 1 min and 2 min, repairs 1 h) on the one node of a service, it served all 600 requests at 100% SLO
// attainment, and a warning said the failures had passed it by. They now reach every replica
// (inference-replica-failures.test.ts), so nothing is said.
import { describe, expect, it } from 'vitest';
import { scenarioFromText } from './helpers.js';

function scenario(failures: string, training = ''): string {
  return `name: f
seed: 1
horizon: 10min
datacentres:
  - name: dc
    node_groups:
      - { name: h100, count: 1, device: H100 }
      - { name: a100, count: 1, device: A100-80GB }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 1, device: H100, datacentre: dc }
    max_batch: 16
    streams:
      - { arrival: { process: poisson, rate: 1/s }, prompt_tokens: 500, output_tokens: 50 }
${training}failures:
${failures}`;
}

// (These failures also leave the devices out of service most of the time: said too, and tested in failure-availability.test.ts.)
const warnings = (text: string): string[] => scenarioFromText(text).warnings.map((w) => `${w.path}: ${w.message}`).filter((m) => m.startsWith('failures') && !m.includes('out of service'));

describe('failures beside inference services', () => {
  it("failures and stragglers of a colocated service's kind reach its replicas: nothing to say", () => {
    expect(warnings(scenario('  devices: { h100: { mtbf: 1min, repair: 1h } }\n  nodes: { mtbf: 2min, repair: 1h }\n  stragglers: { H100: { fraction: 0.5, slowdown: 0.5 } }\n'))).toEqual([]);
  });

  it("they reach a disaggregated service's pools too: nothing to say", () => {
    const pools = scenario('  devices: { h100: { mtbf: 1min, repair: 1h } }\n  nodes: { mtbf: 2min, repair: 1h }\n').replace(
      '    replicas: { count: 1, device: H100, datacentre: dc }\n',
      '    prefill: { count: 1, device: H100, datacentre: dc }\n    decode: { count: 1, device: H100, datacentre: dc }\n',
    );
    expect(warnings(pools)).toEqual([]);
  });

  it('failures of a kind no service uses say nothing', () => {
    expect(warnings(scenario('  devices: { A100-80GB: { mtbf: 1h, repair: 1h } }\n'))).toEqual([]);
  });
});
