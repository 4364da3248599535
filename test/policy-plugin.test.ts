// Users' own policies through the built CLI: the tutorial plug-in runs; a plug-in that throws,
// returns garbage or never returns stops the run with a clear message, exit code 1 and no result
// file (not even a temporary one); bad plug-in parameters are located in the scenario file.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const FIX = 'test/fixtures/policy-plugins';
const out = mkdtempSync(join(tmpdir(), 'poolsim-plugin-'));

function poolsim(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function poolsimAsync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

function runSmall(dir: string, ...options: string[]) {
  return poolsim('run', `${FIX}/small.yaml`, '--out', join(out, dir), '--quiet', ...options);
}

/** Nothing at all in the output folder: no result file and no temporary file. */
function expectNoFiles(dir: string): void {
  const path = join(out, dir);
  expect(existsSync(path) ? readdirSync(path) : []).toEqual([]);
}

describe('policy plug-ins (built CLI)', () => {
  beforeAll(async () => {
    await ensureDist();
    expect(existsSync(repoPath('dist/cli/main.js')), 'dist/ is missing: run `npm run build`').toBe(true);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the tutorial plug-in from the command line', () => {
    const r = poolsim('run', 'scenarios/quickstart.yaml', '--policy', './examples/policies/smallest-first-within-priority.mjs', '--out', join(out, 'tutorial'));
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('smallest-first-within-priority + first-fit');
    const summary = readFileSync(join(out, 'tutorial', 'summary.csv'), 'utf8');
    expect(summary.split('\n')[1]).toMatch(/^quickstart,smallest-first-within-priority,first-fit,42,280,280,0,0,/);
  });

  it('runs a TypeScript plug-in that imports the sources by a relative path', () => {
    // One node only: the 12-device job never fits, and under FIFO the job behind it is stranded too.
    const r = runSmall('typed', '--placement', `./${FIX}/typed-tightest.ts`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'typed', 'summary.csv'), 'utf8')).toContain('plugin-small,fifo,typed-tightest,7,4,2,2,0');
  });

  it("the simulator's livelock guards name a plug-in by its file, as the plug-in's own guard does", () => {
    // They said "policy 'waits'": which of the scenario's or the option's files was not said.
    const idle = runSmall('waits', '--policy', `./${FIX}/waits.mjs`);
    expect(idle.stderr).toBe(
      `run failed: queue policy 'waits' (./${FIX}/waits.mjs), job 'first', at t=6001740s: 100,000 wake-ups in a row (ctx.wakeAt) found no job running and the same 4 jobs waiting, and started none; nothing else changed between them, so the run would never finish. Start a job when the pool is idle, or stop asking for wake-ups while it is\nNo result files were written.\n`,
    );
    expect(idle.code).toBe(1);
    const swaps = poolsim('run', `${FIX}/preemptive.yaml`, '--out', join(out, 'swaps'), '--quiet', '--policy', `./${FIX}/swaps.mjs`);
    expect(swaps.stderr).toMatch(new RegExp(`^run failed: queue policy 'swaps' \\(\\./${FIX.replace(/\//g, '\\/')}/swaps\\.mjs\\), job '[^']+', at t=\\d+s: 1,000 preemptions in a row of jobs that had made no progress`));
    expect(swaps.code).toBe(1);
  });

  it('a plug-in that throws: the policy, the job, the time and where it threw; exit 1; no files', () => {
    const r = runSmall('throws', '--policy', `./${FIX}/throws.mjs`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^run failed: queue policy 'throws' \(\.\/test\/fixtures\/policy-plugins\/throws\.mjs\), job 'second', at t=600s: threw Error: cannot schedule second \(at .*test\/fixtures\/policy-plugins\/throws\.mjs:\d+:\d+\)\nNo result files were written\.\n$/,
    );
    expectNoFiles('throws');
  });

  it('a plug-in that returns garbage: exit 1, the invalid placement described, no files', async () => {
    const cases: [string, string][] = [
      ['over-allocation', 'node 0 has 0 free devices, 8 asked (over-allocation)'],
      ['unknown-node', 'unknown node 99'],
      ['split-gang', 'the gang is split: 7 devices placed for a job of 8'],
      ['not-an-object', 'expected {kind, nodes[], counts[]} or undefined, got 42'],
      ['not-arrays', 'expected {kind, nodes[], counts[]} with one count per node'],
      ['wrong-kind', 'unknown device kind index 7'],
    ];
    // An async place(): it was 'expected {kind, nodes[], counts[]} with one count per node'.
    // A hand-made thenable's then() threw inside poolsim's own call ('threw: resolve is not a function'),
    // hiding why: both now say that plug-in policies must be synchronous, and where that is written.
    for (const mode of ['async', 'thenable']) {
      const async = poolsim('run', `${FIX}/small.yaml`, '--out', join(out, `garbage-${mode}`), '--quiet', '--placement', `{name: ./${FIX}/garbage.mjs, params: {mode: ${mode}}}`);
      expect(async.stderr).toBe(
        `run failed: placement policy 'garbage' (./${FIX}/garbage.mjs), job 'second', at t=600s: place() returned a promise (an async method, or an object with a then()): plug-in policies must be synchronous, so place() returns its decision from the call itself, without async, await or then(); its answer would come after the simulator needed it (docs/writing-a-policy.md, \"Plug-ins are called synchronously\")\nNo result files were written.\n`,
      );
      expect(async.code).toBe(1);
      expectNoFiles(`garbage-${mode}`);
    }
    const runs = await Promise.all(
      cases.map(([mode]) => poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, `garbage-${mode}`), '--quiet', '--placement', `{name: ./${FIX}/garbage.mjs, params: {mode: ${mode}}}`)),
    );
    cases.forEach(([mode, detail], i) => {
      expect(runs[i]!.code).toBe(1);
      expect(runs[i]!.stderr).toBe(`run failed: placement policy 'garbage' (./${FIX}/garbage.mjs), job 'second', at t=600s: returned an invalid placement: ${detail}\nNo result files were written.\n`);
      expectNoFiles(`garbage-${mode}`);
    });
  });

  it('a queue policy that is async, asks to wake at a non-finite time or throws something unprintable: stopped, named; exit 1; no files', async () => {
    // An async schedule() returned a promise and decided nothing in the pass: exit 0, all 4 jobs
    // 'rejected'. wakeAt(NaN) was ignored; wakeAt(Infinity) ended the run 36,500 days later as "the
    // scenario has no horizon ... would never finish", blaming the scenario. An exception without a
    // toString lost the plug-in's name and file ("policy 'misbehaves' ... threw: Cannot convert ...").
    const cases: [string, string][] = [
      ['async', 'at t=0s: schedule() returned a promise (an async method, or an object with a then()): plug-in policies must be synchronous, so schedule() returns its decision from the call itself, without async, await or then(); its decisions would come after the pass (docs/writing-a-policy.md, "Plug-ins are called synchronously")'],
      ['wake-nan', "job 'first', at t=0s: wakeAt() was given NaN, not a finite simulated time in seconds"],
      ['wake-infinity', "job 'first', at t=0s: wakeAt() was given Infinity, not a finite simulated time in seconds"],
      ['unprintable', 'at t=0s: threw a non-Error value: an object that cannot be shown as text'],
    ];
    const runs = await Promise.all(
      cases.map(([mode]) => poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, `misbehaves-${mode}`), '--quiet', '--policy', `{name: ./${FIX}/misbehaves.mjs, params: {mode: ${mode}}}`)),
    );
    cases.forEach(([mode, detail], i) => {
      expect(runs[i]!.stderr, mode).toBe(`run failed: queue policy 'misbehaves' (./${FIX}/misbehaves.mjs), ${detail}\nNo result files were written.\n`);
      expect(runs[i]!.code).toBe(1);
      expectNoFiles(`misbehaves-${mode}`);
    });
  });

  it('a plug-in that never returns: stopped after --policy-timeout, naming the job and time; exit 1; no files', () => {
    // The message and exit status prove the watchdog ended it (a hang would hit the test's limit);
    // no wall-clock bound: on a loaded machine a process start alone can take 15 s.
    const r = runSmall('never', '--placement', `./${FIX}/never-returns.mjs`, '--policy-timeout', '1');
    expect(r.code).toBe(1);
    // 'third' is first asked at 4200 s: before that its devices are not free, and ctx.place answers
    // without asking the policy.
    expect(r.stderr).toBe(`run failed: placement policy 'never-returns' (./${FIX}/never-returns.mjs) did not return within 1 s (job 'third', simulated time 4200 s)\nNo result files were written.\n`);
    expectNoFiles('never');
  });

  it('ctx.maxRate bounds ctx.predictRate on the kind asked for; a kind that does not exist stops the run, named', async () => {
    const [ok, bad] = await Promise.all([
      poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, 'max-rate'), '--quiet', '--policy', `./${FIX}/max-rate.mjs`),
      poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, 'max-rate-bad'), '--quiet', '--policy', `{name: ./${FIX}/max-rate.mjs, params: {kind: 99}}`),
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`run failed: queue policy 'max-rate' (./${FIX}/max-rate.mjs), job 'first', at t=0s: maxRate() was given kind 99, not a device kind's index (an integer from 0 to 0)\nNo result files were written.\n`);
    expectNoFiles('max-rate-bad');
  });

  it('ctx.predictRate refuses a placement that cannot exist, naming the policy and the call, as start() would', async () => {
    // Before, the simple model answered 5.4395e14 FLOP/s for node 999, a NaN count or 64 devices on an
    // 8-device node, and a null placement threw a TypeError inside poolsim blamed on the plug-in.
    const cases: [string, string][] = [
      ['node-999', 'unknown node 999'],
      ['nan-count', 'count NaN on node 0 is not a positive integer'],
      ['count-64', 'node 0 has 8 devices, 64 asked'],
      ['half-count', 'count 4.5 on node 0 is not a positive integer'],
      ['kind-7', 'unknown device kind index 7'],
      ['split', 'the gang is split: 2 devices placed for a job of 8'],
      ['null-placement', 'expected {kind, nodes[], counts[]}, got null'],
      ['no-placement', 'expected {kind, nodes[], counts[]}, got undefined'],
    ];
    const run = (bad: string) => poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, `predicts-${bad}`), '--quiet', '--policy', `{name: ./${FIX}/predicts.mjs, params: {bad: ${bad}}}`);
    const [ok, ...bad] = await Promise.all([run('none'), ...cases.map(([mode]) => run(mode))]);
    // Asking about the placement it then starts (and, after it started, about one no longer free) is allowed.
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    cases.forEach(([mode, problem], i) => {
      expect(bad[i]!.code, mode).toBe(1);
      expect(bad[i]!.stderr).toBe(`run failed: queue policy 'predicts' (./${FIX}/predicts.mjs), job 'first', at t=0s: predictRate() was given an invalid placement: ${problem}\nNo result files were written.\n`);
      expectNoFiles(`predicts-${mode}`);
    });
  });

  it('plug-in parameters are validated by its schema, located in the scenario file; exit 2', () => {
    const r = poolsim('run', `${FIX}/bad-params.yaml`, '--out', join(out, 'bad-params'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${FIX}/bad-params.yaml:12:19: placement.params.mode: expected one of 'over-allocation', 'unknown-node', 'split-gang', 'not-an-object', 'not-arrays', 'wrong-kind', 'async', 'thenable', got 'bogus'\n1 problem found; nothing was run or written.\n`,
    );
    expectNoFiles('bad-params');
    expect(poolsim('validate', `${FIX}/bad-params.yaml`).code).toBe(2);
  });

  it("a plug-in's checkPool refuses, its warnPool warns and its notes are said, as a built-in's are (run and validate)", async () => {
    // They were never called: a plug-in whose checkPool refused an unsuitable pool ran on it.
    const scenario = (params: string): string => {
      const file = join(out, `hooks-${params.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, `${readFileSync(repoPath(`${FIX}/small.yaml`), 'utf8')}placement:\n  name: ${repoPath(`${FIX}/pool-hooks.mjs`)}\n  params: ${params}\n`);
      return file;
    };
    const refused = scenario('{ site: elsewhere }');
    const [run, validate] = await Promise.all([poolsimAsync('run', refused, '--out', join(out, 'hooks-refused')), poolsimAsync('validate', refused)]);
    for (const r of [run, validate]) {
      expect(r.stderr).toBe(`${refused}:16:19: placement.params.site: no data centre is named 'elsewhere'; expected one of: dc\n1 problem found; nothing was run or written.\n`);
      expect(r.code).toBe(2);
    }
    expectNoFiles('hooks-refused');
    const warned = scenario('{ account: nobody }');
    const ok = await poolsimAsync('run', warned, '--out', join(out, 'hooks-warned'));
    expect(ok.stderr).toMatch(new RegExp(`^warning: ${warned.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:16:22: placement\\.params\\.account: no job has account 'nobody'\nwarning: pool-hooks sees 2 nodes\n  \\d+ events in `));
    expect(ok.code).toBe(0);
    // validate says what run says of the policies: the plug-in's warning and notes, and a built-in's notes.
    const checked = await poolsimAsync('validate', warned);
    expect(checked.stderr).toBe(`warning: ${warned}:16:22: placement.params.account: no job has account 'nobody'\nwarning: pool-hooks sees 2 nodes\n`);
    expect(checked.code).toBe(0);
    const mixed = join(out, 'hooks-mixed.yaml');
    writeFileSync(mixed, 'name: mixed\nnetwork: ideal\ndatacentres:\n  - name: dc\n    node_groups:\n      - { count: 1, device: H100-SXM }\n      - { count: 1, device: V100-SXM2-32GB }\nworkloads:\n  - jobs:\n      - { name: a, devices: 8, duration: 1h, reference_device: H100-SXM }\nplacement: heterogeneity-aware\n');
    const builtIn = await poolsimAsync('validate', mixed);
    expect(builtIn.stderr).toMatch(/^warning: heterogeneity-aware excludes V100-SXM2-32GB \(8 devices\)/);
    expect(builtIn.code).toBe(0);
  });

  it('a module that is missing or exports no policy: exit 2', () => {
    const missing = runSmall('missing', '--policy', './nope/missing.mjs');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^--policy: policy: cannot load policy module '.\/nope\/missing.mjs' \(.*missing.mjs\): /);
    const notPolicy = runSmall('not-policy', '--policy', `./${FIX}/not-a-policy.mjs`);
    expect(notPolicy.code).toBe(2);
    expect(notPolicy.stderr).toContain('does not export a queue policy built with defineQueuePolicy: `params` is not a zod schema; `create` is not a function');
  });

  it('poolsim policies lists every policy with its parameters', () => {
    const r = poolsim('policies');
    expect(r.code).toBe(0);
    for (const name of ['fifo', 'sjf', 'priority', 'las', 'easy-backfill', 'first-fit', 'best-fit', 'spread', 'topology-aware', 'heterogeneity-aware', 'site-aware', 'lowest-priority', 'least-progress', 'policy-order', 'round-robin', 'random', 'least-outstanding', 'power-of-two', 'weighted', 'latency-aware', 'cache-aware']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name}$`, 'm'));
    }
    expect(r.stdout).toContain('- min_speed_ratio: number in [0, 1] = 0.3');
    expect(r.stdout).toContain('- thresholds: (string | number)[] = ["1h","10h"]');
  });
});
