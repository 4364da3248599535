// `poolsim run`'s result files: all of them on every route, together or not at all, never beside an
// earlier run's, never in a place that cannot take them, and nothing left behind by Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest, sha256 } from '../src/experiment/manifest.js';
import { NonFiniteResultError, outputFiles } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { JobRow } from '../src/sim/metrics.js';
import { bundled, poolsim, repoPath, runToCsv, scenarioFromText } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-out-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const noStack = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at /);

describe('poolsim run outputs', () => {
  it('a plug-in run writes every file the built-in run writes, --requests and --timeline included, with the same bytes', () => {
    const plugin = join(work, 'fifo-again.mjs');
    writeFileSync(plugin, `import { fifo } from ${JSON.stringify(pathToFileURL(repoPath('dist/index.js')).href)};\nexport default fifo;\n`);
    const outs = ['fifo', plugin].map((policy, i) => {
      const out = join(work, `inference-${i}`);
      const timeline = join(work, `timeline-${i}.json`);
      const r = poolsim('run', 'scenarios/inference-diurnal.yaml', '--out', out, '--policy', policy, '--requests', '--request-sample', '0.1', '--timeline', timeline, '--quiet');
      expect(r.code).toBe(0);
      const files = readdirSync(out).sort();
      return { files, bytes: files.filter((f) => f !== 'manifest.json').map((f) => readFileSync(join(out, f), 'utf8')), timeline: readFileSync(timeline, 'utf8') };
    });
    expect(outs[0]!.files).toEqual(['jobs.csv', 'manifest.json', 'requests.csv', 'services.csv', 'summary.csv']);
    expect(outs[1]!.files).toEqual(outs[0]!.files);
    expect(outs[1]!.bytes).toEqual(outs[0]!.bytes);
    expect(outs[1]!.timeline).toBe(outs[0]!.timeline);
    expect(JSON.parse(outs[0]!.timeline).traceEvents.length).toBeGreaterThan(0);
  });

  it('a second run into the same folder leaves nothing of the first (no stale links.csv), and the manifest lists every file with its hash', () => {
    const out = join(work, 'reused');
    expect(poolsim('run', 'scenarios/quickstart.yaml', '--out', out, '--quiet').code).toBe(0);
    expect(existsSync(join(out, 'links.csv'))).toBe(true);
    expect(poolsim('run', 'scenarios/seed-gpt3-dgx2.yaml', '--out', out, '--quiet').code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['jobs.csv', 'manifest.json', 'summary.csv']);
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.scenario.name).toBe('seed-gpt3-dgx2');
    expect(Object.keys(m.files).sort()).toEqual(['jobs.csv', 'summary.csv']);
    for (const [f, h] of Object.entries(m.files)) expect(sha256(readFileSync(join(out, f)))).toBe(h);
    expect(readdirSync(work).filter((f) => f.includes('.poolsim-'))).toEqual([]);
  });

  it("a folder that holds the user's own files keeps them; the earlier run's files go", () => {
    const out = join(work, 'mixed');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect(poolsim('run', 'scenarios/quickstart.yaml', '--out', out, '--quiet').code).toBe(0);
    expect(poolsim('run', 'scenarios/seed-gpt3-dgx2.yaml', '--out', out, '--quiet').code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['jobs.csv', 'manifest.json', 'notes.txt', 'summary.csv']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses an output folder it cannot write before running, with exit 2 and no stack trace (and never loops on /proc)', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    for (const [args, message] of [
      [['--out', '/proc/poolsim-x'], "--out: cannot write to '/proc/poolsim-x'"],
      [['--out', join(file, 'sub')], 'is a file, not a folder'],
      [['--out', file], 'it is a file, not a folder'],
      [['--timeline', '/proc/poolsim-t/x.json'], "--timeline: cannot write to '/proc/poolsim-t/x.json'"],
    ] as const) {
      const started = Date.now();
      const r = poolsim('run', 'scenarios/quickstart.yaml', '--quiet', ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      noStack(r.stderr);
      expect(Date.now() - started).toBeLessThan(30_000);
    }
  });

  it('compare and sweep refuse an output folder they cannot write before running any simulation', () => {
    for (const args of [
      ['compare', 'scenarios/quickstart.yaml', '--seeds', '1'],
      ['sweep', 'scenarios/quickstart.yaml', '--set', 'datacentres[0].pue=1,1.1'],
    ]) {
      const started = Date.now();
      const r = poolsim(...args, '--out', '/proc/poolsim-x', '--quiet');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("--out: cannot write to '/proc/poolsim-x'");
      noStack(r.stderr);
      expect(Date.now() - started).toBeLessThan(30_000);
    }
  });

  it('Ctrl-C or SIGTERM during a run leaves the earlier results as they were and no temporary files', async () => {
    const out = join(work, 'interrupted');
    expect(poolsim('run', 'scenarios/quickstart.yaml', '--out', out, '--quiet').code).toBe(0);
    const before = readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const child = spawn(process.execPath, [repoPath('dist/cli/main.js'), 'run', 'scenarios/scale-100k.yaml', '--out', out, '--quiet'], { cwd: repoPath('.') });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Wait until the run has started writing (its staging folder exists), then interrupt it.
      const staging = (): boolean => readdirSync(work).some((f) => f.startsWith('.interrupted.poolsim-'));
      // (Up to two minutes: on a loaded machine loading scale-100k alone takes tens of seconds.)
      for (let i = 0; i < 2400 && !staging(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(staging()).toBe(true);
      child.kill(signal);
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(stderr).toContain('nothing was written');
      expect(readdirSync(work).filter((f) => f.includes('.poolsim-'))).toEqual([]);
      expect(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])).toEqual(before);
    }
  }, 400_000);

  it('refuses a result that is not a finite number instead of writing inf', () => {
    const resolved = bundled('quickstart');
    const write = (): void => undefined;
    expect(() =>
      runScenario(resolved, {
        outputs: { files: outputFiles(resolved), write },
        observe: (sim) =>
          sim.signals.on('finished', (job) => {
            if (job.id === 3) sim.signals.emitRow('jobRow', { job_id: job.name, useful_pflop: Infinity } as unknown as JobRow);
          }),
      }),
    ).toThrow(NonFiniteResultError);
  });

  it("jobs.csv from `poolsim run`, whose worker sends rows as values for the main thread to write, is the in-thread generic writer's, byte for byte", () => {
    // 3,000 generated jobs (two batches of rows and a part), a fifth rejected with a quoted reason
    // (models too large for any layout). (Names are ASCII; a cell beyond ASCII, written as text
    // between batches, is test/job-row-cells.test.ts's.)
    const text = `name: rows-as-values
seed: 3
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 16, device: H100 }
workloads:
  - generator:
      name: gen
      count: 3000
      arrival: { process: poisson, rate: 2/s }
      devices: { distribution: empirical, values: [1, 2, 8], weights: [5, 3, 2] }
      duration: { distribution: exponential, mean: 20s }
      reference_device: H100
      params: { distribution: empirical, values: [1B, 3T], weights: [4, 1] }
`;
    const path = join(work, 'rows-as-values.yaml');
    writeFileSync(path, text);
    const out = join(work, 'rows-as-values');
    const r = poolsim('run', path, '--out', out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = runToCsv(scenarioFromText(text, path)).jobsCsv;
    const got = readFileSync(join(out, 'jobs.csv'), 'utf8');
    expect(got.split('\n').length).toBe(3002);
    expect(got).toContain('"its model fits');
    expect(got).toBe(want);
    // jobs.csv's batches reach the folder before summary.csv's one chunk; the files are listed in
    // outputFiles' order all the same, as for a run of a few jobs.
    const loud = poolsim('run', path, '--out', out);
    expect(loud.stdout).toContain(`wrote ${['summary.csv', 'jobs.csv', 'links.csv', 'manifest.json'].map((f) => join(out, f)).join(', ')}\n`);
  });
});
