// One replica of a disaggregated service's prefill pool: a FIFO queue and prefill iterations only.
// At an iteration boundary the queue head is admitted while the iteration has a free slot
// (max_batch), its prompt tokens stay within max_batch_tokens (a longer prompt runs alone) and
// its prompt's KV fits next to the KV the replica still holds; the iteration takes prefillS of its
// prompt tokens and yields each request's first token. The prompt's KV stays on the replica until
// its transfer to the decode replica has arrived (releaseKv), as in DistServe and Splitwise,
// where the prefill instance keeps the cache until the decode instance has pulled it.
//
// Prefix caching, as on a colocated replica (replica.ts, prefix-cache.ts): a request whose shared
// prefix this replica holds on admission prefills only its other prompt tokens (at least one) and
// holds only their KV next to the shared entry; a prefix not held stays cached once prefilled. The
// whole prompt's KV still moves to the decode replica, which has no prefix cache of its own.
//
// Chunked prefill (vLLM's chunked-prefill scheduler on a prefill instance; Sarathi-Serve's chunks),
// when the service gives a token budget: every iteration takes at most `tokenBudget` prompt tokens,
// first the rest of the prompt still prefilling (admission order), then new queue heads while budget,
// batch slots and KV memory are left, the last one admitted possibly in part. A prompt longer than
// the budget prefills over several iterations; its first token comes, and its KV transfer starts,
// with its last chunk's. An iteration of n tokens that reads C tokens of KV (the prompts' cached
// prefixes and earlier chunks) takes mixedStepS(n, C), the roofline prefillS is the C = 0 case of.
// The whole prompt's KV is reserved on admission, as without chunks.
import type { Engine, ScheduledEvent } from '../../engine/engine.js';
import { causalPairs, mixedStepS, prefillS, type ReplicaTiming } from '../../model/inference/replica-model.js';
import type { ReplicaView } from '../../policy/balancers/types.js';
import type { Lease } from '../subsystem.js';
import { closeChunkIteration, type InferenceRequest } from './replica.js';
import { PrefixCache } from './prefix-cache.js';

/** What a prefill replica tells its service. */
export interface PrefillHost {
  readonly engine: Engine;
  /** The request's prompt is processed and its first token out at `nowS`; its KV is still held here. */
  prefillDone(req: InferenceRequest, replica: PrefillReplica): void;
  /** Tokens processed (prompt + the first generated one): 2 x params FLOPs each. */
  tokensProcessed(tokens: number, outputTokens: number): void;
  /** A request carrying a prefix was admitted: whether the replica held the prefix's KV (a hit). */
  prefixLookedUp(hit: boolean): void;
  /** A draining replica has nothing left: no request queued, in transit or prefilling, no prompt's KV held. */
  prefillDrained(replica: PrefillReplica): void;
  /**
   * Set when the service streams KV layer by layer: told at the start of the iteration that
   * completes `req`'s prompt, which ends at `endS`.
   */
  readonly lastIterationStarts?: ((req: InferenceRequest, replica: PrefillReplica, endS: number) => void) | undefined;
  /** The replica had a batch in flight (an iteration running) over [fromS, toS]: its devices drew busy power. */
  iterated?(replica: { readonly lease: Lease }, fromS: number, toS: number): void;
}

export class PrefillReplica implements ReplicaView {
  private readonly queue: InferenceRequest[] = [];
  private qHead = 0;
  private group: InferenceRequest[] = [];
  private busyNow = false;
  /** When the current run of iterations began (while busy). */
  private busySinceS = 0;
  /** Whether an iteration is running (busy power, reported to the host when the run of iterations ends; idle power otherwise). */
  private get busy(): boolean {
    return this.busyNow;
  }
  private set busy(b: boolean) {
    const now = this.host.engine.now;
    if (!this.busyNow && b) this.busySinceS = now;
    else if (this.busyNow && !b) this.host.iterated?.(this, this.busySinceS, now);
    this.busyNow = b;
  }

