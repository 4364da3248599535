// `poolsim run` imports a scenario's CSV traces on the command line's thread while its worker
// starts (scenario/traces/trace-prefetch.ts), and the worker's loader takes that import instead of
// making its own only when it is the same import of the same file. These tests hold the loader's
// result with the prefetch to the one without it, show that the prefetch is what the loader takes,
// and that a changed file, a different mapping or a refused trace leaves it unused.
import { readFileSync, utimesSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileAccess } from '../src/experiment/file-access.js';
import { loadScenarioForRun } from '../src/experiment/load-for-run.js';
import { prefetchTraces, type PrefetchedTrace } from '../src/scenario/traces/trace-prefetch.js';
import { poolsim, runToCsv } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-prefetch-'));
const scenario = (mapping = '{ submit: submit, duration: duration, devices: devices }', extra = ''): string => `name: pf
seed: 3
datacentres:
  - name: dc
    node_groups:
      - { name: n, count: 40, device: H100, devices_per_node: 8 }
workloads:
  - trace:
      format: csv
      path: t.csv
      mapping: ${mapping}
      reference_device: H100${extra}
policy: fifo
placement: first-fit
`;
const file = join(dir, 'pf.yaml');
const trace = join(dir, 't.csv');

/** A trace of `n` jobs, mostly at t = 0, with a row the importer skips (devices 0) and one it cannot read. */
function writeTrace(n: number): void {
  const lines = ['submit,duration,devices'];
  for (let i = 0; i < n; i++) lines.push(`${i % 50 === 0 ? i : 0},${(1 + ((i * 7919) % 1000)) / 7},${1 << i % 7}`);
  lines.push('0,5,0', '0,x,8');
  writeFileSync(trace, lines.join('\n') + '\n');
}

/** The loaded scenario's jobs (every template), reports, warnings and fingerprint. */
function load(text: string, prefetched?: PrefetchedTrace[]) {
  writeFileSync(file, text);
  const { resolved, fingerprint } = loadScenarioForRun(text, file, fileAccess(file, prefetched));
  return { jobs: [...resolved.jobs], reports: resolved.traceReports, warnings: resolved.warnings, fingerprint, resolved };
}

describe('trace prefetch', () => {
  it('gives the loader the same jobs, reports and fingerprint as its own import, and the same run', () => {
    writeTrace(3000);
    const text = scenario();
    const prefetched = prefetchTraces(text, file);
    expect(prefetched).toHaveLength(1);
    const own = load(text);
    const taken = load(text, prefetched);
    // Offered once, and then held only by the import (the worker's request outlives the load).
    expect(prefetched).toHaveLength(0);
    expect(taken.jobs).toStrictEqual(own.jobs);
    expect(taken.reports).toStrictEqual(own.reports);
    expect(taken.warnings).toStrictEqual(own.warnings);
    expect(taken.fingerprint).toBe(own.fingerprint);
    expect(own.reports[0]!.skippedByReason).toStrictEqual({ 'no GPU requested': 1, 'bad duration': 1 });
    const a = runToCsv(own.resolved);
    const b = runToCsv(load(text, prefetchTraces(text, file)).resolved);
    expect(b.jobsCsv).toBe(a.jobsCsv);
    expect(b.summaryCsv).toBe(a.summaryCsv);
  });

  it('is what the loader takes: an altered prefetch shows in the jobs', () => {
    writeTrace(200);
    const text = scenario();
    const own = load(text);
    const prefetched = prefetchTraces(text, file);
    prefetched[0]!.rows.deviceCount[0]![0] = 3;
    const taken = load(text, prefetched);
    expect(own.jobs[0]!.devices).not.toBe(3);
    expect(taken.jobs[0]!.devices).toBe(3);
  });

  it('is left unused when the file changed since, or the import differs', () => {
    writeTrace(200);
    const text = scenario();
    const own = load(text);
    const altered = (): PrefetchedTrace[] => {
      const p = prefetchTraces(text, file);
      p[0]!.rows.deviceCount[0]![0] = 3;
      return p;
    };
    // The same text written again: a new modification time.
    const p = altered();
    writeFileSync(trace, readFileSync(trace));
    utimesSync(trace, new Date(), new Date(Date.now() + 5000));
    expect(load(text, p).jobs).toStrictEqual(own.jobs);
    // Another mapping (the loader's options differ from the prefetch's).
    const swapped = scenario('{ submit: submit, duration: duration, devices: devices, delimiter: comma }');
    expect(load(swapped, altered()).jobs).toStrictEqual(own.jobs);
    // A seed the prefetch read otherwise (the loader's key has the scenario's seed).
    expect(load(text.replace('seed: 3', 'seed: 4'), altered()).jobs).toStrictEqual(own.jobs);
  });

  it('is not made for options that change rows, other formats, or a trace the importer refuses', () => {
    writeTrace(50);
    expect(prefetchTraces(scenario(undefined, '\n      max_jobs: 10'), file)).toHaveLength(0);
    expect(prefetchTraces(scenario(undefined, '\n      window: { start: 1 }'), file)).toHaveLength(0);
    expect(prefetchTraces(scenario().replace('format: csv', 'format: philly'), file)).toHaveLength(0);
    expect(prefetchTraces(scenario('{ submit: start, duration: duration, devices: devices }'), file)).toHaveLength(0);
    expect(prefetchTraces('workloads: [', file)).toHaveLength(0);
    expect(prefetchTraces(scenario().replace('path: t.csv', 'path: missing.csv'), file)).toHaveLength(0);
  });

  it('leaves `poolsim run` writing what the loader alone gives, and refusing as it did', () => {
    writeTrace(500);
    const text = scenario();
    writeFileSync(file, text);
    const out = join(dir, 'out');
    const r = poolsim('run', file, '--out', out, '--quiet');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'jobs.csv'), 'utf8')).toBe(runToCsv(load(text).resolved).jobsCsv);
    // A missing column: the loader's message, located in the scenario.
    const bad = scenario('{ submit: start, duration: duration, devices: devices }');
    writeFileSync(file, bad);
    const refused = poolsim('run', file, '--out', join(dir, 'out2'), '--quiet');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("missing column 'start' (for submit)");
  });
});
