// The load-balancing decision: which replica of a service serves an arriving request. One small
// interface, like the scheduling policies; the simulator checks the answer.
import type { RandomStream } from '../../engine/random.js';
import type { PolicyDefinition } from '../types.js';

/** What a balancer may read about a replica. */
export interface ReplicaView {
  /** Dense id within the service, in creation order (ties broken by it). */
  readonly id: number;
  readonly datacentre: number;
  /** Requests waiting in the replica's queue. */
  readonly queued: number;
  /** Requests in the running batch. */
  readonly running: number;
  /** queued + running. */
  readonly outstanding: number;
  readonly maxBatch: number;
  /** Decode throughput at a full batch (tokens/s): the replica's capacity, for weighting. */
  readonly capacityTokensPerS: number;
  /**
   * Whether the replica holds the KV cache of this shared prompt prefix, or will once a request
   * carrying it, already routed there, is prefilled (what a KV-event-driven router knows).
   */
  holdsPrefix(prefixId: number): boolean;
  /** Tokens of shared-prefix KV the replica caches now. */
  readonly cachedPrefixTokens: number;
}

/** What a balancer may read about the request. */
export interface RequestView {
  readonly id: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** The shared prompt prefix it carries: a service-wide id (-1: none) and its tokens (part of the prompt). */
  readonly prefixId: number;
  readonly prefixTokens: number;
  /** One-way network latency from the request's client region to each data centre (by index). */
  readonly latencyS: readonly number[];
}

/**
 * What a balancer gets for each request.
 * Contract: `replicas` are the serving replicas of the service (never empty), in id order, as they
 * are now; `random` is the service's own seeded stream.
 */
export interface BalancerContext {
  readonly nowS: number;
  readonly replicas: readonly ReplicaView[];
  readonly random: RandomStream;
}

export interface LoadBalancer {
  /** The index into `ctx.replicas` of the replica that serves `request`. Pure except for its own state. */
  route(request: RequestView, ctx: BalancerContext): number;
}

export type LoadBalancerPolicy<P = unknown> = PolicyDefinition<P, LoadBalancer>;
