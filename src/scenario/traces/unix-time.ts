// What a Unix time may be in a trace: epoch milliseconds read as seconds put a trace in the year
// 55,000 with every gap and run time 1,000 times too long, which a replay cannot tell from a quiet
// cluster. Such a time is refused with the unit that reads it as a date of our era.

/** 2200-01-01T00:00:00Z: no trace's Unix time is later. */
export const LATEST_UNIX_S = Date.UTC(2200, 0, 1) / 1000;

/** 1971-01-01T00:00:00Z: a smaller unit that puts a time before it is no better reading. */
const EARLIEST_SUGGESTED_S = Date.UTC(1971, 0, 1) / 1000;

/** Seconds per unit a numeric trace time may be written in, smallest first. */
const UNITS_S: ReadonlyArray<readonly [string, number]> = [
  ['us', 1e-6],
  ['ms', 1e-3],
  ['s', 1],
  ['min', 60],
  ['h', 3600],
];

/** A number that is no Unix time in its unit: the year it would be, and a smaller unit that reads it as a date from 1971 to 2200, if one does. */
export interface LateUnixTime {
  readonly year: number;
  readonly better?: { readonly unit: string; readonly date: string };
}

/** Why `value`, read in `unit` as seconds since the Unix epoch, is no Unix time (after 2200), or undefined when it may be one. */
export function lateUnixTime(value: number, unit: string): LateUnixTime | undefined {
  const perUnit = UNITS_S.find(([u]) => u === unit)?.[1] ?? 1;
  if (value * perUnit < LATEST_UNIX_S) return undefined;
  const year = Math.floor(1970 + (value * perUnit) / (365.2425 * 86400));
  const fits = UNITS_S.find(([, k]) => k < perUnit && value * k >= EARLIEST_SUGGESTED_S && value * k < LATEST_UNIX_S);
  return fits === undefined ? { year } : { year, better: { unit: fits[0], date: new Date(value * fits[1] * 1000).toISOString().slice(0, 10) } };
}

/** '1700000000000 s is the year 55,840; in ms it is 2023-11-14' (the value as the file writes it). */
export function describeLateUnixTime(written: string, unit: string, late: LateUnixTime): string {
  const year = late.year < 1e9 ? late.year.toLocaleString('en-US') : late.year.toExponential(1);
  return `${written} ${unit} is the year ${year}${late.better === undefined ? '' : `; in ${late.better.unit} it is ${late.better.date}`}`;
}
