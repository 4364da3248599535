// The table of preemption policies (whom to suspend for whom), and the parameter schema with which
// preemptive queue policies name one: `victims: lowest-priority` or `{ name, params }`.
import { z } from 'zod';
import { suggestName } from '../scenario/did-you-mean.js';
import { isModuleName, unloadedModuleMessage } from './module-name.js';
import { leastProgress } from './preempt-least-progress.js';
import { lowestPriority } from './preempt-lowest-priority.js';
import { policyOrder } from './preempt-policy-order.js';
import type { PreemptionPolicy, Preemptor } from './types.js';

export const PREEMPTION_POLICIES: ReadonlyMap<string, PreemptionPolicy<never>> = new Map<string, PreemptionPolicy<never>>(
  [lowestPriority, leastProgress, policyOrder].map((p) => [p.name, p as PreemptionPolicy<never>]),
);

// Plug-in preemption policies known while a queue policy's parameters are parsed. A zod transform
// cannot be handed arguments, so the caller (plugin.ts, which imported the modules) sets them around
// the synchronous parse and the previous table is put back at once.
let plugins: ReadonlyMap<string, PreemptionPolicy<never>> = new Map();

/** Run `parse` with `extra` (module name -> loaded plug-in) resolvable as `victims`. */
export function withPreemptionPlugins<T>(extra: ReadonlyMap<string, PreemptionPolicy<never>>, parse: () => T): T {
  const outer = plugins;
  plugins = extra;
  try {
    return parse();
  } finally {
    plugins = outer;
  }
}

/** A preemption policy by name or `{ name, params }`, validated by its own schema; parses to a Preemptor. */
export function victimsSchema(defaultName: string) {
  return z
    .union([z.string().min(1), z.strictObject({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) })])
    .transform((ref, ctx): Preemptor => {
      const { name, params } = typeof ref === 'string' ? { name: ref, params: {} } : ref;
      const def = plugins.get(name) ?? PREEMPTION_POLICIES.get(name);
      if (!def && isModuleName(name)) {
        ctx.addIssue({ code: 'custom', message: unloadedModuleMessage(name, 'preemption policy') });
        return z.NEVER;
      }
      if (!def) {
        const guess = suggestName(name, [...PREEMPTION_POLICIES.keys()]);
        ctx.addIssue({
          code: 'custom',
          message: `unknown preemption policy '${name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...PREEMPTION_POLICIES.keys()].join(', ')}, or a module file (./my-victims.mjs)`}`,
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
    .describe(`preemption policy choosing the victims: ${[...PREEMPTION_POLICIES.keys()].join(', ')}, or a module file (name, or { name, params })`);
}
