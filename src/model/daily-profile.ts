// A figure given per hour of the day (a site's electricity price or carbon intensity), on the
// simulation's clock: hour h covers [h, h + 1) hours after each midnight of that clock (time 0 is
// the first midnight), as the run charges energy (sim/metrics.ts hourOverlap).

/**
 * The time-weighted mean of a 24-hour profile over [fromS, fromS + durationS]: what a draw spread
 * evenly over that window pays per unit. Whole days weigh every hour alike; a window of no length
 * reads the hour it starts in; one without an end (Infinity, NaN), the daily mean.
 */
export function profileMeanOver(byHour: readonly number[], fromS: number, durationS: number): number {
  const hours = byHour.length;
  if (!Number.isFinite(durationS) || !Number.isFinite(fromS)) return byHour.reduce((a, b) => a + b, 0) / hours;
  const hourOf = (t: number): number => ((Math.floor(t / 3600) % hours) + hours) % hours;
  if (!(durationS > 0)) return byHour[hourOf(fromS)]!;
  const day = 3600 * hours;
  const days = Math.floor(durationS / day);
  let sum = days > 0 ? (byHour.reduce((a, b) => a + b, 0) * days * 3600) : 0;
  const toS = fromS + durationS;
  let t = fromS + days * day;
  while (t < toS) {
    const next = Math.min(Math.floor(t / 3600) * 3600 + 3600, toS);
    sum += byHour[hourOf(t)]! * (next - t);
    t = next;
  }
  return sum / durationS;
}
