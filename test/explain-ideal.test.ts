// Under `network: ideal` a run ignores the step-time model: a job progresses at devices x peak x
// kernel efficiency (sim/progress-model.ts), with no communication, bubble or per-operator kernel
// time. explain printed its breakdown there without saying so (a 70B job: 81.0 s a step where the
// run's pace is 50.6 s); it now says what the run uses, in the table and as `ideal_note` in JSON.
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { poolsim, runToCsv, scenarioFromText } from './helpers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scenario = (network: string): string => `name: explain-ideal
seed: 1
network: ${network}
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h100, count: 8, device: H100 }]
workloads:
  - jobs:
      - name: llama
        devices: 64
        params: 70B
        tokens: 1B
`;

describe('explain under network: ideal', () => {
  const r = scenarioFromText(scenario('ideal'));
  const e = explainJob(r, 'llama');

  it("gives the run's pace: its step, over the job's steps, is the run's time", () => {
    const note = e.ideal_note!;
    expect(note).toBeDefined();
    const ran = runToCsv(r).jobs[0]!;
    const steps = 1e9 / e.step.tokens_per_step;
    expect((note.step_s * steps) / (ran.finish_s - ran.start_s)).toBeCloseTo(1, 6);
    expect(note.effective_compute_ratio).toBeCloseTo(ran.effective_compute_ratio, 9);
    // The breakdown (step-time model) is not what the run uses: its step is longer here.
    expect(e.step.step_s).toBeGreaterThan(1.2 * note.step_s);
    expect(explanationTable(e)).toMatch(/^note: under network: ideal a run does not use this breakdown: .*\d+\.\d s a step/m);
  });

  it('says nothing under network: flow', () => {
    const flow = explainJob(scenarioFromText(scenario('flow')), 'llama');
    expect(flow.ideal_note).toBeUndefined();
    expect(explanationTable(flow)).not.toContain('network: ideal');
  });

  it('CLI: the note in the table and ideal_note in JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'poolsim-explain-ideal-')), 'scenario.yaml');
    writeFileSync(file, scenario('ideal'));
    const t = poolsim('explain', file, '--job', 'llama');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^note: under network: ideal a run does not use this breakdown/m);
    const j = poolsim('explain', file, '--job', 'llama', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).ideal_note.step_s).toBeCloseTo(e.ideal_note!.step_s, 9);
    expect(JSON.parse(j.stdout).ideal_note.text).toContain('does not charge');
  });
});
