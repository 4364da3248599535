// heterogeneity-aware says which device kinds it leaves idle and why, instead of silently excluding
// them (issue 15: every K80 of a pool was excluded under the default min_speed_ratio of 0.3).
import { describe, expect, it } from 'vitest';
import { runOne } from '../src/experiment/run-in-worker.js';
import { Cluster } from '../src/model/cluster.js';
import { PLACEMENT_POLICIES } from '../src/policy/registry.js';
import { excludedKinds } from '../src/policy/heterogeneity-aware.js';
import { scenarioFromText } from './helpers.js';

const text = (placement: string) => `
name: hetero-notes
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
      - { count: 2, device: A100-80GB }
      - { count: 2, device: P100, devices_per_node: 4 }
workloads:
  - jobs:
      - { name: j, devices: 4, duration: 1h, reference_device: H100 }
placement: ${placement}
`;

describe('heterogeneity-aware exclusions', () => {
  const cluster = new Cluster(scenarioFromText(text('heterogeneity-aware')).shape);
  const speed = (name: string) => {
    const k = cluster.kinds.find((x) => x.name === name)!.spec;
    return k.peak * k.efficiency;
  };

  it('lists the kinds below min_speed_ratio of the fastest, with their ratio, and none when the ratio allows them', () => {
    const ratio = speed('P100') / speed('H100');
    expect(ratio).toBeLessThan(0.3);
    const ex = excludedKinds(cluster, 0.3);
    expect(ex.map((e) => [e.name, e.devices, e.fastestName])).toEqual([['P100', 8, 'H100']]);
    expect(ex[0]!.ratio).toBe(ratio);
    expect(excludedKinds(cluster, ratio)).toEqual([]);
    // A100 is excluded only when asked for more than its own ratio.
    const a100 = speed('A100-80GB') / speed('H100');
    expect(excludedKinds(cluster, Math.min(1, a100 * 1.01)).map((e) => e.name)).toEqual(['A100-80GB', 'P100']);
  });

  it('says so in the run output, with the setting that would use them', async () => {
    const warnings: string[] = [];
    await runOne(
      { scenarioText: text('heterogeneity-aware'), scenarioFile: 'hetero-notes.yaml', scenarioDir: '.', outputs: {} },
      { policyTimeoutS: 10, onLoaded: (l) => void warnings.push(...l.warnings), onChunk: () => {} },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^heterogeneity-aware excludes P100 \(8 devices\): it runs compute-bound work at 0\.\d{3} of H100's speed .* below min_speed_ratio 0\.3, .* Set min_speed_ratio to 0\.\d+ or less to use it\.$/);
    const quiet: string[] = [];
    await runOne(
      { scenarioText: text('first-fit'), scenarioFile: 'hetero-notes.yaml', scenarioDir: '.', outputs: {} },
      { policyTimeoutS: 10, onLoaded: (l) => void quiet.push(...l.warnings), onChunk: () => {} },
    );
    expect(quiet).toEqual([]);
  });

  it('the registry entry carries the notes', () => {
    const def = PLACEMENT_POLICIES.get('heterogeneity-aware')!;
    const placer = def.create(def.params.parse({ min_speed_ratio: 0 }) as never);
    expect(placer.notes!(cluster)).toEqual([]);
  });
});
