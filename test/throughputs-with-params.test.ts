// A job with a `job_type` (its row of the measured `throughputs` matrix) and a model size: the
// measured row is its rate, on every path that times it (the run, a duration's work, finish-time
// fairness), and the step model does not replace it; the combination is warned under network: flow.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = (job: string, network = 'flow'): string => `name: thr-params
seed: 1
network: ${network}
throughputs: { llm: { H100: 1 } }
datacentres:
  - name: east
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 1, device: H100 }
workloads:
  - jobs:
      - ${job}
policy: fifo
placement: first-fit
`;

describe('a typed job that also gives params', () => {
  it("a duration is worked out at the row's rate, and the run keeps that rate (0.55 on H100, not the step model's 0.28)", () => {
    const r = scenarioFromText(text('{ name: j, devices: 8, duration: 2h, reference_device: H100, job_type: llm, params: 7B }'));
    const j = runToCsv(r).jobs[0]!;
    expect(j.finish_s).toBeCloseTo(7200, 6);
    expect(j.effective_compute_ratio).toBeCloseTo(0.55, 9);
    expect(j.useful_pflop).toBeCloseTo(31331.52, 6);
  });

  it('a job given by its tokens runs at the row rate too', () => {
    const r = scenarioFromText(text('{ name: j, devices: 8, tokens: 1e9, job_type: llm, params: 7B }'));
    const j = runToCsv(r).jobs[0]!;
    expect(j.effective_compute_ratio).toBeCloseTo(0.55, 9);
    expect(j.finish_s).toBeCloseTo((6 * 7e9 * 1e9) / (8 * 989e12 * 0.55), 3);
  });

  it('is warned under network: flow (its traffic is not simulated), and not under ideal', () => {
    const flow = scenarioFromText(text('{ name: j, devices: 8, duration: 2h, reference_device: H100, job_type: llm, params: 7B }'));
    expect(flow.warnings.map((w) => `${w.path}: ${w.message}`).join('\n')).toMatch(/workloads\[0\]\.jobs\[0\]\.params: .*measured/);
    const ideal = scenarioFromText(text('{ name: j, devices: 8, duration: 2h, reference_device: H100, job_type: llm, params: 7B }', 'ideal'));
    expect(ideal.warnings.map((w) => w.message).join('\n')).not.toMatch(/measured/);
  });
});

describe('a typed generator that also gives params', () => {
  it("works a duration out at the row's rate", () => {
    const r = scenarioFromText(`name: thr-gen
seed: 1
throughputs: { llm: { H100: 1 } }
datacentres:
  - { name: east, fabric: IB-NDR, node_groups: [{ name: h100, count: 1, device: H100 }] }
workloads:
  - generator: { name: g, count: 1, arrival: { process: fixed, interval: 1h }, devices: 8, duration: 2h, reference_device: H100, job_type: llm, params: 7B }
`);
    const j = runToCsv(r).jobs[0]!;
    expect(j.finish_s - j.start_s).toBeCloseTo(7200, 6);
    expect(j.effective_compute_ratio).toBeCloseTo(0.55, 9);
  });
});
