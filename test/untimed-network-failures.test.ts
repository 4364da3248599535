// A training job without a model size is timed without the network: it sends no flows, so a fabric
// switch or an inter-DC link that fails never stops it (network-progress fails only jobs whose
// flows lose their path). Its automatic checkpoint interval (Young/Daly) counted those failures in
// its rate all the same, and it wrote checkpoints against failures that could not reach it: a 48 h
// job on two nodes under leaves failing once a day wrote 36 checkpoints (3 h of 5 min each) where
// the run then failed it 0 times, 5.6% of its ECR lost to nothing, and the same job under
// `network: ideal` beside a failing inter-DC link wrote only its final checkpoint.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const fabricText = (job: string): string => `name: untimed-fabric
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: leaf-spine, nodes_per_leaf: 1 }
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - jobs:
      - ${job}
checkpointing: { interval: auto, cost: 5min, restart: 5min }
failures:
  fabric:
    switches: { mtbf: 24h, repair: 1h }
`;

const linkText = (network: string): string => `name: untimed-link
network: ${network}
datacentres:
  - { name: east, node_groups: [{ count: 1, device: H100 }] }
  - { name: west, node_groups: [{ count: 1, device: H100 }] }
links:
  - { between: [east, west], latency: 2ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: a, devices: 16, duration: 48h, reference_device: H100 }
checkpointing: { interval: auto, cost: 5min, restart: 5min }
failures:
  links: { mtbf: 24h, repair: 1h }
`;

describe('failures a job timed without the network cannot have', () => {
  it('are not in its Young/Daly rate: a duration-only job across two leaves writes only its final checkpoint', () => {
    const { jobs, summary } = runToCsv(scenarioFromText(fabricText('{ name: a, devices: 16, duration: 48h, reference_device: H100 }')));
    const a = jobs[0]!;
    // Switches fail (the run counts them) but none stops the job: it has no flows to cut.
    expect(summary.failures).toBeGreaterThan(0);
    expect(a.failures).toBe(0);
    expect(a.checkpoint_overhead_s).toBe(300);
    expect(a.finish_s).toBe(48 * 3600 + 300);
  });

  it('are in it for the same job with a model size, whose flows a cut leaf stops', () => {
    const { jobs } = runToCsv(scenarioFromText(fabricText('{ name: a, devices: 16, params: 1B, tokens: 400B }')));
    // Two leaves each cut a node off: Young/Daly at a 12 h MTBF writes a checkpoint every 1.4 h or so.
    expect(jobs[0]!.checkpoint_overhead_s).toBeGreaterThan(10 * 300);
  });

  it('across two sites, the same jobs.csv under network: flow as under network: ideal', () => {
    const flow = runToCsv(scenarioFromText(linkText('flow')));
    const ideal = runToCsv(scenarioFromText(linkText('ideal')));
    expect(flow.jobs[0]!.checkpoint_overhead_s).toBe(300);
    expect(flow.jobsCsv).toBe(ideal.jobsCsv);
  });

  it('said before the run where no job sends over the network: fabric failures then stop no job', () => {
    // The run reported 'failures 5 (0 FLOP lost and redone)' without a word, as though the fabric
    // had been ridden out, where no job had a flow for it to cut (failures.links says so already).
    const warned = (job: string): string =>
      scenarioFromText(fabricText(job))
        .warnings.map((w) => `${w.path}: ${w.message}`)
        .join('\n');
    expect(warned('{ name: a, devices: 16, duration: 48h, reference_device: H100 }')).toMatch(
      /failures\.fabric: every job here is timed without the network \(none has a model size, `params`, to say what it sends\) and this scenario has no transfers or services, so no switch or link failure stops a job/,
    );
    expect(warned('{ name: a, devices: 16, params: 1B, tokens: 400B }')).not.toMatch(/failures\.fabric/);
  });

  it('said where some jobs send and others, without a model size, are never stopped by a fabric failure', () => {
    // A 7B job with params beside a 32-GPU job given by its duration, each across leaves that fail:
    // the timed job failed and the untimed one ran on, 0 failures and 0 lost, with no word (the
    // warning above needs every job untimed).
    const text = fabricText('{ name: timed, devices: 16, params: 1B, tokens: 400B }').replace(
      '      - { name: timed, devices: 16, params: 1B, tokens: 400B }',
      '      - { name: timed, devices: 16, params: 1B, tokens: 400B }\n      - { name: untimed, devices: 16, duration: 48h, reference_device: H100 }',
    );
    const warnings = scenarioFromText(text).warnings.map((w) => `${w.path}: ${w.message}`);
    expect(warnings).toContain(
      'failures.fabric: workloads[0].jobs[1] gives no model size (`params`): timed without the network, it sends no flows, so no switch or link failure stops it even across nodes, and its failures and lost work leave them out (give it `params` to time it over the network)',
    );
  });
});
