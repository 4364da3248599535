// A job's run-time record (sim/sim-job.ts JobRun) goes back to a pool once the job has completed
// and its 'finished' signal has been heard: the job keeps what JobView shows, its other run-time
// figures refuse to answer, and a later job's first start gets the record reset to a fresh one's.
import { describe, expect, it } from 'vitest';
import { bundled, runToCsv } from './helpers.js';
import type { JobRun, SimJob } from '../src/sim/sim-job.js';

interface Seen {
  usefulFlop: number;
  attainedDeviceS: number;
  preemptions: number;
}

describe('job run records', () => {
  it('a completed job keeps its JobView figures, and its record serves a later first start as new', () => {
    // Tenant queues that reclaim quota by preempting borrowers: records of preempted jobs as well.
    const resolved = bundled('tenants-kueue');
    const seen = new Map<SimJob, Seen>();
    const retired = new Set<JobRun>();
    let reused = 0;
    const fresh: string[] = [];
    runToCsv(resolved, {
      observe: (sim) => {
        sim.signals.on('started', (job, now) => {
          if (job.starts !== 1 || !retired.has(job.run!)) return;
          retired.delete(job.run!);
          reused++;
          // Nothing of the record's last job: as a record made for this one, then started now.
          const left = [
            job.preemptions !== 0 && 'preemptions',
            job.progressS !== 0 && 'progressS',
            job.attainedDeviceS !== 0 && 'attainedDeviceS',
            job.allocatedPeakFlopS !== 0 && 'allocatedPeakFlopS',
            job.failures !== 0 && 'failures',
            job.lostFlop !== 0 && 'lostFlop',
            job.reason !== '' && 'reason',
            !Number.isNaN(job.finishS) && 'finishS',
            job.firstStartS !== now && 'firstStartS',
            job.waitedS !== now - job.submitS && 'waitedS',
            job.remainingFlop !== job.usefulFlop && 'remainingFlop',
            job.heldDevices.length !== job.devices && 'heldDevices',
          ].filter((x) => x !== false);
          if (left.length > 0) fresh.push(`${job.name}: ${left.join(', ')}`);
        });
        sim.signals.on('finished', (job) => {
          seen.set(job, { usefulFlop: job.usefulFlop, attainedDeviceS: job.attainedDeviceS, preemptions: job.preemptions });
          retired.add(job.run!);
        });
      },
    });
    expect(fresh).toEqual([]);
    expect(reused).toBeGreaterThan(0);
    expect([...seen.values()].some((s) => s.preemptions > 0)).toBe(true);
    for (const [job, s] of seen) {
      expect(job.state).toBe('completed');
      expect({ usefulFlop: job.usefulFlop, attainedDeviceS: job.attainedDeviceS, preemptions: job.preemptions }).toEqual(s);
      expect(job.remainingFlop).toBe(0);
      expect(job.placement).toBeUndefined();
      expect(job.run).toBeUndefined();
    }
    const [done] = seen.keys();
    expect(() => done!.waitedS).toThrow(/completed and its waitedS was released/);
  });
});
