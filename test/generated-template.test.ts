// Generated jobs' templates (sim/generated-template.ts) answer what the per-job object literal did:
// the name `<generator>-<index>`, the generator's source, efficiency, shape, queue and host request,
// also after the arrival fitter narrowed a job's allowed kinds (a spread copy would have dropped
// every field read through the prototype, the name first).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import type { JobTemplate } from '../src/model/job.js';
import { simulate } from '../src/sim/simulation.js';
import { GeneratedTemplate } from '../src/sim/generated-template.js';
import { ArrivalFitter, poolKindsFor } from '../src/model/training-fit.js';

const text = `name: generated
seed: 3
datacentres:
  - name: dc
    node_groups:
      - { count: 4, device: V100-SXM2-16GB }
      - { count: 4, device: H100 }
workloads:
  - generator:
      name: gen
      count: 60
      arrival: { process: poisson, rate: 1/h }
      devices: { distribution: empirical, values: [1, 8, 16], weights: [1, 1, 1] }
      duration: { distribution: exponential, mean: 1h }
      efficiency: 0.4
      reference_device: H100
      params: { distribution: empirical, values: [1.3B, 7B, 13B], weights: [1, 1, 1] }
      cpu: 2
`;

describe('generated templates', () => {
  it('answer the fields of the literal they replace, narrowed or not', () => {
    const resolved = loadScenario(text, 'generated.yaml');
    const templates: JobTemplate[] = [];
    const rows: string[] = [];
    const r = simulate(resolved, {
      observe: (sim) => sim.signals.on('submitted', (job) => void templates.push(job.template)),
      jobSink: (row) => void rows.push(String(row.job_id)),
    });
    expect(r.summary.jobs_submitted).toBe(60);
    expect(templates).toHaveLength(60);
    let narrowed = 0;
    // The simulator's per-generator cache of fits gives what a fresh fitter gives for the job's figures.
    const fitter = new ArrivalFitter(poolKindsFor(resolved.shape));
    templates.forEach((t, i) => {
      expect(t.allowedKinds).toEqual(fitter.fit({ devices: t.devices, params: t.params, shape: t.shape }, undefined).allowedKinds);
      expect(t).toBeInstanceOf(GeneratedTemplate);
      expect(t.name).toBe(`gen-${i}`);
      expect(t.source).toBe('gen');
      expect(t.efficiency).toBe(0.4);
      expect(t.shape).toBeUndefined();
      expect(t.queue).toBeUndefined();
      expect(t.kindRate).toBeUndefined();
      expect(t.cpuMilli).toBe(2000);
      expect(t.memoryMiB).toBeUndefined();
      expect(t.milli).toBeUndefined();
      expect(t.fixedRuntimeS).toBeUndefined();
      expect([1, 8, 16]).toContain(t.devices);
      expect([1.3e9, 7e9, 13e9]).toContain(t.params);
      expect(t.usefulFlop).toBeGreaterThan(0);
      expect(t.submitS).toBeGreaterThanOrEqual(i === 0 ? 0 : templates[i - 1]!.submitS);
      if (t.allowedKinds !== undefined) narrowed++;
    });
    // The pool mixes 16 GB and 80 GB devices: some jobs fit only the larger (narrowed), some both.
    expect(narrowed).toBeGreaterThan(0);
    expect(narrowed).toBeLessThan(60);
    // Names are made when the row is written: every job's row names it.
    expect([...rows].sort()).toEqual(templates.map((t) => t.name).sort());
  });
});
