// Arrival processes of inference request streams: Poisson, gamma (bursty with a given CV), on/off,
// diurnal (non-homogeneous Poisson by thinning, Lewis and Shedler 1979) and trace replay, plus
// the token counts of each request. Each stream draws from its own seeded random streams.
import type { RandomStream } from '../../engine/random.js';
import type { ResolvedStream } from '../../model/inference/resolve-services.js';
import { sample } from '../../scenario/distribution.js';
import type { StreamPrefixes } from './request-prefixes.js';

const HOUR_S = 3600;
const DAY_S = 86400;

/** Arrival rate of a diurnal stream at time `tS` (simulated time 0 is midnight). */
export function diurnalRate(a: { hourly?: readonly number[] | undefined; peak?: number | undefined; trough?: number | undefined; peak_hour: number }, tS: number): number {
  const hourOfDay = ((tS % DAY_S) + DAY_S) % DAY_S / HOUR_S;
  if (a.hourly) return a.hourly[Math.floor(hourOfDay)]!;
  const trough = a.trough ?? 0;
  return trough + (a.peak! - trough) * (1 + Math.cos((2 * Math.PI * (hourOfDay - a.peak_hour)) / 24)) / 2;
}

/** Mean arrival rate over a day (or the stream's rate for stationary processes). */
export function meanRate(stream: ResolvedStream): number {
  const a = stream.spec.arrival;
  switch (a.process) {
    case 'poisson':
    case 'gamma':
      return a.rate;
    case 'on-off':
      return (a.rate * a.on) / (a.on + a.off);
    case 'diurnal':
      return a.hourly ? a.hourly.reduce((s, x) => s + x, 0) / 24 : ((a.trough ?? 0) + a.peak!) / 2;
    case 'trace': {
      const t = stream.trace!.timeS;
      return t.length > 1 ? (t.length - 1) / (t[t.length - 1]! - t[0]!) : 0;
    }
  }
}

/** One request's sizes, and its shared prompt prefix (id -1 and 0 tokens: none). */
export interface RequestSizes {
  promptTokens: number;
  outputTokens: number;
  prefixId: number;
  prefixTokens: number;
}

/**
 * Generates a stream's arrival times one at a time (next() returns Infinity when it is done) and
 * the sizes of the request that arrived last.
 */
export class ArrivalProcess {
  private made = 0;
  private onEndS = 0;
  private readonly limitS: number;
  private readonly maxRate: number;
  readonly sizes: RequestSizes = { promptTokens: 0, outputTokens: 0, prefixId: -1, prefixTokens: 0 };

  constructor(
    private readonly stream: ResolvedStream,
    private readonly arrivals: RandomStream,
    private readonly tokens: RandomStream,
    horizonS: number,
    /** The stream's shared prefixes (drawn from their own random streams), if its requests carry any. */
    private readonly prefixes: StreamPrefixes | undefined = undefined,
  ) {
    const spec = stream.spec;
    this.limitS = Math.min(spec.until ?? Infinity, horizonS);
    const a = spec.arrival;
    this.maxRate = a.process === 'diurnal' ? (a.hourly ? Math.max(...a.hourly) : a.peak!) : 0;
    if (a.process === 'on-off') this.onEndS = spec.start + arrivals.exponential(a.on);
  }

  /** The first arrival time, or Infinity. */
  first(): number {
    const a = this.stream.spec.arrival;
    if (a.process === 'trace') return this.check(this.stream.spec.start + (this.stream.trace!.timeS[0] ?? Infinity));
    return this.next(this.stream.spec.start);
  }

  /** The arrival after one at `tS` (the first after the stream's start); Infinity when done. */
  next(tS: number): number {
    const spec = this.stream.spec;
    if (spec.count !== undefined && this.made >= spec.count) return Infinity;
    const a = spec.arrival;
    const rng = this.arrivals;
    let t = tS;
    switch (a.process) {
      case 'poisson':
        t += rng.exponential(1 / a.rate);
        break;
      case 'gamma': {
        const shape = 1 / (a.cv * a.cv);
        t += rng.gamma(shape, 1 / (a.rate * shape));
        break;
      }
      case 'on-off':
        // Memoryless within an on period: a draw past its end restarts after the next off period.
        for (;;) {
          const c = t + rng.exponential(1 / a.rate);
          if (c < this.onEndS) {
            t = c;
            break;
          }
          t = this.onEndS + rng.exponential(a.off);
          this.onEndS = t + rng.exponential(a.on);
          if (t >= this.limitS) return Infinity;
        }
        break;
      case 'diurnal':
        // Thinning: candidates at the peak rate, each kept with probability rate(t) / peak.
        for (;;) {
          t += rng.exponential(1 / this.maxRate);
          if (t >= this.limitS) return Infinity;
          if (rng.next() * this.maxRate < diurnalRate(a, t)) break;
        }
        break;
      case 'trace': {
        const times = this.stream.trace!.timeS;
        t = this.made < times.length ? spec.start + times[this.made]! : Infinity;
        break;
      }
    }
    return this.check(t);
  }

  private check(t: number): number {
    return t < this.limitS ? t : Infinity;
  }

  /** Count the arrival and draw its sizes (into `this.sizes`). */
  arrive(): RequestSizes {
    const spec = this.stream.spec;
    const trace = this.stream.trace;
    if (trace) {
      this.sizes.promptTokens = trace.promptTokens[this.made]!;
      this.sizes.outputTokens = trace.outputTokens[this.made]!;
    } else {
      this.sizes.promptTokens = Math.max(1, Math.round(sample(spec.prompt_tokens, this.tokens)));
      this.sizes.outputTokens = Math.max(1, Math.round(sample(spec.output_tokens, this.tokens)));
    }
    this.prefixes?.assign(this.made, this.sizes);
    this.made++;
    return this.sizes;
  }
}
