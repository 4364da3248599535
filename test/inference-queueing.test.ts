// Inference requests through the simulator against queueing theory: M/D/1 and M/M/1 mean waits
// (Pollaczek-Khinchine), and the classic load-balancing results (power of two choices vs random,
// join-the-shortest-queue vs round-robin) across many replicas at high load.
import { describe, expect, it } from 'vitest';
import { md1Wait, mm1Wait } from '../src/bench/queueing.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

const STEP_S = 0.01;

describe('single replica, batch 1', () => {
  it('matches the M/D/1 mean wait with a fixed service time', () => {
    // Prefill (one weight read: the first token) + 9 decode steps = 10 x 10 ms, deterministic.
    const lambda = 7;
    const serviceS = 10 * STEP_S;
    const waits: number[] = [];
    for (const seed of [1, 2]) {
      const r = simulate(scenarioFromText(toyScenario({ rate: lambda, output: '10', count: 150_000, seed })));
      waits.push(r.services[0]!.queueing_delay_mean_s);
      expect(r.services[0]!.tpot_p50_s).toBeCloseTo(STEP_S, 9);
    }
    const mean = (waits[0]! + waits[1]!) / 2;
    const expected = md1Wait(lambda, serviceS); // 0.1167 s at rho 0.7
    expect(Math.abs(mean - expected) / expected).toBeLessThan(0.04);
  });

  it('matches the M/M/1 mean wait with exponential output lengths', () => {
    // Service = output tokens x 10 ms with output = max(1, round(Exp(mean 50))): geometric, close
    // to exponential. mu from the exact mean of that discrete distribution.
    const m = 50;
    let mean = 0;
    for (let k = 1; k < 5000; k++) {
      const p = k === 1 ? 1 - Math.exp(-1.5 / m) : Math.exp(-(k - 0.5) / m) - Math.exp(-(k + 0.5) / m);
      mean += k * p;
    }
    const mu = 1 / (mean * STEP_S);
    const lambda = 0.7 * mu;
    const waits: number[] = [];
    for (const seed of [1, 2]) {
      const r = simulate(scenarioFromText(toyScenario({ rate: lambda, output: `{ distribution: exponential, mean: ${m} }`, count: 150_000, seed })));
      waits.push(r.services[0]!.queueing_delay_mean_s);
    }
    const sim = (waits[0]! + waits[1]!) / 2;
    const expected = mm1Wait(lambda, mu);
    expect(Math.abs(sim - expected) / expected).toBeLessThan(0.05);
  });
});

describe('load balancers across 100 replicas at rho 0.95', () => {
  const run = (balancer: string) =>
    simulate(scenarioFromText(toyScenario({ replicas: 100, balancer, rate: 0.95 * 100 * (1 / (10 * STEP_S)), output: '{ distribution: exponential, mean: 10 }', count: 150_000 }))).services[0]!;

  it('power-of-two keeps p99 queueing delay far below random', () => {
    const random = run('random');
    const p2c = run('power-of-two');
    expect(p2c.queueing_delay_p99_s).toBeLessThan(random.queueing_delay_p99_s / 4);
    expect(p2c.queueing_delay_mean_s).toBeLessThan(random.queueing_delay_mean_s / 4);
  });

  it('least-outstanding matches or beats round-robin', () => {
    const rr = run('round-robin');
    const lor = run('least-outstanding');
    expect(lor.queueing_delay_mean_s).toBeLessThanOrEqual(rr.queueing_delay_mean_s);
    expect(lor.queueing_delay_p99_s).toBeLessThanOrEqual(rr.queueing_delay_p99_s);
  });
});
