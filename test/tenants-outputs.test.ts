// tenants.csv and Jain's index: hand-computed for a small run, present only when tenants are defined.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../src/experiment/experiment.js';
import { reportMetrics } from '../src/experiment/report.js';
import { outputFiles, summaryColumns, type OutputName } from '../src/experiment/output-sinks.js';
import { parseSetOption } from '../src/experiment/sweep-values.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { jainIndex } from '../src/sim/tenant-metrics.js';
import { SUMMARY_COLUMNS } from '../src/sim/metrics.js';
import { scenarioFromText } from './helpers.js';

const scenario = `
name: tenants-out
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: 8 }, preemption: { reclaim_within_cohort: any } }
    - { name: b, cohort: c, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: b1, devices: 8, duration: 2h, reference_device: H100, queue: b }
      - { name: b2, devices: 8, duration: 2h, reference_device: H100, queue: b }
      - { name: a1, submit: 10min, devices: 8, duration: 1h, reference_device: H100, queue: a }
`;

function files(text: string): Map<OutputName, string> {
  const resolved = scenarioFromText(text);
  const out = new Map<OutputName, string>();
  runScenario(resolved, { outputs: { files: outputFiles(resolved), write: (f, t) => out.set(f, (out.get(f) ?? '') + t) } });
  return out;
}

describe('tenants.csv', () => {
  it('borrowed and lent device-hours, shares, preemptions, delays and slowdowns, by hand', () => {
    const out = files(scenario);
    // b2 borrows a's 8 devices from 0 to 660 s (preempted at 600 s, 60 s checkpoint) and again from
    // 4260 s (a1 done) until b1 ends at 7200 s: 8 x (660 + 2940) s = 8 device-hours, lent by a.
    // a1 holds 8 of 16 devices for 3600 s of a 10920 s run: mean share 0.1648; b holds 8 x (7200 +
    // 660 + 6660) s: 0.6648. a1 waited 60 s, ran 1 h alone: JCT 3660 s, slowdown 3660/3600.
    // b2 waited 3600 s after its preemption and ended at 10920 s: slowdown 10920/7200.
    // Finish-time fairness (3 jobs present over [600, 4260], 2 before and after, 1 from 7200 s):
    // a1 saw N = 3, a share of 16/3 devices holds its 8-device gang 2/3 of the time: T_id = 5400 s,
    // rho = 3660/5400. b1 saw N = (2 x 600 + 3 x 3660 + 2 x 2940) / 7200 = 2.508: T_id = 7200 x
    // 8N/16 = 9030 s, rho = 0.7973. b2 saw N = (18060 + 3720) / 10920 = 1.995 < 2, so its share
    // holds the gang all the time: T_id = 7200 s, rho = 10920/7200.
    expect(out.get('tenants.csv')).toBe(
      'tenant,quota_devices,entitled_share,mean_share,borrowed_device_hours,lent_device_hours,preempted_jobs,queueing_delay_p95_s,jct_mean_s,max_slowdown,ftf_rho_max,ftf_rho_mean\n' +
        'a,8,0.5,0.1648351648,0,8,0,60,3660,1.016666667,0.6777777778,0.6777777778\n' +
        'b,8,0.5,0.6648351648,8,0,1,3420,9060,1.516666667,1.516666667,1.15700443\n',
    );
    expect((7200 / 9030 + 10920 / 7200) / 2).toBeCloseTo(1.15700443, 8);
    const [header, row] = out.get('summary.csv')!.trim().split('\n');
    expect(header!.split(',').slice(-8)).toEqual(['ftf_rho_max', 'ftf_rho_mean', 'gpu_fragmentation_mean', 'fabric_capex', 'fabric_kw', 'fabric_energy_kwh', 'layout_near_tie_jobs', 'jain_index']);
    expect(Number(row!.split(',').at(-8))).toBeCloseTo(10920 / 7200, 9);
    // x = 0.3297, 1.3297: (1.6593)^2 / (2 x (0.1087 + 1.7681)) = 0.7336.
    expect(Number(row!.split(',').at(-1))).toBeCloseTo(jainIndex([0.1648351648 / 0.5, 0.6648351648 / 0.5]), 9);
    expect(Number(row!.split(',').at(-1))).toBeCloseTo(0.733575703, 8);
  });

  it('same seed, same bytes', () => {
    expect(files(scenario)).toEqual(files(scenario));
  });

  it('scenarios without tenants write neither tenants.csv nor jain_index', () => {
    const plain = scenario.replace(/tenants:[\s\S]*?workloads:/, 'workloads:').replace(/, queue: [ab]/g, '');
    const out = files(plain);
    expect(out.has('tenants.csv')).toBe(false);
    expect(out.get('summary.csv')!.split('\n')[0]).toBe(SUMMARY_COLUMNS.join(','));
    expect(summaryColumns(false)).toBe(SUMMARY_COLUMNS);
  });

  it("Jain's index: 1 for equal allocations, 1/n when one tenant gets everything", () => {
    expect(jainIndex([2, 2, 2])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([])).toBeNaN();
  });

  it('a sweep of a queue setting has jain_index and each tenant\'s metrics in runs.csv and summary.csv', async () => {
    const r = await runExperiment(
      { scenarioText: scenario, scenarioFile: 'tenants-out.yaml', sweep: [parseSetOption('tenants.queues.a.preemption.reclaim_within_cohort=never,any')], policies: [], placements: [], seeds: [1] },
      { workers: 1 },
    );
    const h = r.runs.header;
    expect(h.slice(h.indexOf('jain_index'), h.indexOf('jain_index') + 3)).toEqual(['jain_index', 'tenants.a.mean_share', 'tenants.a.borrowed_device_hours']);
    const cell = (run: number, column: string) => Number(r.runs.rows[run]![h.indexOf(column)]);
    // Without reclaim a1 waits for b1's end (7200 s) and ends at 10800 s; with it, at 3660 s (see above).
    expect(cell(0, 'tenants.a.jct_mean_s')).toBe(10200);
    expect(cell(1, 'tenants.a.jct_mean_s')).toBe(3660);
    expect(cell(1, 'tenants.b.preempted_jobs')).toBe(1);
    expect(cell(1, 'jain_index')).toBeCloseTo(0.733575703, 8);
    const metrics = new Set(r.summary.rows.map((row) => row[r.summary.header.indexOf('metric')]));
    expect(metrics.has('jain_index') && metrics.has('tenants.b.queueing_delay_p95_s')).toBe(true);
  });

  it("the report shows Jain's index and each tenant's p95 delay, mean JCT and worst finish-time fairness", () => {
    const available = ['jain_index', 'tenants.a.mean_share', 'tenants.a.queueing_delay_p95_s', 'tenants.a.jct_mean_s', 'tenants.a.ftf_rho_max', 'tenants.a.ftf_rho_mean'];
    const shown = reportMetrics({ header: ['metric'], rows: available.map((m) => [m]) });
    expect(shown).toEqual(['jain_index', 'tenants.a.queueing_delay_p95_s', 'tenants.a.jct_mean_s', 'tenants.a.ftf_rho_max']);
  });
});
