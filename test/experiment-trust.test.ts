// compare, sweep, check, merge and report never give a silent wrong answer: each case a user met
// (the built CLI; npm test builds dist/ first). Variants of one policy are told apart, unknown
// metrics and untrustworthy baselines are refused, service metrics can be compared and checked,
// stale files are never mixed into a report, and oversized plans are refused before allocating.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, tableToCsv } from '../src/experiment/csv-table.js';
import { parseManifest, sha256 } from '../src/experiment/manifest.js';
import { poolsim, repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-trust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BACKFILL = 'test/fixtures/experiment/check-backfill.yaml';
const BASELINE = 'test/fixtures/experiment/check-baseline.csv';
const SERVICE = 'test/fixtures/experiment/service.yaml';
const PLUGINS = repoPath('test/fixtures/policy-plugins');

/** Write `text` to a fresh file in the work folder and return its path. */
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(work, 'f-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const noStack = (r: { stderr: string }): void => expect(r.stderr).not.toMatch(/\n\s+at /);

/** The CLI with a time and memory bound: a regression that hangs or allocates without limit fails here instead of stalling the machine. */
function bounded(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('compare and sweep tell policy variants apart', () => {
  it('two parameter sets of one policy get two labels, and each is averaged over its own seeds only', () => {
    const out = join(work, 'variants');
    const r = poolsim('compare', BACKFILL, '--policies', '{name: sjf, params: {strict: true}},{name: sjf, params: {strict: false}}', '--seeds', '3', '--out', out, '--workers', '2');
    noStack(r);
    expect(r.code).toBe(0);
    const runs = parseCsv(readFileSync(join(out, 'runs.csv'), 'utf8'));
    expect([...new Set(runs.rows.map((x) => x[runs.header.indexOf('policy')]))]).toEqual(['sjf{strict=true}', 'sjf{strict=false}']);
    const summary = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    const util = summary.rows.filter((x) => x[summary.header.indexOf('metric')] === 'utilisation');
    expect(util.map((x) => [x[summary.header.indexOf('policy')], x[summary.header.indexOf('n')]])).toEqual([
      ['sjf{strict=true}', '3'],
      ['sjf{strict=false}', '3'],
    ]);
    expect(r.stdout).toMatch(/metric +sjf\{strict=true\} +sjf\{strict=false\}/);
  });

  it('the same variant listed twice is refused before anything runs', () => {
    const out = join(work, 'twice');
    const r = poolsim('compare', BACKFILL, '--policies', 'fifo,fifo', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--policies: 'fifo' is listed twice (entries 1 and 2)");
    expect(existsSync(out)).toBe(false);
  });
});

describe('sweep refuses a swept field that every run would ignore', () => {
  // Each ran, and labelled identical runs with the swept values: `--set seed=1,2` ran seed 11 (the
  // file's, the default --seed-base) at both points; `--set policy.params.strict=true,false` with
  // `--policies sjf` ran sjf's defaults at both (quickstart: ECR 0.1788 at both, where strict gives
  // 0.1007); `--set placement=...` with `--placements first-fit` ran first-fit at both.
  it('the seed, and a policy or placement that --policies or --placements replaces', () => {
    const cases: [string[], string][] = [
      [['--set', 'seed=1,2'], "seed: each run's seed comes from --seeds and --seed-base"],
      // The refusal says what to do instead ("(parameters included)" left that to the reader).
      [
        ['--set', 'policy.params.strict=true,false', '--policies', 'sjf'],
        'policy.params.strict: with --policies, every run uses the policies --policies lists, with the parameters given there, whatever the scenario\'s policy says, so each point of this --set would run the same simulations under another label. To compare parameter values, drop this --set and list one variant per value in --policies (e.g. --policies "{name: sjf, params: {strict: true}},{name: sjf, params: {strict: false}}"); to sweep the scenario\'s own policy, drop --policies',
      ],
      [['--set', 'policy=fifo,sjf', '--policies', 'fifo'], 'policy: with --policies, every run uses the policies --policies lists'],
      [['--set', 'placement=best-fit,first-fit', '--placements', 'first-fit'], "placement: with --placements, every run uses the placements --placements lists, with the parameters given there, whatever the scenario's placement says"],
    ];
    for (const [args, message] of cases) {
      const out = join(work, 'ignored-sweep');
      const r = poolsim('sweep', BACKFILL, ...args, '--seeds', '1', '--out', out, '--quiet');
      noStack(r);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a swept field whose every value gave the same runs is named on stderr', () => {
    // A fabric swept under network: ideal, or (here) the network model swept for jobs sized by run
    // time, which no network slows: the table showed equal rows and said nothing.
    const out = join(work, 'no-effect');
    const r = poolsim('sweep', BACKFILL, '--set', 'network=flow,ideal', '--set', 'datacentres[0].pue=1,1.1', '--seeds', '2', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: --set network: every value gave the same results (every column of runs.csv equal at each other point, policy, placement and seed)');
    expect(r.stderr).not.toContain('--set datacentres[0].pue:');
  });

  it('a swept policy without --policies runs each value', () => {
    const out = join(work, 'swept-policy');
    const r = poolsim('sweep', BACKFILL, '--set', 'policy=fifo,sjf', '--seeds', '1', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const runs = parseCsv(readFileSync(join(out, 'runs.csv'), 'utf8'));
    const ran = runs.header.lastIndexOf('policy');
    expect(runs.rows.map((x) => x[ran])).toEqual(['fifo', 'sjf']);
  });
});

describe('metrics: unknown names refused, service metrics usable everywhere', () => {
  it('--metrics with an unknown name exits 2 listing the known ones (compare and sweep)', () => {
    const c = poolsim('compare', BACKFILL, '--metrics', 'utilisation,ttft_p99_s', '--seeds', '1', '--out', join(work, 'm1'));
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("--metrics: 'ttft_p99_s' is a service metric, but the scenario has no inference services; expected one of: jobs_submitted,");
    const s = poolsim('sweep', BACKFILL, '--set', 'datacentres[0].pue=1,1.1', '--metrics', 'utilisaton', '--out', join(work, 'm2'));
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("--metrics: unknown metric 'utilisaton'; expected one of:");
    expect(existsSync(join(work, 'm1'))).toBe(false);
  });

  it('service metrics are runs.csv and summary.csv columns, shown by their bare name when there is one service', () => {
    const out = join(work, 'svc');
    const r = poolsim('compare', SERVICE, '--seeds', '2', '--metrics', 'ttft_p99_s,services.chat.tokens_per_s', '--out', out);
    noStack(r);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/services\.chat\.ttft_p99_s ↓ +\d+(\.\d+)?ms/);
    const runs = parseCsv(readFileSync(join(out, 'runs.csv'), 'utf8'));
    const at = runs.header.indexOf('services.chat.ttft_p99_s');
    expect(at).toBeGreaterThan(0);
    for (const row of runs.rows) expect(Number(row[at])).toBeGreaterThan(0);
    const summary = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(summary.rows.some((x) => x[summary.header.indexOf('metric')] === 'services.chat.slo_attainment')).toBe(true);
  });

  it('check verifies service metrics in expect:, and a relation can name two variants of one policy', () => {
    const r = poolsim('check', SERVICE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok    services.chat.ttft_p99_s (fifo) <= 100ms');
    const expectFile = file('variants.yaml', 'relations:\n  - { metric: jct_mean_s, policy: "sjf{strict=false}", below: "sjf{strict=true}" }\n');
    const v = poolsim('check', BACKFILL, '--expect', expectFile);
    noStack(v);
    expect(v.stdout).toMatch(/jct_mean_s: sjf\{strict=false\} at least 0% below sjf\{strict=true\}/);
    expect([0, 1]).toContain(v.code);
  });
});

describe('check refuses what it cannot trust', () => {
  const base = readFileSync(repoPath(BASELINE), 'utf8');
  const table = parseCsv(base);
  const at = (c: string) => table.header.indexOf(c);

  function edited(edit: (rows: string[][]) => string[][], header = table.header): string {
    return file('baseline.csv', tableToCsv({ header, rows: edit(table.rows.map((x) => [...x])) }));
  }

  it('a NaN or non-numeric cell, or a fraction out of range, is refused with its line and column', () => {
    const nan = edited((rows) => {
      rows[1]![at('utilisation')] = 'NaN';
      rows[2]![at('makespan_s')] = 'abc';
      rows[3]![at('utilisation')] = '50';
      return rows;
    });
    const r = poolsim('check', BACKFILL, '--baseline', nan);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline\.csv:3:\d+: utilisation: 'NaN' is not a number/);
    expect(r.stderr).toMatch(/baseline\.csv:4:\d+: makespan_s: 'abc' is not a number/);
    expect(r.stderr).toMatch(/baseline\.csv:5:\d+: utilisation: 50 is outside the values it can take \(a fraction in \[0, 1\]\)/);
  });

  it('no rows, only key columns, or only rows of another scenario are refused', () => {
    const empty = poolsim('check', BACKFILL, '--baseline', edited(() => []));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no rows: a baseline without results would compare nothing');
    const keys = ['run', 'scenario', 'policy', 'placement', 'seed', 'scenario_sha256'];
    const keysOnly = file('keys.csv', tableToCsv({ header: keys, rows: table.rows.map((x) => keys.map((c) => x[at(c)]!)) }));
    const k = poolsim('check', BACKFILL, '--baseline', keysOnly);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('no metric columns: a baseline with only key columns would compare nothing');
    const other = edited((rows) => rows.map((x) => ((x[at('scenario')] = 'another-scenario'), x)));
    const o = poolsim('check', BACKFILL, '--baseline', other);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain("no rows for scenario 'check-backfill'");
  });

  it('a check with zero expectations is refused instead of passing', () => {
    const text = readFileSync(repoPath(BACKFILL), 'utf8');
    const bare = file('bare.yaml', text.slice(0, text.indexOf('expect:')));
    const r = poolsim('check', bare);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to check: the scenario has no expect: block and no --baseline or --save was given');
    const seedsOnly = file('seeds.yaml', 'seeds: 2\n');
    expect(poolsim('check', BACKFILL, '--expect', seedsOnly).stderr).toContain('nothing to check: the expect: block has no thresholds or relations');
  });

  it('a smaller pool is another scenario: the baseline is refused (re-save it), not read as an improvement', () => {
    const text = readFileSync(repoPath(BACKFILL), 'utf8');
    const smaller = file('check-backfill.yaml', text.replace('count: 4, device: A100-80GB', 'count: 2, device: A100-80GB'));
    const r = poolsim('check', smaller, '--baseline', BASELINE);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/check-baseline\.csv:2:\d+: rows for scenario 'check-backfill' were produced from another version of it .*re-save the baseline/);
    // Editing only the expectations leaves the scenario's results, and the baseline, valid.
    const tighter = file('check-backfill.yaml', text.replace('effective_compute_ratio_pool: { min: 0.2 }', 'effective_compute_ratio_pool: { min: 0.25 }'));
    const t = poolsim('check', tighter, '--baseline', BASELINE);
    expect(t.stderr).not.toContain('another version');
    expect(t.code).toBe(0);
  });

  it('a threshold outside its metric range is refused, located in the file', () => {
    const text = readFileSync(repoPath(BACKFILL), 'utf8');
    const bad = file('pct.yaml', text.replace('effective_compute_ratio_pool: { min: 0.2 }', 'utilisation: { min: 50 }\n    makespan_s: { max: -5 }\n    jobs_completed: { min: 1h }'));
    const r = poolsim('check', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pct\.yaml:22:\d+: expect\.metrics\.utilisation\.min: 50 is outside the values utilisation can take \(a fraction in \[0, 1\]\); write 0\.5 or '50%'/);
    expect(r.stderr).toMatch(/pct\.yaml:\d+:\d+: expect\.metrics\.makespan_s\.max: -5 is outside the values makespan_s can take \(non-negative\)/);
    expect(r.stderr).toMatch(/expect\.metrics\.jobs_completed\.min: '1h' is a duration, but jobs_completed is measured in count/);
  });

  it("a baseline without scenario_sha256 is accepted only where a manifest beside it vouches for it (run's summary.csv)", () => {
    const out = join(work, 'run-baseline');
    expect(poolsim('run', BACKFILL, '--out', out, '--quiet').code).toBe(0);
    const ok = poolsim('check', BACKFILL, '--baseline', join(out, 'summary.csv'));
    noStack(ok);
    expect(ok.stdout).toContain('ok    baseline (easy-backfill): every metric within 2.0%');
    expect(ok.code).toBe(0);
    const alone = join(mkdtempSync(join(work, 'alone-')), 'summary.csv');
    copyFileSync(join(out, 'summary.csv'), alone);
    const r = poolsim('check', BACKFILL, '--baseline', alone);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no scenario_sha256 column, so nothing says which version of scenario 'check-backfill' produced it, and there is no manifest.json beside it");
  });

  it('check --save writes the fingerprint, and a saved baseline passes against itself', () => {
    const saved = join(work, 'saved.csv');
    expect(poolsim('check', BACKFILL, '--save', saved, '--quiet').code).toBe(0);
    const t = parseCsv(readFileSync(saved, 'utf8'));
    expect(t.header.at(-1)).toBe('scenario_sha256');
    expect(new Set(t.rows.map((x) => x.at(-1))).size).toBe(1);
    expect(readFileSync(saved, 'utf8')).toBe(base);
  });
});

describe('report reads only what the manifest vouches for', () => {
  const out = join(work, 'report');

  it('refuses a stale jobs.csv, a changed runs.csv and a folder without manifest; --no-manifest reads runs.csv alone', () => {
    expect(poolsim('compare', BACKFILL, '--policies', 'fifo,easy-backfill', '--seeds', '2', '--out', out, '--quiet').code).toBe(0);
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(m.files).sort()).toEqual(['runs.csv', 'summary.csv']);
    expect(m.files['runs.csv']).toBe(sha256(readFileSync(join(out, 'runs.csv'))));
    expect(poolsim('report', out, '--quiet').code).toBe(0);

    writeFileSync(join(out, 'jobs.csv'), 'run,job_id\n0,stale\n');
    const stale = poolsim('report', out);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('jobs.csv: jobs.csv is not one of the files this compare wrote (left there by an earlier run?)');
    rmSync(join(out, 'jobs.csv'));

    const runs = readFileSync(join(out, 'runs.csv'), 'utf8');
    writeFileSync(join(out, 'runs.csv'), runs.replace(/,fifo,/, ',fifo ,'));
    const changed = poolsim('report', out);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('runs.csv has changed since compare wrote it');
    writeFileSync(join(out, 'runs.csv'), runs);

    rmSync(join(out, 'manifest.json'));
    const none = poolsim('report', out);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no manifest.json');
    const alone = poolsim('report', out, '--no-manifest');
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain('--no-manifest: reporting on');
  });
});

describe('merge and sizes', () => {
  it('--total must be a positive whole number (abc used to turn the missing-shard check off)', () => {
    const r = poolsim('merge', join(work, 'x.csv'), repoPath(BASELINE), '--total', 'abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--total: 'abc': expected a positive whole number");
  });

  it('a run number of 1e9 is refused at once, not allocated', () => {
    const big = file('big.csv', `${readFileSync(repoPath(BASELINE), 'utf8')}1000000000${readFileSync(repoPath(BASELINE), 'utf8').split('\n')[1]!.slice(1)}\n`);
    // Allocating a billion rows would not fit bounded's 512 MB: refused at once, or it fails here.
    const r = bounded('merge', join(work, 'y.csv'), big);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run 1000000000 is beyond the largest experiment poolsim plans (100,000 runs; --max-runs raises it)');
  });

  it('shards of different scenario versions are refused; merged shards carry a manifest that report accepts', () => {
    const dir = join(work, 'shards');
    const args = ['compare', BACKFILL, '--policies', 'fifo,sjf', '--seeds', '2', '--quiet'];
    for (const k of [1, 2]) expect(poolsim(...args, '--shard', `${k}/2`, '--out', join(dir, `s${k}`)).code).toBe(0);
    const m = poolsim('merge', join(dir, 'all', 'runs.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv'), '--summary', join(dir, 'all', 'summary.csv'), '--quiet');
    expect(m.code).toBe(0);
    expect(Object.keys(parseManifest(readFileSync(join(dir, 'all', 'manifest.json'), 'utf8')).files).sort()).toEqual(['runs.csv', 'summary.csv']);
    expect(poolsim('report', join(dir, 'all'), '--quiet').code).toBe(0);
    // Merging into a shard's own folder would replace that shard's files.
    const into = poolsim('merge', join(dir, 's1', 'merged.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2', 'runs.csv'));
    expect(into.code).toBe(2);
    expect(into.stderr).toContain("merging there would replace that shard's files");
    expect(existsSync(join(dir, 's1', 'runs.csv'))).toBe(true);
    // The manifests give the run count: a missing last shard is caught without --total.
    const missing = poolsim('merge', join(dir, 'x.csv'), join(dir, 's1', 'runs.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing runs 1, 3');

    const text = readFileSync(repoPath(BACKFILL), 'utf8');
    mkdirSync(join(dir, 'v2'));
    const edited = join(dir, 'v2', 'check-backfill.yaml');
    writeFileSync(edited, text.replace('count: 60', 'count: 50'));
    expect(poolsim('compare', edited, '--policies', 'fifo,sjf', '--seeds', '2', '--quiet', '--shard', '2/2', '--out', join(dir, 's2b')).code).toBe(0);
    const mixed = poolsim('merge', join(dir, 'mixed.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2b', 'runs.csv'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('are not shards of one experiment: their manifests differ in scenario (scenario.sha256)');
    // Without manifests, the rows' scenario_sha256 still tells the versions apart.
    rmSync(join(dir, 's1', 'manifest.json'));
    rmSync(join(dir, 's2b', 'manifest.json'));
    const rows = poolsim('merge', join(dir, 'mixed.csv'), join(dir, 's1', 'runs.csv'), join(dir, 's2b', 'runs.csv'));
    expect(rows.code).toBe(2);
    expect(rows.stderr).toMatch(/runs 0 \(.*s1\/runs\.csv\) and 1 \(.*s2b\/runs\.csv\) are of the same point but of different versions of the scenario/);
  });

  // "At once": each command runs in 512 MB (bounded), where listing the points or seeds first would
  // run out of memory; no wall-clock bound (three CLI starts took over 20 s at load 12).
  it('a sweep of 100M points and 1e9 seeds are refused at once, saying the count and the limit', () => {
    const r = bounded('sweep', BACKFILL, '--set', 'datacentres[0].pue=1..2:lin:100000000', '--out', join(work, 'huge'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('100,000,000 points, more than the limit of 100,000 runs in one experiment (--max-runs raises it)');
    const s = bounded('compare', BACKFILL, '--seeds', '1000000000', '--out', join(work, 'huge'));
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('1,000,000,000 runs, more than the limit of 100,000');
    const product = bounded('sweep', BACKFILL, '--set', 'datacentres[0].pue=1..2:lin:1000', '--set', 'datacentres[0].node_groups[0].count=1..1000:lin:1000', '--out', join(work, 'huge'));
    expect(product.code).toBe(2);
    expect(product.stderr).toContain('1,000,000 runs, more than the limit of 100,000');
    expect(existsSync(join(work, 'huge'))).toBe(false);
  });
});

describe('plug-ins load under the watchdog in experiments', () => {
  it('compare, sweep and check stop a plug-in that loops while loading, instead of hanging', () => {
    for (const args of [
      ['compare', BACKFILL, '--policies', `${PLUGINS}/loops-on-load.mjs`],
      ['sweep', BACKFILL, '--set', 'datacentres[0].pue=1,1.1', '--policies', `fifo,${PLUGINS}/loops-on-load.mjs`],
      ['check', BACKFILL, '--policy', `${PLUGINS}/loops-on-load.mjs`],
    ]) {
      // A hang would be killed by bounded's 60 s limit and exit -1, not 1.
      const r = bounded(...args, '--policy-timeout', '1', ...(args[0] === 'check' ? [] : ['--out', join(work, 'loops')]));
      noStack(r);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain(`policy module '${PLUGINS}/loops-on-load.mjs' did not finish loading within 1 s`);
    }
    expect(existsSync(join(work, 'loops'))).toBe(false);
  });
});
