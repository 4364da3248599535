// Hardware failures, repairs and stragglers, as a subsystem on the simulation's engine. Every
// draw comes from its own streams ('failures:...', 'stragglers'), so a run without failures is
// byte-identical to one where this subsystem is absent.
import type { RandomStream } from '../engine/random.js';
import type { z } from 'zod';
import type { failureProcessSchema, failuresSchema } from '../scenario/schema.js';
import type { FailurePort, Subsystem } from './subsystem.js';
import type { Placement } from '../policy/types.js';

type FailureProcess = z.output<typeof failureProcessSchema>;
type FailuresSpec = z.output<typeof failuresSchema>;

/** Time to the next failure of one unit. */
function drawGap(p: FailureProcess, rng: RandomStream): number {
  if (p.distribution === 'exponential' || p.shape === 1) return rng.exponential(p.mtbf);
  // Weibull with the given mean: scale = mtbf / Gamma(1 + 1/k).
  return rng.weibull(p.shape, p.mtbf / gammaFn(1 + 1 / p.shape));
}

/** Lanczos approximation of the Gamma function (x > 0). */
function gammaFn(x: number): number {
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFn(1 - x));
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}

export class FailureInjector implements Subsystem {
  /** Failure events that happened (devices, nodes, links). */
  failures = 0;
  /** Outages not yet repaired. */
  repairsPending = 0;
  /** Devices out of service, with the number of overlapping outages (device and node failures). */
  private readonly downCount: Int32Array;

  constructor(
    private readonly sim: FailurePort,
    private readonly spec: FailuresSpec,
  ) {
    this.downCount = new Int32Array(sim.cluster.deviceCount);
    // Young/Daly needs each job's failure rate: its devices' rates plus its nodes'.
    sim.failureRateOn = (devices, placement, overNetwork) => this.failureRateOn(devices, placement, overNetwork);
  }

  start(): void {
    const c = this.sim.cluster;
    const stragglers = this.sim.streams.stream('stragglers');
    for (const k of c.kinds) {
      const s = this.spec.stragglers[k.name];
      if (!s) continue;
      for (const node of c.nodesOfKind[k.index]!) {
        const first = c.nodeFirstDevice[node]!;
        for (let d = first; d < first + c.nodeDevices[node]!; d++) if (stragglers.next() < s.fraction) this.sim.deviceSpeed.set(d, s.slowdown);
      }
    }
    for (const k of c.kinds) {
      const p = this.spec.devices[k.name];
      if (!p) continue;
      const devices: number[] = [];
      for (const node of c.nodesOfKind[k.index]!) for (let d = c.nodeFirstDevice[node]!; d < c.nodeFirstDevice[node]! + c.nodeDevices[node]!; d++) devices.push(d);
      this.startProcess(p, devices.length, `failures:device:${k.name}`, (i) => [devices[i]!]);
    }
    if (this.spec.nodes) {
      this.startProcess(this.spec.nodes, c.nodeCount, 'failures:node', (n) => {
        const out: number[] = [];
        for (let d = c.nodeFirstDevice[n]!; d < c.nodeFirstDevice[n]! + c.nodeDevices[n]!; d++) out.push(d);
        return out;
      });
    }
    const net = this.sim.network;
    if (this.spec.links && net && this.sim.resolved.interDc.length > 0) {
      const links = this.sim.resolved.interDc.length;
      const down = new Int32Array(links);
      this.startProcess(this.spec.links, links, 'failures:link', () => [], (li, up) => {
        const wasDown = down[li]! > 0;
        down[li]! += up ? -1 : 1;
        // A failure of a link already down (the merged stream may draw it again), or the repair of
        // one of two overlapping outages, changes no route: the jobs it cut off, placed again and
        // waiting on it at rate 0, have nothing more to lose, as fabric elements count outages.
        if (wasDown === down[li]! > 0) return;
        const cut = this.because(`inter-DC link '${this.sim.resolved.interDc[li]!.name}' ${up ? 'repaired' : 'failed'}`, () => net.setInterDcLink(li, down[li]! > 0));
        for (const job of cut) this.sim.failJob(job, 'link failure');
      });
    }
    if (this.spec.fabric && net) this.startFabric(this.spec.fabric, net);
  }

