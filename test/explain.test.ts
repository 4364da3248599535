// `poolsim explain`: a listed job's step broken down, consistent with the step-time model, as a
// table and as JSON; names it cannot explain are refused, located, with the jobs it could.
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { bundled, poolsim } from './helpers.js';

describe('explain', () => {
  const r = bundled('llama3-405b');
  const e = explainJob(r, 'llama3-405b');
  it('adds up: step = compute + exposed communication + bubble; exposed = TP + PP + DP (+ CP, 0 here)', () => {
    const s = e.step;
    expect(s.step_s).toBeCloseTo(s.compute_s + s.exposed_comm_s + s.bubble_s, 9);
    expect(s.exposed_cp_s).toBe(0);
    expect(s.exposed_comm_s).toBeCloseTo(s.exposed_tp_s + s.exposed_pp_s + s.exposed_dp_s, 9);
    const mb = s.micro_batch;
    expect(mb.total_s).toBeCloseTo(mb.gemm_s + mb.attention_s + mb.elementwise_s + mb.logits_s + mb.grad_accumulation_s, 9);
    expect(e.memory.total_gib).toBeCloseTo(e.memory.weights_gib + e.memory.gradients_gib + e.memory.optimizer_gib + e.memory.activations_gib, 9);
  });
  it("describes Llama 3's layout and stack as the scenario gives them, within a few percent of the run's step", () => {
    expect(e.layout).toMatchObject({ tp: 8, pp: 16, dp: 128, virtualStages: 4, zero: 2, automatic: false });
    expect(e.shape).toMatchObject({ attentionKernel: 'flash', sequenceParallelOn: true, recomputeMode: 'selective' });
    expect(e.operatorModel).toBe(true);
    expect(e.memory.fits).toBe(true);
    // The run's jobs.csv step (golden): 6.674 s, with hierarchical DP and the pod's real routes.
    expect(Math.abs(e.step.step_s / 6.674412329 - 1)).toBeLessThan(0.05);
    expect(explanationTable(e)).toMatch(/^layout: tp 8 x pp 16 x dp 128, 16 micro-batches, virtual stages 4, ZeRO 2$/m);
  });
  it('CLI: a table, JSON with the same numbers, and a located refusal for an unknown job', () => {
    const t = poolsim('explain', 'scenarios/llama3-405b.yaml', '--job', 'llama3-405b');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^ {2}exposed TP communication +\d/m);
    const j = poolsim('explain', 'scenarios/llama3-405b.yaml', '--job', 'llama3-405b', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).step.step_s).toBeCloseTo(e.step.step_s, 9);
    const bad = poolsim('explain', 'scenarios/llama3-405b.yaml', '--job', 'llama3-450b');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("scenarios/llama3-405b.yaml: no listed job named 'llama3-450b' (did you mean 'llama3-405b'?); its jobs: llama3-405b");
  });

  it('refuses a job that must span sites rather than break it down without the link it crosses', () => {
    // 64 H100 over two sites of 32: the one-fabric breakdown printed 9.87 s and no DP communication
    // whatever the link's latency, where a run gives 10.39 s at 10 us and 11.99 s at 10 ms.
    expect(() => explainJob(bundled('two-dc-latency'), 'split-13b')).toThrow(/job 'split-13b' needs 64 H100, more than any one data centre holds \(north 32, south 32\)/);
    const cli = poolsim('explain', 'scenarios/two-dc-latency.yaml', '--job', 'split-13b');
    expect(cli.code).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain("jobs.csv gives the job's step_time_s, compute_s, exposed_comm_s and bubble_s");
  });
});
