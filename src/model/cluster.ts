// The pool's static shape and its free capacity: data centres, device kinds, nodes and devices,
// in flat typed arrays so that large pools stay compact and placement can index free capacity.
import { FreeIndex } from './free-index.js';
import type { DeviceKind, FabricPreset } from '../scenario/hardware-schema.js';
import { fabricKind, type TopologySpec } from './network/fabrics/registry.js';
import type { PathKey } from '../scenario/errors.js';

export interface Datacentre {
  readonly index: number;
  readonly name: string;
  readonly pue: number;
  /** Currency per kWh (daily mean when a profile is given); 0 when the scenario gives none (see priced). */
  readonly electricityPrice: number;
  /** The scenario gives this site's electricity price (else its energy has no cost figure, not a cost of 0). */
  readonly priced: boolean;
  /** The scenario gives this site's carbon intensity (else its energy has no CO2 figure). */
  readonly carbonKnown: boolean;
  /** kg CO2 per kWh (daily mean when a profile is given). */
  readonly carbonIntensityKgPerKWh: number;
  /** The same, hour by hour over a day (hour 0 starts at simulated time 0). */
  readonly electricityPriceByHour: readonly number[];
  readonly carbonIntensityByHour: readonly number[];
  readonly fabric: FabricPreset | undefined;
  /** The switch fabric inside the site (its kind and figures). */
  readonly topology: TopologySpec;
  /** Where the topology's fields are in the scenario (its `topology` block, else the data centre). */
  readonly topologyAt: readonly PathKey[];
}

export interface KindInfo {
  readonly index: number;
  readonly name: string;
  readonly spec: DeviceKind;
  /**
   * The scale-out fabric its nodes get where their site names none: the preset its `default_fabric`
   * names, as the scenario's `fabrics:` override or add it, else plain 100G Ethernet.
   */
  readonly fabric: FabricPreset;
}

export interface NodeGroup {
  readonly name: string;
  readonly datacentre: number;
  readonly kind: number;
  readonly firstNode: number;
  readonly nodeCount: number;
  readonly devicesPerNode: number;
  readonly nicsPerNode: number;
  readonly nicRateBytesPerS: number | undefined;
  /** Host overhead per node (W), drawn all the time. */
  readonly hostPowerW?: number;
  /** CPU of each node in milli-cores, and memory in MiB; unlimited when undefined. */
  readonly cpuMilliPerNode?: number | undefined;
  readonly memoryMiBPerNode?: number | undefined;
}

/** Cluster.nodeMeta's layout: entries per node and their offsets. */
const META_STRIDE = 8;
const META_KIND = 0;
const META_DEVICES = 1;
const META_LEAF_SLOT = 2;
const META_KIND_DC = 3;
const META_POS_IN_KIND = 4;
const META_FIRST_DEVICE = 5;

/** Device-time granularity: a whole device is 1000 milli (fractional sharing uses less). */
export const WHOLE_DEVICE_MILLI = 1000;

export interface ClusterShape {
  datacentres: Datacentre[];
  kinds: KindInfo[];
  groups: NodeGroup[];
}

/**
 * Static topology plus free capacity. Mutated only by the simulator (allocate/release); policies
 * see it through the read-only ClusterView.
 */
