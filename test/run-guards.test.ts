// Physics that never cheats: remainders snap only when they are float residue, tiny link rates
// are simulated or refused, and no run ends with a job still running and no horizon.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolsim, scenarioFromText, runToCsv } from './helpers.js';
import type { SimJob } from '../src/sim/sim-job.js';
import { RunFailedError } from '../src/sim/run-error.js';
import { InputError, formatIssue } from '../src/scenario/errors.js';

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

const TWO_SITES = (link: string, extra = ''): string => `
name: two-sites
datacentres:
  - name: north
    fabric: IB-NDR
    node_groups: [{ name: h100-north, count: 4, device: H100 }]
  - name: south
    fabric: IB-NDR
    node_groups: [{ name: h100-south, count: 4, device: H100 }]
links:
  - { name: long-haul, between: [north, south], latency: 1ms, ${link} }
workloads:
  - jobs:
      - { name: split, devices: 64, device_kinds: [H100], params: 13B, tokens: 20B }
${extra}`;

describe('tiny link rates: simulated, or refused with the reason', () => {
  it('a 1 Mb/s inter-DC link is simulated: the job takes years, and its finish is its steps x its step time', () => {
    const r = runToCsv(scenarioFromText(TWO_SITES('bandwidth: 1Mbps')));
    const job = r.jobs[0]!;
    expect(job.status).toBe('completed');
    const steps = 20e9 / 4_194_304;
    expect(job.finish_s).toBeGreaterThan(1e7);
    expect(Math.abs(job.finish_s - steps * job.step_time_s) / job.finish_s).toBeLessThan(1e-9);
  });

  /** The located issues an input refused while running carries, formatted. */
  const refusal = (text: string): string[] => {
    try {
      runToCsv(scenarioFromText(text));
    } catch (e) {
      if (e instanceof InputError) return e.issues.map(formatIssue);
      throw e;
    }
    return [];
  };

  it('a 1 bit/s link: with a horizon the job is simulated (running, finite step time); without one it is refused before running, saying when it would end', () => {
    const at = runToCsv(scenarioFromText(TWO_SITES('bandwidth: 1bps', 'horizon: 30d\n'))).jobs[0]!;
    expect(at.status).toBe('running');
    expect(Number.isFinite(at.step_time_s)).toBe(true);
    expect(at.step_time_s).toBeGreaterThan(1e9);
    // The size estimate times the job on the step model as the run does (it stopped the run after a
    // simulated century before): refused at load, with the field and when it would end.
    expect(() => runToCsv(scenarioFromText(TWO_SITES('bandwidth: 1bps')))).toThrow(/workloads\[0\]\.jobs\[0\]: job 'split' would end at about [\d.e+]+ years even alone .* set a horizon/);
  });

  // Rates and peaks below one bit (FLOP) per second are refused by the loader's bounds, located,
  // before any step time is computed; the simulator's float guards stay behind them as a second line.
  it('a link so slow that a step would overflow floats is refused up front at its bandwidth (it used to stop at t=0 with the job running)', () => {
    expect(refusal(TWO_SITES('bandwidth: 1e-300bps'))).toEqual(["test.yaml:11:74: links[0].bandwidth: expected a rate at least 0.125 B/s, got '1e-300bps' (1.25e-301 B/s)"]);
  });

  it('so is a NIC rate that small, at the node group', () => {
    const text = TWO_SITES('bandwidth: 400Gbps').replace('count: 4, device: H100 }', 'count: 4, device: H100, nic_rate: 1e-300bps }');
    expect(refusal(text)[0]).toMatch(/^test\.yaml:\d+:\d+: datacentres\[0\]\.node_groups\[0\]\.nic_rate: expected a rate at least 0\.125 B\/s, got '1e-300bps'/);
  });

  it('a transfer whose arrival would overflow float time is refused at the link', () => {
    const text = TWO_SITES('bandwidth: 1e-10bps', 'transfers:\n  - { name: dataset, from: north, to: south, size: 1e300B }\n');
    expect(refusal(text.replace('params: 13B, tokens: 20B', 'work: 1e18'))[0]).toMatch(/^test\.yaml:11:74: links\[0\]\.bandwidth: expected a rate at least 0\.125 B\/s/);
  });

  it('a device peak that small is refused at the device', () => {
    const text = ONE_JOB.replace('network: ideal', 'network: ideal\ndevices:\n  H100: { peak: 1e-300FLOPS }');
    expect(refusal(text)[0]).toMatch(/devices\.H100\.peak: expected a flops between 1 FLOP\/s and 1e\+21 FLOP\/s, got '1e-300FLOPS'/);
  });

  it('the CLI refuses it as bad input (exit 2, located), writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-guards-'));
    const file = join(dir, 'slow.yaml');
    writeFileSync(file, TWO_SITES('bandwidth: 1e-300bps'));
    const r = poolsim('run', file, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:11:74: links[0].bandwidth: expected a rate at least 0.125 B/s, got '1e-300bps'`);
    expect(r.stderr).toMatch(/1 problem found; nothing was run or written/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('no run ends with work silently left', () => {
  it('a job cut off by a failed inter-DC link fails, is placed again (stalled until the repair when the link is still down) and completes (it used to end at t=0, running)', () => {
    const r = runToCsv(scenarioFromText(TWO_SITES('bandwidth: 400Gbps', 'failures:\n  links: { mtbf: 2h, repair: 1h }\n')));
    expect(r.summary.jobs_completed).toBe(1);
    expect(r.summary.jobs_unfinished).toBe(0);
    const job = r.jobs[0]!;
    expect(job.status).toBe('completed');
    // Its only link between the sites failed: no other path, so it failed (docs/network.md).
    expect(job.failures).toBeGreaterThan(0);
    expect(Number.isFinite(job.step_time_s)).toBe(true);
    // Stalls take time but no work: the finish is later than the failure-free run's.
    const clean = runToCsv(scenarioFromText(TWO_SITES('bandwidth: 400Gbps'))).jobs[0]!;
    expect(job.finish_s).toBeGreaterThan(clean.finish_s);
    expect(job.step_time_s).toBeCloseTo(clean.step_time_s, 6);
  });

  it('a job still held for its data at the horizon is reported unfinished (it used to vanish)', () => {
    const text = TWO_SITES('bandwidth: 1Gbps', 'horizon: 10s\ntransfers:\n  - { name: dataset, from: north, to: south, size: 1TB, before: split }\n');
    const r = runToCsv(scenarioFromText(text));
    expect(r.summary.jobs_submitted).toBe(1);
    expect(r.summary.jobs_unfinished).toBe(1);
    expect(r.jobs.map((j) => [j.job_id, j.status])).toEqual([['split', 'waiting']]);
  });

  it('a run without a horizon that stops with a job still running is an error, never a result', () => {
    // Force the state no path should reach: a running job at rate 0 with nothing left to happen.
    const resolved = scenarioFromText(ONE_JOB);
    const run = (): unknown =>
      runToCsv(resolved, { observe: (sim) => sim.signals.on('started', (job: SimJob, now) => void sim.engine.at(now, () => sim.setRate(job, 0))) });
    expect(run).toThrow(RunFailedError);
    expect(run).toThrow(/no horizon and work left \(job 'a' is running at rate 0\)/);
  });
});
