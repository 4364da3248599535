// Cost- or carbon-aware placement across data centres: the site with the lowest electricity price
// (or carbon intensity; a daily profile's hours over the job's predicted run) x predicted energy, among the placements whose predicted run time stays
// within `max_slowdown` of the fastest placement feasible now.
import { z } from 'zod';
import { placeOnKindBySpan, topologyAwarePlacement } from './topology-aware.js';
import { allowedKinds } from './predict.js';
import type { ClusterView, JobView, Placement, PlacementHints, PlacementPolicy } from './types.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';
import { profileMeanOver } from '../model/daily-profile.js';

const paramsSchema = z.strictObject({
  objective: z.enum(['cost', 'carbon']).default('cost').describe('minimise electricity cost (price x kWh) or emissions (kg CO2 per kWh x kWh)'),
  max_slowdown: z
    .number()
    .gte(1)
    .default(1.2)
    .describe('largest accepted ratio of predicted run time on a site to the best predicted run time over every placement feasible now'),
});

export type SiteAwareParams = z.output<typeof paramsSchema>;

export const siteAware: PlacementPolicy<SiteAwareParams> = {
  name: 'site-aware',
  description:
    'Cost- or carbon-aware: within each data centre the smallest-span placement per allowed kind; among those whose predicted run time is within max_slowdown of the best feasible now, the lowest price (or carbon intensity; a daily profile hour by hour over the predicted run, as the run charges it) x predicted energy (busy power x PUE x run time). Spans sites only when no single site fits.',
  params: paramsSchema,
  create: (params) => ({ place: (job, cluster, hints) => siteAwarePlacement(job, cluster, hints, params) }),
  // A site without the objective's figure would count as free (or carbon-free) and win every choice
  // (one site leaves nothing to choose between).
  checkPool: (params, pool) => {
    if (pool.datacentres.length < 2) return undefined;
    const cost = params.objective === 'cost';
    const missing = pool.datacentres.filter((d) => !(cost ? d.priced : d.carbonKnown)).map((d) => `'${d.name}'`);
    if (missing.length === 0) return undefined;
    const field = cost ? 'electricity_price' : 'carbon_intensity';
    return {
      path: ['objective'],
      message: `objective '${params.objective}' compares the sites' ${field}, but data centre${missing.length > 1 ? 's' : ''} ${missing.join(', ')} give${missing.length > 1 ? '' : 's'} none: give each site its ${field} (0 if it is truly ${cost ? 'free' : 'carbon-free'})`,
    };
  },
};

export function siteAwarePlacement(job: JobView, cluster: ClusterView, hints: PlacementHints, params: SiteAwareParams): Placement | undefined {
  // Shares and host-resource requests: the same node order, through the host-aware route.
  if (needsHostFit(job, cluster)) return hostFitPlacement(job, cluster, 'first');
  const candidates: { p: Placement; runtimeS: number; score: number }[] = [];
  let bestRuntimeS = Infinity;
  for (const dc of cluster.datacentres) {
    const inDc = (n: number): boolean => cluster.nodeDatacentre[n] === dc.index;
    // The figure over the hours the job is predicted to run there, as the run charges it: a daily
    // profile's mean stood for every hour alike, and sent a noon job from a solar site at 0.02 kg
    // to a flat 0.1 one because the solar site's nights raise its mean.
    const byHour = params.objective === 'cost' ? dc.electricityPriceByHour : dc.carbonIntensityByHour;
    for (const kind of allowedKinds(job, cluster)) {
      const r = placeOnKindBySpan(job.devices, kind, cluster, inDc);
      if (!r) continue;
      const runtimeS = job.remainingFlop / hints.predictRate(job, r.p);
      const energyKWh = (job.devices * cluster.kinds[kind]!.spec.busy_power * dc.pue * runtimeS) / 3.6e6;
      candidates.push({ p: r.p, runtimeS, score: profileMeanOver(byHour, hints.nowS, runtimeS) * energyKWh });
      bestRuntimeS = Math.min(bestRuntimeS, runtimeS);
    }
  }
  // A placement across sites is feasible too; it only sets the bar (and is the answer when no site fits alone).
  const across = topologyAwarePlacement(job, cluster);
  if (!across) return undefined;
  if (candidates.length === 0) return across;
  bestRuntimeS = Math.min(bestRuntimeS, job.remainingFlop / hints.predictRate(job, across));
  let best: (typeof candidates)[number] | undefined;
  for (const c of candidates) {
    if (c.runtimeS > params.max_slowdown * bestRuntimeS * (1 + 1e-12)) continue;
    if (!best || c.score < best.score || (c.score === best.score && c.runtimeS < best.runtimeS)) best = c;
  }
  return best?.p ?? across;
}
