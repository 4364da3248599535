// Analytic checks: the simulator's FIFO pool of single-device nodes is an M/M/c queue.
import { describe, expect, it } from 'vitest';
import { erlangC, erlangCWait } from '../src/bench/queueing.js';
import { mmcScenarioText } from '../src/bench/engine-bench.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

describe('M/M/c against Erlang C', () => {
  it('knows the textbook values', () => {
    // c = 2, a = 1: C = 1/3; M/M/1 reduces to rho.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangCWait(64, 57.6, 1)).toBeCloseTo(0.048541, 6);
  });

  it('mean queueing delay within 3% of Erlang C at rho = 0.9, and Little\'s law holds', () => {
    const servers = 16;
    const rho = 0.9;
    const lambda = rho * servers;
    const expected = erlangCWait(servers, lambda, 1);
    let waitSum = 0;
    let n = 0;
    for (const seed of [1, 2, 3, 4]) {
      const resolved = scenarioFromText(mmcScenarioText(500_000, servers, rho, seed), 'mmc.yaml');
      // Time-average number waiting, integrated from lifecycle signals.
      let waiting = 0;
      let area = 0;
      let lastS = 0;
      const step = (now: number, delta: number): void => {
        area += waiting * (now - lastS);
        lastS = now;
        waiting += delta;
      };
      const r = simulate(resolved, {
        seed,
        observe: (sim) => {
          sim.signals.on('submitted', (_job, now) => step(now, +1));
          sim.signals.on('started', (_job, now) => step(now, -1));
        },
      });
      const wq = r.summary.queueing_delay_mean_s;
      const arrivalRate = r.summary.jobs_submitted / lastS;
      // Little: L = lambda W, on the same run, up to end effects.
      expect(area / lastS).toBeCloseTo(arrivalRate * wq, 3);
      waitSum += wq * r.summary.jobs_completed;
      n += r.summary.jobs_completed;
    }
    const mean = waitSum / n;
    expect(Math.abs(mean - expected) / expected).toBeLessThan(0.03);
  });
});
