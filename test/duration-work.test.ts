// A job given as a `duration` and its model runs that duration alone on the reference kind: the
// step model times it, so its work is the duration at its step rate alone (finish-time fairness'
// T_id), not duration x devices x peak x efficiency (8 x H100, 7B, 2h: it ran 14,272 s alone).
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = `datacentres:
  - name: east
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 1, device: H100 }
policy: fifo
placement: first-fit
`;

const listed = (job: string): string => `name: dur
seed: 1
${pool}workloads:
  - jobs:
      - ${job}
`;

describe('a duration with a model', () => {
  it('a listed job runs its stated 2 h alone on 8 H100, at its step rate alone', () => {
    const r = runToCsv(scenarioFromText(listed('{ name: j, devices: 8, duration: 2h, reference_device: H100, params: 7B }')));
    const j = r.jobs[0]!;
    expect(j.finish_s).toBeCloseTo(7200, 6);
    // Its T_id is the duration: alone, rho = JCT / T_id = 1.
    expect(r.summary.ftf_rho_max).toBeCloseTo(1, 9);
    // The operator-level step's ratio (communication, memory-bound kernels), not peak x efficiency's 0.55.
    expect(j.effective_compute_ratio).toBeGreaterThan(0.2);
    expect(j.effective_compute_ratio).toBeLessThan(0.4);
    // The run's own rate alone: the ratio the job showed before (its rate does not depend on its work).
    expect(j.effective_compute_ratio).toBeCloseTo(0.2774, 3);
  });

  it('a generated job too', () => {
    const text = `name: dur
seed: 1
${pool}workloads:
  - generator:
      name: g
      count: 1
      arrival: { process: fixed, interval: 1h }
      devices: 8
      duration: 2h
      reference_device: H100
      params: 7B
`;
    const r = runToCsv(scenarioFromText(text));
    expect(r.jobs).toHaveLength(1);
    const j = r.jobs[0]!;
    expect(j.finish_s - j.start_s).toBeCloseTo(7200, 6);
    expect(j.effective_compute_ratio).toBeLessThan(0.4);
  });

  it('a job without a model is unchanged: 2 h at peak x efficiency (0.55 on H100)', () => {
    const r = runToCsv(scenarioFromText(listed('{ name: k, devices: 8, duration: 2h, reference_device: H100 }')));
    const k = r.jobs[0]!;
    expect(k.finish_s).toBe(7200);
    expect(k.effective_compute_ratio).toBe(0.55);
    expect(k.useful_pflop).toBeCloseTo(31331.52, 6);
  });
});

describe('a duration with a model, measured on a kind the pool has too few of', () => {
  it('is warned, and sized at peak x efficiency on that kind', () => {
    const resolved = scenarioFromText(listed('{ name: j, devices: 8, duration: 2h, reference_device: A100-80GB, params: 7B }'));
    expect(resolved.warnings.map((w) => w.message).join('\n')).toContain('fewer than the job');
    const j = runToCsv(resolved).jobs[0]!;
    // 2 h x 8 x 312 TFLOP/s x the A100's efficiency, run on H100 at the step model's rate.
    expect(j.status).toBe('completed');
    expect(j.useful_pflop).toBeGreaterThan(0);
  });
});