export class Cluster {
  readonly datacentres: readonly Datacentre[];
  readonly kinds: readonly KindInfo[];
  /** Every kind index, for jobs that allow any kind. */
  readonly allKinds: readonly number[];
  readonly groups: readonly NodeGroup[];
  readonly nodeCount: number;
  readonly deviceCount: number;
  /**
   * Per node: data centre, kind, group, first device index, device count, and its leaf: the
   * placement group its data centre's topology puts it in (leaf or ToR switch), numbered within the DC.
   */
  readonly nodeDatacentre: Int32Array;
  readonly nodeKind: Int32Array;
  readonly nodeGroup: Int32Array;
  readonly nodeFirstDevice: Int32Array;
  readonly nodeDevices: Int32Array;
  readonly nodeLeaf: Int32Array;
  /**
   * Per node: its pod (the data centre's topology's aggregation block of leaves), numbered within
   * the DC; -1 where the topology has no pods or the site is one pod (a span of one pod is then the site).
   */
  readonly nodePod: Int32Array;
  /** Whole devices free on each node. */
  readonly nodeFree: Int32Array;
  /** Per device: its node, and the milli-share still free (1000 = idle). */
  readonly deviceNode: Int32Array;
  readonly deviceFreeMilli: Int32Array;
  /** Whole devices free / total per kind. */
  readonly kindFree: Int32Array;
  readonly kindTotal: Int32Array;
  /** Nodes of each kind, in node order (placement scans these, not the whole pool). */
  readonly nodesOfKind: readonly Int32Array[];
  /** Largest and smallest devices-per-node of each kind. */
  readonly kindMaxPerNode: Int32Array;
  readonly kindMinPerNode: Int32Array;
  /** Position of each node within nodesOfKind[its kind]. */
  readonly nodePosInKind: Int32Array;
  /** Per kind, free whole devices by node position: leftmost-fit queries in O(log nodes). */
  readonly freeIndex: readonly FreeIndex[];
  /** Wholly free nodes per kind. */
  readonly kindWholeFreeNodes: Int32Array;
  /**
   * Leaf slots: one per (kind, data centre, leaf) that holds nodes, ordered by data centre, leaf,
   * then kind. Per slot its nodes (in node order) and their free devices, so topology-aware
   * placement finds a leaf without scanning the pool.
   */
  readonly leafSlots: readonly { readonly kind: number; readonly datacentre: number; readonly pod: number; readonly leaf: number; readonly nodes: readonly number[] }[];
  /** Slots of each kind, in (data centre, leaf) order. */
  readonly kindLeafSlots: readonly (readonly number[])[];
  readonly nodeLeafSlot: Int32Array;
  readonly leafFree: Int32Array;
  /** Free devices per (kind, data centre): index kind x datacentres + dc. */
  readonly kindDcFree: Int32Array;
  /**
   * Host resources per node: CPU milli-cores and memory MiB, capacity and still free (Infinity when
   * the node group does not say). `hostLimited` is false when no node says: placement then skips
   * the host checks, so pools without host resources place exactly as before.
   */
  readonly nodeCpuMilli: Float64Array;
  readonly nodeMemoryMiB: Float64Array;
  readonly nodeCpuFree: Float64Array;
  readonly nodeMemoryFree: Float64Array;
  readonly hostLimited: boolean;

