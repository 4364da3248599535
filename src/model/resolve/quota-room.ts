// Nominal quotas against the devices the pool has for tenant workloads: its devices per kind, less
// those inference replicas hold for the whole run (a fixed count, or an autoscaler's minimum).
// Kueue allows quotas beyond the nodes (it does not check them against nodes), so this warns.
import type { NodeGroup } from '../cluster.js';
import type { ResolvedService } from '../inference/resolve-services.js';
import { replicaDevices } from '../inference/replica-devices.js';
import { overcommittedKinds, type Tenants } from '../tenants.js';
import type { Scenario } from '../../scenario/schema.js';
import type { ResolveContext } from './context.js';

export function warnQuotasBeyondPool(
  tenants: Tenants,
  scenario: Pick<Scenario, 'tenants_from'>,
  kinds: readonly { readonly name: string }[],
  groups: readonly NodeGroup[],
  services: readonly ResolvedService[],
  ctx: Pick<ResolveContext, 'warn'>,
): void {
  const poolDevices = kinds.map((_, k) => groups.reduce((n, g) => n + (g.kind === k ? g.nodeCount * g.devicesPerNode : 0), 0));
  const held = replicaDevices(services, kinds.length);
  for (const o of overcommittedKinds(tenants, poolDevices.map((d, k) => Math.max(0, d - held[k]!)))) {
    const room = held[o.kind]! > 0 ? `the ${o.devices} of the pool's ${poolDevices[o.kind]} that the services' replicas leave (they hold ${held[o.kind]} for the whole run)` : `the pool's ${o.devices}`;
    ctx.warn(
      scenario.tenants_from ? ['tenants_from', 'path'] : ['tenants', 'queues'],
      `the nominal quotas of ${kinds[o.kind]!.name} add up to ${o.nominal} devices, more than ${room}: not every queue can hold its nominal quota at once, and a job admitted within its queue's quota may wait for devices other queues hold`,
    );
  }
}
