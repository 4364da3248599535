// Long-haul links between data centres, and what the flow network needs of them: a route between
// every pair of sites, and a warning for a link no route takes while every link is up.
import { standbyLinks } from '../network/site-paths.js';
import type { InterDcLink } from '../network/topology.js';
import { implausibleLink, implausibleWindow } from '../plausibility.js';
import type { Scenario } from '../../scenario/schema.js';
import { UniqueNames } from '../unique-names.js';
import type { ResolveContext } from './context.js';
import type { Sites } from './sites.js';

export function resolveLinks(scenario: Scenario, { datacentres, dcRef }: Sites, ctx: ResolveContext): InterDcLink[] {
  const { fail, warn, src } = ctx;
  const interDc: InterDcLink[] = [];
  const linkNames = new UniqueNames('link', fail, src.where);
  scenario.links.forEach((l, li) => {
    const linkName = l.name ?? `${l.between[0]}-${l.between[1]}`;
    linkNames.claim(linkName, ['links', li, l.name !== undefined ? 'name' : 'between'], l.name !== undefined ? '' : ` (the name an unnamed link between ${l.between[0]} and ${l.between[1]} gets: give each link a \`name\`)`);
    const a = dcRef(l.between[0], ['links', li, 'between', 0]);
    const b = dcRef(l.between[1], ['links', li, 'between', 1]);
    if (a !== undefined && b !== undefined && a === b) fail(['links', li, 'between'], 'a link joins two different data centres');
    if (a === undefined || b === undefined) return;
    implausibleLink(l.latency, l.bandwidth, ['links', li], (field) => src.scalarAt(['links', li, field]), warn);
    if (l.window !== undefined) implausibleWindow(l.window, ['links', li, 'window'], src.scalarAt(['links', li, 'window']), warn);
    interDc.push({
      name: linkName,
      a,
      b,
      latencyS: l.latency,
      bandwidthBytesPerS: l.bandwidth,
      efficiency: l.efficiency,
      windowBytes: l.window,
    });
  });

  // Jobs are timed over the network only under network: flow and only when their model size is
  // known (`params`: a trace's jobs and jobs given by a run time alone have no traffic to send).
  // Without such a job, a transfer or a service, nothing crosses a link: its latency and bandwidth
  // change no result, and a sweep over them prints the same row for every value, which reads as
  // 'latency costs nothing'.
  const why = nothingCrossesLinks(scenario);
  if (why !== undefined) scenario.links.forEach((_l, li) => warn(['links', li], `${why}, so nothing crosses this link: its latency and bandwidth change no result (${why.startsWith('`network: ideal`') ? 'use network: flow to time jobs over it' : 'give a multi-node job its `params` to time it over the network'})`));

  // With the flow network every pair of sites needs a route: a gang, a transfer or a request placed
  // across two sites that no chain of links joins would have nowhere to send its bytes.
  // Two sites of one name are refused already; the second is the one no link can name, not a cut.
  const uniqueNames = new Set(datacentres.map((d) => d.name)).size === datacentres.length;
  if (scenario.network === 'flow' && datacentres.length > 1 && uniqueNames) {
    const reach = new Set<number>([0]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const l of interDc) {
        if (reach.has(l.a) !== reach.has(l.b)) {
          reach.add(l.a);
          reach.add(l.b);
          grew = true;
        }
      }
    }
    const cut = datacentres.findIndex((_, i) => !reach.has(i));
    if (cut !== -1) {
      fail(['datacentres', cut, 'name'], `data centre '${datacentres[cut]!.name}' is joined to '${datacentres[0]!.name}' by no chain of links, so a job, transfer or request spanning them would have no route: add a link between them (links: - { between: [${datacentres[0]!.name}, ${datacentres[cut]!.name}], latency: ..., bandwidth: ... }), or set network: ideal`);
    }
  }

  // A link no pair of sites routes over while every link is up carries nothing until another fails:
  // routes take one lowest-latency path per pair and do not split over parallel links, so a second
  // fibre is a standby, not added capacity (model/network/site-paths.ts).
  if (scenario.network === 'flow' && ctx.issues.length === 0) {
    for (const li of standbyLinks(datacentres.length, interDc)) {
      const l = interDc[li]!;
      const rival = interDc.findIndex((o, oi) => oi !== li && ((o.a === l.a && o.b === l.b) || (o.a === l.b && o.b === l.a)));
      const why =
        rival !== -1
          ? `traffic between ${datacentres[l.a]!.name} and ${datacentres[l.b]!.name} takes links[${rival}] ('${interDc[rival]!.name}', ${Number((interDc[rival]!.latencyS * 1e3).toPrecision(6))} ms${rival < li && interDc[rival]!.latencyS === l.latencyS ? ', listed first' : ''})`
          : `every pair of data centres has a lower-latency way round`;
      warn(
        ['links', li],
        `link '${l.name}' carries no traffic while every link is up: ${why}. Routes between data centres take one lowest-latency path per pair and do not split traffic over parallel links, so this link is a standby for failures, not added capacity; to model the combined capacity of parallel fibres, give one link with their summed bandwidth`,
      );
    }
  }
  return interDc;
}

/**
 * Why nothing crosses the scenario's links, or undefined when something may: transfers and
 * services always send bytes over them; training jobs do under network: flow when their model size
 * (`params`) says how much they send.
 */
export function nothingCrossesLinks(scenario: Scenario): string | undefined {
  if (scenario.transfers.length > 0 || scenario.services.length > 0) return undefined;
  if (scenario.network === 'ideal') return '`network: ideal` times jobs without the network and this scenario has no transfers or services';
  const sized = scenario.workloads.some((w) => ('jobs' in w ? w.jobs.some((j) => j.params !== undefined) : 'generator' in w && w.generator.params !== undefined));
  return sized ? undefined : 'every job here is timed without the network (none has a model size, `params`, to say what it sends) and this scenario has no transfers or services';
}
