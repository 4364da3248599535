// FP8 training under network: ideal (no step model): the job's rate carries its GEMMs at the FP8
// rate (model/device-rate.ts), so it is neither timed as bf16 nor read at half the kind's ratio
// against the FP8 peak it is measured over.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = (precision: string, extra = ''): string => `name: fp8-ideal
network: ideal
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1B, tokens: 20B, model: { layers: 16, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: ${precision}, recompute: full }, layout: { tp: 1, dp: 8 } }
${extra}`;

// H100 (catalogue): 989 TFLOPS bf16, 1,979 fp8; efficiency 0.55, gemm_efficiency 0.68, gemm_efficiency_fp8 0.61.
// The step's GEMM share of time, 0.55 / 0.68 = 0.8088, runs (1979 x 0.61) / (989 x 0.68) = 1.7950 times
// as fast; the rest as in bf16: 989 x 0.55 / (0.8088 / 1.7950 + 0.1912) = 543.95 / 0.64177 = 847.6 TFLOPS.
const share = 0.55 / 0.68;
const fp8Rate = (989e12 * 0.55) / (share / ((1979 * 0.61) / (989 * 0.68)) + (1 - share));

describe('an FP8 job under network: ideal', () => {
  it('runs at 847.6 TFLOPS a device (its GEMMs at the FP8 rate): ratio 42.8% of the FP8 peak, not 27.5% (the bf16 rate over it)', () => {
    expect(fp8Rate / 1e12).toBeCloseTo(847.6, 1);
    const j = runToCsv(scenarioFromText(text('fp8'))).jobs[0]!;
    const useful = j.useful_pflop * 1e15;
    expect(j.finish_s - j.start_s).toBeCloseTo(useful / (8 * fp8Rate), 6);
    expect(j.effective_compute_ratio).toBeCloseTo(fp8Rate / 1979e12, 9);
    expect(j.effective_compute_ratio).toBeCloseTo(0.4283, 4);
  });

  it('is refused on a kind without FP8 tensor cores, as under network: flow', () => {
    expect(() => scenarioFromText(text('fp8').replace('device: H100', 'device: A100-80GB'))).toThrow(/no FP8 training there/);
  });

  it('a bf16 job keeps 989 x 0.55', () => {
    const j = runToCsv(scenarioFromText(text('bf16'))).jobs[0]!;
    expect(j.finish_s - j.start_s).toBeCloseTo((j.useful_pflop * 1e15) / (8 * 989e12 * 0.55), 6);
    expect(j.effective_compute_ratio).toBeCloseTo(0.55, 9);
  });

  it("explain's ideal note gives the run's ratio", () => {
    const e = explainJob(scenarioFromText(text('fp8')), 'j');
    expect(e.ideal_note!.effective_compute_ratio).toBeCloseTo(fp8Rate / 1979e12, 12);
  });

  it('a listed job given as a duration on the reference kind runs that long alone', () => {
    const listed = text('fp8').replace('params: 1B, tokens: 20B', 'params: 1B, duration: 2h, reference_device: H100');
    const j = runToCsv(scenarioFromText(listed)).jobs[0]!;
    expect(j.finish_s - j.start_s).toBeCloseTo(7200, 6);
    expect(j.useful_pflop * 1e15).toBeCloseTo(7200 * 8 * fp8Rate, -9);
  });

  it('a generator job given as a duration on the reference kind runs that long alone', () => {
    const gen = `  - generator: { count: 1, arrival: { process: fixed, interval: 1h }, devices: 8, duration: 2h, reference_device: H100, params: 1B, model: { layers: 16, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: fp8, recompute: full } }\n`;
    const jobs = runToCsv(scenarioFromText(text('fp8', gen))).jobs;
    const g = jobs.find((x) => x.job_id !== 'j')!;
    expect(g.finish_s - g.start_s).toBeCloseTo(7200, 6);
    expect(g.useful_pflop * 1e15).toBeCloseTo(7200 * 8 * fp8Rate, -9);
  });
});
