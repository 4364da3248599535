// Calendar times written without a zone, read as the wall clock of a named zone (a Slurm export, a
// cluster's local log): the zone's offset at that time, daylight saving included, is taken off.
import { parseUtcTimestampS } from './csv-reader.js';

/** A time with its own zone ('Z', '+08:00', '-0500') after the clock time: read as written. */
const HAS_ZONE = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

const DAY_S = 86400;

/** Why a wall-clock time was read at one of several offsets, or at none it shows (TraceImport.suspect). */
export const SKIPPED_LOCAL_TIME = 'local time that does not exist on a daylight-saving day, read at the offset before the change';
export const REPEATED_LOCAL_TIME = 'local time that happens twice on a daylight-saving day, read as the first of the two';

/**
 * Told of a time the zone's clock skipped or showed twice: `reason` one of the two above, `detail`
 * the time as written, the instant it was read as, and the other reading.
 */
export type WallClockNote = (reason: string, detail: string) => void;

/** Whether `zone` is an IANA time zone name this runtime knows (America/Los_Angeles, Asia/Shanghai, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** '2024-03-10T10:30:00Z' (milliseconds only when there are some). */
function isoZ(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

/** '2024-03-10 03:30:00' for a wall clock at `wallS` (seconds, as if UTC). */
function clockOf(wallS: number): string {
  return new Date(wallS * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * parseUtcTimestampS for times on the wall clock of `zone`: a time without a zone of its own is
 * the instant that clock showed it. Where the clock changed, a time is read at the offset in force
 * before the change, as Python's zoneinfo reads it by default (fold=0) and Temporal's 'compatible':
 * one it showed twice (the hour repeated when daylight saving ends) as the first of the two
 * instants; one it skipped (the hour lost when it starts) as if the clock had not gone forward
 * yet, which is that much later on the clock after the change (02:30 in Los Angeles on the
 * morning of 10 March 2024 as 10:30Z, 03:30 PDT). Either is told to `note`, when given.
 * Offsets are cached per quarter hour, the finest step any zone's changes take.
 */
export function zonedTimestampReader(zone: string, note?: WallClockNote): (field: string | undefined) => number | undefined {
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
    // The offsets a day either side bracket any change near this wall time (no zone's clock
    // changes twice in two days); each is the right one where the clock, read at it, shows this
    // time at that instant: both (a time shown twice), one, or neither (a time skipped).
    const before = offsetAt(wall - DAY_S);
    const after = offsetAt(wall + DAY_S);
    if (before === after) return wall - before;
    const early = wall - before;
    const late = wall - after;
    const earlyShows = offsetAt(early) === before;
    const lateShows = offsetAt(late) === after;
    if (earlyShows && !lateShows) return early;
    if (lateShows && !earlyShows) return late;
    if (earlyShows) {
      // Shown twice (the clock went back): the first.
      const first = Math.min(early, late);
      note?.(REPEATED_LOCAL_TIME, `${field!.trim()} read as ${isoZ(first)}; the clock showed it again at ${isoZ(Math.max(early, late))}`);
      return first;
    }
    // Skipped (the clock went forward past it): at the offset before the change.
    note?.(SKIPPED_LOCAL_TIME, `${field!.trim()} read as ${isoZ(early)}, ${clockOf(early + after)} on the clock after the change`);
    return early;
  };
}
