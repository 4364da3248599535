// One tier of a Clos fabric's bill of materials: logical switches (leaves, a pod's aggregation) with
// so many ports down; their ports up at the tier's oversubscription, unless nothing is above them.
import { switchesFor } from '../fabric-kind.js';

/**
 * Switches of one tier and each logical switch's uplink ports: ceil(down / oversubscription), none
 * when `top` (the tier is the site's highest). A logical switch with more ports, down and up, than
 * one switch has counts as several switches sharing them.
 */
export function closTier(down: readonly number[], oversubscription: number, switchPorts: number, top: boolean): { switches: number; up: number[] } {
  const up = down.map((d) => (top ? 0 : Math.ceil(d / oversubscription - 1e-9)));
  let switches = 0;
  down.forEach((d, i) => (switches += switchesFor(d + up[i]!, switchPorts)));
  return { switches, up };
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
