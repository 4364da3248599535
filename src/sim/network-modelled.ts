// Whether a run builds the flow network: under network: flow always; under network: ideal when
// something still sends bytes over links (transfers between sites, disaggregated services' KV
// caches), though jobs are timed without it. What the simulation builds and which link files a
// run writes (links.csv, links_timeseries.csv) both follow it.
import type { ResolvedScenario } from '../model/load-scenario.js';

export function modelsNetwork(resolved: Pick<ResolvedScenario, 'scenario' | 'transfers' | 'services'>): boolean {
  return resolved.scenario.network === 'flow' || resolved.transfers.length > 0 || resolved.services.some((s) => s.disaggregated !== undefined);
}
