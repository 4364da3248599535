// One serving replica with continuous batching (iteration-level scheduling, Orca / vLLM): a FIFO
// queue, a running batch of at most max_batch sequences whose reserved KV cache fits the replica,
// prefill iterations for newly admitted requests, and decode iterations timed in closed form
// between batch changes, so the engine sees one event per batch change, never one per step.
//
// Scheduling, as vLLM's default (non-chunked) scheduler does it: at an iteration boundary the
// queue head is admitted while the batch has a free slot and the head's whole KV need (prompt +
// output tokens) fits next to what the running sequences reserved; newly admitted requests get
// one prefill iteration (running sequences pause for it) that also yields their first token;
// then everyone decodes one token per step. Strict FIFO: a head that does not fit blocks those
// behind it. Reserving the full output length up front means a replica never exceeds its KV
// cache and never preempts a sequence (vLLM instead allocates pages lazily and swaps or
// recomputes on overflow; reservation is the conservative bound).
//
// A decode-only replica (the decode pool of a disaggregated service) receives requests whose
// prefill ran elsewhere and whose KV cache has arrived: they join the running batch at the next
// iteration boundary with no prefill iteration, and generate their remaining output tokens.
//
// Prefix caching (prefix-cache.ts): a request carrying a shared prefix whose KV the replica holds
// when it is admitted reuses it: only its other prompt tokens are prefilled (at least one: the last
// prompt token is always computed, for its logits, as vLLM does), and its reservation leaves out the
// prefix, which it shares. A request whose prefix was not held leaves it in the cache once prefilled.
//
// Chunked prefill (Sarathi-Serve, Agrawal et al. 2024; vLLM's chunked-prefill scheduler), when the
// replica has a token budget: while any admitted prompt is still prefilling, every iteration is a
// mixed one of at most `tokenBudget` tokens: one per decoding sequence first, then chunks of the
// prefilling prompts in admission order, then new queue heads (admitted as above) while budget is
// left. A prompt of P tokens to prefill next to b decodes takes ceil(P / (budget - b)) iterations
// when alone; its first token comes with its last chunk's iteration, and the decodes produce a token
// every iteration instead of pausing for a whole prefill. An iteration of n tokens reading C tokens
// of KV (the decodes' contexts, the prefilling prompts' cached prefixes and earlier chunks) takes
// mixedStepS(n, C), the same roofline. With no prompt prefilling, decoding runs in closed-form
// segments as without a budget. The KV of a whole request is still reserved on admission.
import type { ScheduledEvent, Engine } from '../../engine/engine.js';
import { causalPairs, DecodeSegment, decodeStepS, mixedStepS, prefillS, type ReplicaTiming } from '../../model/inference/replica-model.js';
import type { ReplicaView } from '../../policy/balancers/types.js';
import type { Lease, TransferHandle } from '../subsystem.js';
import { PrefixCache, type PrefixEntry } from './prefix-cache.js';
import type { PrefillReplica } from './prefill-replica.js';

/** A request in flight. */
export class InferenceRequest {
  replica: Replica | undefined = undefined;
  /** When it reached the replica's queue (arrival + one-way latency); the prefill replica's when disaggregated. NaN while on its way. */
  atReplicaS = Number.NaN;
  /** Disaggregated: the decode replica chosen at arrival, and when the KV cache reached it. */
  decodeReplica: Replica | undefined = undefined;
  kvReadyS = Number.NaN;
  /** Disaggregated: the prefill replica's site (the first token leaves from there), and the replica. */
  prefillDc = -1;
  prefillReplica: PrefillReplica | undefined = undefined;
  /** Disaggregated: stops the KV transfer to the decode replica while it is under way (its arrival never comes). */
  kvSend: (() => void) | undefined = undefined;
  /** Disaggregated: when the prefill replica finished (the KV transfer starts then). */
  prefillDoneS = Number.NaN;
  startS = Number.NaN;
  firstTokenS = Number.NaN;
  finishS = Number.NaN;
  /** Replica step count at which it joined the decode batch, and at which its last token is out. */
  joinStep = 0;
  finishStep = 0;
  /** Prompt tokens whose KV came from the prefix cache of the replica that prefilled it (not computed). */
  cachedTokens = 0;
  /** KV tokens reserved for it alone on its replica: prompt + output, less a cached prefix it shares. */
  ownKvTokens = 0;
  /** The prefix-cache entry it uses on the replica that prefilled it (pinned until it lets go). */
  prefixEntry: PrefixEntry | undefined = undefined;
  /** Chunked prefill: prompt tokens computed so far (the cached ones apart), and in the iteration in progress. */
  prefilledTokens = 0;
  chunkTokens = 0;
  /** Layer-wise KV streaming: the transfer of its first layers' KV, started with its last prefill iteration, and when. */
  kvStream: TransferHandle | undefined = undefined;
  kvStreamStartS = Number.NaN;
  /** Its place in its service's list of requests in flight (SloTally), -1 when not in it. */
  liveSlot = -1;

