// From-scratch weighted max-min fair allocation by plain progressive filling: the slow, obviously
// correct oracle that tests (and benchmarks) compare the incremental FlowNetwork against.

export interface ReferenceFlow {
  readonly route: readonly number[];
  /** Upper bound on the flow's rate (bytes/s); Infinity or absent when uncapped. */
  readonly capBytesPerS?: number;
  /** Share weight, > 0; default 1. */
  readonly weight?: number;
}

/**
 * Rates (bytes/s) of the unique weighted max-min fair allocation: raise every unfrozen flow's
 * rate/weight level together; freeze a flow when it reaches its cap or when a link on its route
 * fills up. A flow with an empty route and no cap gets Infinity. O(rounds x (links + flows x hops)).
 */
export function maxMinReference(capacitiesBytesPerS: readonly number[], flows: readonly ReferenceFlow[]): number[] {
  const nLinks = capacitiesBytesPerS.length;
  const residual = capacitiesBytesPerS.slice();
  const rates = new Array<number>(flows.length).fill(0);
  const frozen = new Array<boolean>(flows.length).fill(false);
  let left = flows.length;
  while (left > 0) {
    // The next level at which something saturates: a link's equal-level share, or a cap.
    const weightOn = new Array<number>(nLinks).fill(0);
    for (let f = 0; f < flows.length; f++) {
      if (frozen[f]) continue;
      for (const l of flows[f]!.route) weightOn[l]! += flows[f]!.weight ?? 1;
    }
    let level = Infinity;
    for (let l = 0; l < nLinks; l++) {
      if (weightOn[l]! > 0) level = Math.min(level, Math.max(0, residual[l]!) / weightOn[l]!);
    }
    for (let f = 0; f < flows.length; f++) {
      if (!frozen[f]) level = Math.min(level, (flows[f]!.capBytesPerS ?? Infinity) / (flows[f]!.weight ?? 1));
    }
    // Freeze every flow that is capped at this level or crosses a link saturated at it.
    const saturated = new Array<boolean>(nLinks).fill(false);
    for (let l = 0; l < nLinks; l++) {
      if (weightOn[l]! > 0 && Math.max(0, residual[l]!) / weightOn[l]! <= level * (1 + 1e-12)) saturated[l] = true;
    }
    for (let f = 0; f < flows.length; f++) {
      if (frozen[f]) continue;
      const flow = flows[f]!;
      const w = flow.weight ?? 1;
      const capped = (flow.capBytesPerS ?? Infinity) / w <= level * (1 + 1e-12);
      if (capped || flow.route.some((l) => saturated[l])) {
        const rate = capped ? Math.min(flow.capBytesPerS ?? Infinity, level * w) : level * w;
        rates[f] = rate;
        frozen[f] = true;
        left--;
        for (const l of flow.route) residual[l]! -= rate;
      }
    }
  }
  return rates;
}
