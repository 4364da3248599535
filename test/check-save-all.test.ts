// The CI recipe of docs/ci.md: `check scenarios/*.yaml --save baseline.csv` once (most scenarios
// have no expect: block), then `check scenarios/*.yaml --baseline baseline.csv` on every push, one
// baseline file for every scenario. The save must not be refused, and the check must not say that
// another scenario's columns are ones "this version of poolsim does not write".
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, tableToCsv } from '../src/experiment/csv-table.js';
import { poolsim, repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-check-save-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('one baseline for several scenarios, as docs/ci.md makes it', () => {
  const backfill = readFileSync(repoPath('test/fixtures/experiment/check-backfill.yaml'), 'utf8');
  const bare = join(work, 'bare.yaml');
  writeFileSync(bare, backfill.slice(0, backfill.indexOf('expect:')));
  const service = repoPath('test/fixtures/experiment/service.yaml');
  const saved = join(work, 'baseline.csv');

  it('--save of a scenario without expectations writes its runs (it used to exit 2, "nothing to check")', () => {
    const r = poolsim('check', bare, service, '--save', saved);
    expect(r.stderr).not.toContain('nothing to check');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: no expectations and no baseline: its runs are only saved (--save)');
    // It says where the baseline went (it named only a --junit file).
    expect(r.stdout).toContain(`\nall 2 expectations met\n  wrote ${saved}\n`);
    // A save that checks nothing is not called a pass ('all 0 expectations met').
    const alone = join(work, 'alone.csv');
    const a = poolsim('check', bare, '--save', alone);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain(`\nno expectations checked\n  wrote ${alone}\n`);
    expect(a.stdout).not.toContain('expectations met');
    const t = parseCsv(readFileSync(saved, 'utf8'));
    const scenario = t.header.indexOf('scenario');
    expect(t.rows.map((x) => x[scenario])).toEqual(['check-backfill', 'check-service', 'check-service']);
    // Without --save nothing would come of it: still refused.
    expect(poolsim('check', bare).code).toBe(2);
  });

  it('a scenario given twice, or two files of one name, is refused before running: runs and baseline rows are keyed by name', () => {
    // It ran twice, counted its expectations twice and --save wrote its rows twice.
    const twice = join(work, 'twice.csv');
    const copy = join(work, 'copy.yaml');
    writeFileSync(copy, readFileSync(bare, 'utf8'));
    for (const second of [bare, copy]) {
      const r = poolsim('check', bare, second, '--save', twice);
      expect(r.code, second).toBe(2);
      expect(r.stderr).toContain(`${second}: scenario 'check-backfill' is checked already (from ${bare}): a check's runs and baseline rows are keyed by scenario name`);
      expect(existsSync(twice)).toBe(false);
    }
  });

  it("the other scenario's empty columns are not reported as columns this version does not write", () => {
    const r = poolsim('check', bare, service, '--baseline', saved);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('does not write it');
    // The count is of the metrics compared: not the other scenario's 25 service columns, nor those
    // measured in neither run (energy_cost without prices, fabric_capex with network: ideal); it said 55. 25 since summary.csv counts layout near-ties.
    expect(r.stdout).toContain('ok    baseline (easy-backfill): every metric within 2.0%: 25 metrics, seeds 11\n');
    // A baseline column with numbers in it that this scenario's run does not write is still named.
    const t = parseCsv(readFileSync(saved, 'utf8'));
    const col = t.header.indexOf('services.chat.tokens_per_s');
    t.rows[0]![col] = '900';
    const filled = join(work, 'filled.csv');
    writeFileSync(filled, tableToCsv(t));
    expect(poolsim('check', bare, '--baseline', filled).stdout).toContain("note: baseline column 'services.chat.tokens_per_s' not checked");
  });

  it('the metrics that held are counted beside one that moved: not "no expectations checked", JUnit tests="0"', () => {
    const t = parseCsv(readFileSync(saved, 'utf8'));
    const row = t.rows.findIndex((x) => x[t.header.indexOf('scenario')] === 'check-backfill');
    const edited = (column: string, value: string): string => {
      const copy = { header: t.header, rows: t.rows.map((x) => [...x]) };
      copy.rows[row]![copy.header.indexOf(column)] = value;
      const file = join(work, `${column}-${value}.csv`);
      writeFileSync(file, tableToCsv(copy));
      return file;
    };
    // The baseline's delay far above the run's: an improvement, which passes, with 24 metrics that held.
    const junit = join(work, 'better.xml');
    const better = poolsim('check', bare, '--baseline', edited('jct_mean_s', '1e9'), '--junit', junit);
    expect(better.code).toBe(0);
    expect(better.stdout).toMatch(/better baseline jct_mean_s \(easy-backfill\) +↓ -\d/);
    expect(better.stdout).toContain('ok    baseline (easy-backfill): every other metric within 2.0%: 24 metrics, seeds 11\n');
    expect(better.stdout).toContain('\n1 expectation met\n');
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites name="poolsim check" tests="1" failures="0"/);
    // Far below: a failure, one of two expectations, the held metrics the other.
    const worse = poolsim('check', bare, '--baseline', edited('jct_mean_s', '1'));
    expect(worse.code).toBe(1);
    expect(worse.stdout).toContain('ok    baseline (easy-backfill): every other metric within 2.0%: 24 metrics, seeds 11\n');
    expect(worse.stdout).toContain('\n1 of 2 expectations failed\n');
  });

  it('a run twice in the baseline is refused: the later row passed over a failing one before it', () => {
    const t = parseCsv(readFileSync(saved, 'utf8'));
    const row = t.rows.findIndex((x) => x[t.header.indexOf('scenario')] === 'check-backfill');
    const failing = [...t.rows[row]!];
    failing[t.header.indexOf('jct_mean_s')] = '1';
    // Two saves joined: the failing row first, the passing one after it (it passed, exit 0).
    const joined = join(work, 'joined.csv');
    writeFileSync(joined, tableToCsv({ header: t.header, rows: [failing, ...t.rows] }));
    const r = poolsim('check', bare, '--baseline', joined);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${joined}:${row + 3}:1: scenario 'check-backfill', policy 'easy-backfill', placement 'best-fit', seed 11 is in the baseline already (${joined}:2): a baseline holds each run once`);
    // One file given twice is the same slip.
    expect(poolsim('check', bare, '--baseline', saved, '--baseline', saved).code).toBe(2);
  });
});
