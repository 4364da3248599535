// A job's predicted run time at submission (JobView.predictedRuntimeS: SJF's key, the tenants'
// slowdown) is its run time alone on its fastest kind as the run times it: the step model's rate
// alone under network: flow (it was peak x efficiency, about 2x short), checkpoints included; a
// trace's recorded run time stays the user's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { readInputFile } from '../src/scenario/read-input-file.js';
import { simulate } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = `datacentres: [{ name: east, fabric: IB-NDR, node_groups: [{ name: h100, count: 1, device: H100 }] }]`;

/** Each job's predicted run time, by id, and its row. */
function predicted(text: string | ResolvedScenario): { predictedS: Map<string, number>; jobs: ReturnType<typeof runToCsv>['jobs'] } {
  const predictedS = new Map<string, number>();
  const jobs: ReturnType<typeof runToCsv>['jobs'] = [];
  simulate(typeof text === 'string' ? scenarioFromText(text) : text, { jobSink: (row) => void jobs.push(row), observe: (sim) => void sim.signals.on('submitted', (job) => predictedS.set(job.template.name, job.predictedRuntimeS)) });
  return { predictedS, jobs };
}

describe('the predicted run time at submission', () => {
  it('is the run time alone under network: flow (step model), checkpoints included', () => {
    const { predictedS, jobs } = predicted(`name: pred
seed: 1
checkpointing: { interval: 30min, cost: 5min, final_cost: 2min, restart: 2min }
${pool}
workloads:
  - jobs:
      - { name: a, devices: 8, tokens: 2e10, params: 7B }
      - { name: b, devices: 8, duration: 2h, reference_device: H100, params: 7B, submit: 300h }
`);
    for (const row of jobs) {
      // Each runs alone on an idle pool: its predicted time is its run time.
      expect(row.start_s).toBe(row.submit_s);
      expect(predictedS.get(row.job_id)! / (row.finish_s - row.start_s)).toBeCloseTo(1, 9);
    }
    // 2 h of compute, three checkpoints of 5 min between its four intervals, a final one of 2 min.
    expect(predictedS.get(jobs[1]!.job_id)).toBeCloseTo(7200 + 3 * 300 + 120, 6);
  });

  it("gives a tenant's job alone a slowdown of 1 (it was about 2)", () => {
    const r = runToCsv(
      scenarioFromText(`name: pred-tenants
seed: 1
${pool}
tenants:
  queues:
    - { name: a, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: a1, devices: 8, tokens: 2e10, params: 7B, queue: a }
`),
    );
    const [header, row] = r.tenantsCsv!.trim().split('\n');
    const slowdown = Number(row!.split(',')[header!.split(',').indexOf('max_slowdown')]);
    expect(slowdown).toBeCloseTo(1, 9);
  });

  it("with interval: auto, the interval the run sets for the job's failure rate on the kind", () => {
    const { predictedS, jobs } = predicted(`name: pred-auto
seed: 1
checkpointing: { interval: auto, cost: 5min, restart: 2min }
failures: { devices: { H100: { mtbf: 1000d, repair: 1h } } }
${pool}
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 30h, reference_device: H100, params: 7B }
`);
    const ran = jobs[0]!.finish_s - jobs[0]!.start_s;
    // Young/Daly: sqrt(2 x 300 s x 1000 d / 8) = 80,498 s between checkpoints: one in 30 h, and the final one.
    expect(ran).toBeCloseTo(108000 + 300 + 300, 6);
    expect(predictedS.get(jobs[0]!.job_id)).toBeCloseTo(ran, 6);
  });

  it('under network: ideal is peak x efficiency, as the run times it', () => {
    const { predictedS, jobs } = predicted(`name: pred-ideal
seed: 1
network: ideal
${pool}
workloads:
  - jobs:
      - { name: a, devices: 8, tokens: 2e10, params: 7B }
`);
    // 6 x 7e9 x 2e10 FLOP over 8 H100s at peak x efficiency: the run's own figure.
    expect(predictedS.get(jobs[0]!.job_id)! / (jobs[0]!.finish_s - jobs[0]!.start_s)).toBeCloseTo(1, 9);
  });

  it("is a trace's recorded run time under runtime: fixed, on a kind faster than its reference (it was scaled by the peaks)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-pred-'));
    writeFileSync(join(dir, 't.csv'), 'submit,duration,devices\n0,3600,8\n');
    const text = `name: pred-fixed
seed: 1
network: ideal
datacentres: [{ name: dc, node_groups: [{ name: h, count: 1, device: H100 }] }]
workloads:
  - trace: { format: csv, path: t.csv, mapping: { submit: submit, duration: duration, devices: devices }, reference_device: A100, runtime: fixed }
`;
    const { predictedS, jobs } = predicted(loadScenario(text, join(dir, 's.yaml'), { readFile: readInputFile, baseDir: dir }));
    expect(jobs[0]!.finish_s - jobs[0]!.start_s).toBeCloseTo(3600, 9);
    expect(predictedS.get(jobs[0]!.job_id)).toBe(3600);
  });
});
