// A generic CSV trace's duration column holding Slurm's elapsed time (sacct's Elapsed:
// [DD-[HH:]]MM:SS) skipped every row as 'bad duration', saying nothing of the form expected.
import { describe, expect, it } from 'vitest';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { slurmElapsedS } from '../src/scenario/traces/slurm-elapsed.js';

const mapping = { submit: 'submit', duration: 'elapsed', devices: 'gpus' };

describe("Slurm's elapsed time in a duration column", () => {
  it('is read as days, hours, minutes and seconds', () => {
    expect(['02:00:00', '1-02:00:00', '45:10', '00:00:07', '12-23:59:59', ' 01:30:00 '].map(slurmElapsedS)).toEqual([7200, 93600, 2710, 7, 12 * 86400 + 86399, 5400]);
  });

  it('anything else is not one (an hour, minute or second out of range, a day without hours, fractions, signs)', () => {
    for (const s of ['', '7', '1:2:3:4', '1-02:00', '1-24:00:00', '60:00', '01:60:00', '00:00:60', '-01:00:00', '01:00:00.5', '1h', '1-', '+45:10', '4 5:10', '0x1:00']) {
      expect(slurmElapsedS(s), s).toBeUndefined();
    }
  });

  it('a trace of sacct Elapsed values runs each job that long, in seconds whatever time_unit says', () => {
    const csv = 'submit,elapsed,gpus\n0,02:00:00,1\n1,1-02:00:00,1\n2,45:10,1\n3,600,1\n';
    const t = parseGenericCsv(csv, mapping);
    expect(t.skipped).toEqual([]);
    expect(t.jobs.map((j) => j.durationS)).toEqual([7200, 93600, 2710, 600]);
    const min = parseGenericCsv(csv, { ...mapping, time_unit: 'min' });
    expect(min.jobs.map((j) => j.durationS)).toEqual([7200, 93600, 2710, 36000]);
  });

  it('a duration in neither form is skipped with the forms accepted', () => {
    const t = parseGenericCsv('submit,elapsed,gpus\n0,100,1\n5,2h,1\n', { ...mapping, time_unit: 'min' });
    expect(t.jobs.map((j) => j.durationS)).toEqual([6000]);
    expect(t.skipped).toEqual([
      { line: 3, reason: 'bad duration', detail: '2h', column: 'elapsed', expected: "a number in min, or Slurm's elapsed time [DD-[HH:]]MM:SS (1-02:00:00, 02:00:00, 45:10)" },
    ]);
  });
});

describe("a zero Slurm elapsed time", () => {
  it('is a non-positive duration, said without the time_unit that does not read it', () => {
    const t = parseGenericCsv('submit,elapsed,gpus\n0,00:00:00,1\n', { ...mapping, time_unit: 'min' });
    expect(t.skipped).toEqual([{ line: 2, reason: 'non-positive duration', detail: '0 s from elapsed 00:00:00' }]);
  });
});
