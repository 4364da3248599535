// `poolsim explain`: a listed job's step broken down, consistent with the step-time model, as a
// table and as JSON; names it cannot explain are refused, located, with the jobs it could.
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { bundled, poolsim, runToCsv, scenarioFromText } from './helpers.js';

describe('explain', () => {
  const r = bundled('llama3-405b');
  const e = explainJob(r, 'llama3-405b');
  it("adds up: step = compute + exposed communication + bubble; exposed = TP + PP + DP (+ CP, 0 here) + the SMs NCCL's hidden collectives take", () => {
    const s = e.step;
    expect(s.step_s).toBeCloseTo(s.compute_s + s.exposed_comm_s + s.bubble_s, 9);
    expect(s.exposed_cp_s).toBe(0);
    expect(s.nccl_sm_share_s).toBeGreaterThan(0);
    expect(s.exposed_comm_s).toBeCloseTo(s.exposed_tp_s + s.exposed_pp_s + s.exposed_dp_s + s.nccl_sm_share_s, 9);
    const mb = s.micro_batch;
    expect(mb.total_s).toBeCloseTo(mb.gemm_s + mb.attention_s + mb.elementwise_s + mb.logits_s + mb.grad_accumulation_s, 9);
    expect(e.memory.total_gib).toBeCloseTo(e.memory.weights_gib + e.memory.gradients_gib + e.memory.optimizer_gib + e.memory.activations_gib, 9);
  });
  it("describes Llama 3's layout and stack as the scenario gives them, within a few percent of the run's step", () => {
    expect(e.layout).toMatchObject({ tp: 8, pp: 16, dp: 128, virtualStages: 4, zero: 2, automatic: false });
    expect(e.shape).toMatchObject({ attentionKernel: 'flash', sequenceParallelOn: true, recomputeMode: 'selective' });
    expect(e.operatorModel).toBe(true);
    expect(e.memory.fits).toBe(true);
    // The run's jobs.csv step (golden): 6.674 s, with hierarchical DP and the pod's real routes.
    expect(Math.abs(e.step.step_s / 6.674412329 - 1)).toBeLessThan(0.05);
    expect(explanationTable(e)).toMatch(/^layout: tp 8 x pp 16 x dp 128, 16 micro-batches, virtual stages 4, ZeRO 2$/m);
  });
  it('the model line says the key/value groups, the FFN and the vocabulary it read, and no sequence parallelism without tp (docs/calibration.md, held-out runs: what a new user stumbled on)', () => {
    // Llama 3 405B: 128 heads in 8 key/value groups, a gated FFN of 53,248, 128,256 tokens untied.
    expect(explanationTable(e)).toMatch(/^model: 126 layers x 16384, 128 heads in 8 key\/value groups, FFN 53248 gated, vocabulary 128256 untied, sequence 8192, .*sequence parallel on$/m);
    const gpt = (layout: string, model = ''): string => `name: line
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 2, device: H100 }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 1.5B, tokens: 1B, model: { layers: 24, hidden_size: 2048, heads: 16, seq_len: 2048, global_batch: 1048576, attention: flash${model} }, layout: { ${layout} } }
`;
    // Multi-head attention says no groups; the FFN and vocabulary are the defaults (4 h, 51,200 tied).
    const tp2 = explanationTable(explainJob(scenarioFromText(gpt('tp: 2, dp: 8')), 'j'));
    expect(tp2).toMatch(/^model: 24 layers x 2048, 16 heads, FFN 8192, vocabulary 51200 tied, sequence 2048, .*sequence parallel on$/m);
    // At tp 1 there is nothing to split: off, whatever the attention kernel's default would be.
    const tp1 = explanationTable(explainJob(scenarioFromText(gpt('tp: 1, dp: 16', ', kv_heads: 4, ffn_size: 5632, gated_mlp: true, vocab: 32000, tied_embeddings: false')), 'j'));
    expect(tp1).toMatch(/^model: 24 layers x 2048, 16 heads in 4 key\/value groups, FFN 5632 gated, vocabulary 32000 untied, sequence 2048, .*sequence parallel off$/m);
  });
  it('CLI: a table, JSON with the same numbers, and a located refusal for an unknown job', () => {
    const t = poolsim('explain', 'scenarios/llama3-405b.yaml', '--job', 'llama3-405b');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^ {2}exposed TP communication +\d/m);
    const j = poolsim('explain', 'scenarios/llama3-405b.yaml', '--job', 'llama3-405b', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).step.step_s).toBeCloseTo(e.step.step_s, 9);
    const bad = poolsim('explain', 'scenarios/llama3-405b.yaml', '--job', 'llama3-450b');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("scenarios/llama3-405b.yaml: no listed job named 'llama3-450b' (did you mean 'llama3-405b'?); its jobs: llama3-405b");
  });

  it('breaks down a job that spans sites with the link its rings cross (test/explain-sites.test.ts)', () => {
    // 64 H100 over two sites of 32: the one-fabric breakdown printed 9.87 s and no DP communication
    // whatever the link's latency, so explain refused the job; it now times the rings over the link.
    const e = explainJob(bundled('two-dc-latency'), 'split-13b');
    expect(e.sites).toEqual(['north', 'south']);
    expect(e.step.exposed_dp_s).toBeGreaterThan(0.1);
    const cli = poolsim('explain', 'scenarios/two-dc-latency.yaml', '--job', 'split-13b');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('job split-13b: 64 x H100, placed by first-fit alone on the empty pool at its submission (8 nodes), on an idle fabric, across north and south, its data-parallel rings over the links between them');
  });

  describe('a layout that gives no micro-batch size', () => {
    // A 1.7B GPT on 32 A100 (Narayanan et al. 2021's smallest row, as a user might write it without
    // the artifact's --micro-batch-size 16): 16 sequences per replica, one per micro-batch.
    const text = (layout: string): string => `name: mb
seed: 1
datacentres:
  - name: selene
    fabric: IB-HDR
    node_groups: [{ name: a100, count: 4, device: A100-80GB }]
workloads:
  - jobs:
      - name: gpt
        devices: 32
        params: 1.7B
        tokens: 10485760
        model: { layers: 24, hidden_size: 2304, heads: 24, seq_len: 2048, global_batch: 1048576, attention: standard, recompute: full }
        layout: { ${layout} }
`;
    it('says which size would be fastest and by how much, and the figure is the step with that size given', () => {
      const e = explainJob(scenarioFromText(text('tp: 1, pp: 1, dp: 32')), 'gpt');
      expect(e.layout.microBatches).toBe(16);
      const note = e.micro_batch_size_note!;
      expect(note.sequences).toBeGreaterThan(1);
      expect(note.micro_batches * note.sequences).toBe(16);
      expect(note.step_s).toBeLessThanOrEqual(0.97 * e.step.step_s);
      const given = explainJob(scenarioFromText(text(`tp: 1, pp: 1, dp: 32, micro_batch_size: ${note.sequences}`)), 'gpt');
      expect(given.step.step_s).toBe(note.step_s);
      expect(given.micro_batch_size_note).toBeUndefined();
      expect(explanationTable(e)).toMatch(new RegExp(`^note: the layout gives no micro-batch size, so each of the 16 micro-batches is one sequence; the fastest size that fits, ${note.sequences} sequences .* set layout.micro_batch_size to the run's$`, 'm'));
      expect(explanationTable(given)).not.toContain('note:');
    });
    it('says it of an automatic layout too, which takes one sequence per micro-batch and is timed so', () => {
      const auto = explainJob(scenarioFromText(text('tp: 1, pp: 1, dp: 32').replace(/\n\s+layout: \{[^}]*\}/, '')), 'gpt');
      expect(auto.layout.automatic).toBe(true);
      const perReplica = 512 / auto.layout.dp;
      expect(auto.layout.microBatches).toBe(perReplica);
      const note = auto.micro_batch_size_note!;
      expect(note.sequences).toBeGreaterThan(1);
      expect(note.step_s).toBeLessThanOrEqual(0.97 * auto.step.step_s);
      // The figure is the automatic layout's step with that size given.
      const l = auto.layout;
      const given = explainJob(scenarioFromText(text(`tp: ${l.tp}, pp: ${l.pp}, dp: ${l.dp}${l.zero > 0 ? `, zero: ${l.zero}` : ''}, micro_batch_size: ${note.sequences}`)), 'gpt');
      expect(given.step.step_s).toBe(note.step_s);
      expect(explanationTable(auto)).toMatch(new RegExp(`^note: the automatic layout takes one sequence per micro-batch, ${perReplica} of them \\(poolsim does not choose the size: docs/calibration.md, "Automatic layout"\\); the fastest size that fits, ${note.sequences} sequences .* give the layout with layout.micro_batch_size$`, 'm'));
    });
    it('says nothing where a micro-batch count is given, or where one sequence is all a pipeline of this depth can take', () => {
      expect(explainJob(scenarioFromText(text('tp: 1, pp: 1, dp: 32, micro_batches: 16')), 'gpt').micro_batch_size_note).toBeUndefined();
      // 16 stages need 16 micro-batches of the replica's 16 sequences: one sequence each.
      expect(explainJob(scenarioFromText(text('tp: 1, pp: 16, dp: 2').replace('layers: 24', 'layers: 32').replace('params: 1.7B', 'params: 2.1B')), 'gpt').micro_batch_size_note).toBeUndefined();
      // Llama 3 405B gives none either, and its 16 stages take its 16 sequences one at a time.
      expect(e.micro_batch_size_note).toBeUndefined();
    });
  });
});