  /**
   * Switch and link failures inside the sites' fabrics: every switch, and every link, its own unit
   * on its own stream ('failures:fabric:switch', 'failures:fabric:link'), plus the listed events.
   * A failure moves the flows that crossed it to surviving paths; jobs left with none fail.
   */
  private startFabric(spec: NonNullable<FailuresSpec['fabric']>, net: NonNullable<FailurePort['network']>): void {
    const elements = net.topology.fabricElements;
    const onElement = (index: number, up: boolean): void => {
      const e = elements[index]!;
      const cut = this.because(`fabric ${e.kind} '${e.names[0]}' ${up ? 'repaired' : 'failed'}`, () => net.setFabricElement(index, !up));
      for (const job of cut) this.sim.failJob(job, 'fabric failure');
    };
    const of = (kind: 'switch' | 'link'): number[] => elements.flatMap((e, i) => (e.kind === kind ? [i] : []));
    const switches = of('switch');
    const links = of('link');
    if (spec.switches) this.startProcess(spec.switches, switches.length, 'failures:fabric:switch', () => [], (u, up) => onElement(switches[u]!, up));
    if (spec.links) this.startProcess(spec.links, links.length, 'failures:fabric:link', () => [], (u, up) => onElement(links[u]!, up));
    const engine = this.sim.engine;
    for (const e of spec.events) {
      // The loader checked every name against the fabrics.
      const index = net.topology.elementIndex((e.switch ?? e.link)!)!;
      engine.daemonAt(e.at, () => {
        this.failures++;
        this.repairsPending++;
        onElement(index, false);
        engine.daemonAt(engine.now + e.repair, () => {
          this.repairsPending--;
          onElement(index, true);
          this.sim.requestPass();
        });
      });
    }
  }

  /** `act`'s rate changes reported as due to `why`. */
  private because<T>(why: string, act: () => T): T {
    this.sim.rateCause = why;
    try {
      return act();
    } finally {
      this.sim.rateCause = undefined;
    }
  }

  finish(): void {
    this.sim.metricsRecorder.addFailures(this.failures);
  }

  /**
   * `units` identical units, each an alternating renewal: up for a time to failure (mean mtbf,
   * counted in up time), down for the repair, up again. So a unit is down repair / (mtbf + repair)
   * of the time and fails horizon / (mtbf + repair) times (test/failure-renewal.test.ts).
   * Exponential units are merged into one Poisson stream over the units that are up, of rate
   * up / mtbf with the unit drawn uniformly among them (the same law, memoryless, one pending
   * event): redrawn whenever the count up changes. Weibull units keep one clock each, started
   * again when the unit is repaired.
   */
  private startProcess(p: FailureProcess, units: number, stream: string, devicesOf: (unit: number) => number[], onLink?: (unit: number, up: boolean) => void): void {
    if (units === 0) return;
    const rng = this.sim.streams.stream(stream);
    const engine = this.sim.engine;
    const fail = (unit: number, repaired?: () => void): void => {
      this.failures++;
      if (onLink) onLink(unit, false);
      const devices = devicesOf(unit);
      this.takeDown(devices);
      this.repairsPending++;
      engine.daemonAt(engine.now + p.repair, () => {
        this.repairsPending--;
        if (onLink) onLink(unit, true);
        this.bringUp(devices);
        repaired?.();
      });
    };
    if (p.distribution === 'exponential' || p.shape === 1) {
      // The units up, in the first `upCount` places of `up` (where[u]: u's place), so that one is
      // drawn uniformly and moved out or back in O(1).
      const up = Int32Array.from({ length: units }, (_, i) => i);
      const where = Int32Array.from({ length: units }, (_, i) => i);
      let upCount = units;
      const swap = (i: number, j: number): void => {
        const a = up[i]!;
        const b = up[j]!;
        up[i] = b;
        up[j] = a;
        where[b] = i;
        where[a] = j;
      };
      let pending: ReturnType<typeof engine.daemonAt> | undefined;
      const arm = (): void => {
        engine.cancel(pending);
        pending = upCount > 0 ? engine.daemonAt(engine.now + rng.exponential(p.mtbf / upCount), strike) : undefined;
      };
      const strike = (): void => {
        pending = undefined;
        const unit = up[rng.int(upCount)]!;
        swap(where[unit]!, --upCount);
        fail(unit, () => {
          swap(where[unit]!, upCount++);
          arm();
        });
        arm();
      };
      arm();
    } else {
      for (let u = 0; u < units; u++) {
        const cycle = (): void => {
          engine.daemonAt(engine.now + drawGap(p, rng), () => {
            fail(u);
            engine.daemonAt(engine.now + p.repair, cycle);
          });
        };
        cycle();
      }
    }
  }