  constructor(
    readonly id: number,
    readonly stream: number,
    readonly arrivalS: number,
    readonly promptTokens: number,
    readonly outputTokens: number,
    readonly latencyS: readonly number[],
    /** Shared prompt prefix: its service-wide id (-1: none) and tokens (part of the prompt). */
    readonly prefixId = -1,
    readonly prefixTokens = 0,
    /**
     * The prefix is a session's conversation so far (multi-turn traces): the replica that serves this
     * turn keeps its KV under the session's id afterwards (prompt + output; the prompt on a prefill replica).
     */
    readonly session = false,
  ) {}

  /** Its replica failed: it starts over, routed again, with nothing of its progress kept (its arrival stays). */
  resetForRetry(): void {
    this.replica = undefined;
    this.atReplicaS = Number.NaN;
    this.startS = Number.NaN;
    this.firstTokenS = Number.NaN;
    this.joinStep = 0;
    this.finishStep = 0;
    this.cachedTokens = 0;
    this.ownKvTokens = 0;
    this.prefixEntry = undefined;
    this.prefilledTokens = 0;
    this.chunkTokens = 0;
    this.decodeReplica = undefined;
    this.kvReadyS = Number.NaN;
    this.prefillDc = -1;
    this.prefillReplica = undefined;
    this.prefillDoneS = Number.NaN;
    this.kvSend = undefined;
    this.kvStream = undefined;
    this.kvStreamStartS = Number.NaN;
    this.retries++;
  }

  /** Times its replica failed under it. */
  retries = 0;

  /** Its output was cut where prompt + output reach the model's context length (ServiceArrivals). */
  capped = false;

  /** KV tokens reserved for it on admission. */
  get kvTokens(): number {
    return this.promptTokens + this.outputTokens;
  }
}

/** What a replica tells its service. */
export interface ReplicaHost {
  readonly engine: Engine;
  /** The request's last token is out at `nowS` (first token and start are already set). */
  requestDone(req: InferenceRequest, replica: Replica): void;
  /** Tokens processed (prompt + generated): 2 x params FLOPs each. */
  tokensProcessed(tokens: number, outputTokens: number): void;
  /** A draining replica has nothing left to do. */
  drained(replica: Replica): void;
  /** A request carrying a prefix was admitted: whether the replica held the prefix's KV (a hit). */
  prefixLookedUp(hit: boolean): void;
  /** Called after every change of state (tests check invariants here). */
  readonly onChange: ((r: Replica) => void) | undefined;
  /** The replica had a batch in flight (an iteration running) over [fromS, toS]: its devices drew busy power. */
  iterated?(replica: { readonly lease: Lease }, fromS: number, toS: number): void;
}

const IDLE = 0;
const PREFILL = 1;
const DECODE = 2;

