// Physics that never cheats: remainders snap only when they are float residue, tiny link rates
// are simulated or refused, and no run ends with a job still running and no horizon.
import { describe, expect, it } from 'vitest';
import { scenarioFromText, runToCsv } from './helpers.js';
import type { SimJob } from '../src/sim/sim-job.js';

const ONE_JOB = `
name: residue
network: ideal
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: a, devices: 8, work: 1e24, device_kinds: [H100] }
`;

describe('job progress: only rounding residue snaps to 0', () => {
  it('a job re-rated when 5e-10 of its work is left still does that work', () => {
    const resolved = scenarioFromText(ONE_JOB);
    let finishS = Number.NaN;
    let expectedS = Number.NaN;
    runToCsv(resolved, {
      observe: (sim) => {
        // Once the job runs at its rate (the start sets it after the signal): settle and reschedule
        // it when 5e14 of its 1e24 FLOP are left, 5e-10 of the job and far above float residue; a
        // relative snap of 1e-9 used to finish the job right there.
        sim.signals.on('started', (job: SimJob, now) =>
          void sim.engine.at(now, () => {
            const rate = job.rateFlopPerS;
            expect(rate).toBeGreaterThan(0);
            expectedS = now + job.remainingFlop / rate;
            sim.engine.at(now + (job.remainingFlop - 5e14) / rate, () => sim.setRate(job, rate));
          }),
        );
        sim.signals.on('finished', (_job, now) => (finishS = now));
      },
    });
    expect(Math.abs(finishS - expectedS)).toBeLessThanOrEqual(4 * Number.EPSILON * expectedS);
  });
});
