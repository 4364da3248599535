// One tier of a Clos fabric's bill of materials: logical switches (leaves, a pod's aggregation) with
// so many ports down; their ports up at the tier's oversubscription, unless nothing is above them;
// a tier of ECMP planes (spines, a pod's aggregation switches) at least one switch per plane.
import { switchesFor } from '../fabric-kind.js';

/**
 * Switches of one tier and each logical switch's uplink ports: ceil(down / oversubscription), none
 * when `top` (the tier is the site's highest). A logical switch with more ports, down and up, than
 * one switch has counts as several switches sharing them; with `railsDown` (per logical switch, per
 * rail its ports down: a leaf its traffic crosses in one hop) as switches of whole rails
 * (railSwitches), and `tooBig` names the first whose rail fits no switch.
 */
export function closTier(down: readonly number[], oversubscription: number, switchPorts: number, top: boolean, planes = 1, railsDown?: readonly (readonly number[])[]): { switches: number; up: number[]; tooBig?: { index: number; down: number; up: number } } {
  const up = down.map((d) => (top ? 0 : Math.ceil(d / oversubscription - 1e-9)));
  let switches = 0;
  let tooBig: { index: number; down: number; up: number } | undefined;
  down.forEach((d, i) => {
    const rails = railsDown?.[i];
    const packed = rails ? railSwitches(rails, oversubscription, switchPorts, top) : undefined;
    if (rails && packed === undefined && !tooBig) {
      const widest = rails.reduce((a, r) => Math.max(a, r), -Infinity);
      tooBig = { index: i, down: widest, up: top ? 0 : Math.ceil(widest / oversubscription - 1e-9) };
    }
    switches += packed ?? planeSwitches(d + up[i]!, switchPorts, planes);
  });
  return tooBig ? { switches, up, tooBig } : { switches, up };
}

/**
 * Switches a one-hop logical switch (a leaf: nodes whose traffic between them crosses one switch)
 * is built of when it has more ports than one switch: whole rails per switch, as a rail-split leaf
 * is wired (NIC r of every node on the switch of rail r, NCCL's PXN moving what is not rail-aligned
 * over NVLink first), each switch with its own uplinks at the oversubscription. First-fit
 * decreasing over `railDown` (per rail, its ports down). Undefined when one rail with its uplinks
 * needs more ports than a switch has: split over two switches, nodes on the two would be three
 * hops apart through the tier above, not one, so the leaf cannot be built of these switches.
 */
export function railSwitches(railDown: readonly number[], oversubscription: number, switchPorts: number, top: boolean): number | undefined {
  const ports = (down: number): number => down + (top ? 0 : Math.ceil(down / oversubscription - 1e-9));
  const bins: number[] = [];
  for (const r of [...railDown].sort((x, y) => y - x)) {
    if (r <= 0) continue;
    if (ports(r) > switchPorts + 1e-9) return undefined;
    const at = bins.findIndex((b) => ports(b + r) <= switchPorts + 1e-9);
    if (at < 0) bins.push(r);
    else bins[at]! += r;
  }
  return bins.length;
}

/** Per leaf (`perLeaf` consecutive nodes), per rail r its ports down: NIC r of each node that has one, in ports. */
export function perLeafRails(rails: readonly number[], nicPorts: readonly number[], nodesPerLeaf: number): number[][] {
  const out: number[][] = [];
  rails.forEach((r, i) => {
    const leaf = (out[Math.floor(i / nodesPerLeaf)] ??= []);
    for (let k = 0; k < r; k++) leaf[k] = (leaf[k] ?? 0) + nicPorts[i]! / r;
  });
  return out;
}

/**
 * Switches for `ports` spread over `planes` switches (ECMP's `paths`: spines, a pod's aggregation
 * switches, core planes), each taking its share and counting as several where that share is more
 * than a switch has: at least `planes` switches for any port at all, however few the ports.
 */
export const planeSwitches = (ports: number, switchPorts: number, planes: number): number => (ports <= 0 ? 0 : planes * switchesFor(Math.ceil(ports / planes - 1e-9), switchPorts));

/** Per leaf (`perLeaf` consecutive nodes), the sum of its nodes' figures. */
export function perLeaf(perNode: readonly number[], nodesPerLeaf: number): number[] {
  const out: number[] = [];
  perNode.forEach((x, i) => (out[Math.floor(i / nodesPerLeaf)] = (out[Math.floor(i / nodesPerLeaf)] ?? 0) + x));
  return out;
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
