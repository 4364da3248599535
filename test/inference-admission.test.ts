// SLO admission control (services[].slo.admission): a request its replica could not serve within
// the TTFT or TPOT objective even at best is rejected on arrival and counted.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

// The toy replica: every prefill and every decode step takes 10 ms; one sequence at a time.
const run = (slo: string, rate = 9, count = 20_000) =>
  simulate(scenarioFromText(toyScenario({ rate, count, extraService: `    slo: ${slo}\n` }))).services[0]!;

describe('SLO admission control', () => {
  it('rejects every request whose own prefill already misses the TTFT objective, and nothing without admission', () => {
    const all = run('{ ttft: 5ms, admission: true }', 1, 500);
    expect(all.requests_rejected).toBe(500);
    expect(all.requests).toBe(0);
    const none = run('{ ttft: 5ms }', 1, 500);
    expect(none.requests_rejected).toBe(0);
    expect(none.slo_attainment).toBe(0);
  });

  it('at 90% load, turning away what cannot meet a 30 ms TTFT raises attainment and goodput', () => {
    const without = run('{ ttft: 30ms }');
    const withAdmission = run('{ ttft: 30ms, admission: true }');
    expect(withAdmission.requests_rejected).toBeGreaterThan(0);
    expect(withAdmission.requests + withAdmission.requests_rejected).toBe(20_000);
    expect(withAdmission.slo_attainment).toBeGreaterThan(without.slo_attainment + 0.1);
    expect(withAdmission.goodput_rps).toBeGreaterThan(without.goodput_rps);
    expect(withAdmission.ttft_p99_s).toBeLessThan(without.ttft_p99_s);
  });

  it('a TPOT objective below one decode step turns every multi-token request away', () => {
    const r = run('{ tpot: 5ms, admission: true }', 1, 300);
    expect(r.requests_rejected).toBe(300);
  });

});

describe('SLO admission control on a disaggregated service', () => {
  // One toy prefill replica and one toy decode replica on the same node pair: every prefill and every
  // decode step takes 10 ms, one request at a time; the KV is free to move (0 bytes per token).
  const disaggregated = (slo: string, rate: number, count: number, output = '10') =>
    simulate(
      scenarioFromText(
        toyScenario({ replicas: 2, rate, count, output, extraService: `    slo: ${slo}\n` }).replace(
          '    replicas: { count: 2, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n',
          '    prefill: { count: 1, device: toy, datacentre: dc, max_batch: 1, step_overhead: 0 }\n    decode: { count: 1, device: toy, datacentre: dc, max_batch: 1, step_overhead: 0 }\n',
        ),
      ),
    ).services[0]!;

  it("rejects what the prefill replica's own prompt already makes miss the TTFT objective, and nothing without admission", () => {
    const all = disaggregated('{ ttft: 5ms, admission: true }', 1, 300);
    expect(all.requests_rejected).toBe(300);
    const none = disaggregated('{ ttft: 5ms }', 1, 300);
    expect(none.requests_rejected).toBe(0);
    expect(none.requests).toBe(300);
  });

  it('rejects every multi-token request when one decode step already misses the TPOT objective', () => {
    expect(disaggregated('{ tpot: 5ms, admission: true }', 1, 200).requests_rejected).toBe(200);
    expect(disaggregated('{ tpot: 50ms, admission: true }', 1, 200).requests_rejected).toBe(0);
  });

  it('at 90% load (90 two-token requests/s: a 10 ms prefill and one 10 ms decode step each), turning away what cannot meet a 30 ms TTFT raises attainment and goodput', () => {
    const without = disaggregated('{ ttft: 30ms }', 90, 20_000, '2');
    const withAdmission = disaggregated('{ ttft: 30ms, admission: true }', 90, 20_000, '2');
    expect(withAdmission.requests_rejected).toBeGreaterThan(0);
    expect(withAdmission.requests + withAdmission.requests_rejected).toBe(20_000);
    expect(withAdmission.slo_attainment).toBeGreaterThan(without.slo_attainment + 0.1);
    expect(withAdmission.goodput_rps).toBeGreaterThan(without.goodput_rps);
    expect(withAdmission.ttft_p99_s).toBeLessThan(without.ttft_p99_s);
    // The check is a lower bound: the first token never came sooner than one prefill.
    expect(withAdmission.ttft_p50_s).toBeGreaterThanOrEqual(0.01);
  });
});
