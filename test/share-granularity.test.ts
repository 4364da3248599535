// Device shares are accounted in whole thousandths (cluster.ts keeps each device's free share in an
// Int32Array). A trace share below one thousandth, or between two, was accepted: gpu_milli 1e-9
// took 1000 - 1e-9 = 999.999... stored as 999, and its release gave back 1e-9, so the device stayed
// at 999 free for good and a later whole-GPU job waited forever; a devices value of 0.0001 (no
// gpu_milli column) rounded to a share of 0, a job that held nothing and never ended. Such rows are
// now skipped as bad values, counted with their line like every other bad row.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { runToCsv } from './helpers.js';

function load(csv: string, milliColumn: boolean) {
  return loadScenario(
    `name: share
seed: 1
network: ideal
horizon: 1000
datacentres:
  - { name: dc, node_groups: [{ name: g, count: 1, device: H100, devices_per_node: 1 }] }
workloads:
  - trace: { format: csv, path: t.csv, reference_device: H100, mapping: { id: id, submit: submit, duration: duration, devices: gpus${milliColumn ? ', gpu_milli: milli' : ''} } }
`,
    's.yaml',
    { readFile: () => csv, baseDir: '/t' },
  );
}

describe('GPU shares below one thousandth', () => {
  for (const milli of ['1e-9', '0.5', '333.5']) {
    it(`gpu_milli ${milli} is skipped as a bad gpu_milli, and the whole-GPU job after it runs`, () => {
      const r = load(`id,submit,gpus,milli,duration\na,0,1,${milli},100\nb,10,1,1000,100\n`, true);
      expect(r.traceReports[0]!.skippedByReason).toEqual({ 'bad gpu_milli': 1 });
      expect(r.traceReports[0]!.firstSkipped['bad gpu_milli']).toMatchObject({ line: 2 });
      const jobs = runToCsv(r).jobs;
      expect(jobs.map((j) => [j.job_id, j.status, j.start_s])).toEqual([['b', 'completed', 10]]);
    });
  }

  it('a fractional devices value that rounds to no thousandth is skipped as bad devices; 0.0006 is 1 thousandth', () => {
    const r = load('id,submit,gpus,duration\na,0,0.0001,100\nb,10,1,100\nc,20,0.0006,100\n', false);
    expect(r.traceReports[0]!.skippedByReason).toEqual({ 'bad devices': 1 });
    expect(r.traceReports[0]!.firstSkipped['bad devices']).toMatchObject({ line: 2 });
    const jobs = runToCsv(r).jobs;
    expect(jobs.map((j) => [j.job_id, j.status])).toEqual([
      ['b', 'completed'],
      ['c', 'completed'],
    ]);
  });
});
