// One replica of a disaggregated service's prefill pool: a FIFO queue and prefill iterations only.
// At an iteration boundary the queue head is admitted while the iteration has a free slot
// (max_batch), its prompt tokens stay within max_batch_tokens (a longer prompt runs alone) and
// its prompt's KV fits next to the KV the replica still holds; the iteration takes prefillS of its
// prompt tokens and yields each request's first token. The prompt's KV stays on the replica until
// its transfer to the decode replica has arrived (releaseKv), as in DistServe and Splitwise,
// where the prefill instance keeps the cache until the decode instance has pulled it.
import type { Engine } from '../../engine/engine.js';
import { prefillS, type ReplicaTiming } from '../../model/inference/replica-model.js';
import type { ReplicaView } from '../../policy/balancers/types.js';
import type { Lease } from '../subsystem.js';
import type { InferenceRequest } from './replica.js';

/** What a prefill replica tells its service. */
export interface PrefillHost {
  readonly engine: Engine;
  /** The request's prompt is processed and its first token out at `nowS`; its KV is still held here. */
  prefillDone(req: InferenceRequest, replica: PrefillReplica): void;
  /** Tokens processed (prompt + the first generated one): 2 x params FLOPs each. */
  tokensProcessed(tokens: number, outputTokens: number): void;
}

export class PrefillReplica implements ReplicaView {
  private readonly queue: InferenceRequest[] = [];
  private qHead = 0;
  private group: InferenceRequest[] = [];
  private busy = false;
  /** Routed here, still on the network. */
  inTransit = 0;
  /** Prompt tokens of KV held: the iteration's and those whose transfer has not arrived yet. */
  kvHeldTokens = 0;

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

  enqueue(req: InferenceRequest): void {
    const now = this.host.engine.now;
    req.atReplicaS = now;
    this.queue.push(req);
    if (!this.busy) this.startNext(now);
  }

  /** The KV of `tokens` prompt tokens has reached its decode replica: the memory is free again. */
  releaseKv(tokens: number): void {
    this.kvHeldTokens -= tokens;
    if (!this.busy) this.startNext(this.host.engine.now);
  }

  private startNext(now: number): void {
    let tokens = 0;
    const group = this.group;
    while (this.qHead < this.queue.length && group.length < this.maxBatch) {
      const r = this.queue[this.qHead]!;
      if (group.length > 0 && tokens + r.promptTokens > this.maxBatchTokens) break;
      if (this.kvHeldTokens + r.promptTokens > this.timing.kvCapacityTokens) break;
      this.qHead++;
      r.startS = now;
      this.kvHeldTokens += r.promptTokens;
      tokens += r.promptTokens;
      group.push(r);
    }
    if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
      this.queue.splice(0, this.qHead);
      this.qHead = 0;
    }
    if (group.length === 0) return;
    this.busy = true;
    this.host.engine.at(now + prefillS(this.timing, tokens), this.onPrefillDone);
  }

  private readonly onPrefillDone = (): void => {
    const now = this.host.engine.now;
    const group = this.group;
    this.group = [];
    let tokens = 0;
    for (const r of group) {
      r.firstTokenS = now;
      tokens += r.promptTokens + 1;
    }
    this.host.tokensProcessed(tokens, group.length);
    // Still busy while the service starts transfers (a KV released at once must not start a second iteration).
    for (const r of group) this.host.prefillDone(r, this);
    this.busy = false;
    this.startNext(now);
  };
}
