// first-fit keeps one placement per (node, devices) for jobs that fit on one node: every job placed
// there holds the same object, so it must never change under whoever holds it (a job's placement,
// read by plug-ins through their read-only views, which refuse writes), and it must say what a fresh
// one would. Not frozen: V8's optimizing compiler reads frozen arrays through its generic keyed-load
// stub, and every site that reads placements met them beside the plain arrays of multi-node ones.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import type { ClusterView, JobView, Placement, PlacementHints } from '../src/policy/types.js';
import { firstFitPlacement } from '../src/policy/first-fit.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { OneNodePlacements } from '../src/policy/first-fit.js';
import { ReadOnlyViews } from '../src/policy/read-only-view.js';
import { simulate } from '../src/sim/simulation.js';

const text = `name: one-node
seed: 5
datacentres:
  - name: dc
    node_groups:
      - { count: 6, device: H100, devices_per_node: 4 }
      - { count: 3, device: A100-80GB }
workloads:
  - generator:
      name: gen
      count: 400
      arrival: { process: poisson, rate: 3/h }
      devices: { distribution: empirical, values: [1, 2, 3, 4, 8, 12], weights: [4, 2, 1, 2, 1, 1] }
      duration: { distribution: exponential, mean: 1h }
      reference_device: H100
`;

describe('first-fit one-node placements', () => {
  it('are shared per (node, devices), plain (not frozen), and answer what a fresh placement would', () => {
    const resolved = loadScenario(text, 'one-node.yaml');
    const policies = resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
    const inner = policies.placer;
    let asked = 0;
    // Each answer beside what the exported function makes fresh on the same cluster state.
    const placer = {
      requestOnly: inner.requestOnly,
      place: (job: JobView, cluster: ClusterView, hints: PlacementHints) => {
        const p = inner.place(job, cluster, hints);
        const fresh = firstFitPlacement(job, cluster);
        asked++;
        expect(p && { kind: p.kind, nodes: [...p.nodes], counts: [...p.counts] }).toEqual(fresh);
        // Frozen arrays sent every keyed read of a placement's nodes and counts (releaseDevices,
        // placementProblem, claimPlacement) through V8's generic keyed-load stub.
        if (p && p.nodes.length === 1) expect([Object.isFrozen(p), Object.isFrozen(p.nodes), Object.isFrozen(p.counts)]).toEqual([false, false, false]);
        return p;
      },
    };
    const held: { p: Placement; copy: string }[] = [];
    const r = simulate(resolved, {
      policies: { ...policies, placer },
      observe: (sim) => sim.signals.on('started', (job) => void held.push({ p: job.placement!, copy: JSON.stringify(job.placement) })),
    });
    expect(r.summary.jobs_completed).toBeGreaterThan(300);
    expect(asked).toBeGreaterThan(300);
    const oneNode = held.filter((h) => h.p.nodes.length === 1);
    expect(oneNode.length).toBeGreaterThan(200);
    // Shared: far fewer objects than one-node starts.
    expect(new Set(oneNode.map((h) => h.p)).size).toBeLessThan(40);
    // Never changed under anyone holding it.
    for (const h of held) expect(JSON.stringify(h.p)).toBe(h.copy);
  });

  it('a plug-in holding a shared one-node placement through its view cannot change it', () => {
    const single = new OneNodePlacements();
    const p = single.get(0, 3, 2);
    expect(single.get(0, 3, 2)).toBe(p);
    const job = { id: 0, name: 'a', state: 'running', placement: p };
    const views = new ReadOnlyViews((what) => {
      throw new Error(`refused: ${what}`);
    });
    // As a plug-in has it: typed read-only, written anyway (plain JavaScript).
    const v = views.view({ running: [job] }, 'ctx').running[0]! as unknown as { placement: { kind: number; nodes: number[]; counts: number[] } };
    // Each write is refused by the view, naming it (a frozen placement handed the plug-in its raw
    // frozen arrays, the property being fixed, and the write failed with V8's own TypeError).
    expect(() => (v.placement.nodes[0] = 5)).toThrow("refused: ctx.running[0].placement.nodes[0] = 5");
    expect(() => v.placement.counts.push(1)).toThrow("refused: ctx.running[0].placement.counts[1] = 1");
    expect(() => (v.placement.kind = 1)).toThrow("refused: ctx.running[0].placement.kind = 1");
    expect({ kind: p.kind, nodes: [...p.nodes], counts: [...p.counts] }).toEqual({ kind: 0, nodes: [3], counts: [2] });
    expect(single.get(0, 3, 2)).toBe(p);
  });
});
