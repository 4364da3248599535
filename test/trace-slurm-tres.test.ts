// Slurm's sacct writes a job's GPUs inside its TRES list (AllocTRES: billing=8,cpu=32,gres/gpu=4,
// mem=256G,node=1), not in a column of their own: mapped as devices, every row was skipped as
// 'bad devices' with nothing but the list, and no mapping could read it. devices_unit: tres reads
// its gres/gpu count; a TRES list mapped as GPUs is said to be one.
import { describe, expect, it } from 'vitest';
import { describeFirstSkipped, firstSkippedOf } from '../src/scenario/traces/first-skipped.js';
import { parseGenericCsv, type CsvMapping } from '../src/scenario/traces/generic-csv.js';
import { tresGpus } from '../src/scenario/traces/slurm-tres.js';

const SACCT = [
  'JobID|Submit|Start|End|AllocTRES',
  '1|2024-05-01T10:00:00|2024-05-01T10:00:00|2024-05-01T11:00:00|billing=8,cpu=32,gres/gpu=4,mem=256G,node=1',
  '2|2024-05-01T10:01:00|2024-05-01T10:02:00|2024-05-01T10:12:00|billing=4,cpu=4,mem=16G,node=1',
  '3|2024-05-01T10:03:00|Unknown|Unknown|',
].join('\n');
const MAPPING: CsvMapping = { delimiter: 'pipe', id: 'JobID', submit: 'Submit', start: 'Start', end: 'End', devices: 'AllocTRES', time_format: 'iso' };

describe('devices_unit: tres', () => {
  it("reads a TRES list's gres/gpu, a list without one as a CPU job, an empty one as bad devices", () => {
    const t = parseGenericCsv(SACCT, { ...MAPPING, devices_unit: 'tres' }, { source: 'sacct.txt' });
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices])).toEqual([['1', 0, 3600, 4]]);
    expect(t.skippedByReason).toEqual({ 'no GPU requested': 1, 'bad devices': 1 });
    expect(describeFirstSkipped(firstSkippedOf(t.skipped)['bad devices'])).toBe(' (first at line 4, column AllocTRES: "", expected a Slurm TRES list with whole counts (billing=8,cpu=32,gres/gpu=4,node=1))');
  });

  it('a TRES list mapped as GPUs is skipped as bad devices with the devices_unit that reads it', () => {
    const t = parseGenericCsv(SACCT, MAPPING, { source: 'sacct.txt' });
    expect(t.jobs).toEqual([]);
    expect(describeFirstSkipped(firstSkippedOf(t.skipped)['bad devices'])).toBe(
      ` (first at line 2, column AllocTRES: "billing=8,cpu=32,gres/gpu=4,mem=256G,node=1", expected a number of GPUs; a Slurm TRES list is read with the mapping's devices_unit: tres)`,
    );
  });

  it('counts typed GPUs only where the untyped count is absent, and refuses what is no TRES list', () => {
    expect(tresGpus('cpu=64,gres/gpu:a100=8,gres/gpu=8,node=2')).toBe(8);
    expect(tresGpus('cpu=64,gres/gpu:a100=4,gres/gpu:h100=2,node=2')).toBe(6);
    expect(tresGpus('cpu=4,mem=16G,node=1')).toBe(0);
    for (const bad of ['', '4', 'gres/gpu=1.5', 'gres/gpu=x', 'cpu', 'gres/gpu=-1']) expect(tresGpus(bad), bad).toBeUndefined();
  });

  // Without -X, sacct lists each job step as a row of its own holding the job's GPUs (the batch
  // step often all of them, an srun step its own): replayed, a month's trace held two to four times
  // its jobs. Read as Slurm's (devices_unit: tres), a step row is skipped and counted, and its
  // submit time does not move time 0, so the jobs kept are those `sacct -X` gives.
  it('skips job step rows (sacct without -X) as counted rows, keeping the jobs sacct -X lists', () => {
    const jobs = [
      '7|2024-05-01T09:00:00|2024-05-01T09:00:00|2024-05-01T09:30:00|billing=8,cpu=8,gres/gpu=2,node=1',
      '8_4|2024-05-01T09:05:00|2024-05-01T09:06:00|2024-05-01T09:16:00|cpu=4,gres/gpu=1,node=1',
    ];
    const steps = [
      '7.batch|2024-05-01T08:59:00|2024-05-01T09:00:00|2024-05-01T09:30:00|cpu=8,gres/gpu=2,mem=64G,node=1',
      '7.extern|2024-05-01T09:00:00|2024-05-01T09:00:00|2024-05-01T09:30:00|billing=8,cpu=8,gres/gpu=2,node=1',
      '7.0|2024-05-01T09:01:00|2024-05-01T09:01:00|2024-05-01T09:29:00|cpu=8,gres/gpu=2,node=1',
      '8_4.batch|2024-05-01T09:06:00|2024-05-01T09:06:00|2024-05-01T09:16:00|cpu=4,gres/gpu=1,node=1',
    ];
    const header = 'JobID|Submit|Start|End|AllocTRES';
    const mapping: CsvMapping = { ...MAPPING, devices_unit: 'tres' };
    const withX = parseGenericCsv([header, ...jobs].join('\n'), mapping, { source: 'sacct.txt' });
    const withoutX = parseGenericCsv([header, jobs[0]!, ...steps.slice(0, 3), jobs[1]!, steps[3]!].join('\n'), mapping, { source: 'sacct.txt' });
    expect(withX.jobs.map((j) => j.id)).toEqual(['7', '8_4']);
    expect(withoutX.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices])).toEqual(withX.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices]));
    expect(withoutX.skippedByReason).toEqual({ 'Slurm job step': 4 });
    expect(describeFirstSkipped(firstSkippedOf(withoutX.skipped)['Slurm job step'])).toBe(
      ' (first at line 3, column JobID: "7.batch", expected one row per job: sacct without -X lists each job step (<job>.batch, <job>.extern, <job>.<n>) as a row of its own; write the trace with sacct -X)',
    );
  });

  it('finds the steps by the JobID column where the mapping names no id column, and reads other traces as they are', () => {
    const text = ['JobID|Submit|Start|End|AllocTRES', '7|1|1|2|gres/gpu=1', '7.batch|1|1|2|gres/gpu=1'].join('\n');
    const noId: CsvMapping = { delimiter: 'pipe', submit: 'Submit', start: 'Start', end: 'End', devices: 'AllocTRES' };
    expect(parseGenericCsv(text, { ...noId, devices_unit: 'tres' }).skippedByReason).toEqual({ 'Slurm job step': 1 });
    // Not read as Slurm's: an id with a dot is any trace's own name.
    expect(parseGenericCsv(text.replaceAll('gres/gpu=1', '1'), noId).jobs).toHaveLength(2);
  });
});
