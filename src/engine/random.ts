// Seeded random streams, one per purpose, derived from the scenario seed, so that adding a
// consumer (a failure model, say) never changes what another stream draws.
import seedrandom from 'seedrandom';

export class RandomStream {
  private readonly rng: () => number;
  private spareNormal: number | undefined;

  constructor(
    private readonly seed: number | string,
    private readonly purpose: string,
  ) {
    this.rng = seedrandom.alea(`poolsim:${seed}:${purpose}`);
  }

  /** A stream for a sub-purpose (`purpose/sub`): independent of this one, which draws nothing for it. */
  fork(sub: string): RandomStream {
    return new RandomStream(this.seed, `${this.purpose}/${sub}`);
  }

  /** Uniform on [0, 1). */
  next(): number {
    return this.rng();
  }

  /** Uniform on (0, 1]: safe under log(). */
  nextOpen(): number {
    return 1 - this.rng();
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.rng();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.rng() * n);
  }

  exponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }

  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    const u = this.nextOpen();
    const v = this.rng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal given the mean and sigma of the underlying normal. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Weibull with shape k and scale lambda. */
  weibull(shape: number, scale: number): number {
    return scale * Math.pow(-Math.log(this.nextOpen()), 1 / shape);
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(this.nextOpen(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** An element chosen uniformly; optional weights (non-negative, not all zero). */
  pick<T>(items: readonly T[], weights?: readonly number[]): T {
    if (!weights) return items[this.int(items.length)]!;
    let total = 0;
    for (const w of weights) total += w;
    let r = this.rng() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }
}

/** The named streams of one simulation, created on first use. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();
  constructor(readonly seed: number) {}

  stream(purpose: string): RandomStream {
    let s = this.streams.get(purpose);
    if (!s) {
      s = new RandomStream(this.seed, purpose);
      this.streams.set(purpose, s);
    }
    return s;
  }
}
