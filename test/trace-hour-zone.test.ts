// A time whose zone is hours alone ('2023-03-01 00:18:22+08', as PostgreSQL writes a timestamptz
// column, and ISO 8601 allows) was no time to poolsim: every row of such a trace was skipped as a
// bad submit, said to be no ISO 8601 date and time. It is read as '+08:00', and with a time_zone
// it is not read again as that zone's wall clock.
import { describe, expect, it } from 'vitest';
import { parseUtcTimestampS } from '../src/scenario/traces/csv-reader.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';

const CSV = ['job_id,gpu_num,submit_time,start_time,end_time', 'a,8,2023-03-01 00:18:22+08,2023-03-01 00:18:54+08,2023-03-01 00:20:51+08', 'b,1,2023-02-28 16:20:00Z,2023-02-28 16:20:00-00,2023-02-28 17:20:00+0000'].join('\n');
const MAPPING = { submit: 'submit_time', start: 'start_time', end: 'end_time', devices: 'gpu_num', id: 'job_id', time_format: 'iso' } as const;

describe('a zone of hours alone', () => {
  it('is read as hours and no minutes', () => {
    expect(parseUtcTimestampS('2023-03-01 00:18:22+08')).toBe(parseUtcTimestampS('2023-03-01 00:18:22+08:00'));
    expect(parseUtcTimestampS('2023-03-01T00:18:22-05')).toBe(Date.UTC(2023, 2, 1, 5, 18, 22) / 1000);
    for (const bad of ['2023-03-01 00:18:22+8', '2023-03-01 00:18:22+080', '2023-03-01 00:18:22+08:0']) expect(parseUtcTimestampS(bad), bad).toBeUndefined();
  });

  it('a trace of such times is read as written, with a time_zone or without', () => {
    const expected = [
      ['a', 0, 117, 8],
      ['b', 98, 3600, 1],
    ];
    for (const mapping of [MAPPING, { ...MAPPING, time_zone: 'America/Los_Angeles' }]) {
      const t = parseGenericCsv(CSV, mapping, { source: 't.csv' });
      expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices])).toEqual(expected);
      expect(t.skipped).toEqual([]);
    }
  });
});
