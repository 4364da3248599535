// What the pool's switch fabrics cost and draw (summary.csv's fabric_capex, fabric_kw and
// fabric_energy_kwh): per data
// centre its topology kind's bill of materials (switches, transceivers, cables: fabrics/), priced
// with its fabric's equipment figures (the catalogue's, sourced, or the scenario's own).
import type { Cluster } from '../cluster.js';
import type { FabricPreset } from '../../scenario/hardware-schema.js';
import { fabricKind } from './fabrics/registry.js';
import { nodeFabricPreset } from './topology.js';

export interface FabricCost {
  /** Switches, transceivers and cables (currency of the equipment figures: USD in the catalogue). */
  readonly capex: number;
  /** Switches and transceivers at their rated power (kW). */
  readonly kw: number;
  /** The same times each site's PUE (kW): what the fabric draws from the grid, cooling included. */
  readonly kwWithPue: number;
  readonly switches: number;
  readonly transceivers: number;
  readonly cables: number;
}

/**
 * The pool's fabrics priced, or undefined when one of its sites cannot be: its fabric has no
 * equipment figures, its nodes are on different fabrics (no site fabric given and kinds whose
 * usual fabrics differ), or its kind's model cannot be built of the equipment's switches (a leaf
 * with more ports for one rail than a switch has: FabricBill.unbuildable). A partial sum would read as the whole pool's cost.
 */
export function fabricCost(c: Cluster): FabricCost | undefined {
  const rails: number[][] = c.datacentres.map(() => []);
  const nicPorts: number[][] = c.datacentres.map(() => []);
  const fabrics: (FabricPreset | undefined | null)[] = c.datacentres.map(() => undefined);
  for (let n = 0; n < c.nodeCount; n++) {
    const dc = c.nodeDatacentre[n]!;
    const fabric = nodeFabricPreset(c, n);
    if (fabrics[dc] === undefined) fabrics[dc] = fabric;
    else if (fabrics[dc] !== fabric) fabrics[dc] = null;
    const group = c.groups[c.nodeGroup[n]!]!;
    rails[dc]!.push(group.nicsPerNode);
    // A NIC's bandwidth in ports at the fabric's rate (the rate topology.ts gives its link).
    nicPorts[dc]!.push((group.nicsPerNode * (group.nicRateBytesPerS ?? fabric.port_rate)) / fabric.port_rate);
  }
  let capex = 0;
  let watts = 0;
  let wattsWithPue = 0;
  let switches = 0;
  let transceivers = 0;
  let cables = 0;
  for (const dc of c.datacentres) {
    const fabric = fabrics[dc.index];
    if (fabric === undefined) continue; // a site without nodes has no fabric
    const eq = fabric?.equipment;
    if (!fabric || !eq) return undefined;
    const bill = fabricKind(dc.topology).bill(dc.topology, { rails: rails[dc.index]!, nicPorts: nicPorts[dc.index]!, switchPorts: eq.switch_ports, portBytesPerS: fabric.port_rate * fabric.efficiency });
    // The run times a fabric these switches cannot build (a one-hop leaf wider than a switch): its price is unknown, not this count.
    if (bill.unbuildable) return undefined;
    capex += bill.switches * eq.switch_price + bill.transceivers * eq.transceiver_price + bill.cables * eq.cable_price;
    const w = bill.switches * eq.switch_power + bill.transceivers * eq.transceiver_power;
    watts += w;
    wattsWithPue += w * dc.pue;
    switches += bill.switches;
    transceivers += bill.transceivers;
    cables += bill.cables;
  }
  return { capex, kw: watts / 1000, kwWithPue: wattsWithPue / 1000, switches, transceivers, cables };
}
