// Wall-clock times read in a named zone where its clock changed: the instants are Python 3's
// zoneinfo's (datetime(...).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc), fold=0):
// a time shown twice is the first, a time skipped is read at the offset before the change.
import { describe, expect, it } from 'vitest';
import { REPEATED_LOCAL_TIME, SKIPPED_LOCAL_TIME, zonedTimestampReader } from '../src/scenario/traces/time-zone.js';

const read = (zone: string, wall: string): { at: string; notes: string[] } => {
  const notes: string[] = [];
  const s = zonedTimestampReader(zone, (reason, detail) => notes.push(`${reason}: ${detail}`))(wall)!;
  return { at: new Date(s * 1000).toISOString(), notes };
};

describe('zonedTimestampReader where the clock changes', () => {
  it('a time the clock skipped is read at the offset before the change: an hour on, not the hour before', () => {
    // 10 March 2024, Los Angeles: 02:00 PST -> 03:00 PDT. Read at PDT, 02:30 was 09:30Z, the
    // same instant as 01:30 PST: an hour lost from any job across it.
    expect(read('America/Los_Angeles', '2024-03-10 02:30:00')).toEqual({
      at: '2024-03-10T10:30:00.000Z',
      notes: [`${SKIPPED_LOCAL_TIME}: 2024-03-10 02:30:00 read as 2024-03-10T10:30:00Z, 2024-03-10 03:30:00 on the clock after the change`],
    });
    expect(read('America/Los_Angeles', '2024-03-10 02:00:00').at).toBe('2024-03-10T10:00:00.000Z');
    // East of UTC: 31 March 2024, Berlin, 02:00 CET -> 03:00 CEST.
    expect(read('Europe/Berlin', '2024-03-31 02:30:00').at).toBe('2024-03-31T01:30:00.000Z');
    // A half-hour change: Lord Howe Island, 6 October 2024, 02:00 +10:30 -> 02:30 +11.
    expect(read('Australia/Lord_Howe', '2024-10-06 02:15:00').at).toBe('2024-10-05T15:45:00.000Z');
    // A whole day skipped: Samoa crossed the date line, 29 December 2011 24:00 -10 -> 31 December +14.
    expect(read('Pacific/Apia', '2011-12-30 12:00:00')).toEqual({
      at: '2011-12-30T22:00:00.000Z',
      notes: [`${SKIPPED_LOCAL_TIME}: 2011-12-30 12:00:00 read as 2011-12-30T22:00:00Z, 2011-12-31 12:00:00 on the clock after the change`],
    });
  });

  it('a time the clock showed twice is read as the first, in zones either side of UTC', () => {
    // 3 November 2024, Los Angeles: 02:00 PDT -> 01:00 PST; 01:30 was 08:30Z and again 09:30Z.
    expect(read('America/Los_Angeles', '2024-11-03 01:30:00')).toEqual({
      at: '2024-11-03T08:30:00.000Z',
      notes: [`${REPEATED_LOCAL_TIME}: 2024-11-03 01:30:00 read as 2024-11-03T08:30:00Z; the clock showed it again at 2024-11-03T09:30:00Z`],
    });
    // East of UTC the second (01:30Z) was read: 27 October 2024, Berlin, 03:00 CEST -> 02:00 CET.
    expect(read('Europe/Berlin', '2024-10-27 02:30:00').at).toBe('2024-10-27T00:30:00.000Z');
    // Lord Howe Island, 7 April 2024, 02:00 +11 -> 01:30 +10:30.
    expect(read('Australia/Lord_Howe', '2024-04-07 01:45:00').at).toBe('2024-04-06T14:45:00.000Z');
  });

  it('times either side of a change, and in zones without one, are read as before, unnoted', () => {
    const cases: Array<[string, string, string]> = [
      ['America/Los_Angeles', '2024-03-10 01:59:59', '2024-03-10T09:59:59.000Z'],
      ['America/Los_Angeles', '2024-03-10 03:00:00', '2024-03-10T10:00:00.000Z'],
      ['America/Los_Angeles', '2024-11-03 00:59:59', '2024-11-03T07:59:59.000Z'],
      ['America/Los_Angeles', '2024-11-03 02:00:00', '2024-11-03T10:00:00.000Z'],
      ['Europe/Berlin', '2024-10-27 03:00:00', '2024-10-27T02:00:00.000Z'],
      ['Asia/Shanghai', '2024-03-10 02:30:00', '2024-03-09T18:30:00.000Z'],
      ['UTC', '2024-03-10 02:30:00', '2024-03-10T02:30:00.000Z'],
      // A time with its own zone is read as written, even in the skipped hour.
      ['America/Los_Angeles', '2024-03-10T02:30:00Z', '2024-03-10T02:30:00.000Z'],
    ];
    for (const [zone, wall, at] of cases) expect([zone, wall, read(zone, wall)]).toEqual([zone, wall, { at, notes: [] }]);
  });
});