  /** At the end of the run: an iteration in flight drew busy power up to `endS`. */
  settleAt(endS: number): void {
    if (this.busyNow && endS > this.busySinceS) this.host.iterated?.(this, this.busySinceS, endS);
  }
  /** When the iteration in progress ends (while busy). */
  private iterationEndS = 0;
  /** Routed here, still on the network. */
  inTransit = 0;
  /** Prompt tokens of KV held: the iteration's and those whose transfer has not arrived yet (shared prefixes apart). */
  kvHeldTokens = 0;
  /** KV of shared prefixes kept in the memory the held prompts do not use. */
  readonly prefixCache = new PrefixCache();
  /** Prompt tokens of the requests routed here and not yet prefilled (kept by the service; the autoscaler reads it). */
  promptTokensWaiting = 0;
  /** Retired by the autoscaler: takes no new requests, and leaves once empty. */
  draining = false;
  /** Its devices failed: nothing more runs here. */
  failed = false;
  /** The end of the iteration in progress. */
  private event: ScheduledEvent | undefined = undefined;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly datacentre: number,
    readonly lease: Lease,
    readonly maxBatch: number,
    readonly maxBatchTokens: number,
    readonly timing: ReplicaTiming,
    private readonly host: PrefillHost,
    readonly capacityTokensPerS: number,
    /** Chunked prefill: tokens per iteration (Infinity: off, whole prompts within maxBatchTokens). */
    readonly tokenBudget = Infinity,
  ) {}

  /** The node the replica's devices are on. */
  get node(): number {
    return this.lease.placement.nodes[0]!;
  }

  get queued(): number {
    return this.queue.length - this.qHead + this.inTransit;
  }

  get running(): number {
    return this.group.length;
  }

  get outstanding(): number {
    return this.queued + this.running;
  }

  /** Nothing queued, in transit or prefilling, and no prompt's KV still waiting for its transfer (cached prefixes apart). */
  get empty(): boolean {
    return this.outstanding === 0 && this.kvHeldTokens === 0;
  }

  holdsPrefix(prefixId: number): boolean {
    return this.prefixCache.holds(prefixId);
  }

  get cachedPrefixTokens(): number {
    return this.prefixCache.cachedTokens;
  }

  /** A request carrying a prefix is routed here (balancers then see the prefix as held). */
  expectPrefix(req: InferenceRequest): void {
    if (req.prefixId >= 0) this.prefixCache.expect(req.prefixId);
  }

  /**
   * The earliest `req`'s first token could come, from now, if it were queued here: the iteration in
   * progress ends, then every prompt ahead and its own are prefilled one after another (in chunks of
   * the token budget when chunked, each as if without context): a lower bound, for admission control.
   */
  earliestFirstTokenS(req: InferenceRequest): number {
    const now = this.host.engine.now;
    let s = this.busy ? Math.max(0, this.iterationEndS - now) : 0;
    if (Number.isFinite(this.tokenBudget)) {
      // Attention pairs are spread over the chunks in proportion to their tokens.
      let tokens = req.promptTokens - this.cachedFor(req);
      let pairs = this.pairsFor(req);
      for (const r of this.group) {
        const left = r.promptTokens - r.cachedTokens - r.prefilledTokens - r.chunkTokens;
        tokens += left;
        pairs += causalPairs(left, r.promptTokens - left);
      }
      for (let i = this.qHead; i < this.queue.length; i++) {
        tokens += this.queue[i]!.promptTokens - this.cachedFor(this.queue[i]!);
        pairs += this.pairsFor(this.queue[i]!);
      }
      const cap = Math.max(1, this.tokenBudget);
      const full = Math.floor((tokens - 1) / cap);
      const rest = tokens - full * cap;
      return s + full * mixedStepS(this.timing, cap, 0, (pairs * cap) / tokens, cap) + mixedStepS(this.timing, rest, 0, (pairs * rest) / tokens, rest);
    }
    for (let i = this.qHead; i < this.queue.length; i++) s += prefillS(this.timing, this.queue[i]!.promptTokens - this.cachedFor(this.queue[i]!), this.pairsFor(this.queue[i]!));
    return s + prefillS(this.timing, req.promptTokens - this.cachedFor(req), this.pairsFor(req));
  }

  /** Attention pairs of `req`'s prefill here: its uncached tokens over its cached prefix. */
  private pairsFor(req: InferenceRequest): number {
    const cached = this.cachedFor(req);
    return causalPairs(req.promptTokens - cached, cached);
  }

  enqueue(req: InferenceRequest): void {
    const now = this.host.engine.now;
    req.atReplicaS = now;
    this.queue.push(req);
    if (!this.busy) this.startNext(now);
  }

  /** The KV of `req`'s prompt has reached its decode replica: the memory is free again (a shared prefix stays cached). */
  releaseKv(req: InferenceRequest): void {
    this.kvHeldTokens -= req.ownKvTokens;
    if (req.prefixEntry !== undefined) {
      this.prefixCache.release(req.prefixEntry);
      req.prefixEntry = undefined;
    }
    if (!this.busy) this.startNext(this.host.engine.now);
  }

  private startNext(now: number): void {
    if (Number.isFinite(this.tokenBudget)) this.startChunked(now);
    else this.startGroup(now);
    if (this.draining && !this.busy && this.empty) this.host.prefillDrained(this);
  }

  private startGroup(now: number): void {
    let tokens = 0;
    let pairs = 0;
    const group = this.group;
    while (this.qHead < this.queue.length && group.length < this.maxBatch) {
      const r = this.queue[this.qHead]!;
      const cached = this.cachedFor(r);
      if (group.length > 0 && tokens + r.promptTokens - cached > this.maxBatchTokens) break;
      if (!this.admitHead(now, cached)) break;
      tokens += r.promptTokens - cached;
      pairs += causalPairs(r.promptTokens - cached, cached);
    }
    this.compactQueue();
    if (group.length === 0) return;
    this.busy = true;
    const endS = now + prefillS(this.timing, tokens, pairs);
    this.iterationEndS = endS;
    this.event = this.host.engine.at(endS, this.onPrefillDone);
    const starts = this.host.lastIterationStarts;
    if (starts !== undefined) for (const r of group) starts(r, this, endS);
  }

  /** Prompt tokens of `r` whose KV this replica's prefix cache holds now (at most all but the last). */
  private cachedFor(r: InferenceRequest): number {
    const e = r.prefixId >= 0 ? this.prefixCache.usable(r.prefixId, r.prefixTokens) : undefined;
    return e === undefined ? 0 : Math.min(e.tokens, r.promptTokens - 1);
  }

  /**
   * Admit the queue head into the iteration if its own KV fits beside what the replica holds (`cached`:
   * its tokens the prefix cache holds, from cachedFor): reserve it, pin its cached prefix; false if it does not fit.
   */
  private admitHead(now: number, cached: number): boolean {
    const r = this.queue[this.qHead]!;
    const cache = this.prefixCache;
    const e = r.prefixId >= 0 ? cache.usable(r.prefixId, r.prefixTokens) : undefined;
    // Unpinned cache entries give way; a cached prefix the request uses is shared, not held again.
    const own = e === undefined ? r.promptTokens : r.promptTokens - e.tokens;
    if (this.kvHeldTokens + cache.pinnedTokens + (e !== undefined && e.refs === 0 ? e.tokens : 0) + own > this.timing.kvCapacityTokens) return false;
    this.qHead++;
    r.startS = now;
    if (r.prefixId >= 0) {
      // A session's first turn has no history to find.
      if (r.prefixTokens > 0) this.host.prefixLookedUp(e !== undefined);
      if (e !== undefined) {
        cache.pin(e);
        r.prefixEntry = e;
        r.cachedTokens = cached;
      }
    }
    r.ownKvTokens = own;
    this.kvHeldTokens += own;
    if (cache.cachedTokens > 0) cache.evictFor(this.kvHeldTokens, this.timing.kvCapacityTokens);
    this.group.push(r);
    return true;
  }

  /** Drop the admitted part of the queue now and then (amortised O(1) per request). */
  private compactQueue(): void {
    if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
      this.queue.splice(0, this.qHead);
      this.qHead = 0;
    }
  }

  /** Chunked prefill: an iteration of at most tokenBudget tokens, the prompt in progress first. */
  private startChunked(now: number): void {
    const group = this.group;
    let left = this.tokenBudget;
    let tokens = 0;
    let context = 0;
    let pairs = 0;
    for (const r of group) {
      const c = Math.min(r.promptTokens - r.cachedTokens - r.prefilledTokens, left);
      r.chunkTokens = c;
      left -= c;
      tokens += c;
      context += r.cachedTokens + r.prefilledTokens;
      pairs += causalPairs(c, r.cachedTokens + r.prefilledTokens);
    }
    while (left > 0 && this.qHead < this.queue.length && group.length < this.maxBatch) {
      const r = this.queue[this.qHead]!;
      const cached = this.cachedFor(r);
      if (!this.admitHead(now, cached)) break;
      r.prefilledTokens = 0;
      const c = Math.min(r.promptTokens - cached, left);
      r.chunkTokens = c;
      left -= c;
      tokens += c;
      context += cached;
      pairs += causalPairs(c, cached);
    }
    this.compactQueue();
    if (group.length === 0) return;
    this.busy = true;
    const endS = now + mixedStepS(this.timing, tokens, context, pairs, tokens);
    this.iterationEndS = endS;
    this.event = this.host.engine.at(endS, this.onChunkDone);
    const starts = this.host.lastIterationStarts;
    if (starts !== undefined) for (const r of group) if (r.cachedTokens + r.prefilledTokens + r.chunkTokens >= r.promptTokens) starts(r, this, endS);
  }

  /** A chunked iteration is over: the prompts whose last chunk it ran have their first token; the others stay. */
  private readonly onChunkDone = (): void => {
    const now = this.host.engine.now;
    this.event = undefined;
    const done: InferenceRequest[] = [];
    const tokens = closeChunkIteration(this.group, now, (r) => {
      if (r.prefixId >= 0) this.keepPrefix(r);
      done.push(r);
    });
    this.host.tokensProcessed(tokens, done.length);
    for (const r of done) this.host.prefillDone(r, this);
    this.busy = false;
    this.startNext(now);
  };

  private readonly onPrefillDone = (): void => {
    const now = this.host.engine.now;
    this.event = undefined;
    const group = this.group;
    this.group = [];
    let tokens = 0;
    for (const r of group) {
      r.firstTokenS = now;
      tokens += r.promptTokens - r.cachedTokens + 1;
      if (r.prefixId >= 0) this.keepPrefix(r);
    }
    this.host.tokensProcessed(tokens, group.length);
    // Still busy while the service starts transfers (a KV released at once must not start a second iteration).
    for (const r of group) this.host.prefillDone(r, this);
    this.busy = false;
    this.startNext(now);
  };

  /**
   * The replica's devices failed: stop at once, take back the prompt chunks it counted for the
   * prompts it was prefilling, and hand back the requests queued or prefilling here, in arrival order
   * (requests on their way here come back on arrival; prompts prefilled here whose KV had not left
   * are the service's to take back).
   */
  abandon(): InferenceRequest[] {
    this.failed = true;
    if (this.event !== undefined) this.host.engine.cancel(this.event);
    this.event = undefined;
    this.busy = false; // reports the busy time so far
    let tokens = 0;
    if (Number.isFinite(this.tokenBudget)) for (const r of this.group) tokens += r.prefilledTokens;
    if (tokens > 0) this.host.tokensProcessed(-tokens, 0);
    const held = [...this.queue.slice(this.qHead), ...this.group];
    this.queue.length = 0;
    this.qHead = 0;
    this.group = [];
    return held;
  }

  /** After `r`'s prefill: a prefix not cached here yet stays, its KV moved from r's holding into the cache. */
  private keepPrefix(r: InferenceRequest): void {
    const cache = this.prefixCache;
    cache.arrived(r.prefixId);
    if (r.prefixEntry === undefined && cache.get(r.prefixId) === undefined) {
      r.prefixEntry = cache.insert(r.prefixId, r.prefixTokens);
      r.ownKvTokens -= r.prefixTokens;
      this.kvHeldTokens -= r.prefixTokens;
    }
    const e = r.prefixEntry;
    if (r.session && e !== undefined && r.promptTokens > e.tokens) {
      // The session's prompt KV stays for its next turn (its output's is on the decode replica).
      const delta = r.promptTokens - e.tokens;
      cache.grow(e, r.promptTokens);
      r.ownKvTokens -= delta;
      this.kvHeldTokens -= delta;
    }
  }
}
