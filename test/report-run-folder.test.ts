// `poolsim report` on one run's folder: the run read as the one-run experiment it is, so its report
// is the same bytes as the report of `compare` on the same scenario, seed and policies (two routes,
// one answer); a file changed since the run, or not the one a run writes, is refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFolderError, runAsExperiment } from '../src/experiment/run-folder.js';
import { poolsim, repoPath } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'poolsim-run-report-'));

/** The scenario's own seed, as `run` uses it. */
const seedOf = (file: string): string => /^seed: (\d+)$/m.exec(readFileSync(repoPath(file), 'utf8'))![1]!;

describe('poolsim report of a run folder', () => {
  // A service (services.csv's columns) and tenants (tenants.csv, tenant_shares.csv, jain_index).
  it.each(['test/fixtures/experiment/service.yaml', 'scenarios/tenants-kueue.yaml'])('%s: the same report as compare on its seed', (file) => {
    const dir = tmp();
    expect(poolsim('run', repoPath(file), '--out', join(dir, 'run'), '--quiet').code).toBe(0);
    expect(poolsim('compare', repoPath(file), '--seeds', '1', '--seed-base', seedOf(file), '--jobs', '--out', join(dir, 'compare'), '--quiet').code).toBe(0);
    for (const d of ['run', 'compare']) {
      const r = poolsim('report', join(dir, d), '--title', 'same', '--out', join(dir, `${d}.html`));
      expect(r.code, r.stderr).toBe(0);
    }
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    expect(html === readFileSync(join(dir, 'compare.html'), 'utf8'), 'a run folder and a one-run compare report differently').toBe(true);
    // One run: its figures in a table of their own, with what ran.
    expect(html).toContain('<h2>Summary</h2>');
    expect(html).toMatch(/<table id="summary"><thead><tr><th>metric<\/th><th>value<\/th>/);
    expect(html).toContain(`, seed ${seedOf(file)}</p>`);
  });

  it('refuses a file changed since the run, and a folder that is not a run', () => {
    const dir = tmp();
    const out = join(dir, 'run');
    expect(poolsim('run', repoPath('test/fixtures/experiment/service.yaml'), '--out', out, '--quiet').code).toBe(0);
    const summary = join(out, 'summary.csv');
    writeFileSync(summary, readFileSync(summary, 'utf8').replace(/,5,/, ',6,'));
    const r = poolsim('report', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${summary}: summary.csv has changed since run wrote it (its hash differs from the manifest's); remove it or re-run the scenario`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a folder that does not exist, or a file, is said to be so, not to lack a manifest', () => {
    const dir = tmp();
    const missing = join(dir, 'nothing-here');
    const r = poolsim('report', missing);
    expect(r.stderr).toBe(`${missing}: no such folder: give the results folder of a run, compare or sweep\n1 problem found; nothing was run or written.\n`);
    expect(r.code).toBe(2);
    const file = join(dir, 'x.yaml');
    writeFileSync(file, 'name: x\n');
    expect(poolsim('report', file).stderr).toBe(`${file}: is a file, not a folder: give the results folder of a run, compare or sweep\n1 problem found; nothing was run or written.\n`);
  });

  it('an --out that is a folder is refused as one, naming a file to give instead, before the report is built', () => {
    // It said "--out: cannot write to '<out>': EISDIR: illegal operation on a directory (EISDIR)".
    const dir = tmp();
    const out = join(dir, 'run');
    expect(poolsim('run', repoPath('test/fixtures/experiment/service.yaml'), '--out', out, '--quiet').code).toBe(0);
    const r = poolsim('report', out, '--out', dir);
    expect(r.stderr).toBe(`--out: cannot write to '${dir}': it is a folder: name a file in it, e.g. report.html\n1 problem found; nothing was run or written.\n`);
    expect(r.code).toBe(2);
  });

  it('reads only what run writes: one summary row, every column', () => {
    const summary = { header: ['scenario', 'policy'], rows: [['s', 'fifo']] };
    expect(() => runAsExperiment({ summary, fingerprint: 'x' })).toThrow(RunFolderError);
    expect(() => runAsExperiment({ summary, fingerprint: 'x' })).toThrow("no column 'placement'");
    expect(() => runAsExperiment({ summary: { header: ['scenario'], rows: [['a'], ['b']] }, fingerprint: 'x' })).toThrow('expected the one row a run writes, found 2');
  });
});
