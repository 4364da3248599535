// Typed helpers for writing a policy in a file of your own (a plug-in). They return their argument
// unchanged: their job is to give `create` its parameters' type, inferred from the zod schema.
import type { z } from 'zod';
import type { Placer, PlacementPolicy, PoolFacts, PreemptionPolicy, Preemptor, QueueDiscipline, QueuePolicy } from './types.js';

interface Definition<S extends z.ZodType, T> {
  /** Shown in result files (the `policy` / `placement` column) and in error messages. */
  readonly name: string;
  readonly description: string;
  /** Parameters, validated like a built-in policy's (errors located in the scenario file). */
  readonly params: S;
  create(params: z.output<S>): T;
  /**
   * Optional, queue and placement policies: parameters this pool cannot honour, refused before the
   * run (where under `params`, and why), as a built-in's are (PolicyDefinition.checkPool).
   */
  checkPool?(params: z.output<S>, pool: PoolFacts): { readonly path: readonly (string | number)[]; readonly message: string } | undefined;
  /** Optional, queue and placement policies: parameters legal but likely not meant on this pool, warned about. */
  warnPool?(params: z.output<S>, pool: PoolFacts): readonly { readonly path: readonly (string | number)[]; readonly message: string }[];
}

/** A queue policy: which waiting jobs start now. `export default defineQueuePolicy({...})`. */
export function defineQueuePolicy<S extends z.ZodType>(def: Definition<S, QueueDiscipline>): QueuePolicy<z.output<S>> {
  return def as QueuePolicy<z.output<S>>;
}

/** A placement policy: which devices for a job. `export default definePlacementPolicy({...})`. */
export function definePlacementPolicy<S extends z.ZodType>(def: Definition<S, Placer>): PlacementPolicy<z.output<S>> {
  return def as PlacementPolicy<z.output<S>>;
}

/** A preemption policy: which running jobs to suspend for a waiting one. */
export function definePreemptionPolicy<S extends z.ZodType>(def: Omit<Definition<S, Preemptor>, 'checkPool' | 'warnPool'>): PreemptionPolicy<z.output<S>> {
  return def as PreemptionPolicy<z.output<S>>;
}
