// Under network: ideal jobs send nothing, but transfers and disaggregated services' KV caches still
// cross the links between sites (sim/network-modelled.ts). The flow model refuses a pool whose sites
// no chain of links joins (resolve/links.ts); under ideal only the pairs these flows join need one,
// refused at the transfer or service that needs it: the run would otherwise stop with an internal
// error when the flow asked for its route.
import type { Datacentre } from '../cluster.js';
import type { ResolvedService } from '../inference/resolve-services.js';
import type { InterDcLink } from '../network/topology.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';

/** Refuses, under network: ideal, a transfer or a disaggregated service between sites no chain of links joins. */
export function checkIdealRoutes(
  scenario: Scenario,
  datacentres: readonly Datacentre[],
  interDc: readonly InterDcLink[],
  services: readonly ResolvedService[],
  fail: (path: readonly PathKey[], message: string) => void,
): void {
  if (scenario.network === 'flow') return; // every pair of sites is checked (resolve/links.ts)
  // Each site's component over the links (union-find).
  const parent = datacentres.map((_, i) => i);
  const root = (x: number): number => (parent[x] === x ? x : (parent[x] = root(parent[x]!)));
  for (const l of interDc) parent[root(l.a)] = root(l.b);
  const index = new Map(datacentres.map((d) => [d.name, d.index]));
  const add = (a: string, b: string): string => `add a link between them (links: - { between: [${a}, ${b}], latency: ..., bandwidth: ... })`;
  scenario.transfers.forEach((t, ti) => {
    const a = index.get(t.from);
    const b = index.get(t.to);
    if (a === undefined || b === undefined || a === b || root(a) === root(b)) return;
    fail(['transfers', ti, 'to'], `no chain of links joins data centres ${t.from} and ${t.to}, so this transfer has no route (network: ideal times jobs without the network, but transfers still cross the links): ${add(t.from, t.to)}`);
  });
  services.forEach((s) => {
    if (!s.disaggregated) return;
    for (const p of s.disaggregated.prefill.datacentres) {
      const d = s.disaggregated.decode.datacentres.find((q) => root(q) !== root(p));
      if (d === undefined) continue;
      const [a, b] = [datacentres[p]!.name, datacentres[d]!.name];
      fail(['services', s.index, 'decode'], `no chain of links joins data centres ${a} and ${b}, so the KV caches of service '${s.name}' have no route from its prefill replicas to its decode replicas (network: ideal times jobs without the network, but KV caches still cross the links): ${add(a, b)}`);
      return;
    }
  });
}