  private takeDown(devices: readonly number[]): void {
    const c = this.sim.cluster;
    for (const d of devices) {
      if (this.downCount[d]!++ > 0) continue; // already out of service
      for (const job of this.sim.jobsOnDevice(d)) this.sim.failJob(job, 'failure');
      this.sim.failLeaseOn(d);
      // Out of service: held by nobody, usable by no one, until repaired.
      const free = c.deviceFreeMilli[d]!;
      if (free > 0) c.allocateShare(d, free);
      this.heldMilli.set(d, free);
    }
  }

  private bringUp(devices: readonly number[]): void {
    const c = this.sim.cluster;
    for (const d of devices) {
      if (--this.downCount[d]! > 0) continue;
      const milli = this.heldMilli.get(d) ?? 0;
      this.heldMilli.delete(d);
      if (milli > 0) c.releaseShare(d, milli);
    }
    this.sim.devicesRepaired();
    this.sim.requestPass();
  }

  private readonly heldMilli = new Map<number, number>();

  /**
   * `overNetwork`: the job's steps are timed over the flow network. A job timed without it (no model
   * size, or network: ideal) sends no flows, so no switch or inter-DC link failure stops it
   * (setFabricElement and setInterDcLink fail only jobs whose flows lose their path): counting them
   * made its Young/Daly interval write checkpoints against failures it could not have.
   */
  private failureRateOn(devices: number, p: Placement, overNetwork: boolean): number {
    const c = this.sim.cluster;
    let rate = 0;
    const kind = c.kinds[p.kind]!;
    const dev = this.spec.devices[kind.name];
    if (dev) rate += devices / dev.mtbf;
    if (this.spec.nodes) rate += p.nodes.length / this.spec.nodes.mtbf;
    if (!overNetwork) return rate;
    // A job across nodes fails when a switch cuts one of them off (spines and planes reroute).
    const fabric = this.spec.fabric?.switches;
    const net = this.sim.network;
    if (fabric && net && p.nodes.length > 1) {
      const cutters = new Set<number>();
      for (const n of p.nodes) for (const e of net.topology.switchesCuttingOff(n)) cutters.add(e);
      rate += cutters.size / fabric.mtbf;
    }
    // A job across sites fails when an inter-DC link it cannot route around fails: one whose loss
    // leaves two of its sites with no path between them.
    const links = this.spec.links;
    if (links && net && this.sim.resolved.interDc.length > 0) {
      const sites = [...new Set(Array.from(p.nodes, (n) => c.nodeDatacentre[n]!))].sort((a, b) => a - b);
      if (sites.length > 1) rate += this.bridgesBetween(sites) / links.mtbf;
    }
    return rate;
  }

  private readonly bridgeCounts = new Map<string, number>();

  /** Inter-DC links whose failure alone (every other link up) disconnects two of `sites` (sorted). */
  private bridgesBetween(sites: readonly number[]): number {
    const key = sites.join(',');
    let count = this.bridgeCounts.get(key);
    if (count !== undefined) return count;
    const interDc = this.sim.resolved.interDc;
    const dcs = this.sim.cluster.datacentres.length;
    count = 0;
    for (let cut = 0; cut < interDc.length; cut++) {
      const root = Array.from({ length: dcs }, (_, i) => i);
      const find = (x: number): number => {
        while (root[x] !== x) x = root[x] = root[root[x]!]!;
        return x;
      };
      interDc.forEach((l, i) => {
        if (i !== cut) root[find(l.a)] = find(l.b);
      });
      if (sites.some((dc) => find(dc) !== find(sites[0]!))) count++;
    }
    this.bridgeCounts.set(key, count);
    return count;
  }
}
