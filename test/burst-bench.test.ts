import { describe, expect, it } from 'vitest';
import { burstFlows, FatTree, runBurst } from '../src/bench/burst-bench.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';

/** Completion times by plain progressive filling, re-solved from scratch at every completion. */
function referenceFcts(routes: number[][], bytes: Float64Array, capacity: number, links: number): number[] {
  const rem = Array.from(bytes);
  const fct = new Array<number>(routes.length).fill(NaN);
  let active = routes.map((_, i) => i);
  let now = 0;
  while (active.length > 0) {
    const rates = maxMinReference(new Array<number>(links).fill(capacity), active.map((i) => ({ route: routes[i]! })));
    let dt = Infinity;
    active.forEach((i, j) => (dt = Math.min(dt, rem[i]! / rates[j]!)));
    now += dt;
    const next: number[] = [];
    active.forEach((i, j) => {
      rem[i] = rem[i]! - rates[j]! * dt;
      if (rem[i]! <= 1e-9 * bytes[i]!) fct[i] = now;
      else next.push(i);
    });
    active = next;
  }
  return fct;
}

describe('burst benchmark', () => {
  it('routes every flow over distinct links, 2, 4 or 6 hops as the fat tree says', () => {
    const tree = new FatTree(new FlowNetwork(), 4, 1);
    expect(tree.hosts).toBe(16);
    expect(tree.route(0, 1)).toHaveLength(2); // same edge switch
    expect(tree.route(0, 2)).toHaveLength(4); // same pod
    expect(tree.route(0, 15)).toHaveLength(6); // across the core
    for (let s = 0; s < 16; s++) {
      for (let d = 0; d < 16; d++) {
        if (s === d) continue;
        const r = tree.route(s, d);
        expect(new Set(r).size).toBe(r.length);
        // The first hop is the source's uplink, the last the destination's downlink.
        expect(r[0]).toBe(tree.route(s, (s + 1) % 16)[0]);
        expect(r[r.length - 1]).toBe(tree.route((d + 1) % 16, d).at(-1));
      }
    }
  });

  it('gives the completion times of a from-scratch max-min solve, batched or asked after each arrival', () => {
    const flows = burstFlows(3, 120, 16, 1e6, 1e8);
    const net = new FlowNetwork();
    const tree = new FatTree(net, 4, 12.5e9);
    const routes = Array.from(flows.src, (s, i) => tree.route(s, flows.dst[i]!));
    const fct = referenceFcts(routes, flows.bytes, 12.5e9, net.linkCount);
    const mean = fct.reduce((a, b) => a + b, 0) / fct.length;
    const batched = runBurst(flows, 4, false);
    const each = runBurst(flows, 4, true);
    expect(batched.fctMeanS).toBeCloseTo(mean, 9);
    expect(batched.fctMaxS).toBeCloseTo(Math.max(...fct), 9);
    expect(each.fctMeanS).toBeCloseTo(mean, 9);
    // Batching the instant's arrivals solves once for them; asking after each solves per arrival.
    expect(batched.flushes).toBeLessThan(each.flushes);
  });
});
