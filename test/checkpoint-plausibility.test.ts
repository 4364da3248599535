// A checkpoint interval no trainer uses is warned at its line: a number without a unit is seconds,
// so `interval: 30` (meant as 30 minutes) with the default cost of 60 s made a 2 h job write a
// checkpoint after every 30 s of compute: 6 h to finish, 4 h of it writing, ECR 18.3% where 53.2%
// was meant, with no sign of it.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (checkpointing: string): string => `name: ckpt
network: ideal
datacentres:
  - { name: east, node_groups: [{ count: 1, device: H100 }] }
workloads:
  - jobs: [{ name: j, devices: 8, duration: 2h, reference_device: H100 }]
checkpointing: ${checkpointing}
`;

const warnings = (checkpointing: string): string[] => scenarioFromText(scenario(checkpointing)).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('implausible checkpoint intervals', () => {
  it('warns a bare interval read as seconds, with the likely meaning and what it costs', () => {
    expect(warnings('{ interval: 30 }')).toEqual([
      "7:checkpointing.interval: a checkpoint after every 30s of progress is shorter than its cost (`cost` 60s): a job would spend 67% of its time writing checkpoints; a number without a unit is seconds: write '30min' if minutes were meant",
    ]);
    // The run does what it was told: 4 h of the 6 h writing.
    const j = runToCsv(scenarioFromText(scenario('{ interval: 30 }'))).jobs[0]!;
    expect(j.checkpoint_overhead_s).toBe(4 * 3600);
  });

  it('warns an interval with a unit that is still shorter than the cost', () => {
    expect(warnings('{ interval: 2min, cost: 5min }')).toEqual([
      "7:checkpointing.interval: a checkpoint after every 2min of progress is shorter than its cost (`cost` 5min): a job would spend 71% of its time writing checkpoints; '2min' is 2min: write '2h' if hours were meant",
    ]);
  });

  it('says nothing of an interval longer than its cost, or of auto', () => {
    expect(warnings('{ interval: 30min }')).toEqual([]);
    expect(warnings('{ interval: 1800 }')).toEqual([]);
    expect(warnings('{ interval: 30s, cost: 5s }')).toEqual([]);
    expect(warnings('{ interval: auto, cost: 10min }')).toEqual([]);
  });
});