export class Replica implements ReplicaView {
  readonly queue: InferenceRequest[] = [];
  private qHead = 0;
  readonly batch: InferenceRequest[] = [];
  private prefillGroup: InferenceRequest[] = [];
  /** Routed here, still on the network. */
  inTransit = 0;
  /** Decode steps done since the replica started (exact integer). */
  stepsDone = 0;
  /** Sum over the batch of (prompt + 1 - joinStep): total context = sumBase + batch x stepsDone. */
  private sumBase = 0;
  /** KV tokens reserved by the batch and the prefill group. */
  kvReservedTokens = 0;
  /** KV tokens (prompt + output) of the queued requests, reserved on their admission. */
  private queuedKvTokens = 0;
  serving = false;
  draining = false;
  private phaseNow = IDLE;
  /** When the current run of iterations began (while not IDLE). */
  private busySinceS = 0;
  /** IDLE (no batch in flight: idle power) or an iteration running (busy power, reported to the host when it ends). */
  private get phase(): number {
    return this.phaseNow;
  }
  private set phase(p: number) {
    const now = this.engine().now;
    if (this.phaseNow === IDLE && p !== IDLE) this.busySinceS = now;
    else if (this.phaseNow !== IDLE && p === IDLE) this.host.iterated?.(this, this.busySinceS, now);
    this.phaseNow = p;
  }
  private readonly seg = new DecodeSegment();
  private segStartS = 0;
  private segSteps0 = 0;
  /** Steps after segStartS at which the pending decode event fires. */
  private eventSteps = 0;
  private event: ScheduledEvent | undefined = undefined;
  readonly capacityTokensPerS: number;
  /** KV of shared prefixes kept in the memory the batch does not reserve. */
  readonly prefixCache = new PrefixCache();

  constructor(
    readonly id: number,
    readonly name: string,
    readonly datacentre: number,
    readonly lease: Lease,
    readonly maxBatch: number,
    readonly timing: ReplicaTiming,
    private readonly host: ReplicaHost,
    capacityTokensPerS: number,
    /** Requests arrive with their KV cache (prefilled elsewhere) and only decode here. */
    readonly decodeOnly = false,
    /** Chunked prefill: tokens per iteration (Infinity: off, a prompt prefills in one iteration). */
    readonly tokenBudget = Infinity,
  ) {
    this.capacityTokensPerS = capacityTokensPerS;
    this.chunked = Number.isFinite(tokenBudget) && !decodeOnly;
  }

  private readonly chunked: boolean;

  get kvCapacityTokens(): number {
    return this.timing.kvCapacityTokens;
  }

  holdsPrefix(prefixId: number): boolean {
    return this.prefixCache.holds(prefixId);
  }

  get cachedPrefixTokens(): number {
    return this.prefixCache.cachedTokens;
  }

  /** Prompt tokens `req` would prefill if admitted now (its prefix skipped when cached). */
  private prefillTokensNow(req: InferenceRequest): number {
    if (req.prefixId < 0) return req.promptTokens;
    const e = this.prefixCache.usable(req.prefixId, req.prefixTokens);
    return e === undefined ? req.promptTokens : req.promptTokens - Math.min(e.tokens, req.promptTokens - 1);
  }

  /**
   * The earliest this replica could give `req` its first token, from now (s): every queued prompt
   * prefilled before it, then its own prefill; the decode step in progress, if any, first. A lower
   * bound: it ignores waits for a batch slot or for KV space, and requests still in transit.
   */
  earliestFirstTokenS(req: InferenceRequest): number {
    let s = this.phase === IDLE ? 0 : decodeStepS(this.timing, Math.max(1, this.running), this.kvUsedTokens());
    if (this.chunked) {
      // Every prompt ahead and its own, in chunks of what the budget leaves next to today's decodes.
      // Attention pairs are spread over the chunks in proportion to their tokens.
      let tokens = this.prefillTokensNow(req);
      let pairs = this.pairsNow(req);
      for (const r of this.prefillGroup) {
        const left = r.promptTokens - r.cachedTokens - r.prefilledTokens - r.chunkTokens;
        tokens += left;
        pairs += causalPairs(left, r.promptTokens - left);
      }
      for (let i = this.qHead; i < this.queue.length; i++) {
        tokens += this.prefillTokensNow(this.queue[i]!);
        pairs += this.pairsNow(this.queue[i]!);
      }
      const b = this.batch.length;
      const cap = Math.max(1, this.tokenBudget - b);
      const used = this.kvUsedTokens();
      const full = Math.floor((tokens - 1) / cap);
      const rest = tokens - full * cap;
      return s + full * mixedStepS(this.timing, b + cap, used, (pairs * cap) / tokens, cap) + mixedStepS(this.timing, b + rest, used, (pairs * rest) / tokens, rest);
    }
    for (let i = this.qHead; i < this.queue.length; i++) s += prefillS(this.timing, this.prefillTokensNow(this.queue[i]!), this.pairsNow(this.queue[i]!));
    return s + prefillS(this.timing, this.prefillTokensNow(req), this.pairsNow(req));
  }

