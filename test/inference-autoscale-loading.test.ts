// A replica the autoscaler launched and no longer wants while it still loads its weights is given
// back at the scale-down, before any serving replica is retired (a Kubernetes ReplicaSet deletes
// pods that are not ready first). It used to load to the end, serve an empty queue and wait out
// scale_down_delay again before its devices went back.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

/** 20 requests at t = 0 of 10 output tokens, 10 ms a decode step, one at a time: 0.1 s each, 2 s in all on one replica. */
const text = toyScenario({
  replicas: 3,
  arrival: `{ process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${Array.from({ length: 20 }, () => '0,100,10').join('\\n')}\\n" }`,
}).replace('replicas: { count: 3,', 'replicas: { autoscale: { min: 1, max: 3, target_queue: 2, interval: 1s, scale_up_delay: 60s, scale_down_delay: 5s },');

describe('autoscaling a colocated service while replicas load', () => {
  it('gives back replicas still loading once the load has stayed below them for scale_down_delay', () => {
    const heldAt = new Map<number, number>();
    const r = simulate(scenarioFromText(text), {
      observe: (s) => {
        for (const t of [0.5, 1.5, 6.5, 7.5]) s.engine.at(t, () => heldAt.set(t, s.cluster.kindTotal[0]! - s.cluster.kindFree[0]!));
      },
    });
    const s = r.services[0]!;
    expect(s.requests).toBe(20);
    expect(s.requests_unfinished).toBe(0);
    // At the first look (t = 1) about 10 requests are outstanding: 5 replicas wanted, 3 at most, so
    // two more load until t = 61. The queue is empty at t = 2 (one wanted, three held) and stays so:
    // at t = 7 the two still loading give their devices back.
    expect(heldAt.get(0.5)).toBe(1);
    expect(heldAt.get(1.5)).toBe(3);
    expect(heldAt.get(6.5)).toBe(3);
    expect(heldAt.get(7.5)).toBe(1);
    expect(s.replicas_max).toBe(3);
    // Nothing is left to wait for: the run ends at the look that gave them back, not after t = 61.
    expect(r.endS).toBeLessThan(8);
  });
});
