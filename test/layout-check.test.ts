// Training layouts are checked when a scenario loads: impossible splits are refused with located
// messages, layouts that do not fit in device memory are refused saying what would, jobs whose
// model fits no layout are refused (listed) or rejected on arrival (generated), and what is legal
// but worth knowing becomes a located warning that `run` and `validate` print.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../src/scenario/errors.js';
import { resolveShape } from '../src/model/training-layout.js';
import { bundled, poolsim, runToCsv, scenarioFromText } from './helpers.js';

const pool = (jobs: string, groups = '[{ count: 35, device: A100-80GB }]'): string => `name: layouts
datacentres:
  - name: dc
    node_groups: ${groups}
workloads:
${jobs}`;

function problems(text: string): string[] {
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

const warnings = (text: string): string[] => scenarioFromText(text).warnings.map(formatIssue);

describe('impossible layouts are refused where they are written', () => {
  it('32 pipeline stages over GPT-3 XL (1.3B) and its 24 layers', () => {
    const text = pool(`  - jobs:
      - { name: xl, devices: 256, params: 1.3B, tokens: 1B, layout: { tp: 8, pp: 32, dp: 1 } }`);
    expect(problems(text)).toEqual(["test.yaml:7:82: workloads[0].jobs[0].layout.pp: pp = 32 exceeds the model's 24 layers: every pipeline stage needs at least one"]);
  });

  it('more model chunks than layers, a tensor group wider than a node, and tp x pp x dp against the devices, all reported', () => {
    const text = pool(`  - jobs:
      - { name: chunks, devices: 64, params: 7B, tokens: 1B, layout: { tp: 2, pp: 16, dp: 2, virtual_stages: 3 } }
      - { name: wide, devices: 32, params: 7B, tokens: 1B, layout: { tp: 16, pp: 1, dp: 2 } }
      - { name: product, devices: 64, params: 7B, tokens: 1B, layout: { tp: 8, pp: 2, dp: 2 } }`);
    expect(problems(text)).toEqual([
      "test.yaml:7:110: workloads[0].jobs[0].layout.virtual_stages: pp x virtual_stages = 16 x 3 = 48 model chunks exceed the model's 32 layers: every chunk needs at least one",
      "test.yaml:8:68: workloads[0].jobs[1].layout: the model fits none of the job's device kinds: on A100-80GB (80.0 GiB): tp = 16 exceeds the 8 devices of its nodes; tensor parallelism needs the intra-node interconnect",
      'test.yaml:9:71: workloads[0].jobs[2].layout: tp x pp x dp = 8 x 2 x 2 = 32, but the job has 64 devices',
    ]);
  });
});

describe('35 stages over 105 layers: MT-NLG 530B (Korthikanti et al. 2022, Table 5)', () => {
  const mtnlg = (model: string): string =>
    pool(`  - jobs:
      - name: mt-nlg
        devices: 280
        params: 530B
        tokens: 1B${model}
        layout: { tp: 8, pp: 35, dp: 1, virtual_stages: 3 }`);

  it('given only its size, the model resolves to 126 layers at 8K tokens: it does not fit an 80 GB A100 as laid out, and says full recomputation would', () => {
    expect(resolveShape(530e9)).toMatchObject({ layers: 126, hiddenSize: 18688, seqLen: 8192 });
    const [p, ...rest] = problems(mtnlg(''));
    expect(rest).toEqual([]);
    expect(p).toMatchInlineSnapshot(
      `"test.yaml:11:17: workloads[0].jobs[0].layout: the model fits none of the job's device kinds: on A100-80GB (80.0 GiB): needs 268.6 GiB per device (weights 3.7 GiB, gradients 3.7 GiB, optimizer state 22.5 GiB, activations 238.7 GiB for 35 micro-batches in flight); would fit: \`model.recompute: true\` (70.9 GiB)"`,
    );
  });

  it('given its 105 layers, its width follows from its size (20480, as published) instead of staying the 125-layer default', () => {
    expect(resolveShape(530e9, { layers: 105 })).toMatchObject({ layers: 105, hiddenSize: 20480 });
    expect(resolveShape(530e9, { hidden_size: 20480 })).toMatchObject({ layers: 105, hiddenSize: 20480 });
  });

  it('as trained (105 layers, 2K tokens, 280 sequences per batch, full recomputation) it fits, with nothing to warn about', () => {
    const text = mtnlg('\n        model: { layers: 105, seq_len: 2048, global_batch: 573440, recompute: true }');
    expect(problems(text)).toEqual([]);
    expect(warnings(text)).toEqual([]);
  });

  it('uneven chunks are a warning when the model fits', () => {
    const text = mtnlg('\n        model: { layers: 140, seq_len: 2048, global_batch: 573440, recompute: true }');
    expect(warnings(text)).toEqual([
      'test.yaml:12:17: workloads[0].jobs[0].layout: 140 layers do not divide evenly into 105 pipeline chunks; the step time takes each chunk at the average 1.33 layers, the last stage also holding the output layer, where a real partition has chunks of 2 or moves layers off the output stage',
    ]);
  });
});

describe('the recompute default, said where it moves a described run', () => {
  const job = (model: string): string => pool(`  - jobs:
      - { name: gpt, devices: 64, params: 39B, tokens: 1B, model: { ${model} }, layout: { tp: 8, pp: 2, dp: 4 } }`);
  it('a standard-attention model without `recompute` is warned that selective is assumed and full is what 2020-2022 runs did', () => {
    const w = warnings(job('layers: 48, hidden_size: 8192, seq_len: 2048, global_batch: 3M'));
    expect(w.filter((m) => m.includes('`recompute` not given'))).toHaveLength(1);
    expect(w.join('\n')).toContain("'selective' assumed");
  });
  it('no warning once recompute is given, or with FlashAttention (which keeps no scores to recompute)', () => {
    expect(warnings(job('layers: 48, hidden_size: 8192, seq_len: 2048, global_batch: 3M, recompute: full')).filter((m) => m.includes('recompute'))).toEqual([]);
    expect(warnings(job('layers: 48, hidden_size: 8192, seq_len: 2048, global_batch: 3M, attention: flash')).filter((m) => m.includes('recompute'))).toEqual([]);
  });
});

describe('a global batch that is not whole sequences', () => {
  const job = (batch: string): string => pool(`  - jobs:
      - { name: gpt, devices: 64, params: 39B, tokens: 1B, model: { layers: 48, hidden_size: 8192, seq_len: 2048, global_batch: ${batch}, recompute: full }, layout: { tp: 8, pp: 2, dp: 4 } }`);
  it("is said with the nearest whole number ('3M' tokens of 2,048 are 1,464.84 sequences), and a whole one is not", () => {
    expect(warnings(job('3M'))).toEqual([
      'test.yaml:7:129: workloads[0].jobs[0].model.global_batch: 3000000 tokens are 1464.84 sequences of 2048, not a whole number (1465 sequences are 3000320 tokens); the step is timed on the tokens as given',
    ]);
    expect(warnings(job('3145728'))).toEqual([]);
  });
});

describe('memory per device', () => {
  it('a layout that does not fit says what it needs, what the device has, and what single change would fit', () => {
    const text = pool(`  - jobs:
      - { name: dp16, devices: 16, params: 13B, tokens: 1B, device_kinds: [H100], layout: { tp: 1, pp: 1, dp: 16 } }`, '[{ count: 2, device: H100 }]');
    expect(problems(text)).toMatchInlineSnapshot(`
      [
        "test.yaml:7:91: workloads[0].jobs[0].layout: the model fits none of the job's device kinds: on H100 (79.6 GiB): needs 221.3 GiB per device (weights 24.2 GiB, gradients 24.2 GiB, optimizer state 145.3 GiB, activations 27.6 GiB for 1 micro-batch in flight); would fit: \`sharded: true\` (62.4 GiB), pp 4 x dp 4 (78.2 GiB), tp 4 x dp 4 (61.2 GiB)",
      ]
    `);
  });

  it('a job without a layout whose model fits no layout on its devices is refused at its params', () => {
    const text = pool(`  - jobs:
      - { name: big, devices: 8, params: 70B, tokens: 1B }`, '[{ count: 1, device: H100 }]');
    expect(problems(text)).toEqual([
      "test.yaml:7:42: workloads[0].jobs[0].params: the model fits none of the job's device kinds: on H100 (79.6 GiB): no layout of 8 devices fits: the leanest, tp 8 x pp 1 x dp 1, needs 163.6 GiB per device (weights 16.3 GiB, gradients 16.3 GiB, optimizer state 97.8 GiB, activations 33.2 GiB for 1 micro-batch in flight); it needs more devices",
    ]);
  });

  it('a job whose model fits only some of its kinds runs only there, and says so', () => {
    const text = pool(`  - jobs:
      - { name: seven, devices: 1, params: 7B, tokens: 100M }`, '[{ count: 1, device: H100 }, { count: 1, device: MI300X }]');
    expect(warnings(text)).toEqual([
      'test.yaml:7:44: workloads[0].jobs[0].params: runs only on MI300X: on H100 (79.6 GiB): no layout of 1 device fits: the leanest, tp 1 x pp 1 x dp 1, needs 122.7 GiB per device (weights 13.0 GiB, gradients 13.0 GiB, optimizer state 78.2 GiB, activations 18.4 GiB for 1 micro-batch in flight); it needs more devices',
    ]);
    const r = runToCsv(scenarioFromText(text));
    expect(r.jobs.map((j) => [j.job_id, j.device_kind, j.status])).toEqual([['seven', 'MI300X', 'completed']]);
  });

  it('a generator none of whose jobs fits is refused; one some of whose jobs fit warns, and rejects the others as they arrive', () => {
    const gen = (params: string): string =>
      pool(`  - generator:
      count: 20
      arrival: { process: fixed, interval: 1h }
      devices: { distribution: empirical, values: [1, 8] }
      params: ${params}
      tokens: 100M`, '[{ count: 1, device: H100 }]');
    expect(problems(gen('70B'))[0]).toMatch(/^test\.yaml:10:15: workloads\[0\]\.generator\.params: no job it can generate fits in memory: 70B parameters on 1 device \(on H100 \(79\.6 GiB\): no layout/);
    const text = gen('{ distribution: empirical, values: [1.3B, 70B] }');
    expect(warnings(text)).toHaveLength(1);
    expect(warnings(text)[0]).toMatch(/generator\.params: 2 of the 4 \(devices, params\) pairs it can draw fit no layout and will be rejected when drawn: 70B parameters on 1 device/);
    const r = runToCsv(scenarioFromText(text));
    const rejected = r.jobs.filter((j) => j.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(r.summary.jobs_rejected).toBe(rejected.length);
    for (const j of rejected) expect(j.reason).toMatch(/^its model fits in the memory of none of its device kinds: on H100 \(79\.6 GiB\): no layout of [18] devices? fits/);
    expect(r.jobs.filter((j) => j.status === 'completed').length + rejected.length).toBe(20);
  });

  it("a generator's model shape reaches its jobs (it used to be ignored)", () => {
    const gen = (model: string): string =>
      pool(`  - generator:
      count: 1
      arrival: { process: fixed, interval: 1h }
      devices: 16
      params: 7B
      tokens: 1B${model}`, '[{ count: 2, device: H100 }]');
    const plain = runToCsv(scenarioFromText(gen(''))).jobs[0]!;
    const recomputed = runToCsv(scenarioFromText(gen('\n      model: { recompute: true }'))).jobs[0]!;
    // Full recomputation repeats the forward pass (8PT instead of 6PT of hardware work); the
    // automatic layout may use the memory it frees for a faster split, but the step stays slower.
    expect(recomputed.step_time_s).toBeGreaterThan(plain.step_time_s * 1.05);
  });
});

describe('the bundled scenarios', () => {
  it('llama3-405b loads, with three true warnings: 128 leaves that two tiers of 64-port switches cannot join (its fabric left unpriced), uneven chunks, and tight memory: its layout fills 92% of each H100 (73.4 GiB, 73.7 before the embedding dropout was counted as its mask; its 53,248-wide SwiGLU FFN counted at its width; 84%, 66.8 GiB, when the FFN was counted as a 4h GeLU; 93% before its 8 key/value groups were counted at their own width, 100% when the H100 was taken to hold 80e9 bytes)', () => {
    expect(bundled('llama3-405b').warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "datacentres[0].nodes_per_leaf: 128 leaves, more than a switch's 64 ports (the fabric's equipment.switch_ports): each spine switch takes a link from every one of them, so these switches cannot join them in one tier above, as the run has them (one spine hop); a real fabric of them has another tier, so fabric_capex, fabric_kw and fabric_energy_kwh are left empty. Use kind: fat-tree (pods under a core), more nodes per leaf, or switches with more ports",
      'workloads[0].jobs[0].layout: 126 layers do not divide evenly into 64 pipeline chunks; the step time takes each chunk at the average 1.97 layers, the last stage also holding the output layer, where a real partition has chunks of 2 or moves layers off the output stage',
      'workloads[0].jobs[0].layout: needs 73.4 GiB per device, 92% of the 79.6 GiB of each H100; the estimate leaves out communication buffers and allocator fragmentation, which may not fit',
    ]);
  });

  it('`validate` and `run` print the warnings on stderr and carry on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-layouts-'));
    const file = join(dir, 'uneven.yaml');
    writeFileSync(
      file,
      pool(`  - jobs:
      - { name: uneven, devices: 24, params: 7B, tokens: 100M, layout: { tp: 8, pp: 3, dp: 1 } }`, '[{ count: 3, device: H100 }]'),
    );
    const v = poolsim('validate', file);
    expect(v.code).toBe(0);
    expect(v.stderr).toContain(`warning: ${file}:7:72: workloads[0].jobs[0].layout: 32 layers do not divide evenly into 3 pipeline chunks`);
    const r = poolsim('run', file, '--out', join(dir, 'out'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: ');
    expect(r.stderr).toContain('32 layers do not divide evenly into 3 pipeline chunks');
  });
});
