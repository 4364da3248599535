// A job the workload submits joins the waiting line as its fields behind a long line (256 waiting
// or more) and as its object behind a short one (src/sim/simulation.ts, DEFER_BEHIND). Either way
// the line must give the same job: a run where some listener hears 'submitted' (so every job is
// queued whole) writes the same jobs.csv and summary.csv as one where the line keeps fields.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

// A burst of 1,500 jobs (one a millisecond) onto 16 devices: the line passes 256 on the way up and
// again as it drains; a Poisson stream beside it joins short and long lines alike.
const text = `name: defer
seed: 3
datacentres:
  - name: dc
    node_groups: [{ count: 4, device: H100, devices_per_node: 4 }]
workloads:
  - generator:
      name: burst
      count: 1500
      arrival: { process: fixed, interval: 1ms }
      devices: { distribution: empirical, values: [1, 2, 4] }
      duration: { distribution: exponential, mean: 2s }
      reference_device: H100
  - generator:
      name: stream
      count: 400
      arrival: { process: poisson, rate: 2/s }
      devices: 1
      duration: { distribution: exponential, mean: 1s }
      reference_device: H100
`;

describe('jobs kept as fields behind a long line', () => {
  for (const policy of ['fifo', 'sjf', 'las', 'easy-backfill', 'multifactor']) {
    it(`${policy}: the same jobs.csv and summary.csv as with every job queued whole`, () => {
      const withPolicy = `${text}policy: ${policy}\n`;
      // At least the burst's jobs submitted so far less those started so far wait ('started' is
      // not 'submitted': hearing it leaves the line free to keep fields).
      let longest = 0;
      let started = 0;
      const deferred = runToCsv(scenarioFromText(withPolicy), {
        observe: (sim) =>
          sim.signals.on('started', (_job, now) => {
            started++;
            longest = Math.max(longest, Math.min(1500, Math.floor(now * 1000 + 1e-9) + 1) - started);
          }),
      });
      const whole = runToCsv(scenarioFromText(withPolicy), { observe: (sim) => sim.signals.on('submitted', () => undefined) });
      expect(longest).toBeGreaterThan(600);
      expect(deferred.jobs.length).toBe(1900);
      expect(deferred.jobsCsv).toBe(whole.jobsCsv);
      expect(deferred.summaryCsv).toBe(whole.summaryCsv);
    });
  }
});

describe('submissions announced without an object of their own', () => {
  // Behind a long line a submission is announced through one renewed object (Simulation.enter);
  // a job rejected at its submission (32 devices on a pool of 16) must still be an object of its
  // own, as whoever hears 'rejected' may keep it.
  const rejecting = text.replace('values: [1, 2, 4]', 'values: [1, 2, 4, 32]');

  it('each job rejected at its submission behind a long line is its own object, named and numbered as its row says', () => {
    const rejected: { job: object; name: string; id: number; submitS: number; now: number }[] = [];
    const deferred = runToCsv(scenarioFromText(rejecting), {
      observe: (sim) => sim.signals.on('rejected', (job, now) => void rejected.push({ job, name: job.name, id: job.id, submitS: job.submitS, now })),
    });
    const whole = runToCsv(scenarioFromText(rejecting), { observe: (sim) => sim.signals.on('submitted', () => undefined) });
    expect(rejected.length).toBeGreaterThan(100);
    // Most of them arrived behind a long line (the burst's later part).
    expect(rejected.filter((r) => r.now > 0.6).length).toBeGreaterThan(50);
    expect(new Set(rejected.map((r) => r.job)).size).toBe(rejected.length);
    for (const r of rejected) {
      const job = r.job as { name: string; id: number; submitS: number; state: string };
      expect({ name: job.name, id: job.id, submitS: job.submitS, state: job.state }).toEqual({ name: r.name, id: r.id, submitS: r.submitS, state: 'rejected' });
      expect(r.submitS).toBe(r.now);
    }
    expect(deferred.jobsCsv).toBe(whole.jobsCsv);
    expect(deferred.summaryCsv).toBe(whole.summaryCsv);
  });
});
