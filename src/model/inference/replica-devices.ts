// Devices that inference replicas hold for the whole run, per kind: a pool's fixed count, or its
// autoscaler's minimum (never retired), times the devices of a replica. Training never gets them:
// quotas and job sizes are checked against what they leave.
import type { ResolvedService } from './resolve-services.js';

/** Devices per kind that services' replicas hold from the start to the end of the run. */
export function replicaDevices(services: readonly ResolvedService[], kindCount: number): number[] {
  const held = new Array<number>(kindCount).fill(0);
  for (const s of services) {
    if (s.disaggregated) {
      for (const p of [s.disaggregated.prefill, s.disaggregated.decode]) held[p.kind]! += p.count * p.hardware.tp;
    } else held[s.kind]! += (s.spec.replicas?.count ?? s.spec.replicas?.autoscale?.min ?? 0) * s.hardware.tp;
  }
  return held;
}
