// Calendar times written without a zone, read as the wall clock of a named zone (a Slurm export, a
// cluster's local log): the zone's offset at that time, daylight saving included, is taken off.
import { parseUtcTimestampS } from './csv-reader.js';

/** A time with its own zone ('Z', '+08:00', '-0500') after the clock time: read as written. */
const HAS_ZONE = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$/;

/** Whether `zone` is an IANA time zone name this runtime knows (America/Los_Angeles, Asia/Shanghai, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * parseUtcTimestampS for times on the wall clock of `zone`: a time without a zone of its own is
 * the instant that clock showed it. A time the clock shows twice (the hour repeated when daylight
 * saving ends) is read at one of its two offsets; one it skips (the hour lost when it starts) is
 * read at the offset before the change, an hour on. Offsets are cached per quarter hour, the finest
 * step any zone's changes take.
 */
export function zonedTimestampReader(zone: string): (field: string | undefined) => number | undefined {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const cache = new Map<number, number>();
  // The zone's offset from UTC (s) at the instant utcS, from the wall clock it shows then.
  const offsetAt = (utcS: number): number => {
    const key = Math.floor(utcS / 900);
    let off = cache.get(key);
    if (off === undefined) {
      const at = key * 900;
      const p: Record<string, number> = {};
      for (const part of format.formatToParts(at * 1000)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) / 1000 - at;
      cache.set(key, off);
    }
    return off;
  };
  return (field) => {
    const wall = parseUtcTimestampS(field);
    if (wall === undefined || HAS_ZONE.test(field!.trim())) return wall;
    return wall - offsetAt(wall - offsetAt(wall));
  };
}
