// Checks a scenario's fabric failure events against what can fail in its data centres' fabrics
// (each kind names its switches and links: fabrics/), before anything runs: an unknown or misspelt
// name is refused at its field with the nearest names, never silently failing nothing.
import type { Datacentre, NodeGroup } from '../cluster.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { formatDuration } from '../../units/units.js';
import { fabricElementNames } from './topology.js';

/**
 * Refuses fabric failure events that name nothing (or a scenario that cannot reroute), and warns
 * those at or after the horizon (they never happen); returns how many switches and links the
 * fabrics have (the units of the failure processes, for the run's size).
 */
export function checkFabricFailures(
  scenario: Scenario,
  datacentres: readonly Datacentre[],
  groups: readonly NodeGroup[],
  fail: (path: readonly PathKey[], message: string) => void,
  warn: (path: readonly PathKey[], message: string) => void = () => {},
): { switches: number; links: number } {
  const none = { switches: 0, links: 0 };
  const spec = scenario.failures?.fabric;
  if (!spec) return none;
  if (scenario.network === 'ideal') {
    fail(['failures', 'fabric'], 'fabric failures reroute the flows of the network model, which `network: ideal` leaves out: use network: flow');
    return none;
  }
  const switches: string[] = [];
  const links: string[] = [];
  const sites = new Map<string, { kind: string; nodes: number; switches: string[]; links: string[] }>();
  for (const dc of datacentres) {
    const rails: number[] = [];
    for (const g of groups) if (g.datacentre === dc.index) for (let i = 0; i < g.nodeCount; i++) rails.push(g.nicsPerNode);
    if (rails.length === 0) continue;
    const names = fabricElementNames(dc.topology, dc.name, rails);
    sites.set(dc.name, { kind: dc.topology.kind, nodes: rails.length, ...names });
    // One at a time: a spread passes every name as an argument, past V8's stack at about a million.
    for (const n of names.switches) switches.push(n);
    for (const n of names.links) links.push(n);
  }
  const counts = { switches: switches.length, links: links.length };
  // A process over units no site has fails nothing: say so rather than report a fabric that rode out failures.
  if (spec.switches && counts.switches === 0) warn(['failures', 'fabric', 'switches'], "no data centre's fabric has a switch here (a torus has none), so this fails nothing");
  if (spec.links && counts.links === 0) warn(['failures', 'fabric', 'links'], "no data centre's fabric has a link between switches here (a site of one leaf has none), so this fails nothing");
  if (spec.events.length === 0) return counts;
  const switchSet = new Set(switches);
  const linkSet = new Set(links);
  const sample = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} ... (${names.length})`);
  spec.events.forEach((e, i) => {
    const at: PathKey[] = ['failures', 'fabric', 'events', i];
    // The run stops at the horizon: an event from then on fails nothing (as a generator starting then submits nothing).
    if (scenario.horizon !== undefined && e.at >= scenario.horizon) {
      warn([...at, 'at'], `at ${formatDuration(e.at)}, not before the horizon (${formatDuration(scenario.horizon)}): this failure never happens in the run`);
    }
    if ((e.switch === undefined) === (e.link === undefined)) {
      fail(at, 'give exactly one of `switch` or `link`');
      return;
    }
    const kind = e.switch !== undefined ? 'switch' : 'link';
    const name = (e.switch ?? e.link)!;
    const own = kind === 'switch' ? switchSet : linkSet;
    if (own.has(name)) return;
    if ((kind === 'switch' ? linkSet : switchSet).has(name)) {
      fail([...at, kind], `'${name}' is a ${kind === 'switch' ? 'link' : 'switch'}: give it as \`${kind === 'switch' ? 'link' : 'switch'}\``);
      return;
    }
    // A name of a site the pool has (`tier:site:...`): say what that site's fabric has, and that
    // it has no such tier at all where it does not (a spine above a site of one leaf).
    const tier = name.split(':')[0]!;
    const site = sites.get(name.split(':')[1] ?? '');
    if (site) {
      const own = kind === 'switch' ? site.switches : site.links;
      const guess = suggestName(name, own);
      const missing = own.some((n) => n.split(':')[0] === tier) ? '' : `, which has no ${tier} ${kind === 'switch' ? 'switch' : 'link'} at all`;
      fail(
        [...at, kind],
        `unknown ${kind} '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}: site ${name.split(':')[1]} is a ${site.kind} fabric of ${site.nodes} node${site.nodes === 1 ? '' : 's'}${missing}; ` +
          `failable there: switches ${sample(site.switches)}; links ${sample(site.links)}`,
      );
      return;
    }
    const all = kind === 'switch' ? switches : links;
    const guess = suggestName(name, all);
    fail([...at, kind], `unknown ${kind} '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; the fabrics have ${kind === 'switch' ? 'switches' : 'links'} ${sample(all)}`);
  });
  return counts;
}
