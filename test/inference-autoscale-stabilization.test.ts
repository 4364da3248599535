// Scaling down takes the highest replica count the load asked for over the scale_down_delay window,
// as Kubernetes' HPA does with its scale-down stabilization window ("uses the highest value from the
// specified interval"), not the count the last look asked for. Before, a look that happened to find
// the pool idle at the end of the window removed every replica the window's load had needed: at a
// steady 6 requests/s of 0.5 s each (3 replicas busy on average), a pool of 8 fell to 1 and its queue
// held requests up to 189 s.
import { describe, expect, it } from 'vitest';
import type { RequestRow } from '../src/sim/inference/service-rows.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

// 10 ms a decode step, one request at a time per replica. 80 requests of 1 s at t = 0 (scale up to
// 8); three of 280 s at t = 85 (3 outstanding at every look from t = 90 to 360); none at the look of
// t = 390, which ends the 300 s window; then three of 10 s at t = 400.
const trace = [...Array.from({ length: 80 }, () => '0,1,100'), ...Array.from({ length: 3 }, () => '85,1,28000'), ...Array.from({ length: 3 }, () => '400,1,1000')];
const text = toyScenario({
  replicas: 8,
  balancer: 'least-outstanding',
  arrival: `{ process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${trace.join('\\n')}\\n" }`,
}).replace('replicas: { count: 8,', 'replicas: { autoscale: { min: 1, max: 8, target_queue: 1, interval: 30s, scale_up_delay: 10s, scale_down_delay: 300s },');

describe('autoscaler scale-down stabilization', () => {
  it('scales down to the most replicas the window asked for, not to what its last look asked for', () => {
    const heldAt = new Map<number, number>();
    const rows: RequestRow[] = [];
    const r = simulate(scenarioFromText(text), {
      requestSink: (row) => void rows.push(row),
      observe: (s) => {
        for (const t of [80, 380, 395]) s.engine.at(t, () => heldAt.set(t, s.cluster.kindTotal[0]! - s.cluster.kindFree[0]!));
      },
    });
    expect(r.services[0]!.requests).toBe(86);
    expect(heldAt.get(80)).toBe(8);
    expect(heldAt.get(380)).toBe(8);
    // The looks of t = 90 .. 360 each wanted 3 (3 outstanding, target 1): 3 are kept at t = 390.
    expect(heldAt.get(395)).toBe(3);
    // So the three requests at t = 400 start at once on three replicas (on one they waited 10 and 20 s).
    const late = rows.filter((q) => q.arrival_s === 400);
    expect(late).toHaveLength(3);
    expect(new Set(late.map((q) => q.replica)).size).toBe(3);
    expect(Math.max(...late.map((q) => q.queueing_delay_s))).toBe(0);
  });
});
