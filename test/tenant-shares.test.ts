// Each tenant's share of the pool over time (tenant_shares.csv, the report's chart): recorded from
// the devices tenants' jobs hold during the run, preemption and checkpointing included; by hand on a
// two-tenant run, against the run's busy device-hours and tenants.csv, and through an experiment.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../src/experiment/experiment.js';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { tenantSharesTable } from '../src/experiment/plan.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { tenantShareSpec } from '../src/experiment/tenant-share-chart.js';
import { parseCsv } from '../src/experiment/csv-table.js';
import { MAX_INTERVALS, TenantShareSeries } from '../src/sim/tenant-share-series.js';
import { bundled, runToCsv, scenarioFromText } from './helpers.js';

// Two tenants of 8 H100 each on 16: b's two jobs start at once (b2 borrows a's quota); a1 arrives at
// 600 s and reclaims it (b2 checkpoints for 60 s, then lets go); a1 runs 660-4260 s; b2 resumes at
// 4260 s; b1 ends at 7200 s, b2 at 10920 s (tenants-outputs.test.ts derives these times).
const TWO_TENANTS = `
name: tenant-shares
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

/** Devices held by each tenant, as a step function [from, to, a, b], written out by hand. */
const HELD: [number, number, number, number][] = [
  [0, 660, 0, 16],
  [660, 4260, 8, 8],
  [4260, 7200, 0, 16],
  [7200, 10920, 0, 8],
];

function heldIn(tenant: 2 | 3, from: number, to: number): number {
  let sum = 0;
  for (const span of HELD) sum += span[tenant] * Math.max(0, Math.min(to, span[1]) - Math.max(from, span[0]));
  return sum;
}

function files(text: string): Map<OutputName, string> {
  const resolved = scenarioFromText(text);
  const out = new Map<OutputName, string>();
  runScenario(resolved, { outputs: { files: outputFiles(resolved), write: (f, t) => out.set(f, (out.get(f) ?? '') + t) } });
  return out;
}

describe('tenant shares over time', () => {
  it('by hand: two tenants with a reclaim; the shares add up to the busy devices in every interval', () => {
    const r = runToCsv(scenarioFromText(TWO_TENANTS));
    expect(r.endS).toBe(10920);
    const shares = r.tenants!.shares;
    // 10,920 s outgrow 128 intervals of 64 s: 86 intervals of 128 s, the last cut at 10,920 s.
    const a = shares.filter((s) => s.tenant === 'a');
    const b = shares.filter((s) => s.tenant === 'b');
    expect(a.length).toBe(86);
    expect(b.length).toBe(86);
    expect(a.at(-1)).toMatchObject({ start_s: 10880, end_s: 10920 });
    // The interval holding the reclaim, [640, 768): b held 16 devices for 20 s, then 8; a 8 from 660 s.
    expect(b[5]).toMatchObject({ start_s: 640, end_s: 768, mean_devices: 9.25, share: 9.25 / 16, entitled_share: 0.5 });
    expect(a[5]).toMatchObject({ mean_devices: 6.75, share: 6.75 / 16 });
    for (let i = 0; i < a.length; i++) {
      const { start_s: from, end_s: to } = a[i]!;
      expect(a[i]!.mean_devices).toBeCloseTo(heldIn(2, from, to) / (to - from), 12);
      expect(b[i]!.mean_devices).toBeCloseTo(heldIn(3, from, to) / (to - from), 12);
      const busy = (heldIn(2, from, to) + heldIn(3, from, to)) / (to - from);
      expect(a[i]!.mean_devices + b[i]!.mean_devices).toBeCloseTo(busy, 12);
    }
    // Before b1 ends (7200 s) the pool is full; after it, half of it.
    expect(a[10]!.share + b[10]!.share).toBe(1);
    expect(a[80]!.share + b[80]!.share).toBe(0.5);
  });

  it('poolsim run writes tenant_shares.csv; over the run it holds the busy device-hours and each tenant\'s mean share', () => {
    const resolved = bundled('tenants-kueue');
    const r = runToCsv(resolved);
    const out = new Map<OutputName, string>();
    runScenario(resolved, { outputs: { files: outputFiles(resolved), write: (f, t) => out.set(f, (out.get(f) ?? '') + t) } });
    const csv = parseCsv(out.get('tenant_shares.csv')!, 'tenant_shares.csv');
    expect(csv.header).toEqual(['tenant', 'start_s', 'end_s', 'mean_devices', 'share', 'entitled_share']);
    const deviceS = new Map<string, number>();
    for (const row of csv.rows) deviceS.set(row[0]!, (deviceS.get(row[0]!) ?? 0) + Number(row[3]) * (Number(row[2]) - Number(row[1])));
    let total = 0;
    for (const t of r.tenants!.rows) {
      total += deviceS.get(t.tenant)!;
      expect(deviceS.get(t.tenant)! / r.endS / 96).toBeCloseTo(t.mean_share, 9);
    }
    expect(total / 3600).toBeCloseTo(r.summary.busy_device_hours, 6);
    const intervals = csv.rows.length / 3;
    expect(intervals).toBeGreaterThan(MAX_INTERVALS / 2);
    expect(intervals).toBeLessThanOrEqual(MAX_INTERVALS);
    // Scenarios without tenants write no such file.
    expect(files(TWO_TENANTS.replace(/tenants:[\s\S]*?workloads:/, 'workloads:').replace(/, queue: [ab]/g, '')).has('tenant_shares.csv')).toBe(false);
  });

  it('intervals double as the run grows, merging neighbours exactly', () => {
    const s = new TenantShareSeries(1);
    s.held(0, 0, 100, 2); // 200 device-s over [0, 100)
    s.held(0, 100, 300, 1); // 200 more, over [100, 300): still 128 intervals of 1 s... then 4 s
    s.held(0, 300, 1000.5, 4);
    const rows = s.rows(1000.5, 10, ['t'], [0.4]);
    // 1000.5 s need intervals of 8 s (128 x 8 = 1024): 126 of them, the last cut at 1000.5 s.
    expect(rows.length).toBe(126);
    expect(rows[0]).toMatchObject({ start_s: 0, end_s: 8, mean_devices: 2, share: 0.2 });
    expect(rows[12]).toMatchObject({ start_s: 96, end_s: 104, mean_devices: 1.5 }); // 4 s at 2, 4 s at 1
    expect(rows[37]).toMatchObject({ start_s: 296, end_s: 304, mean_devices: 2.5 });
    expect(rows.at(-1)).toMatchObject({ start_s: 1000, end_s: 1000.5, mean_devices: 4 });
    const sum = rows.reduce((acc, r) => acc + r.mean_devices * (r.end_s - r.start_s), 0);
    expect(sum).toBe(200 + 200 + 4 * 700.5);
  });

  it('an experiment writes tenant_shares.csv by run, and the report charts the first seed of each policy with the entitled shares', async () => {
    const result = await runExperiment(
      {
        scenarioText: TWO_TENANTS,
        scenarioFile: 'tenant-shares.yaml',
        sweep: [],
        policies: ['fifo', 'sjf'].map((name) => ({ ref: { name, params: {} }, baseDir: '.', label: '--policies' })),
        placements: [],
        seeds: [1, 2],
      },
      { workers: 1 },
    );
    const table = tenantSharesTable(result.outcomes);
    expect(table.header).toEqual(['run', 'tenant', 'start_s', 'end_s', 'mean_devices', 'share', 'entitled_share']);
    expect(new Set(table.rows.map((r) => r[0]))).toEqual(new Set(['0', '1', '2', '3']));
    const spec = tenantShareSpec(result.runs, table)! as { data: { values: { panel: string; tenant: string; t: number; share: number; entitled: number }[] } };
    const panels = [...new Set(spec.data.values.map((v) => v.panel))];
    expect(panels).toEqual(['fifo (seed 1)', 'sjf (seed 1)']);
    // Hours: the run spans 3.03 h. Each tenant's step line ends at the run's end; a is entitled to half.
    const aFifo = spec.data.values.filter((v) => v.panel === 'fifo (seed 1)' && v.tenant === 'a');
    expect(aFifo.at(-1)!.t).toBeCloseTo(10920 / 3600, 12);
    expect(aFifo.every((v) => v.entitled === 0.5)).toBe(true);
    expect(JSON.stringify(spec)).toContain('strokeDash');
  });
});
