// Figures no real hardware has, warned rather than refused (a what-if may want them): the likely
// cause is a bare number read in base units or a unit one letter short, and the warning says what
// was probably meant.
import type { PathKey } from '../scenario/errors.js';
import { formatDuration, formatSI } from '../units/units.js';

/** Light in fibre (about 2e8 m/s) covers 20,000 km, half the Earth's circumference, in 100 ms. */
const LONGEST_FIBRE_S = 0.1;
/** 1 Mb/s: slower than any link a compute pool's sites would be joined by. */
const SLOWEST_LINK_BYTES_PER_S = 1e6 / 8;

/**
 * A long-haul link's figures that no real link has are warned, not refused (a what-if may want
 * them), because the likely cause is a bare number read in base units (`latency: 2` is 2 s, not
 * 2 ms; `bandwidth: 400` is 400 bytes/s) or a unit one letter short (`2m` is two minutes). The hint
 * names the cause that fits what was written: `written` is the scalar as the file has it, if known.
 */
export function implausibleLink(
  latencyS: number,
  bytesPerS: number,
  at: readonly PathKey[],
  written: (field: 'latency' | 'bandwidth') => number | string | undefined,
  warn: (path: readonly PathKey[], message: string) => void,
): void {
  if (latencyS === 0) {
    warn([...at, 'latency'], 'a one-way latency of 0 s between two sites: even sites in one building are a few microseconds of fibre and switching apart, so every collective and transfer crossing this link is timed as if it took no time to cross; give the measured or fibre-length latency (about 5 us per km)');
  } else if (latencyS > 2 * LONGEST_FIBRE_S) {
    const why = likelyMeant(written('latency'), latencyS, formatDuration(latencyS), 'seconds', 'ms', 'milliseconds');
    warn([...at, 'latency'], `a one-way latency of ${formatDuration(latencyS)} is more than twice the longest fibre path on Earth (20,000 km, about 100 ms)${why}`);
  }
  if (bytesPerS < SLOWEST_LINK_BYTES_PER_S) {
    const shown = formatSI(bytesPerS * 8, 'b/s');
    const why = likelyMeant(written('bandwidth'), bytesPerS, shown, 'bytes per second', 'Gbps', 'gigabits');
    warn([...at, 'bandwidth'], `${bytesPerS} bytes/s (${shown}) is slower than any link between sites${why}`);
  }
}

/** 10 W: less than any accelerator board or server host draws, so a smaller power is likely a bare number meant in kW. */
const LEAST_PLAUSIBLE_POWER_W = 10;

/** A power below any real board's or host's is warned (a bare number is watts: `host_power: 1` is 1 W, not 1 kW). */
export function implausiblePower(watts: number, what: string, at: readonly PathKey[], written: number | string | undefined, warn: (path: readonly PathKey[], message: string) => void): void {
  if (!(watts > 0 && watts < LEAST_PLAUSIBLE_POWER_W)) return;
  const shown = formatSI(watts, 'W');
  warn(at, `${shown} is less than any ${what} draws${likelyMeant(written, watts, shown, 'watts', 'kW', 'kilowatts')}`);
}

/**
 * What was likely meant by an implausible figure: a bare number is in base units (`2` is 2 s), so
 * the hint puts the intended unit after the same number; a figure with a unit keeps its number
 * and swaps the unit (`2m` is two minutes: '2ms'). Empty when the text has no number to keep.
 */
function likelyMeant(written: number | string | undefined, value: number, shown: string, baseUnits: string, unit: string, meant: string): string {
  if (typeof written !== 'string') return `; a number without a unit is ${baseUnits}: write '${value}${unit}' if ${meant} were meant`;
  const hint = leadingNumber(written);
  return hint === undefined ? '' : `; '${written}' is ${shown}: write '${hint}${unit}' if ${meant} were meant`;
}

/** The number a quantity's text starts with ('2' of '2m', '1.5' of '1.5 kbps'), if any. */
function leadingNumber(text: string): string | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(text);
  return m ? m[1] : undefined;
}