  /** Attention pairs of `req`'s prefill if admitted now: its uncached tokens over its cached prefix. */
  private pairsNow(req: InferenceRequest): number {
    const n = this.prefillTokensNow(req);
    return causalPairs(n, req.promptTokens - n);
  }

  /** The time per output token `req` would see at best: one decode step of the batch with it added. */
  bestTimePerTokenS(req: InferenceRequest): number {
    return decodeStepS(this.timing, Math.min(this.maxBatch, this.running + 1), this.kvUsedTokens() + req.promptTokens);
  }

  get queued(): number {
    return this.queue.length - this.qHead + this.inTransit;
  }

  get running(): number {
    return this.batch.length + this.prefillGroup.length;
  }

  get outstanding(): number {
    return this.queued + this.running;
  }

  /** True when nothing is queued, in transit or running. */
  get empty(): boolean {
    return this.outstanding === 0;
  }

  /** Tokens of KV cache in use now (prompts plus tokens generated so far), up to the last finished step. */
  kvUsedTokens(): number {
    let used = this.sumBase + this.batch.length * this.stepsDone;
    if (this.phase === DECODE) used += this.batch.length * this.seg.stepsWithin(this.host.engine.now - this.segStartS);
    if (this.chunked) for (const r of this.prefillGroup) used += r.cachedTokens + r.prefilledTokens;
    else for (const r of this.prefillGroup) used += r.promptTokens;
    return used;
  }

  /**
   * KV the replica is asked for (autoscaler.ts): reserved by its sequences, and wanted by the requests
   * in its queue (on a decode replica, those whose KV has arrived; not those still prefilling elsewhere).
   */
  kvDemandTokens(): number {
    return this.kvReservedTokens + this.queuedKvTokens;
  }

  /** A request routed here reaches the replica. */
  enqueue(req: InferenceRequest): void {
    const now = this.host.engine.now;
    this.queuedKvTokens += req.kvTokens;
    if (this.decodeOnly) req.kvReadyS = now;
    else req.atReplicaS = now;
    this.queue.push(req);
    if (this.phase === IDLE) this.startNext(now);
    else if (this.phase === DECODE && this.queue.length - this.qHead === 1 && this.headFits()) this.admitAtNextBoundary(now);
    this.host.onChange?.(this);
  }

  private headFits(): boolean {
    if (this.qHead >= this.queue.length) return false;
    if (this.batch.length + this.prefillGroup.length >= this.maxBatch) return false;
    const head = this.queue[this.qHead]!;
    const cache = this.prefixCache;
    // Unpinned cache entries give way on admission; a cached prefix the head would use is shared.
    const e = head.prefixId >= 0 && !this.decodeOnly ? cache.usable(head.prefixId, head.prefixTokens) : undefined;
    if (e === undefined) return this.kvReservedTokens + cache.pinnedTokens + head.kvTokens <= this.timing.kvCapacityTokens;
    return this.kvReservedTokens + cache.pinnedTokens + (e.refs === 0 ? e.tokens : 0) + head.kvTokens - e.tokens <= this.timing.kvCapacityTokens;
  }

  /** Reserve `r`'s KV on admission, sharing its prefix when cached here; evict what no longer fits. */
  private reserve(r: InferenceRequest): void {
    let own = r.kvTokens;
    this.queuedKvTokens -= own;
    const cache = this.prefixCache;
    if (r.prefixId >= 0 && !this.decodeOnly) {
      const e = cache.usable(r.prefixId, r.prefixTokens);
      // A session's first turn has no history to find.
      if (r.prefixTokens > 0) this.host.prefixLookedUp(e !== undefined);
      if (e !== undefined) {
        cache.pin(e);
        r.prefixEntry = e;
        own -= e.tokens;
        r.cachedTokens = Math.min(e.tokens, r.promptTokens - 1);
      }
    }
    r.ownKvTokens = own;
    this.kvReservedTokens += own;
    if (cache.cachedTokens > 0) cache.evictFor(this.kvReservedTokens, this.timing.kvCapacityTokens);
  }

