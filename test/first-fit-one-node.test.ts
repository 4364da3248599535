// first-fit keeps one frozen placement per (node, devices) for jobs that fit on one node: every job
// placed there holds the same object, so it must never change under whoever holds it (a job's
// placement, read by plug-ins through their views), and it must say what a fresh one would.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import type { ClusterView, JobView, Placement, PlacementHints } from '../src/policy/types.js';
import { firstFitPlacement } from '../src/policy/first-fit.js';
import { resolvePolicies } from '../src/policy/registry.js';
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
  it('are shared per (node, devices), frozen, and answer what a fresh placement would', () => {
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
        if (p && p.nodes.length === 1) expect(Object.isFrozen(p) && Object.isFrozen(p.nodes) && Object.isFrozen(p.counts)).toBe(true);
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
});
