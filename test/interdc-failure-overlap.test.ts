// An inter-DC link that fails again while it is still down (the links' failures are one merged
// Poisson stream, so a down link can be drawn again, extending its outage) changes nothing until its
// last repair: the job it cut off, placed again at once and waiting at rate 0 on the dead link, is not
// failed again by that second failure, nor by the first outage's repair while the second still holds.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import { scenarioFromText } from './helpers.js';

// One link between two sites, failing about as often as it is repaired: outages overlap often.
const text = `name: overlap
seed: 1
datacentres:
  - { name: a, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }
  - { name: b, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }
links:
  - { name: l, between: [a, b], latency: 1ms, bandwidth: 4Tbps }
failures:
  links: { mtbf: 2h, repair: 1h }
checkpointing: { interval: 1h, cost: 60s, restart: 300s }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 7B, tokens: 2B, model: { attention: flash, global_batch: 999424, seq_len: 4096 }, layout: { tp: 8, dp: 2 } }
`;

describe('an inter-DC link that fails while already down', () => {
  it('fails the job it cuts off once per outage, not again while the job waits at rate 0', () => {
    const events: { t: number; kind: string; rate: number; why?: string }[] = [];
    const r = runScenario(scenarioFromText(text), {
      on: {
        jobStarted: (e) => void events.push({ t: e.timeS, kind: 'start', rate: e.rateFlopPerS }),
        jobRateChanged: (e) => void events.push({ t: e.timeS, kind: 'rate', rate: e.rateFlopPerS }),
        jobStopped: (e) => void events.push({ t: e.timeS, kind: 'stop', rate: 0, why: e.why }),
      },
    });
    const stops = events.filter((e) => e.kind === 'stop');
    expect(stops.length).toBeGreaterThan(2);
    expect(stops.every((e) => e.why === 'link failure')).toBe(true);
    // Between two failures of the job it must have made progress: a job already cut off (placed
    // again on the dead link, at rate 0) has nothing a further failure could take from it.
    let progressedSinceStop = true;
    let doubleFailures = 0;
    for (const e of events) {
      if (e.kind === 'stop') {
        if (!progressedSinceStop) doubleFailures++;
        progressedSinceStop = false;
      } else if (e.rate > 0) progressedSinceStop = true;
    }
    expect(doubleFailures).toBe(0);
    // The job's row counts the outages that cut it off, no more.
    expect(r.summary.jobs_completed).toBe(1);
    expect(r.summary.failures).toBeGreaterThanOrEqual(stops.length);
  });
});
