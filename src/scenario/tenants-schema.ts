// The `tenants:` section of a scenario: queues with quotas per device kind, cohorts that borrow and
// lend, preemption and fair sharing, with Kueue's semantics (ClusterQueue, cohort, fairSharing;
// https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/ and KEP-1714). Jobs name their queue.
import { z } from 'zod';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'expected a name of letters, digits, . _ + -, starting with a letter or digit');

/** Quota of one device kind (a Kueue ResourceFlavor) in a queue, in devices. */
export const kindQuotaSchema = z.union([
  z.number().int().nonnegative().transform((nominal) => ({ nominal, borrowing_limit: undefined as number | undefined, lending_limit: undefined as number | undefined })),
  z
    .strictObject({
      /** Devices guaranteed to the queue (Kueue nominalQuota). */
      nominal: z.number().int().nonnegative(),
      /** At most this many devices above nominal, borrowed from the cohort (unlimited when absent). */
      borrowing_limit: z.number().int().nonnegative().optional(),
      /** At most this many of its unused nominal devices lent to the cohort (all when absent). */
      lending_limit: z.number().int().nonnegative().optional(),
    })
    .refine((q) => q.lending_limit === undefined || q.lending_limit <= q.nominal, { message: 'lending_limit cannot exceed nominal (Kueue refuses it too)', path: ['lending_limit'] }),
]);

export const queuePreemptionSchema = z
  .strictObject({
    /** Preempt workloads of the same queue: never (default), lower-priority, or lower-or-newer-equal-priority. */
    within_queue: z.enum(['never', 'lower-priority', 'lower-or-newer-equal-priority']).default('never'),
    /** Reclaim its nominal quota from queues of the cohort that borrow: never (default), lower-priority, any. */
    reclaim_within_cohort: z.enum(['never', 'lower-priority', 'any']).default('never'),
    /** While borrowing, preempt lower-priority workloads of borrowing queues (at or below the threshold when given). */
    borrow_within_cohort: z
      .strictObject({
        policy: z.enum(['never', 'lower-priority']).default('never'),
        max_priority_threshold: z.number().int().optional(),
      })
      .default({ policy: 'never' }),
  })
  // Kueue's ClusterQueue validation refuses it: borrowing within the cohort is a kind of reclaim.
  .refine((p) => !(p.reclaim_within_cohort === 'never' && p.borrow_within_cohort.policy !== 'never'), {
    message: 'borrow_within_cohort needs reclaim_within_cohort other than never (Kueue refuses reclaimWithinCohort=Never with borrowWithinCohort.policy!=Never)',
    path: ['borrow_within_cohort', 'policy'],
  })
  .default({ within_queue: 'never', reclaim_within_cohort: 'never', borrow_within_cohort: { policy: 'never' } });

export const queueSchema = z.strictObject({
  name: identifier,
  /** Queues of one cohort borrow each other's unused quota. */
  cohort: identifier.optional(),
  /** Fair-sharing weight (Kueue fairSharing.weight): 0 means always first to be preempted. */
  weight: z.number().nonnegative().max(1e6).default(1),
  /** best-effort-fifo (default): a workload that does not fit does not block later ones; strict-fifo: it does. */
  queueing: z.enum(['best-effort-fifo', 'strict-fifo']).default('best-effort-fifo'),
  /** Devices per kind, in the order flavours are tried (Kueue's flavour order). */
  quota: z.record(z.string().min(1), kindQuotaSchema),
  preemption: queuePreemptionSchema,
});

/**
 * Quota a cohort holds itself (a Kueue Cohort's resourceGroups), per device kind. Its limits bound the
 * whole subtree against the rest of the tree, so a lending limit may exceed the cohort's own nominal.
 */
export const cohortKindQuotaSchema = z.union([
  z.number().int().nonnegative().transform((nominal) => ({ nominal, borrowing_limit: undefined as number | undefined, lending_limit: undefined as number | undefined })),
  z.strictObject({
    /** Devices the cohort provides to its subtree, owned by no queue. */
    nominal: z.number().int().nonnegative().default(0),
    /** At most this many devices the subtree borrows from the rest of the tree (unlimited when absent). */
    borrowing_limit: z.number().int().nonnegative().optional(),
    /** At most this many devices the rest of the tree borrows from the subtree (unlimited when absent). */
    lending_limit: z.number().int().nonnegative().optional(),
  }),
]);

/** A cohort of the tree (Kueue's hierarchical cohorts, KEP-79): its parent, and quota and limits of its own. */
export const cohortSchema = z.strictObject({
  name: identifier,
  /** The parent cohort (absent: a root). */
  parent: identifier.optional(),
  quota: z.record(z.string().min(1), cohortKindQuotaSchema).default({}),
});

export const fairSharingSchema = z.union([
  z.boolean().transform((enabled) => ({ enabled, strategies: ['less-than-or-equal-to-final-share', 'less-than-initial-share'] as FairSharingStrategy[] })),
  z.strictObject({
    enabled: z.boolean().default(true),
    /** Kueue's preemptionStrategies, tried in order. */
    strategies: z
      .array(z.enum(['less-than-or-equal-to-final-share', 'less-than-initial-share']))
      .min(1)
      .default(['less-than-or-equal-to-final-share', 'less-than-initial-share']),
  }),
]);
export type FairSharingStrategy = 'less-than-or-equal-to-final-share' | 'less-than-initial-share';

export const tenantsSchema = z.strictObject({
  /** Preemption-based fair sharing of borrowable quota between the queues of a cohort (Kueue fairSharing). */
  fair_sharing: fairSharingSchema.prefault(false),
  queues: z.array(queueSchema).min(1),
  /** Cohorts with a parent or quota of their own; a cohort only queues name needs no entry. */
  cohorts: z.array(cohortSchema).default([]),
});

/** Tenants read from Kueue manifests (ClusterQueue, LocalQueue, ResourceFlavor, Cohort). */
export const tenantsFromSchema = z.strictObject({
  format: z.literal('kueue'),
  /** The manifests (one YAML file, documents separated by ---), relative to the scenario file. */
  path: z.string().min(1),
  /** ResourceFlavor name -> device kind, for flavours not named after a kind. */
  flavors: z.record(z.string(), z.string()).default({}),
  /** Kueue's fair sharing is set in its Configuration, not in these manifests: say it here. */
  fair_sharing: fairSharingSchema.prefault(false),
});

export type TenantsSpec = z.output<typeof tenantsSchema>;
export type QueueSpec = z.output<typeof queueSchema>;
export type CohortSpec = z.output<typeof cohortSchema>;
