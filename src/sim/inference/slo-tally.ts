// SLO attainment over every request whose outcome is known, not only the completed ones. Counting
// completed requests alone let a service that leaves requests unserved look better: an overloaded
// decode pool at the horizon had 572 requests in flight, many waiting far past the TTFT objective,
// and none of them counted; a request rejected on arrival (its KV larger than a replica's cache, or
// with `slo.admission` one its replica could not serve in time) did not count either. Now a
// rejected request is a miss, an unfinished one already past an objective at the end is a miss
// (its TTFT, end-to-end latency and time per output token can only grow), and an unfinished one
// still within every objective is left out: its outcome is not known. The same list gives the time
// to first token of requests still waiting for it, and the queueing delay of those still in a
// replica's queue, at their wait so far (addWaitingTtft, addWaitingQueueing).
import type { InferenceRequest } from './replica.js';

export interface SloSpec {
  readonly ttft?: number | undefined;
  readonly tpot?: number | undefined;
  readonly e2e?: number | undefined;
}

/** The requests in flight (admitted, not done), kept so the run's end can judge them. */
export class SloTally {
  private readonly live: InferenceRequest[] = [];

  admit(req: InferenceRequest): void {
    req.liveSlot = this.live.length;
    this.live.push(req);
  }

  /** The requests in flight now (a copy). */
  requests(): InferenceRequest[] {
    return [...this.live];
  }

  leave(req: InferenceRequest): void {
    const i = req.liveSlot;
    const last = this.live.pop()!;
    if (last !== req) {
      this.live[i] = last;
      last.liveSlot = i;
    }
    req.liveSlot = -1;
  }

  /**
   * Requests in flight at `endS` that have already missed an objective. `firstLatencyS` and
   * `lastLatencyS` give a request's one-way latency to its client for its first and last tokens.
   */
  /** Call `f` on every request in flight; how many it answered true for. */
  forEachInFlight(f: (req: InferenceRequest) => boolean): number {
    let n = 0;
    for (const req of this.live) if (f(req)) n++;
    return n;
  }

  missedInFlight(endS: number, slo: SloSpec, firstLatencyS: (req: InferenceRequest) => number, lastLatencyS: (req: InferenceRequest) => number): number {
    let missed = 0;
    for (const req of this.live) if (hasMissed(req, endS, slo, firstLatencyS(req), lastLatencyS(req))) missed++;
    return missed;
  }
}

/**
 * Add to `ttft` each request in flight without a first token at `endS`: its time to first token is at
 * least the end plus its latency to the client, less its arrival (a lower bound, as a training
 * job still waiting counts its wait so far). Returns how many were added.
 */
export function addWaitingTtft(tally: SloTally, endS: number, firstLatencyS: (req: InferenceRequest) => number, ttft: { add(x: number): void }): number {
  return tally.forEachInFlight((req) => {
    if (Number.isFinite(req.firstTokenS)) return false;
    ttft.add(endS + firstLatencyS(req) - req.arrivalS);
    return true;
  });
}

/**
 * Add to `queueing` each request in flight not yet started at `endS`, whether still on its way to a
 * replica or waiting in one's queue: its wait so far since its arrival at the balancer (a lower bound,
 * as for the time to first token and a training job still waiting). Returns how many were added.
 */
export function addWaitingQueueing(tally: SloTally, endS: number, queueing: { add(x: number): void }): number {
  return tally.forEachInFlight((req) => {
    if (Number.isFinite(req.startS)) return false;
    queueing.add(Math.max(0, endS - req.arrivalS));
    return true;
  });
}

/** Whether a request not done at `endS` has already missed an objective, whatever happens next. */
export function hasMissed(req: InferenceRequest, endS: number, slo: SloSpec, firstLatencyS: number, lastLatencyS: number): boolean {
  const firstOut = Number.isFinite(req.firstTokenS);
  // The first token reaches the client at its time plus the latency; not out yet, no earlier than the end plus it.
  const ttftAtLeast = (firstOut ? req.firstTokenS : endS) + firstLatencyS - req.arrivalS;
  if (slo.ttft !== undefined && ttftAtLeast > slo.ttft) return true;
  if (slo.e2e !== undefined && endS + lastLatencyS - req.arrivalS > slo.e2e) return true;
  // The last token comes after the end, so the client's (e2e - ttft) / (n - 1) is above this.
  if (slo.tpot !== undefined && firstOut && req.outputTokens > 1 && (endS - req.firstTokenS + (lastLatencyS - firstLatencyS)) / (req.outputTokens - 1) > slo.tpot) return true;
  return false;
}

/** Met over completed, rejected and known-missed in-flight requests; NaN when none is known. */
export function sloAttainment(met: number, completed: number, rejected: number, missedInFlight: number): number {
  const known = completed + rejected + missedInFlight;
  return known > 0 ? met / known : Number.NaN;
}
