// Failures and stragglers are keyed by device kind, and the simulator looks them up by the pool's
// kind names: each key is resolved as a node group's device is (aliases, any case), so that
// 'H100-SXM' or 'h100' reaches the H100 devices instead of silently failing nothing.
import type { NodeGroup } from '../cluster.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { ResolveContext } from './context.js';
import type { KindBook } from './kinds.js';

/** The scenario with its failures' and stragglers' keys the pool's kind names. */
export function resolveFailureKinds(scenario: Scenario, book: KindBook, groups: readonly NodeGroup[], ctx: ResolveContext): Scenario {
  if (!scenario.failures) return scenario;
  const { fail } = ctx;
  const poolKindNames = [...new Set(groups.map((g) => book.kinds[g.kind]!.name))];
  const byPoolKind = <T>(record: Record<string, T>, at: PathKey[]): Record<string, T> => {
    const out: Record<string, T> = {};
    const keyOf = new Map<string, string>();
    for (const [name, value] of Object.entries(record)) {
      const canonical = book.canonicalOf(name);
      const earlier = keyOf.get(canonical);
      if (!book.specs.has(canonical)) {
        const guess = suggestName(name, poolKindNames);
        fail([...at, name], `unknown device kind '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; the pool has ${poolKindNames.join(', ')}`);
      } else if (!poolKindNames.includes(canonical)) {
        fail([...at, name], `no node group has ${canonical === name ? `'${name}'` : `'${name}' (${canonical})`} devices, so they would never ${at[1] === 'devices' ? 'fail' : 'straggle'}; the pool has ${poolKindNames.join(', ')}`);
      } else if (earlier !== undefined) {
        fail([...at, name], `'${name}' and '${earlier}' are the same device kind (${canonical}): give it once`);
      } else {
        keyOf.set(canonical, name);
        out[canonical] = value;
      }
    }
    return out;
  };
  const f = scenario.failures;
  return { ...scenario, failures: { ...f, devices: byPoolKind(f.devices, ['failures', 'devices']), stragglers: byPoolKind(f.stragglers, ['failures', 'stragglers']) } };
}
