// A device kind with nodes of two sizes (H100 in 4-device and 8-device servers): explain times a
// job's data-parallel reduction on the nodes the job gets (as first-fit places it on an idle
// pool, model/network/idle-ring.ts), not as if every node were the kind's largest. Before, a 70B
// job on sixteen 4-device nodes was explained with two data-parallel ranks per node reducing over
// NVLink first: 81.0 s a step (DP all hidden) where the run, with one rank per node, gives 105.0 s.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (devices: number, params: string, layout: string): string => `name: mixed-node-sizes
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: small, count: 16, device: H100, devices_per_node: 4 }
      - { name: big, count: 2, device: H100 }
workloads:
  - jobs:
      - name: job
        devices: ${devices}
        params: ${params}
        tokens: 1B
${layout ? `        layout: ${layout}\n` : ''}`;

const both = (devices: number, params: string, layout = '') => {
  const r = scenarioFromText(scenario(devices, params, layout));
  return { explained: explainJob(r, 'job'), ran: runToCsv(r).jobs[0]! };
};

describe('explain on a kind with nodes of several sizes', () => {
  it('70B on 64 H100, tp 4 x dp 16 with ZeRO-3 on sixteen 4-device nodes: explain’s step is the run’s', () => {
    const { explained, ran } = both(64, '70B', '{ tp: 4, pp: 1, dp: 16, zero: 3 }');
    expect(explained.step.exposed_dp_s).toBeGreaterThan(10);
    expect(explained.step.step_s / ran.step_time_s).toBeCloseTo(1, 2);
  });

  it('70B on 64 H100, the automatic layout: tp 4 x pp 4 x dp 4 with ZeRO-2, explain’s step the run’s', () => {
    // The search times candidates on the kind's largest node (8 devices) and nominal paths. With
    // the SMs NCCL holds charged (nccl-sm-share.ts), tp 4 x dp 16 with ZeRO-3, whose parameter
    // gathers run beside every one of its 64 micro-batches (48.9 s of collectives hidden in a
    // 75 s compute), pays 16/116 of them: 82.08 -> 88.76 s, and tp 4 x pp 2 x dp 8 with ZeRO-2
    // (82.70 s, 89% of memory) is the fastest layout with headroom; the faster tp 2 ones exceed
    // 90% of memory. Before the charge ZeRO-3 won by 0.7% (82.08 against 82.64 s) and ran at
    // 105.1 s on the 4-device nodes (23.5 s of DP exposed); this one runs at 82.9 s there.
    // Since the model's 36,736-wide FFN (4.48 h) keeps its activations at that width (memory.ts,
    // keptPerToken), tp 4 x pp 2 x dp 8 no longer leaves 10% free: tp 4 x pp 4 x dp 4 with ZeRO-2
    // (64.3 GiB, 81%) is the fastest layout with headroom, 83.7 s a step.
    const { explained, ran } = both(64, '70B');
    expect(ran.layout).toMatch(/^tp4 pp4 dp4 zero2 /);
    expect(explained.layout).toMatchObject({ tp: 4, pp: 4, dp: 4 });
    expect(ran.step_time_s).toBeLessThan(85);
    expect(explained.step.step_s / ran.step_time_s).toBeCloseTo(1, 2);
  });

  it('a stage the size of a large node, on small ones: its ring leaves the node in explain as in the run', () => {
    const { explained, ran } = both(16, '7B', '{ tp: 4, pp: 2, dp: 2, dp_overlap: 0 }');
    expect(explained.step.exposed_dp_s).toBeGreaterThan(0);
    expect(explained.paths.dp.scaleOut).not.toBe(false);
    expect(explained.step.step_s / ran.step_time_s).toBeCloseTo(1, 2);
  });

  it('a job that fits one large node stays on it, in explain as in the run', () => {
    const { explained, ran } = both(8, '7B', '{ tp: 4, pp: 1, dp: 2, dp_overlap: 0 }');
    expect(ran.placement_span).toBe('node');
    expect(explained.paths.dp.scaleOut).toBe(false);
    expect(explained.step.step_s / ran.step_time_s).toBeCloseTo(1, 4);
  });
});

describe('a layout wider than the kind\'s smallest nodes', () => {
  const warnings = (devices: number, params: string, layout = ''): string[] =>
    scenarioFromText(scenario(devices, params, layout))
      .warnings.map((w) => w.message)
      .filter((m) => m.includes('straddle'));

  it('is said at load, listed or automatic: placed on 4-device nodes its tensor groups leave the node (before: nothing said)', () => {
    // tp 8 fits the 8-device nodes, so no problem was reported, while first-fit may put it on the 4-device ones.
    expect(warnings(16, '13B', '{ tp: 8, pp: 1, dp: 2 }')).toEqual([expect.stringMatching(/^tp = 8 needs 8 devices in one node, more than the 4 of each H100 node of group 'small'.*at most 4 stays in one node/)]);
    expect(warnings(16, '13B', '{ tp: 4, pp: 1, dp: 4 }')).toEqual([]);
    // 70B on 16 devices: the automatic layout is sized for the 8-device nodes.
    // 60B on 16 devices: the automatic layout is sized for the 8-device nodes (70B, this test's model until its
    // 36,736-wide FFN's activations were counted at that width, fits no layout of 16 without recomputation).
    const auto = warnings(16, '60B');
    expect(auto).toHaveLength(1);
    expect(auto[0]).toMatch(/^its automatic layout tp \d x .*sized for the 8-device nodes, needs 8 devices in one node, more than the 4/);
  });

  it('what it costs: first-fit puts it on the 4-device nodes listed first, where it steps far slower than on the 8-device ones', () => {
    const text = scenario(16, '13B', '{ tp: 8, pp: 1, dp: 2 }');
    const big = '      - { name: big, count: 2, device: H100 }\n';
    const step = (t: string): number => runToCsv(scenarioFromText(t)).jobs[0]!.step_time_s;
    expect(step(text) / step(text.replace(big, '').replace('    node_groups:\n', `    node_groups:\n${big}`))).toBeGreaterThan(1.3);
  });
});
