// Failures and stragglers are keyed by device kind, and the simulator looks them up by the pool's
// kind names: each key is resolved as a node group's device is (aliases, any case), so that
// 'H100-SXM' or 'h100' reaches the H100 devices instead of silently failing nothing. They reach
// training jobs only: where they meet a service's devices, that is said.
import type { NodeGroup } from '../cluster.js';
import type { ResolvedService } from '../inference/resolve-services.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { ResolveContext } from './context.js';
import type { KindBook } from './kinds.js';

/** The scenario with its failures' and stragglers' keys the pool's kind names. */
export function resolveFailureKinds(scenario: Scenario, book: KindBook, groups: readonly NodeGroup[], services: readonly ResolvedService[], ctx: ResolveContext): Scenario {
  if (!scenario.failures) return scenario;
  const { fail, warn } = ctx;
  const kinds = book.kinds;
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
  const resolved: Scenario = { ...scenario, failures: { ...f, devices: byPoolKind(f.devices, ['failures', 'devices']), stragglers: byPoolKind(f.stragglers, ['failures', 'stragglers']) } };
  // Failures and stragglers reach training jobs only: an inference replica on a failed or slow
  // device serves on as if nothing happened. Say so where they meet a service, rather than print
  // its latencies and SLO attainment as if they had been measured under the failures.
  const served = new Map<string, string[]>();
  for (const svc of services) {
    const used = svc.disaggregated ? [svc.disaggregated.prefill.kind, svc.disaggregated.decode.kind] : [svc.kind];
    for (const k of new Set(used)) {
      const name = kinds[k]!.name;
      served.set(name, [...(served.get(name) ?? []), svc.name]);
    }
  }
  const notReached = (what: string, names: readonly string[], effect: string): string => {
    const many = names.length > 1;
    return `${what} do not reach inference replicas: service${many ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} ${many ? 'serve' : 'serves'} on as if there were none (${many ? 'their' : 'its'} latencies, throughput and SLO attainment are those without them); only training jobs ${effect}`;
  };
  const g = resolved.failures!;
  for (const [kind, names] of served) {
    if (g.devices[kind] !== undefined) warn(['failures', 'devices', Object.keys(f.devices).find((n) => book.canonicalOf(n) === kind) ?? kind], notReached(`failures of '${kind}' devices`, names, 'fail and lose work'));
    if (g.stragglers[kind] !== undefined) warn(['failures', 'stragglers', Object.keys(f.stragglers).find((n) => book.canonicalOf(n) === kind) ?? kind], notReached(`stragglers among '${kind}' devices`, names, 'slow down'));
  }
  if (g.nodes !== undefined && served.size > 0) warn(['failures', 'nodes'], notReached('node failures', [...new Set([...served.values()].flat())], 'fail and lose work'));
  return resolved;
}
