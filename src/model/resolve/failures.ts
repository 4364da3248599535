// Failures and stragglers are keyed by device kind, and the simulator looks them up by the pool's
// kind names: each key is resolved as a node group's device is (aliases, any case), so that
// 'H100-SXM' or 'h100' reaches the H100 devices instead of silently failing nothing. They reach
// training jobs and inference replicas alike. Devices that are out of service most of the time (a
// repair far longer than the time between failures) are said.
import type { NodeGroup } from '../cluster.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { ResolveContext } from './context.js';
import type { KindBook } from './kinds.js';
import { nothingCrossesLinks } from './links.js';
import { formatDuration } from '../../units/units.js';

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
  checkShapes(f, ctx);
  checkLinkFailures(scenario, ctx);
  checkFabricFailuresReach(scenario, ctx);
  const resolved: Scenario = { ...scenario, failures: { ...f, devices: byPoolKind(f.devices, ['failures', 'devices']), stragglers: byPoolKind(f.stragglers, ['failures', 'stragglers']) } };
  // Device and node failures reach inference replicas as they reach training jobs (the replica is
  // lost, its requests start over on the others, a replacement loads), and stragglers slow them
  // (sim/inference/): nothing to warn of beside a service.
  warnMostlyDown(resolved, f, book, groups, ctx);
  return resolved;
}

type FailureProcess = { distribution: 'exponential' | 'weibull'; shape: number };

/**
 * `shape` is the Weibull shape: an exponential process (the default distribution) has none, and
 * drew exponential gaps whatever shape was written (`{ mtbf: 10h, shape: 0.7 }`, meant as infant
 * mortality, failed as a memoryless process without a word). A shape of 1 is the exponential
 * itself, so it passes either way. The other way round, `distribution: weibull` with no shape took
 * the default 1 and ran the exponential too: refused, asking for the shape.
 */
function checkShapes(f: NonNullable<Scenario['failures']>, ctx: ResolveContext): void {
  const check = (p: FailureProcess | undefined, at: PathKey[]): void => {
    if (p === undefined) return;
    // A Weibull process whose shape is left at its default of 1 is the exponential: said, not run as asked.
    if (p.distribution === 'weibull' && ctx.src.scalarAt([...at, 'shape']) === undefined) {
      ctx.fail([...at, 'distribution'], 'a Weibull process needs its `shape` (k): without one it is 1, the exponential itself; give the shape (k < 1: failures cluster early; k > 1: wear-out), or leave `distribution` out');
      return;
    }
    if (p.distribution === 'weibull' || p.shape === 1) return;
    ctx.fail([...at, 'shape'], `a shape of ${p.shape} shapes Weibull gaps, but this process is exponential (\`distribution\` absent or exponential), which has none: add \`distribution: weibull\`, or leave \`shape\` out`);
  };
  for (const [name, p] of Object.entries(f.devices)) check(p, ['failures', 'devices', name]);
  check(f.nodes, ['failures', 'nodes']);
  check(f.links, ['failures', 'links']);
  check(f.fabric?.switches, ['failures', 'fabric', 'switches']);
  check(f.fabric?.links, ['failures', 'fabric', 'links']);
}

/**
 * `failures.links` fails the links between data centres: without a link it has nothing to fail, and
 * where nothing crosses a link (network: ideal, or jobs timed without the network, and no transfers
 * or services) a link's failures change no result. Both used to pass without a word, the run
 * reporting no failures (or failures that cost nothing) as though the links had held.
 */
function checkLinkFailures(scenario: Scenario, ctx: ResolveContext): void {
  if (!scenario.failures?.links) return;
  if (scenario.links.length === 0) {
    ctx.fail(['failures', 'links'], 'the scenario has no links between data centres (`links:`), so there is nothing for link failures to fail: failures.links fails long-haul links only (switch and cable failures inside a data centre are failures.fabric); give the links, or leave `failures.links` out');
    return;
  }
  const why = nothingCrossesLinks(scenario);
  if (why !== undefined) ctx.warn(['failures', 'links'], `${why}, so nothing crosses a link: link failures change no result`);
}

/**
 * `failures.fabric` stops only jobs whose flows lose their path (network-progress setFabricElement):
 * where no job is timed over the network (none has a model size) and nothing else sends, no switch
 * or link failure stops a job, and the run reported them ridden out ('failures 5 (0 FLOP lost)')
 * without a word. `network: ideal` is refused there (checkFabricFailures).
 */
