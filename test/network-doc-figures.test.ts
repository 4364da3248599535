// Two of docs/network.md's measured figures, run again here so they cannot go stale: they had not
// been rerun after step-time changes (the graph example said ECR 16.8% / 19.0% where the run gave
// 16.5% / 18.5%; the leaf-cut example 37,169 s where it gave 37,383 s).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

const doc = readFileSync(repoPath('docs/network.md'), 'utf8').replace(/\s+/g, ' ');
const grouped = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

const pool = (topology: string, jobs: string, extra = ''): string => `name: doc
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: 8, device: H100 }]
workloads:
  - jobs:
${jobs}
${extra}`;

describe("docs/network.md's figures", () => {
  it('the graph written with two spines against one (two 32-GPU jobs on 8 nodes, leaves of 2)', () => {
    const job = 'devices: 32, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 }';
    const jobs = `      - { name: a, ${job} }\n      - { name: b, ${job} }`;
    const leaves = [0, 1, 2, 3];
    const two = `{ kind: graph, switches: [l0, l1, l2, l3, s0, s1], attach: [l0, l0, l1, l1, l2, l2, l3, l3], links: [${leaves.map((l) => `{ between: [l${l}, s0], bandwidth: 186GB/s }, { between: [l${l}, s1], bandwidth: 186GB/s }`).join(', ')}] }`;
    const one = `{ kind: graph, switches: [l0, l1, l2, l3, s], attach: [l0, l0, l1, l1, l2, l2, l3, l3], links: [${leaves.map((l) => `{ between: [l${l}, s], bandwidth: 372GB/s }`).join(', ')}] }`;
    const run = (t: string) => runToCsv(scenarioFromText(pool(t, jobs))).jobs[0]!;
    const a = run(two);
    const b = run(one);
    expect(runToCsv(scenarioFromText(pool('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2 }', jobs))).jobs[0]!.finish_s).toBe(b.finish_s);
    expect(doc).toContain(`at an ECR of ${pct(a.effective_compute_ratio)} (JCT ${grouped(a.finish_s)} s), against ${pct(b.effective_compute_ratio)} (${grouped(b.finish_s)} s) with one spine`);
  });

  it('the job cut off by its leaf from 1 h to 3 h', () => {
    const job = (n: string): string => `      - { name: ${n}, devices: 32, params: 13B, tokens: 2B, model: { global_batch: 128K, recompute: selective }, layout: { tp: 8, pp: 1, dp: 4 } }`;
    const topology = '{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 4, ecmp: { mode: hash, paths: 4 } }';
    const none = runToCsv(scenarioFromText(pool(topology, `${job('a')}\n${job('b')}`))).jobs[0]!;
    const cut = runToCsv(scenarioFromText(pool(topology, `${job('a')}\n${job('b')}`, 'failures: { fabric: { events: [{ at: 1h, switch: "leaf:dc:0", repair: 2h }] } }\n')));
    const a = cut.jobs.find((j) => j.job_id === 'a')!;
    expect(a.finish_s - none.finish_s).toBeCloseTo(3600 + 7200, 6);
    expect(a.requeued_s).toBe(0);
    expect(doc).toContain(`Two 32-GPU jobs of ${grouped(none.finish_s)} s on 8 nodes`);
    expect(doc).toContain(`finishes at ${grouped(a.finish_s)} s (+3,600 redone +7,200 held idle), utilisation ${pct(cut.summary.utilisation)}`);
  });
});
