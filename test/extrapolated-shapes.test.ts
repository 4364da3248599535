// Where a job's kernels lie outside every measurement the step model was read from, `explain` and
// `validate` say so, naming the shape and the measured range (src/model/extrapolated-shapes.ts;
// docs/calibration.md, "Short K below the calibrated range"), rather than print the step as measured.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { extrapolatedShapes } from '../src/model/extrapolated-shapes.js';
import { resolveShape, type TrainingShape } from '../src/model/training-layout.js';
import { poolsim, scenarioFromText } from './helpers.js';

const shapeOf = (model: Record<string, unknown>): TrainingShape => resolveShape(1.5e9, model as Parameters<typeof resolveShape>[1]);
const gpt = (extra: string): Record<string, unknown> => ({ layers: 24, hidden_size: 2048, seq_len: 2048, global_batch: 1048576, ...(JSON.parse(`{${extra}}`) as Record<string, unknown>) });

describe('extrapolated shapes: which kernels of a layer lie outside what the model was measured on', () => {
  it('standard attention: head dims 8-255 that are multiples of 8 are measured (32 and 80 among them); 4, 100 and 256 are not, and the sentence names the K and the range', () => {
    for (const heads of [64, 16]) expect(extrapolatedShapes(shapeOf(gpt(`"heads": ${heads}, "attention": "standard"`)), 1, false)).toEqual([]);
    expect(extrapolatedShapes(shapeOf(gpt('"heads": 32, "head_dim": 80, "attention": "standard"')), 1, false)).toEqual([]);
    const tiny = extrapolatedShapes(shapeOf(gpt('"heads": 512, "attention": "standard"')), 1, false);
    expect(tiny).toHaveLength(1);
    expect(tiny[0]).toContain('K = 4 (the head dim), outside the K the GEMM model\'s short-K factor is measured at (8-255, multiples of 8');
    expect(tiny[0]).toContain('a K that is not a multiple of 8 ran 1.4-6 times slower');
    expect(extrapolatedShapes(shapeOf(gpt('"heads": 16, "head_dim": 100, "attention": "standard"')), 1, false)[0]).toContain('K = 100 (the head dim)');
    expect(extrapolatedShapes(shapeOf(gpt('"heads": 8, "attention": "standard"')), 1, false)[0]).toContain('K = 256 (the head dim)');
  });

  it('FlashAttention: head dims 64-128 and sequences 512-16k are measured; head dim 32 holds head dim 64\'s rate and a 32k sequence 16k\'s, and each is said', () => {
    expect(extrapolatedShapes(shapeOf(gpt('"heads": 16, "attention": "flash"')), 1, false)).toEqual([]);
    expect(extrapolatedShapes(shapeOf(gpt('"heads": 32, "attention": "flash"')), 1, false)).toEqual([]);
    const hd32 = extrapolatedShapes(shapeOf(gpt('"heads": 64, "attention": "flash"')), 1, false);
    expect(hd32).toEqual([
      "attention at head dim 32 is extrapolated: FlashAttention's rate is measured at head dims 64 and 128 only (Dao 2023, figure 4), and the model holds head dim 64's rate here",
    ]);
    const long = extrapolatedShapes(shapeOf({ ...gpt('"heads": 16, "attention": "flash"'), seq_len: 32768 }), 1, false);
    expect(long).toEqual(["attention at sequence 32,768 is extrapolated: FlashAttention's rate is measured at sequences 512 to 16,384 (Dao 2023, figure 4), and the model holds the rate at 16,384 here"]);
  });

  it('FP8 layer GEMMs: a per-rank K below 512 (DeepGEMM\'s shortest) is said with the layout\'s tp; without a layout it is not checked', () => {
    const fp8 = shapeOf(gpt('"heads": 16, "attention": "flash", "precision": "fp8"'));
    expect(extrapolatedShapes(fp8, 1, true)).toEqual([]);
    expect(extrapolatedShapes(fp8, undefined, true)).toEqual([]);
    const tp8 = extrapolatedShapes(fp8, 8, true);
    expect(tp8).toHaveLength(1);
    expect(tp8[0]).toContain('the output projection (its input width / tp) K = 256');
    expect(tp8[0]).toContain('at tp 8');
    // In 16-bit the same layout is measured.
    expect(extrapolatedShapes(shapeOf(gpt('"heads": 16, "attention": "flash"')), 8, false)).toEqual([]);
  });
});

const scenario = (model: string, layout = 'tp: 1, dp: 16', extra = ''): string => `name: hd
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 2, device: H100 }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 1.5B, tokens: 1B, model: { layers: 24, hidden_size: 2048, seq_len: 2048, global_batch: 1048576, ${model} }, layout: { ${layout} }${extra} }
`;

describe('validate and explain say where the step is extrapolated', () => {
  it('validate warns at the job\'s model, once per kernel; a measured shape has no warning', () => {
    const warned = scenarioFromText(scenario('heads: 64, attention: flash')).warnings.filter((w) => w.message.includes('extrapolated'));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.path).toBe('workloads[0].jobs[0].model');
    expect(warned[0]!.message).toContain('attention at head dim 32 is extrapolated');
    expect(scenarioFromText(scenario('heads: 16, attention: flash')).warnings.filter((w) => w.message.includes('extrapolated'))).toEqual([]);
    // A job whose `efficiency` times every kernel does not use the shape physics: nothing to say.
    expect(scenarioFromText(scenario('heads: 64, attention: flash', 'tp: 1, dp: 16', ', efficiency: 0.4')).warnings.filter((w) => w.message.includes('extrapolated'))).toEqual([]);
  });

  it('explain: the JSON lists the sentences and the table prints each as a note; none where everything is measured', () => {
    const e = explainJob(scenarioFromText(scenario('heads: 512, attention: standard', 'tp: 1, dp: 16')), 'j');
    expect(e.extrapolated).toHaveLength(1);
    expect(e.extrapolated![0]).toContain('K = 4 (the head dim)');
    expect(explanationTable(e)).toContain(`note: ${e.extrapolated![0]}`);
    expect(explainJob(scenarioFromText(scenario('heads: 16, attention: flash')), 'j').extrapolated).toBeUndefined();
    // FP8 at tp 8 on the automatic layout too: explain knows the layout the search chose.
    const fp8 = explainJob(scenarioFromText(scenario('heads: 16, attention: flash, precision: fp8', 'tp: 8, dp: 2')), 'j');
    expect(fp8.extrapolated?.[0]).toContain('FP8 layer GEMMs with K below 512');
  });

  it('CLI: validate prints the warning located at the job\'s line and exits 0; explain prints the note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, scenario('heads: 64, attention: flash'));
    const v = poolsim('validate', file);
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(/s\.yaml:8:.*workloads\[0\]\.jobs\[0\]\.model.*attention at head dim 32 is extrapolated/);
    const x = poolsim('explain', file, '--job', 'j');
    expect(x.code).toBe(0);
    expect(x.stdout).toContain("note: attention at head dim 32 is extrapolated: FlashAttention's rate is measured at head dims 64 and 128 only");
  });
});
