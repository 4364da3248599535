// One tier of a Clos fabric's bill of materials: logical switches (leaves, a pod's aggregation) with
// so many ports down; their ports up at the tier's oversubscription, unless nothing is above them;
// a tier of ECMP planes (spines, a pod's aggregation switches) at least one switch per plane.
import { switchesFor } from '../fabric-kind.js';

/**
 * Switches of one tier and each logical switch's uplink ports: ceil(down / oversubscription), none
 * when `top` (the tier is the site's highest). A logical switch with more ports, down and up, than
 * one switch has counts as several switches sharing them.
 */
export function closTier(down: readonly number[], oversubscription: number, switchPorts: number, top: boolean, planes = 1): { switches: number; up: number[] } {
  const up = down.map((d) => (top ? 0 : Math.ceil(d / oversubscription - 1e-9)));
  let switches = 0;
  down.forEach((d, i) => (switches += planeSwitches(d + up[i]!, switchPorts, planes)));
  return { switches, up };
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