  constructor(shape: ClusterShape) {
    this.datacentres = shape.datacentres;
    this.kinds = shape.kinds;
    this.allKinds = shape.kinds.map((k) => k.index);
    this.groups = shape.groups;
    let nodes = 0;
    let devices = 0;
    for (const g of shape.groups) {
      nodes += g.nodeCount;
      devices += g.nodeCount * g.devicesPerNode;
    }
    this.nodeCount = nodes;
    this.deviceCount = devices;
    this.nodeDatacentre = new Int32Array(nodes);
    this.nodeKind = new Int32Array(nodes);
    this.nodeGroup = new Int32Array(nodes);
    this.nodeFirstDevice = new Int32Array(nodes);
    this.nodeDevices = new Int32Array(nodes);
    this.nodeLeaf = new Int32Array(nodes);
    this.nodePod = new Int32Array(nodes);
    this.nodeFree = new Int32Array(nodes);
    this.nodeCpuMilli = new Float64Array(nodes);
    this.nodeMemoryMiB = new Float64Array(nodes);
    let hostLimited = false;
    this.deviceNode = new Int32Array(devices);
    this.deviceFreeMilli = new Int32Array(devices).fill(WHOLE_DEVICE_MILLI);
    this.kindFree = new Int32Array(shape.kinds.length);
    this.kindTotal = new Int32Array(shape.kinds.length);
    this.kindMaxPerNode = new Int32Array(shape.kinds.length);
    this.kindMinPerNode = new Int32Array(shape.kinds.length).fill(0x7fffffff);
    const perKind: number[][] = shape.kinds.map(() => []);
    const nodesInDc = new Int32Array(shape.datacentres.length);
    let n = 0;
    let d = 0;
    shape.groups.forEach((g, gi) => {
      const dc = shape.datacentres[g.datacentre]!;
      for (let i = 0; i < g.nodeCount; i++, n++) {
        this.nodeDatacentre[n] = g.datacentre;
        this.nodeKind[n] = g.kind;
        this.nodeGroup[n] = gi;
        this.nodeFirstDevice[n] = d;
        this.nodeDevices[n] = g.devicesPerNode;
        this.nodeFree[n] = g.devicesPerNode;
        this.nodeCpuMilli[n] = g.cpuMilliPerNode ?? Infinity;
        this.nodeMemoryMiB[n] = g.memoryMiBPerNode ?? Infinity;
        const fabric = fabricKind(dc.topology);
        this.nodeLeaf[n] = fabric.group(dc.topology, nodesInDc[g.datacentre]!);
        this.nodePod[n] = fabric.pod ? fabric.pod(dc.topology, this.nodeLeaf[n]!) : -1;
        nodesInDc[g.datacentre]!++;
        for (let j = 0; j < g.devicesPerNode; j++, d++) this.deviceNode[d] = n;
        perKind[g.kind]!.push(n);
      }
      if (g.cpuMilliPerNode !== undefined || g.memoryMiBPerNode !== undefined) hostLimited = true;
      this.kindFree[g.kind]! += g.nodeCount * g.devicesPerNode;
      this.kindTotal[g.kind]! += g.nodeCount * g.devicesPerNode;
      this.kindMaxPerNode[g.kind] = Math.max(this.kindMaxPerNode[g.kind]!, g.devicesPerNode);
      this.kindMinPerNode[g.kind] = Math.min(this.kindMinPerNode[g.kind]!, g.devicesPerNode);
    });
    this.hostLimited = hostLimited;
    const podsInDc = new Int32Array(shape.datacentres.length);
    for (let i = 0; i < nodes; i++) podsInDc[this.nodeDatacentre[i]!] = Math.max(podsInDc[this.nodeDatacentre[i]!]!, this.nodePod[i]! + 1);
    for (let i = 0; i < nodes; i++) if (podsInDc[this.nodeDatacentre[i]!]! <= 1) this.nodePod[i] = -1;
    this.nodeCpuFree = Float64Array.from(this.nodeCpuMilli);
    this.nodeMemoryFree = Float64Array.from(this.nodeMemoryMiB);
    this.nodesOfKind = perKind.map((a) => Int32Array.from(a));
    this.nodePosInKind = new Int32Array(nodes);
    this.freeIndex = this.nodesOfKind.map((list) => {
      list.forEach((node, pos) => (this.nodePosInKind[node] = pos));
      return new FreeIndex(Array.from(list, (node) => this.nodeFree[node]!));
    });
    this.kindWholeFreeNodes = new Int32Array(shape.kinds.length);
    const dcs = shape.datacentres.length;
    this.kindDcFree = new Int32Array(shape.kinds.length * dcs);
    this.nodeLeafSlot = new Int32Array(nodes);
    const slotOf = new Map<string, number>();
    const slots: { kind: number; datacentre: number; pod: number; leaf: number; nodes: number[] }[] = [];
    const order = Array.from({ length: nodes }, (_, n) => n).sort(
      (a, b) => this.nodeDatacentre[a]! - this.nodeDatacentre[b]! || this.nodeLeaf[a]! - this.nodeLeaf[b]! || this.nodeKind[a]! - this.nodeKind[b]! || a - b,
    );
    for (const n of order) {
      const key = `${this.nodeDatacentre[n]}:${this.nodeLeaf[n]}:${this.nodeKind[n]}`;
      let slot = slotOf.get(key);
      if (slot === undefined) {
        slot = slots.length;
        slotOf.set(key, slot);
        slots.push({ kind: this.nodeKind[n]!, datacentre: this.nodeDatacentre[n]!, pod: this.nodePod[n]!, leaf: this.nodeLeaf[n]!, nodes: [] });
      }
      slots[slot]!.nodes.push(n);
      this.nodeLeafSlot[n] = slot;
    }
    this.leafSlots = slots;
    this.leafFree = new Int32Array(slots.length);
    this.kindLeafSlots = shape.kinds.map((k) => slots.map((s, i) => (s.kind === k.index ? i : -1)).filter((i) => i >= 0));
    this.nodeMeta = new Int32Array(nodes * META_STRIDE);
    for (let n = 0; n < nodes; n++) {
      const kind = this.nodeKind[n]!;
      const m = n * META_STRIDE;
      this.nodeMeta[m + META_KIND] = kind;
      this.nodeMeta[m + META_DEVICES] = this.nodeDevices[n]!;
      this.nodeMeta[m + META_LEAF_SLOT] = this.nodeLeafSlot[n]!;
      this.nodeMeta[m + META_KIND_DC] = kind * dcs + this.nodeDatacentre[n]!;
      this.nodeMeta[m + META_POS_IN_KIND] = this.nodePosInKind[n]!;
      this.nodeMeta[m + META_FIRST_DEVICE] = this.nodeFirstDevice[n]!;
      this.kindWholeFreeNodes[kind]!++;
      this.leafFree[this.nodeLeafSlot[n]!]! += this.nodeFree[n]!;
      this.kindDcFree[kind * dcs + this.nodeDatacentre[n]!]! += this.nodeFree[n]!;
    }
  }