function checkFabricFailuresReach(scenario: Scenario, ctx: ResolveContext): void {
  if (!scenario.failures?.fabric || scenario.network === 'ideal') return;
  const why = nothingCrossesLinks(scenario);
  if (why !== undefined) {
    ctx.warn(['failures', 'fabric'], `${why}, so no switch or link failure stops a job: fabric failures lose no work and cost no time (give a multi-node job its \`params\` to time it over the network)`);
    return;
  }
  // Some jobs send, so the warning above is not given; those without a model size beside them are
  // never stopped either, even across nodes, and a mixed scenario said nothing of them.
  const untimed = untimedWorkloads(scenario);
  if (untimed.length === 0) return;
  const more = untimed.length > 1 ? ` (and ${untimed.length - 1} more ${untimed.length === 2 ? 'workload' : 'workloads'} like it)` : '';
  ctx.warn(
    ['failures', 'fabric'],
    `${untimed[0]} gives no model size (\`params\`)${more}: timed without the network, it sends no flows, so no switch or link failure stops it even across nodes, and its failures and lost work leave them out (give it \`params\` to time it over the network)`,
  );
}

/** The workloads whose jobs are timed without the network (no model size) and may span nodes: listed jobs of more than one device, generators without params, traces. */
function untimedWorkloads(scenario: Scenario): string[] {
  const out: string[] = [];
  scenario.workloads.forEach((w, i) => {
    if ('jobs' in w) w.jobs.forEach((j, k) => void (j.params === undefined && j.devices > 1 && out.push(`workloads[${i}].jobs[${k}]`)));
    else if ('generator' in w) {
      if (w.generator.params === undefined) out.push(`workloads[${i}].generator`);
    } else out.push(`workloads[${i}].trace`);
  });
  return out;
}

/**
 * A unit is in service mtbf / (mtbf + repair) of the time in the long run (any distribution of the
 * time between failures with that mean). Where a kind's devices, counting their nodes' failures, are
 * in service less than half the time, few are up at once: a job that needs more than that waits for
 * repairs that rarely line up, and a run can go on to its century limit with nothing done. Said at
 * the repair time (the likely slip: a repair in days against an mtbf in hours, or a bare number).
 */
function warnMostlyDown(resolved: Scenario, given: NonNullable<Scenario['failures']>, book: KindBook, groups: readonly NodeGroup[], ctx: ResolveContext): void {
  const g = resolved.failures!;
  const inService = (p: { mtbf: number; repair: number } | undefined): number => (p === undefined ? 1 : p.mtbf / (p.mtbf + p.repair));
  const nodeShare = inService(g.nodes);
  const counted = new Set<number>();
  for (const group of groups) {
    const kind = group.kind;
    if (counted.has(kind)) continue;
    counted.add(kind);
    const name = book.kinds[kind]!.name;
    const device = g.devices[name];
    const share = inService(device) * nodeShare;
    if (!(share < 0.5)) continue;
    const total = groups.reduce((n, x) => n + (x.kind === kind ? x.nodeCount * x.devicesPerNode : 0), 0);
    const parts: string[] = [];
    if (device) parts.push(`repair ${formatDuration(device.repair)} against a mean time between failures of ${formatDuration(device.mtbf)} per device`);
    if (g.nodes) parts.push(`node repair ${formatDuration(g.nodes.repair)} against a node mtbf of ${formatDuration(g.nodes.mtbf)}`);
    const key = Object.keys(given.devices).find((n) => book.canonicalOf(n) === name);
    const at: PathKey[] = device && key !== undefined && device.repair / (device.mtbf + device.repair) >= (g.nodes ? g.nodes.repair / (g.nodes.mtbf + g.nodes.repair) : 0) ? ['failures', 'devices', key, 'repair'] : ['failures', 'nodes', 'repair'];
    const up = total * share;
    ctx.warn(
      at,
      `'${name}' devices are out of service ${(100 * (1 - share)).toFixed(0)}% of the time (${parts.join('; ')}): on average ${up >= 10 ? Math.round(up).toLocaleString('en-US') : up.toPrecision(2)} of the pool's ${total.toLocaleString('en-US')} are up at once, so a job that needs more waits for repairs that rarely line up and the run may go on to its century limit with nothing done`,
    );
  }
}
