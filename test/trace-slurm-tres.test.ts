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
});
