// Useful FLOP/s of one device for a job where no step model times it: its job type's measured row,
// else peak x kernel efficiency. Shared by the run's simple progress model and the size estimate.
import type { DeviceKind } from '../scenario/hardware-schema.js';
import type { JobTemplate } from './job.js';

/**
 * Useful FLOP/s of one whole device of kind `kindIndex` for a job: its type's measured throughput
 * (the scenario's matrix, model/throughputs.ts) where it has one, else peak x kernel efficiency
 * (the job's override, else the kind's).
 */
export function deviceRate(t: Pick<JobTemplate, 'kindRate' | 'efficiency'>, spec: DeviceKind, kindIndex: number): number {
  const typed = t.kindRate?.[kindIndex];
  return typed !== undefined ? typed : spec.peak * (t.efficiency ?? spec.efficiency);
}
