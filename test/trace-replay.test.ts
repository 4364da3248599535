// Real traces replayed end to end: every pod accounted for, allowed GPU models respected, no GPU
// shared beyond a whole device.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { readInputFile } from '../src/scenario/read-input-file.js';
import { simulate } from '../src/sim/simulation.js';
import type { JobRow } from '../src/sim/metrics.js';
import { repoPath } from './helpers.js';

const data = (rel: string): string => repoPath(`data/${rel}`);

/** The bundled Alibaba scenario, reading a (possibly edited) pod list from memory. */
function alibaba(podText?: string) {
  const file = 'scenarios/alibaba-replay.yaml';
  return loadScenario(readFileSync(repoPath(file), 'utf8'), file, {
    baseDir: repoPath('scenarios'),
    readFile: (p) => (podText !== undefined && p.endsWith('openb_pod_list_default.csv.gz') ? podText : readInputFile(p)),
  });
}

describe('Alibaba openb replay', () => {
  it('accounts for every pod, never shares a GPU beyond 1000 milli, and respects gpu_spec', () => {
    // The published pod list leaves gpu_spec empty; constrain every third GPU pod to make it bite.
    const lines = readInputFile(data('alibaba-openb/openb_pod_list_default.csv.gz')).split('\n');
    const header = lines[0]!.split(',');
    const specCol = header.indexOf('gpu_spec');
    const gpuCol = header.indexOf('num_gpu');
    const specs = ['T4|P100', 'V100M16|V100M32', 'G2'];
    let constrained = 0;
    const edited = lines
      .map((line, i) => {
        if (i === 0 || line === '') return line;
        const cells = line.split(',');
        if (Number(cells[gpuCol]) > 0 && i % 3 === 0) {
          cells[specCol] = specs[constrained++ % specs.length]!;
        }
        return cells.join(',');
      })
      .join('\n');
    const resolved = alibaba(edited);
    const allowedOf = new Map<string, string[]>();
    edited.split('\n').slice(1).forEach((line) => {
      const cells = line.split(',');
      if (cells[specCol]) allowedOf.set(cells[0]!, cells[specCol]!.split('|'));
    });
    const kindOfModel: Record<string, string> = { T4: 'T4', P100: 'P100', V100M16: 'V100-SXM2-16GB', V100M32: 'V100-SXM2-32GB', G2: 'G2', G3: 'G3', A10: 'A10' };
    let overShared = 0;
    const rows: JobRow[] = [];
    const r = simulate(resolved, {
      jobSink: (row) => rows.push(row),
      observe: (sim) =>
        sim.signals.on('started', () => {
          for (let d = 0; d < sim.cluster.deviceCount; d += 1) if (sim.cluster.deviceFreeMilli[d]! < 0) overShared++;
        }),
    });
    const report = resolved.traceReports.find((t) => t.source.endsWith('openb_pod_list_default.csv.gz'))!;
    const skipped = Object.values(report.skippedByReason).reduce((a, b) => a + b, 0);
    expect(report.rows).toBe(8152);
    expect(report.jobs + skipped).toBe(8152);
    expect(r.summary.jobs_submitted).toBe(report.jobs);
    expect(r.summary.jobs_completed + r.summary.jobs_rejected + r.summary.jobs_unfinished).toBe(report.jobs);
    expect(overShared).toBe(0);
    expect(constrained).toBeGreaterThan(1000);
    let checked = 0;
    for (const row of rows) {
      const allowed = allowedOf.get(row.job_id);
      if (!allowed || row.status !== 'completed') continue;
      expect(allowed.map((m) => kindOfModel[m])).toContain(row.device_kind);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    // Fractional pods ran on shared devices at their share.
    expect(rows.some((row) => row.status === 'completed' && row.device_kind !== '')).toBe(true);
  });

  it('reports node-list and pod-list rows it could not use, by reason', () => {
    const resolved = alibaba();
    const nodes = resolved.traceReports.find((t) => t.workload.includes('nodes_from'))!;
    expect(nodes.rows).toBe(1523);
    expect(nodes.jobs).toBe(1213);
    expect(nodes.skippedByReason['CPU-only node']).toBe(310);
    const devices = resolved.shape.groups.reduce((s, g) => s + g.nodeCount * g.devicesPerNode, 0);
    expect(devices).toBe(6212);
  });
});
