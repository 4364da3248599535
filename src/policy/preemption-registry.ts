// The table of preemption policies (whom to suspend for whom), and the parameter schema with which
// preemptive queue policies name one: `victims: lowest-priority` or `{ name, params }`.
import { z } from 'zod';
import { suggestName } from '../scenario/did-you-mean.js';
import { leastProgress } from './preempt-least-progress.js';
import { lowestPriority } from './preempt-lowest-priority.js';
import { policyOrder } from './preempt-policy-order.js';
import type { PreemptionPolicy, Preemptor } from './types.js';

export const PREEMPTION_POLICIES: ReadonlyMap<string, PreemptionPolicy<never>> = new Map<string, PreemptionPolicy<never>>(
  [lowestPriority, leastProgress, policyOrder].map((p) => [p.name, p as PreemptionPolicy<never>]),
);

/** A preemption policy by name or `{ name, params }`, validated by its own schema; parses to a Preemptor. */
export function victimsSchema(defaultName: string) {
  return z
    .union([z.string().min(1), z.strictObject({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) })])
    .transform((ref, ctx): Preemptor => {
      const { name, params } = typeof ref === 'string' ? { name: ref, params: {} } : ref;
      const def = PREEMPTION_POLICIES.get(name);
      if (!def) {
        const guess = suggestName(name, [...PREEMPTION_POLICIES.keys()]);
        ctx.addIssue({
          code: 'custom',
          message: `unknown preemption policy '${name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...PREEMPTION_POLICIES.keys()].join(', ')}`}`,
        });
        return z.NEVER;
      }
      const parsed = def.params.safeParse(params);
      if (!parsed.success) {
        for (const i of parsed.error.issues) ctx.addIssue({ ...i, path: typeof ref === 'string' ? i.path : ['params', ...i.path] } as never);
        return z.NEVER;
      }
      return def.create(parsed.data as never);
    })
    .prefault(defaultName)
    .describe(`preemption policy choosing the victims: ${[...PREEMPTION_POLICIES.keys()].join(', ')} (name, or { name, params })`);
}
