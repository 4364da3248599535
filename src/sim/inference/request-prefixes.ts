// Which shared prompt prefix each request of a stream carries: drawn by popularity (Zipf or
// uniform) over the stream's own prefixes, each with a length drawn once, or read from a trace's
// prefix_id / prefix_tokens columns. Prefix ids are numbered per service: a stream's generated
// prefixes get a block of their own, and trace prefix names are shared by the service's traces.
import type { RandomStream } from '../../engine/random.js';
import type { ResolvedStream } from '../../model/inference/resolve-services.js';
import { sample } from '../../scenario/distribution.js';

/** A set of generated prefixes: its first id and the tokens of each. */
interface PrefixSet {
  readonly base: number;
  readonly lengths: Float64Array;
}

/** A service's prefix ids: blocks for generated prefixes (one per stream, or per group of streams), one id per trace prefix name. */
export class PrefixIds {
  private next = 0;
  private readonly byName = new Map<string, number>();
  private readonly groups = new Map<string, PrefixSet>();

  /** The prefix set of a group, made by `make` for the first stream that asks. */
  group(name: string, make: () => PrefixSet): PrefixSet {
    let set = this.groups.get(name);
    if (set === undefined) {
      set = make();
      this.groups.set(name, set);
    }
    return set;
  }

  /** `n` fresh ids; the first is returned. */
  block(n: number): number {
    const first = this.next;
    this.next += n;
    return first;
  }

  named(name: string): number {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.next++;
      this.byName.set(name, id);
    }
    return id;
  }
}

/** The prefix of a request: its service-wide id (-1: none) and its tokens (part of the prompt). */
export interface PrefixOf {
  prefixId: number;
  prefixTokens: number;
}

/** One stream's prefixes. `assign` fills in the prefix of the stream's `made`-th request. */
export class StreamPrefixes {
  private readonly lengths: Float64Array;
  /** Cumulative Zipf weights by popularity rank (undefined: uniform). */
  private readonly cdf: Float64Array | undefined;
  private readonly base: number;
  private readonly fraction: number;
  private readonly traceIds: Int32Array | undefined;

  private constructor(
    private readonly stream: ResolvedStream,
    ids: PrefixIds,
    lengthRandom: () => RandomStream,
    groupLengthRandom: () => RandomStream,
    private readonly picks: RandomStream,
  ) {
    const px = stream.spec.prefixes;
    const trace = stream.trace?.prefixes;
    if (trace) {
      // A session's histories are the stream's own (NUL keeps them apart from shared prefix names).
      this.traceIds = Int32Array.from(trace.names, trace.sessions ? (n) => ids.named(`\u0000${stream.name}\u0000${n}`) : (n) => ids.named(n));
      this.lengths = new Float64Array(0);
      this.cdf = undefined;
      this.base = 0;
      this.fraction = 1;
      return;
    }
    this.traceIds = undefined;
    const n = px!.count;
    const make = (random: RandomStream): PrefixSet => {
      const base = ids.block(n);
      const lengths = new Float64Array(n);
      for (let k = 0; k < n; k++) lengths[k] = Math.max(1, Math.round(sample(px!.tokens, random)));
      return { base, lengths };
    };
    const set = px!.group === undefined ? make(lengthRandom()) : ids.group(px!.group, () => make(groupLengthRandom()));
    this.base = set.base;
    this.lengths = set.lengths;
    this.fraction = px!.fraction;
    if (px!.popularity === 'zipf') {
      const s = px!.zipf_exponent ?? 1;
      this.cdf = new Float64Array(n);
      let total = 0;
      for (let k = 0; k < n; k++) {
        total += 1 / Math.pow(k + 1, s);
        this.cdf[k] = total;
      }
    } else this.cdf = undefined;
  }

  /** The stream's prefixes, or undefined when its requests carry none. */
  static of(stream: ResolvedStream, ids: PrefixIds, random: (purpose: string) => RandomStream, service: string): StreamPrefixes | undefined {
    if (stream.spec.prefixes === undefined && stream.trace?.prefixes === undefined) return undefined;
    // Stream names hold no ':', so a group's stream never meets a stream's.
    const group = stream.spec.prefixes?.group;
    return new StreamPrefixes(
      stream,
      ids,
      () => random(`prefix-lengths:${service}:${stream.name}`),
      () => random(`prefix-lengths:${service}:group:${group}`),
      random(`prefixes:${service}:${stream.name}`),
    );
  }

  assign(made: number, out: PrefixOf): void {
    const tids = this.traceIds;
    if (tids !== undefined) {
      const t = this.stream.trace!.prefixes!;
      const k = t.index[made]!;
      out.prefixId = k < 0 ? -1 : tids[k]!;
      out.prefixTokens = k < 0 ? 0 : t.tokens[made]!;
      return;
    }
    if (this.fraction < 1 && this.picks.next() >= this.fraction) {
      out.prefixId = -1;
      out.prefixTokens = 0;
      return;
    }
    const n = this.lengths.length;
    let k: number;
    const cdf = this.cdf;
    if (cdf === undefined) k = this.picks.int(n);
    else {
      // The first rank whose cumulative weight exceeds u (binary search).
      const u = this.picks.next() * cdf[n - 1]!;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      k = lo;
    }
    out.prefixId = this.base + k;
    out.prefixTokens = this.lengths[k]!;
  }
}