describe("explain says what its effective compute ratio counts, and why jobs.csv's differs when the scenario checkpoints", () => {
  const text = (extra: string): string => `name: ratio
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h, count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, params: 7B, tokens: 1B }
${extra}`;
  it('the ratio row says it is per step, with no checkpoint writes; a scenario that checkpoints gets a line saying jobs.csv counts them', () => {
    // explain printed 51.0% where jobs.csv gave 45.8% for the same job (its ratio is over the job's
    // whole time on its devices, checkpoint writes included) and did not say why.
    const plain = explainJob(scenarioFromText(text('')), 'j');
    expect(explanationTable(plain)).toMatch(/^effective compute ratio \(6PT\) +\d+\.\d% +per step: no checkpoint writes, restarts or failures$/m);
    expect(plain.checkpoint_note).toBeUndefined();
    expect(explanationTable(plain)).not.toContain('jobs.csv');
    const cp = explainJob(scenarioFromText(text('checkpointing: { interval: 30min, cost: 90s }\n')), 'j');
    expect(cp.step.effective_compute_ratio).toBe(plain.step.effective_compute_ratio);
    expect(cp.checkpoint_note).toBe(
      `jobs.csv's effective_compute_ratio is lower than a step's ${(100 * plain.step.effective_compute_ratio).toFixed(1)}%: it is over the job's whole time on its devices, which also holds the checkpoints it writes (90 s every 1800 s of progress, and 90 s after its last step)`,
    );
    expect(explanationTable(cp)).toContain(`note: ${cp.checkpoint_note}`);
    // What the note says holds: the run's ratio (26.3%) is below the step's (27.7%); without checkpoints it is the step's.
    const run = (t: string): number => Number(runToCsv(scenarioFromText(text(t))).jobs[0]!.effective_compute_ratio);
    expect(run('checkpointing: { interval: 30min, cost: 90s }\n')).toBeLessThan(cp.step.effective_compute_ratio * 0.97);
    expect(run('')).toBeCloseTo(plain.step.effective_compute_ratio, 6);
  });
});