  /** A request carrying a prefix is routed here (balancers then see the prefix as held). */
  expectPrefix(req: InferenceRequest): void {
    if (req.prefixId >= 0 && !this.decodeOnly) this.prefixCache.expect(req.prefixId);
  }

  /** Admit from the queue at the end of the decode step in progress (iteration-level scheduling). */
  private admitAtNextBoundary(now: number): void {
    const elapsed = now - this.segStartS;
    const k = this.seg.stepsWithin(elapsed);
    const target = this.segStartS + this.seg.timeOf(k) >= now ? k : k + 1;
    if (target >= this.eventSteps) return; // a completion comes first and admits then
    this.engine().cancel(this.event);
    this.eventSteps = target;
    this.event = this.engine().at(Math.max(now, this.segStartS + this.seg.timeOf(target)), this.onDecodeBoundary);
  }

  private engine(): Engine {
    return this.host.engine;
  }

  /** At an iteration boundary with nothing in flight: prefill the admissible queue head, or decode. */
  private startNext(now: number): void {
    if (this.chunked ? this.startMixed(now) : this.admitGroup(now)) return;
    this.startSegment(now);
  }

  /** Drop the admitted part of the queue now and then (amortised O(1) per request). */
  private compactQueue(): void {
    if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
      this.queue.splice(0, this.qHead);
      this.qHead = 0;
    }
  }

  /**
   * Chunked prefill: when a prompt is prefilling or the queue head can be admitted, start a mixed
   * iteration (the batch's decodes, then prompt chunks up to the token budget); false when there is
   * no prefill to do (the batch then decodes in a closed-form segment).
   */
  private startMixed(now: number): boolean {
    const b = this.batch.length;
    let left = this.tokenBudget - b;
    let tokens = b;
    let context = this.sumBase + b * this.stepsDone;
    let pairs = 0;
    const group = this.prefillGroup;
    for (const r of group) {
      const c = Math.min(r.promptTokens - r.cachedTokens - r.prefilledTokens, left);
      r.chunkTokens = c;
      left -= c;
      tokens += c;
      context += r.cachedTokens + r.prefilledTokens;
      pairs += causalPairs(c, r.cachedTokens + r.prefilledTokens);
    }
    while (left > 0 && this.headFits()) {
      const r = this.queue[this.qHead++]!;
      r.startS = now;
      this.reserve(r);
      r.prefilledTokens = 0;
      const c = Math.min(r.promptTokens - r.cachedTokens, left);
      r.chunkTokens = c;
      left -= c;
      tokens += c;
      context += r.cachedTokens;
      pairs += causalPairs(c, r.cachedTokens);
      group.push(r);
    }
    this.compactQueue();
    if (group.length === 0) return false;
    this.phase = PREFILL;
    this.event = this.engine().at(now + mixedStepS(this.timing, tokens, context, pairs, tokens - b), this.onMixedDone);
    return true;
  }

  private readonly onMixedDone = (): void => {
    const now = this.engine().now;
    this.event = undefined;
    const b = this.batch.length;
    if (b > 0) {
      this.stepsDone++;
      this.host.tokensProcessed(b, b);
      this.retireFinished(now);
    }
    let firsts = 0;
    const tokens = closeChunkIteration(this.prefillGroup, now, (r) => {
      firsts++;
      if (r.prefixId >= 0) this.keepPrefix(r);
      if (r.outputTokens <= 1) this.finish(r, now);
      else this.joinBatch(r);
    });
    this.host.tokensProcessed(tokens, firsts);
    this.startNext(now);
    this.host.onChange?.(this);
  };

  /** A request with its first token out joins the decode batch. */
  private joinBatch(r: InferenceRequest): void {
    r.joinStep = this.stepsDone;
    r.finishStep = this.stepsDone + r.outputTokens - 1;
    this.sumBase += r.promptTokens + 1 - this.stepsDone;
    this.batch.push(r);
  }

  /** Retire the sequences whose last token is out (swap-remove; the batch's order does not matter). */
  private retireFinished(now: number): void {
    const batch = this.batch;
    for (let i = 0; i < batch.length; ) {
      const r = batch[i]!;
      if (r.finishStep <= this.stepsDone) {
        this.sumBase -= r.promptTokens + 1 - r.joinStep;
        const last = batch.pop()!;
        if (last !== r) batch[i] = last;
        this.finish(r, now);
      } else i++;
    }
  }

  private admitGroup(now: number): boolean {
    let tokens = 0;
    let pairs = 0;
    const group = this.prefillGroup;
    if (this.decodeOnly) {
      // Prefilled elsewhere: join the batch now, first token already out.
      while (this.headFits()) {
        const r = this.queue[this.qHead++]!;
        this.reserve(r);
        r.joinStep = this.stepsDone;
        r.finishStep = this.stepsDone + r.outputTokens - 1;
        this.sumBase += r.promptTokens + 1 - this.stepsDone;
        this.batch.push(r);
      }
    } else {
      while (this.headFits()) {
        const r = this.queue[this.qHead++]!;
        r.startS = now;
        this.reserve(r);
        tokens += r.promptTokens - r.cachedTokens;
        pairs += causalPairs(r.promptTokens - r.cachedTokens, r.cachedTokens);
        group.push(r);
      }
    }
    this.compactQueue();
    if (group.length === 0) return false;
    this.phase = PREFILL;
    this.event = this.engine().at(now + prefillS(this.timing, tokens, pairs), this.onPrefillDone);
    return true;
  }

  private readonly onPrefillDone = (): void => {
    const now = this.engine().now;
    const group = this.prefillGroup;
    this.prefillGroup = [];
    let tokens = 0;
    for (const r of group) {
      r.firstTokenS = now;
      tokens += r.promptTokens - r.cachedTokens + 1;
      if (r.prefixId >= 0) this.keepPrefix(r);
      if (r.outputTokens <= 1) this.finish(r, now);
      else {
        r.joinStep = this.stepsDone;
        r.finishStep = this.stepsDone + r.outputTokens - 1;
        this.sumBase += r.promptTokens + 1 - this.stepsDone;
        this.batch.push(r);
      }
    }
    this.host.tokensProcessed(tokens, group.length);
    this.startNext(now);
    this.host.onChange?.(this);
  };

  /** Decode the batch from now until its first completion (or an admission boundary). */
  private startSegment(now: number): void {
    const b = this.batch.length;
    if (b === 0) {
      this.phase = IDLE;
      this.event = undefined;
      if (this.draining && this.empty) this.host.drained(this);
      return;
    }
    this.phase = DECODE;
    this.segStartS = now;
    this.segSteps0 = this.stepsDone;
    this.seg.reset(this.timing, b, this.sumBase + b * this.stepsDone);
    let minFinish = Infinity;
    for (let i = 0; i < b; i++) if (this.batch[i]!.finishStep < minFinish) minFinish = this.batch[i]!.finishStep;
    this.eventSteps = minFinish - this.stepsDone;
    this.event = this.engine().at(now + this.seg.timeOf(this.eventSteps), this.onDecodeBoundary);
  }

  private readonly onDecodeBoundary = (): void => {
    const now = this.engine().now;
    this.event = undefined;
    const steps = this.eventSteps;
    const b = this.batch.length;
    this.stepsDone = this.segSteps0 + steps;
    this.host.tokensProcessed(b * steps, b * steps);
    this.retireFinished(now);
    this.startNext(now);
    this.host.onChange?.(this);
  };

  /** After `r`'s prefill: a prefix not cached here yet stays, its KV moved from r's reservation into the cache. */
  private keepPrefix(r: InferenceRequest): void {
    const cache = this.prefixCache;
    cache.arrived(r.prefixId);
    if (r.prefixEntry !== undefined || cache.get(r.prefixId) !== undefined) return;
    r.prefixEntry = cache.insert(r.prefixId, r.prefixTokens);
    r.ownKvTokens -= r.prefixTokens;
    this.kvReservedTokens -= r.prefixTokens;
  }

  private finish(r: InferenceRequest, now: number): void {
    r.finishS = now;
    if (r.session && r.prefixEntry !== undefined && !this.decodeOnly && r.kvTokens > r.prefixEntry.tokens) {
      // The session's KV (this turn's prompt and output) stays for its next turn, out of r's reservation.
      const delta = r.kvTokens - r.prefixEntry.tokens;
      this.prefixCache.grow(r.prefixEntry, r.kvTokens);
      r.ownKvTokens -= delta;
      this.kvReservedTokens -= delta;
    }
    this.kvReservedTokens -= r.ownKvTokens;
    if (r.prefixEntry !== undefined && !this.decodeOnly) this.prefixCache.release(r.prefixEntry);
    this.host.requestDone(r, this);
  }

  /** Its devices failed: nothing more runs here. */
  failed = false;

  /**
   * The replica's devices failed: stop at once, drop its cache, take back the tokens it counted
   * for the requests it held (their work is lost: they start over elsewhere; its prefix cache is
   * gone with it), and hand those
   * requests back, in arrival order (requests still on the network to it come back on arrival).
   */
  abandon(): InferenceRequest[] {
    this.failed = true;
    this.serving = false;
    if (this.event !== undefined) this.engine().cancel(this.event);
    this.event = undefined;
    this.phase = IDLE; // reports the busy time so far
    let tokens = 0;
    let outputs = 0;
    for (const r of this.batch) {
      const decoded = this.stepsDone - r.joinStep;
      // Prefilled here (a decode-only replica got its prompt's KV from elsewhere) plus its first token.
      tokens += (this.decodeOnly ? 0 : r.promptTokens - r.cachedTokens + 1) + decoded;
      outputs += (this.decodeOnly ? 0 : 1) + decoded;
    }
    if (this.chunked) for (const r of this.prefillGroup) tokens += r.prefilledTokens;
    if (tokens > 0) this.host.tokensProcessed(-tokens, -outputs);
    const held = [...this.queue.slice(this.qHead), ...this.prefillGroup, ...this.batch].sort((a, b) => a.arrivalS - b.arrivalS || a.stream - b.stream || a.id - b.id);
    this.queue.length = 0;
    this.qHead = 0;
    this.prefillGroup = [];
    this.batch.length = 0;
    this.sumBase = 0;
    this.kvReservedTokens = 0;
    this.queuedKvTokens = 0;
    return held;
  }

  /** Tokens generated by decode steps finished but not yet counted (at the end of a run). */
  settleAt(nowS: number): void {
    // A batch in flight at the end drew busy power up to it.
    if (this.phase !== IDLE && nowS > this.busySinceS) this.host.iterated?.(this, this.busySinceS, nowS);
    if (this.phase !== DECODE) return;
    const steps = Math.min(this.seg.stepsWithin(nowS - this.segStartS), this.eventSteps);
    const b = this.batch.length;
    if (steps > 0) this.host.tokensProcessed(b * steps, b * steps);
  }
}

/**
 * The end of a chunked-prefill iteration over `group`: each prompt's chunk counts as prefilled;
 * a prompt whose last chunk ran has its first token sampled at `nowS` (one more token) and goes to
 * `onFirst`, in group order; the others stay in `group`, compacted in place. Returns the tokens
 * the iteration processed.
 */
export function closeChunkIteration(group: InferenceRequest[], nowS: number, onFirst: (r: InferenceRequest) => void): number {
  let tokens = 0;
  let kept = 0;
  for (let i = 0; i < group.length; i++) {
    const r = group[i]!;
    r.prefilledTokens += r.chunkTokens;
    tokens += r.chunkTokens;
    r.chunkTokens = 0;
    if (r.cachedTokens + r.prefilledTokens < r.promptTokens) {
      group[kept++] = r;
      continue;
    }
    r.firstTokenS = nowS;
    tokens++;
    onFirst(r);
  }
  group.length = kept;
  return tokens;
}
