// jobs.csv says which parallel layout each job's steps were timed with: the scenario's, or the one
// poolsim chose for a job that gives none (issue 12: "choose the fastest layout that fits ... and
// say which"). A layout reachable two ways, `explain` and a run, must read the same.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { explainListedJob } from '../src/experiment/explain-job.js';
import { layoutCell } from '../src/model/training-layout.js';
import { h100Pool } from './h100-pool.js';
import { bundled, runToCsv, scenarioFromText } from './helpers.js';

const pool = (jobs: string): string => h100Pool('layouts', jobs);

describe('the layout column of jobs.csv', () => {
  it('writes the layout a job gives, the one poolsim chose for a job that gives none, and nothing without a step model', () => {
    const resolved = scenarioFromText(
      pool(
        [
          '      - { name: given, devices: 16, params: 13B, tokens: 1B, layout: { tp: 4, pp: 2, dp: 2, virtual_stages: 2 } }',
          '      - { name: chosen, devices: 32, params: 70B, tokens: 1B }',
          '      - { name: plain, devices: 8, duration: 1h, reference_device: H100 }',
        ].join('\n'),
      ),
    );
    const r = runToCsv(resolved);
    const by = new Map(r.jobs.map((j) => [j.job_id, j.layout]));
    // Micro-batches default to one sequence each: 4M tokens of 4,096 over dp 2.
    expect(by.get('given')).toBe('tp4 pp2 dp2 v2 mb512');
    expect(by.get('chosen')).toMatch(/^tp\d+ pp\d+ dp\d+( v\d+)?( zero\d)? mb\d+$/);
    expect(by.get('plain')).toBe('');
    // The chosen layout is the one explain gives for the job (automatic), cell for cell.
    const e = explainJob(resolved, 'chosen');
    expect(e.layout.automatic).toBe(true);
    expect(by.get('chosen')).toBe(layoutCell({ ...e.layout, zeroStage: e.layout.zero as 0 | 1 | 2 | 3 }));
    // The header ends with the new column, and the row's cell is written there.
    const [header, ...rows] = r.jobsCsv.trim().split('\n');
    expect(header!.split(',').at(-1)).toBe('layout');
    expect(rows.find((l) => l.startsWith('given,'))!.split(',').at(-1)).toBe('tp4 pp2 dp2 v2 mb512');
  });

  it("agrees with explain on every listed job of the bundled single-site scenarios", () => {
    let checked = 0;
    for (const name of ['llama3-405b', 'fabric-planning', 'roce-vs-ib', 'policy-topology']) {
      const resolved = bundled(name);
      const rows = new Map(runToCsv(resolved).jobs.map((j) => [j.job_id, j]));
      for (const job of resolved.jobs) {
        const row = rows.get(job.name);
        if (!row || row.layout === '' || row.device_kind === '') continue;
        let e;
        try {
          e = explainListedJob(resolved, job.name);
        } catch {
          continue; // jobs explain refuses (across sites, no model size)
        }
        // explain places a job alone on the empty pool; compare where the run used the same kind.
        if (e.kind !== row.device_kind) continue;
        expect(row.layout, `${name}: ${job.name}`).toBe(layoutCell({ ...e.layout, zeroStage: e.layout.zero as 0 | 1 | 2 | 3 }));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('names context and expert parallelism and the ZeRO stage when they are set', () => {
    expect(layoutCell({ tp: 8, pp: 1, dp: 4, cp: 2, ep: 4, microBatches: 8, zeroStage: 1 })).toBe('tp8 pp1 dp4 cp2 ep4 zero1 mb8');
    expect(layoutCell({ tp: 1, pp: 1, dp: 8, microBatches: 1, shardedDataParallel: true })).toBe('tp1 pp1 dp8 zero2 mb1');
    expect(layoutCell({ tp: 2, pp: 4, dp: 1, microBatches: 32, virtualStages: 1, cp: 1, ep: 1 })).toBe('tp2 pp4 dp1 mb32');
  });
});