  /**
   * Take `count` whole devices on `node`: their indices (lowest free first) go to `out` from index
   * `at` (its end by default); returns the index after the last. The caller has checked that they
   * are free.
   */
  allocateWhole(node: number, count: number, out: number[], at = out.length): number {
    const first = this.nodeFirstDevice[node]!;
    const end = first + this.nodeDevices[node]!;
    let taken = 0;
    for (let dev = first; dev < end && taken < count; dev++) {
      if (this.deviceFreeMilli[dev] === WHOLE_DEVICE_MILLI) {
        this.deviceFreeMilli[dev] = 0;
        out[at++] = dev;
        taken++;
      }
    }
    if (taken !== count) throw new Error(`internal: node ${node} had ${taken} of ${count} free devices`);
    this.changeNodeFree(node, -count);
    return at;
  }

  /**
   * The one place where a node's whole-free device count changes: keeps the per-kind totals, the
   * free index, the count of wholly free nodes and the per-leaf and per-data-centre free counts.
   */
  /**
   * Called after any change to a node's free devices, shares or host resources (with the state
   * already changed): what a recorder of per-node quantities over time listens to. Unset: nothing.
   */
  onNodeChange: ((node: number) => void) | undefined;

  /**
   * Counts changes to free devices, shares and host resources: equal versions mean the same free
   * state, so an answer computed from that state (a placement) still holds.
   */
  version = 0;

  /**
   * Per node: the part of the pool it can reach under the fabric's current failures (nodes of one
   * part have surviving routes both ways between them); undefined while nothing has failed. Set by
   * the simulator (setFabricParts) at each fabric or inter-DC link failure and repair.
   */
  fabricPart: Int32Array | undefined = undefined;

  /** New reachability after a failure or repair: placements computed before may not hold. */
  setFabricParts(parts: Int32Array | undefined): void {
    this.fabricPart = parts;
    this.version++;
  }

  private changed(node: number): void {
    this.version++;
    this.onNodeChange?.(node);
  }

  /**
   * Per node, what changeNodeFree and releaseWhole read, side by side (META_STRIDE entries from
   * node x META_STRIDE): its kind, devices, leaf slot, (kind, data centre) index, position in its
   * kind and first device. The same figures as the per-node arrays above, in one place: a node's
   * change of free count reads one or two cache lines instead of six arrays.
   */
  private readonly nodeMeta: Int32Array;

  private changeNodeFree(node: number, delta: number): void {
    const before = this.nodeFree[node]!;
    const after = before + delta;
    this.nodeFree[node] = after;
    const meta = this.nodeMeta;
    const m = node * META_STRIDE;
    const kind = meta[m + META_KIND]!;
    this.kindFree[kind]! += delta;
    this.freeIndex[kind]!.set(meta[m + META_POS_IN_KIND]!, after);
    const size = meta[m + META_DEVICES]!;
    if (before === size) this.kindWholeFreeNodes[kind]!--;
    if (after === size) this.kindWholeFreeNodes[kind]!++;
    this.leafFree[meta[m + META_LEAF_SLOT]!]! += delta;
    this.kindDcFree[meta[m + META_KIND_DC]!]! += delta;
    this.changed(node);
  }

  /**
   * Devices of each kind that are partly shared (0 < free milli < 1000): fractional jobs look here
   * first, so shares pack onto already-shared devices (best fit) before they break a whole one.
   */
  readonly sharedDevices: Set<number>[] = [];

  /**
   * Per node, the GPU-request classes of the jobs holding devices there and how many of each
   * ('share' for a fraction of one GPU, 'N-gpu' for N whole ones; gpuAffinity()): what the FGD
   * paper's GPU-clustering baseline groups by. Kept by whoever claims and releases placements;
   * a holder that can list its placements (deferAffinity) has it built on first read instead, so
   * runs whose policies never read it do not pay for it on every claim. The order in which a
   * node's classes iterate is not specified.
   */
  private nodeAffinityMaps: Map<string, number>[] | undefined;
  private affinitySource: (() => Iterable<AffinityHolder>) | undefined;

  /** Whether claims and releases must tally affinity now (tallyAffinity is a no-op otherwise). */
  get tracksAffinity(): boolean {
    return this.affinitySource === undefined;
  }

