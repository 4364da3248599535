// summary.csv's gpu_fragmentation_mean: the FGD paper's fragmented GPU amount against the run's
// requests, integrated over time; by hand on one node, and where it applies or stays empty.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import type { JobTemplate } from '../src/model/job.js';
import { FragmentationRecorder } from '../src/sim/fragmentation-recorder.js';
import { bundled, runToCsv, scenarioFromText } from './helpers.js';

describe('GPU fragmentation over a run', () => {
  it('by hand: one 8-GPU node, requests of 0.6 and 1 GPU; a 0.6 share strands 0.4 GPU for both classes', () => {
    const resolved = scenarioFromText(`name: f
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: A100-80GB }]
workloads:
  - jobs: [{ name: a, devices: 1, duration: 1h, reference_device: A100-80GB }]
`);
    const cluster = new Cluster(resolved.shape);
    let now = 0;
    const jobs = [
      { devices: 1, milli: 600 },
      { devices: 1, milli: 1000 },
    ] as unknown as JobTemplate[];
    const rec = FragmentationRecorder.forRun(cluster, jobs, false, () => now)!;
    expect(rec.fragmentedGpus).toBe(0);
    now = 10;
    cluster.allocateShare(0, 600);
    // Class 0.6: 7 GPUs usable, 0.4 stranded; class 1: the same; weights 1/2 each.
    expect(rec.fragmentedGpus).toBeCloseTo(0.4, 12);
    // Mean over [0, 30]: 0.4 GPU for 20 of 30 s, over 8 GPUs.
    expect(rec.meanShare(30)).toBeCloseTo((0.4 * 20) / 30 / 8, 12);
    now = 30;
    cluster.releaseShare(0, 600);
    expect(rec.fragmentedGpus).toBeCloseTo(0, 12);
    expect(rec.meanShare(40)).toBeCloseTo((0.4 * 20) / 40 / 8, 12);
  });

  it('applies to pods known in advance that each fit a node; multi-node or generated jobs leave it empty', () => {
    const cluster = new Cluster(scenarioFromText(`name: f
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: A100-80GB }]
workloads:
  - jobs: [{ name: a, devices: 1, duration: 1h, reference_device: A100-80GB }]
`).shape);
    expect(FragmentationRecorder.forRun(cluster, [{ devices: 16 } as unknown as JobTemplate], false, () => 0)).toBeUndefined();
    expect(FragmentationRecorder.forRun(cluster, [{ devices: 8 } as unknown as JobTemplate], true, () => 0)).toBeUndefined();
    expect(FragmentationRecorder.forRun(cluster, [{ devices: 8 } as unknown as JobTemplate], false, () => 0)).toBeDefined();
    expect(runToCsv(bundled('quickstart')).summary.gpu_fragmentation_mean).toBeNaN();
    const ali = runToCsv(bundled('alibaba-replay')).summary.gpu_fragmentation_mean;
    expect(ali).toBeGreaterThan(0);
    expect(ali).toBeLessThan(0.05);
  });
});