  /**
   * Build nodeAffinity from `source` (every placement holding devices now) on its first read
   * rather than tallying every claim. Only before anything was tallied.
   */
  deferAffinity(source: () => Iterable<AffinityHolder>): void {
    if (this.nodeAffinityMaps !== undefined) throw new Error('internal: deferAffinity after affinity was tallied');
    this.affinitySource = source;
  }

  get nodeAffinity(): readonly ReadonlyMap<string, number>[] {
    if (this.nodeAffinityMaps === undefined) {
      this.nodeAffinityMaps = Array.from({ length: this.nodeCount }, () => new Map<string, number>());
      const source = this.affinitySource;
      this.affinitySource = undefined;
      if (source) for (const h of source()) for (const node of h.nodes) this.tallyAffinity(node, h.key, 1);
    }
    return this.nodeAffinityMaps;
  }

  /** Count one more (+1) or one fewer (-1) job of request class `key` on `node`. */
  tallyAffinity(node: number, key: string, delta: 1 | -1): void {
    if (this.affinitySource !== undefined) return;
    const m = this.nodeAffinity[node] as Map<string, number>;
    const n = (m.get(key) ?? 0) + delta;
    if (n > 0) m.set(key, n);
    else m.delete(key);
  }

  /** Take `milli` thousandths of one device (fractional sharing). The caller has checked room. */
  allocateShare(dev: number, milli: number): void {
    const free = this.deviceFreeMilli[dev]!;
    if (milli > free || !Number.isInteger(milli) || milli < 1) throw new Error(`internal: device ${dev} has ${free} milli free, ${milli} asked (whole thousandths, 1 or more)`);
    const node = this.deviceNode[dev]!;
    const kind = this.nodeKind[node]!;
    this.deviceFreeMilli[dev] = free - milli;
    this.countSharedFree(kind, free, free - milli);
    const shared = this.sharedSet(kind);
    if (free - milli > 0) shared.add(dev);
    else shared.delete(dev);
    if (free === WHOLE_DEVICE_MILLI) this.changeNodeFree(node, -1);
    else this.changed(node);
  }

  releaseShare(dev: number, milli: number): void {
    const node = this.deviceNode[dev]!;
    const kind = this.nodeKind[node]!;
    const before = this.deviceFreeMilli[dev]!;
    const free = before + milli;
    this.deviceFreeMilli[dev] = free;
    this.countSharedFree(kind, before, free);
    const shared = this.sharedSet(kind);
    if (free === WHOLE_DEVICE_MILLI) {
      shared.delete(dev);
      this.changeNodeFree(node, 1);
    } else {
      shared.add(dev);
      this.changed(node);
    }
  }

  /**
   * Per kind, how many partly shared devices have each free share (index = free milli, 1..999),
   * and the largest such share: what maxSharedFreeMilli answers.
   */
  private readonly sharedFreeCounts: Int32Array[] = [];
  private readonly sharedFreeMax: number[] = [];

  private countSharedFree(kind: number, before: number, after: number): void {
    let counts = this.sharedFreeCounts[kind];
    if (!counts) {
      counts = new Int32Array(WHOLE_DEVICE_MILLI);
      this.sharedFreeCounts[kind] = counts;
      this.sharedFreeMax[kind] = 0;
    }
    if (after > 0 && after < WHOLE_DEVICE_MILLI) {
      counts[after]!++;
      if (after > this.sharedFreeMax[kind]!) this.sharedFreeMax[kind] = after;
    }
    if (before > 0 && before < WHOLE_DEVICE_MILLI && --counts[before]! === 0 && before === this.sharedFreeMax[kind]) {
      let m = before - 1;
      while (m > 0 && counts[m] === 0) m--;
      this.sharedFreeMax[kind] = m;
    }
  }

  /**
   * The largest free share (milli) on a partly shared device of `kind`, 0 when none is: a share
   * larger than this fits only on a whole free device (kindFree).
   */
  maxSharedFreeMilli(kind: number): number {
    return this.sharedFreeMax[kind] ?? 0;
  }

  /**
   * Whether `devices` devices (each `milli` thousandths, 1000 = whole) of one of `kinds` (all when
   * undefined) are free now: false means no placement policy can place such a job until something
   * is released. Host resources and node boundaries are not counted, so true only means "maybe".
   */
  mayHoldNow(devices: number, milli: number, kinds: readonly number[] | undefined): boolean {
    if (milli < WHOLE_DEVICE_MILLI) {
      for (const k of kinds ?? this.allKinds) if (this.kindFree[k]! > 0 || this.maxSharedFreeMilli(k) >= milli) return true;
      return false;
    }
    for (const k of kinds ?? this.allKinds) if (this.kindFree[k]! >= devices) return true;
    return false;
  }

  private sharedSet(kind: number): Set<number> {
    let s = this.sharedDevices[kind];
    if (!s) {
      s = new Set<number>();
      this.sharedDevices[kind] = s;
    }
    return s;
  }

  /** A whole-free device on `node`, or -1. */
  firstWholeFreeDevice(node: number): number {
    const first = this.nodeFirstDevice[node]!;
    const end = first + this.nodeDevices[node]!;
    for (let dev = first; dev < end; dev++) if (this.deviceFreeMilli[dev] === WHOLE_DEVICE_MILLI) return dev;
    return -1;
  }

  /**
   * Return whole devices taken by allocateWhole on `nodes` (`counts[i]` on `nodes[i]`), given in
   * that order, as claimPlacement gathers them: each node's run of devices is known from the
   * counts, so no device is looked up for its node (a 64-device W2 gang read 64 entries of the
   * per-device node array and 8 nodes' metadata, cold, at every release: 11% of that run).
   * Devices that do not add up to the counts are released as releaseWhole does.
   */
  releaseWholeOn(nodes: readonly number[], counts: readonly number[], devices: readonly number[]): void {
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i]!;
    if (total !== devices.length || nodes.length !== counts.length) {
      this.releaseWhole(devices);
      return;
    }
    const freeMilli = this.deviceFreeMilli;
    let at = 0;
    for (let i = 0; i < nodes.length; i++) {
      const count = counts[i]!;
      for (const end = at + count; at < end; at++) freeMilli[devices[at]!] = WHOLE_DEVICE_MILLI;
      this.changeNodeFree(nodes[i]!, count);
    }
  }

  /** Return whole devices taken by allocateWhole. */
  releaseWhole(devices: readonly number[]): void {
    // A job's devices come node by node (allocateWhole's order): one count change per run of
    // devices on the same node, not one per device (a 64-device gang updates 8 nodes, not 64 times).
    // The current node's devices are [first, end): a device in that range is on it (no lookup).
    let node = -1;
    let first = 0;
    let end = 0;
    let run = 0;
    const freeMilli = this.deviceFreeMilli;
    for (let i = 0; i < devices.length; i++) {
      const dev = devices[i]!;
      freeMilli[dev] = WHOLE_DEVICE_MILLI;
      if (dev < first || dev >= end) {
        if (run > 0) this.changeNodeFree(node, run);
        node = this.deviceNode[dev]!;
        const m = node * META_STRIDE;
        first = this.nodeMeta[m + META_FIRST_DEVICE]!;
        end = first + this.nodeMeta[m + META_DEVICES]!;
        run = 0;
      }
      run++;
    }
    if (run > 0) this.changeNodeFree(node, run);
  }

  /** Whether `node` has `cpuMilli` CPU and `memoryMiB` memory free. */
  hostFits(node: number, cpuMilli: number, memoryMiB: number): boolean {
    return this.nodeCpuFree[node]! >= cpuMilli && this.nodeMemoryFree[node]! >= memoryMiB;
  }

  /** Take (positive) or give back (negative) host resources on `node`. The caller has checked room. */
  changeHost(node: number, cpuMilli: number, memoryMiB: number): void {
    this.nodeCpuFree[node]! -= cpuMilli;
    this.nodeMemoryFree[node]! -= memoryMiB;
    this.changed(node);
  }

  /** Total dense peak of the pool (FLOP/s). */
  totalPeakFlops(): number {
    let s = 0;
    for (const k of this.kinds) s += this.kindTotal[k.index]! * k.spec.peak;
    return s;
  }

  kindIndex(name: string): number {
    return this.kinds.findIndex((k) => k.name === name);
  }
}

/** A job's GPU-request class (the FGD reference simulator's GPU affinity): 'share' for part of one GPU, else 'N-gpu'. */
/** A placement holding devices, as nodeAffinity counts it: its nodes and its gpuAffinity() class. */
export interface AffinityHolder {
  readonly nodes: readonly number[];
  readonly key: string;
}

export function gpuAffinity(devices: number, milli: number): string {
  return milli < WHOLE_DEVICE_MILLI ? 'share' : `${devices}-gpu`;
}
