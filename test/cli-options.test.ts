// Options of the commands that run scenarios, refused as bad input (exit 2, naming the option,
// nothing written) on every command that takes them, never answered as an internal error or a
// failed run.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim, repoPath } from './helpers.js';

const SCENARIO = 'scenarios/quickstart.yaml';

/** `poolsim args` refused as bad input: `message` the one problem on stderr, exit 2; `label` names the case in a failure. */
function expectRefused(args: readonly string[], message: string, label?: string): ReturnType<typeof poolsim> {
  const r = poolsim(...args);
  expect(r.stderr, label).toBe(`${message}\n1 problem found; nothing was run or written.\n`);
  expect(r.code).toBe(2);
  return r;
}

describe('command-line options', () => {
  it("an empty --out (an unset variable: --out \"$DIR\") is refused on every command that writes a folder, not taken as the current folder", () => {
    for (const args of [
      ['run', SCENARIO],
      ['compare', SCENARIO, '--policies', 'fifo'],
      ['sweep', SCENARIO, '--set', 'datacentres[0].pue=1,1.1'],
    ]) {
      for (const value of ['', ' ']) {
        const r = poolsim(...args, '--out', value, '--quiet');
        expect(r.stderr).toContain("--out: cannot write to '" + value + "': the name is empty; give a folder (the current one is '.')");
        expect(r.code).toBe(2);
      }
    }
    // Nothing lands in the folder the command ran from (the repository's root).
    for (const f of ['summary.csv', 'jobs.csv', 'runs.csv', 'manifest.json']) expect(existsSync(repoPath(f))).toBe(false);
  });

  it('an empty entry in --policies or --placements is bad input, not an internal error', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'cmp');
    for (const [option, value] of [
      ['--policies', ''],
      ['--policies', 'fifo,'],
      ['--placements', ','],
    ] as const) {
      expectRefused(['compare', SCENARIO, option, value, '--out', out, '--quiet'], `${option}: '${value}': empty value in the list`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('--policy-timeout and --workers are checked on every command that takes them, as run checks them', () => {
    // compare, sweep and check took --policy-timeout 0 (the first plug-in call then failed the run,
    // exit 1) or -1 (no limit at all), and check took --workers 0, -3 or 1.5.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    const timeout = (seconds: string) => `--policy-timeout: expected a positive number of seconds, got ${seconds}`;
    for (const args of [
      ['run', SCENARIO, '--out', out],
      ['validate', SCENARIO],
      ['compare', SCENARIO, '--out', out],
      ['sweep', SCENARIO, '--set', 'datacentres[0].pue=1,1.1', '--out', out],
      ['check', SCENARIO],
    ]) {
      for (const seconds of ['0', '-1']) {
        expectRefused([...args, '--policy-timeout', seconds], timeout(seconds), args[0]);
      }
    }
    for (const workers of ['0', '1.5']) {
      expectRefused(['check', SCENARIO, '--workers', workers], `--workers: expected a positive whole number, got ${workers}`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('an output that names an input file, a folder or one of the run\'s own files is refused before anything runs', () => {
    // run --timeline x.yaml replaced the scenario with the timeline (exit 0), and check --junit or
    // --save did the same; --timeline out/summary.csv was silently not written, '' or a folder
    // failed after the run with a message about --out.
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-options-'));
    const scenario = join(dir, 'q.yaml');
    copyFileSync(SCENARIO, scenario);
    const text = readFileSync(scenario, 'utf8');
    const out = join(dir, 'out');
    for (const [args, option, path, why] of [
      [['run', scenario, '--out', out], '--timeline', scenario, `it is the input ${scenario}: writing there would replace it`],
      [['run', scenario, '--out', out], '--timeline', '', 'expected a file name, e.g. timeline.json'],
      [['run', scenario, '--out', out], '--timeline', dir, 'it is a folder: name a file in it, e.g. timeline.json'],
      // A folder not there yet: 'new/' was written as a file 'new'; the results folder itself failed
      // after the run with a raw EISDIR under --out.
      [['run', scenario, '--out', out], '--timeline', join(dir, 'new') + '/', "it ends in '/', which names a folder: name a file, e.g. timeline.json"],
      [['run', scenario, '--out', out], '--timeline', out, 'it is the results folder of --out or a folder above it: name a file'],
      [['run', scenario, '--out', out], '--timeline', join(out, 'summary.csv'), 'the run writes its own summary.csv there: name the timeline otherwise (timeline.json)'],
      [['check', scenario], '--junit', scenario, `it is the input ${scenario}: writing there would replace it`],
      [['check', scenario], '--save', scenario, `it is the input ${scenario}: writing there would replace it`],
    ] as const) {
      expectRefused([...args, option, path, '--quiet'], `${option}: cannot write to '${path}': ${why}`);
    }
    expect(readFileSync(scenario, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['q.yaml']);
  });

  it('an output file given an empty name (an unset variable) is refused before anything runs, as --timeline is', () => {
    // `check x.yaml --junit "$JUNIT"` with JUNIT unset ran every scenario, then said "--junit: cannot
    // write to '': this location does not allow new folders (ENOENT)" and "nothing was run"; --save
    // the same; `merge --summary ''` said "EISDIR: illegal operation on a directory", `report --out ''`
    // ENOENT.
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-options-'));
    const scenario = join(dir, 'q.yaml');
    copyFileSync('scenarios/inference-chunked-prefill.yaml', scenario);
    const runs = join(dir, 'runs.csv');
    writeFileSync(runs, 'run,scenario,policy,placement,seed\n');
    for (const [args, option, example] of [
      [['check', scenario, '--junit', ''], '--junit', 'junit.xml'],
      [['check', scenario, '--save='], '--save', 'runs.csv'],
      [['merge', join(dir, 'm.csv'), runs, '--summary', ''], '--summary', 'summary.csv'],
      [['merge', '', runs], '<out>', 'runs.csv'],
      [['report', dir, '--out', ''], '--out', 'report.html'],
    ] as const) {
      expectRefused([...args, '--quiet'], `${option}: cannot write to '': expected a file name, e.g. ${example}`, args.join(' '));
    }
    expect(readdirSync(dir).sort()).toEqual(['q.yaml', 'runs.csv']);
  });

  it('an input file given an empty name is refused saying so, on every command that reads one', () => {
    // `run "$SCENARIO"` with SCENARIO unset said ": no such file", and so did validate, merge's
    // inputs and check --baseline / --expect; trace inspect ": cannot read the trace file: no such
    // file": a message beginning with a colon, naming nothing.
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-options-'));
    const why = "expected a file's path, got an empty name (an unset variable?)";
    for (const [args, name, message] of [
      [['run', '', '--out', join(dir, 'o')], '', why],
      [['validate', ' '], ' ', why],
      [['check', SCENARIO, '--baseline', ''], '', why],
      [['check', SCENARIO, '--expect='], '', why],
      [['merge', join(dir, 'm.csv'), ''], '', why],
      [['trace', 'inspect', '', '--format', 'philly'], '', `cannot read the trace file: ${why}`],
    ] as const) {
      expectRefused(args, `'${name}': ${message}`, args.join(' '));
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a number option given an empty value is refused, not read as 0', () => {
    // `--seed "$SEED"` with SEED unset ran seed 0 instead of the scenario's 42 (exit 0).
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    for (const args of [
      ['run', SCENARIO, '--out', out, '--seed', ''],
      ['run', SCENARIO, '--out', out, '--seed='],
      ['compare', SCENARIO, '--out', out, '--seed-base', ' '],
    ]) {
      const option = args[4]!.replace(/=$/, '');
      expectRefused(args, `${option}: expected a number, got an empty value`);
    }
    expect(existsSync(out)).toBe(false);
  });
  it('an option written with no value after it is refused, on every command, not left at its default', () => {
    // `run --seed` (the last word, or `--seed --out x`) ran the scenario's own seed, exit 0; so did
    // --seeds, --seed-base, --workers, --max-runs, --request-sample and --policy-timeout, and
    // `sweep --set --seeds 2` ran a sweep of no field (a compare) with exit 0: yargs leaves a number
    // option written without a value unset, a list option empty. `--policy` said "expected a value
    // >= 1, got ''" and `check --junit` wrote no JUnit file, both read as ''.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    for (const [args, option, next] of [
      [['run', SCENARIO, '--out', out, '--seed'], '--seed', undefined],
      [['run', SCENARIO, '--seed', '--out', out], '--seed', '--out'],
      [['run', SCENARIO, '--out', out, '--request-sample', '--requests'], '--request-sample', '--requests'],
      [['run', SCENARIO, '--out', out, '--policy'], '--policy', undefined],
      [['validate', SCENARIO, '--policy-timeout'], '--policy-timeout', undefined],
      [['compare', SCENARIO, '--out', out, '--seeds'], '--seeds', undefined],
      [['compare', SCENARIO, '--workers', '--out', out], '--workers', '--out'],
      [['sweep', SCENARIO, '--out', out, '--set', '--seeds', '2'], '--set', '--seeds'],
      [['sweep', SCENARIO, '--out', out, '--set', 'datacentres[0].pue=1,1.1', '--seed-base'], '--seed-base', undefined],
      [['check', SCENARIO, '--junit', '--quiet'], '--junit', '--quiet'],
      [['fill', SCENARIO, '--out', out, '--seeds'], '--seeds', undefined],
      [['merge', join(out, 'm.csv'), SCENARIO, '--max-runs'], '--max-runs', undefined],
      [['schema', '--format'], '--format', undefined],
    ] as const) {
      const why = next === undefined ? 'nothing follows it' : `'${next}' follows it, another option`;
      const r = expectRefused(args, `${option}: expected a value after it; ${why}`, args.join(' '));
      expect(r.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a number option given words is refused quoting them, not as NaN', () => {
    // `--seed abc` said "--seed: expected a whole number >= 0, got NaN", and so did --seeds, --workers,
    // --policy-timeout, --request-sample and --max-runs: what yargs made of the text, not the text.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    for (const [option, value, args] of [
      ['--seed', 'abc', ['run', SCENARIO, '--out', out, '--seed', 'abc']],
      ['--request-sample', 'half', ['run', SCENARIO, '--out', out, '--request-sample=half']],
      ['--workers', 'two', ['compare', SCENARIO, '--out', out, '--workers', 'two']],
      ['--max-runs', '1e6x', ['merge', join(out, 'm.csv'), SCENARIO, '--max-runs', '1e6x']],
    ] as const) {
      expectRefused(args, `${option}: expected a number, got '${value}'`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a negative quantity after an option is judged by the option, not read as more options; a flag given a value is refused', () => {
    // `--link-interval -1h` (and `--max-memory -1GiB`, `--policy-timeout -1e3`) was answered with
    // yargs' "Unknown arguments: 1, h" under the whole help: the value read as the options -1 and -h.
    // `--quiet=-1h` ran, quietly.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    for (const [args, message] of [
      [['run', SCENARIO, '--out', out, '--link-interval', '-1h'], "--link-interval: expected a non-negative value: a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d', got '-1h'"],
      [['compare', SCENARIO, '--out', out, '--max-memory', '-1GiB'], "--max-memory: expected a non-negative value: a size such as '80GiB', '16GB' or '512MiB', got '-1GiB'"],
      [['run', SCENARIO, '--out', out, '--policy-timeout', '-1e3'], '--policy-timeout: expected a positive number of seconds, got -1000'],
      [['run', SCENARIO, '--out', out, '--quiet', '-1h'], "--quiet: takes no value (at most =true or =false), got '-1h'"],
      [['run', SCENARIO, '--out', out, '--requests=-1'], "--requests: takes no value (at most =true or =false), got '-1'"],
    ] as const) {
      expectRefused(args, message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a number option beyond a float64 is refused quoting the text, not as Infinity', () => {
    // `--seeds 1e400` said "--seeds: expected a positive whole number, got Infinity", and
    // `--request-sample 1e400` "expected a fraction in (0, 1], got Infinity".
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    for (const [option, value, args] of [
      ['--seeds', '1e400', ['compare', SCENARIO, '--out', out, '--seeds', '1e400']],
      ['--request-sample', '1e400', ['run', SCENARIO, '--out', out, '--request-sample=1e400']],
      ['--policy-timeout', '-1e400', ['run', SCENARIO, '--out', out, '--policy-timeout', '-1e400']],
    ] as const) {
      expectRefused(args, `${option}: '${value}' is beyond the largest number poolsim can hold (about 1.8e308 either side of 0); expected a finite number`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a seed above 10^15 - 1 (2^53 - 1 too) is refused quoting the text, on every seed option, and so is a seed range that passes it', () => {
    // `--seed 9007199254740993` said "got 9007199254740992": the float the text was rounded to, a
    // seed nobody typed; the run would have been of that other seed had it been in range.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    const range = 'expected a whole number from 0 to 999999999999999 (10^15 - 1; the CSV files write a larger number with ten significant digits, so not as the seed run)';
    for (const [option, value, args] of [
      ['--seed', '9007199254740993', ['run', SCENARIO, '--out', out, '--seed', '9007199254740993']],
      ['--seed', '9007199254740992', ['run', SCENARIO, '--out', out, '--seed=9007199254740992']],
      ['--seed-base', '9007199254740993', ['compare', SCENARIO, '--out', out, '--seed-base', '9007199254740993']],
      ['--seed-base', '1e16', ['sweep', SCENARIO, '--set', 'datacentres[0].pue=1,1.1', '--out', out, '--seed-base', '1e16']],
      ['--seed', '18446744073709551616', ['fill', SCENARIO, '--out', out, '--seed', '18446744073709551616']],
    ] as const) {
      expectRefused(args, `${option}: ${range}, got '${value}'`, args.join(' '));
    }
    // A seed the CSV files would write with ten digits (9007199254740991 as 9007199255000000).
    const csvRounded = poolsim('run', SCENARIO, '--out', out, '--seed', '1000000000000000');
    expect(csvRounded.stderr).toBe(`--seed: ${range}, got '1000000000000000'\n1 problem found; nothing was run or written.\n`);
    const last = poolsim('compare', SCENARIO, '--out', out, '--seed-base', '999999999999998', '--seeds', '3');
    expect(last.stderr).toBe('--seeds: the last seed, 999999999999998 + 3 - 1, is above 999999999999999 (10^15 - 1, the largest seed the CSV files write whole)\n1 problem found; nothing was run or written.\n');
    expect(existsSync(out)).toBe(false);
    // The largest exact seed is a seed like any other, and the one the results name.
    const ok = poolsim('run', SCENARIO, '--out', out, '--seed', '999999999999999', '--quiet');
    expect(ok.code).toBe(0);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[1]).toContain(',999999999999999,');
  });

  it('a misspelt option is refused with the nearest known one; a word near none gets no guess', () => {
    // yargs suggests commands only: `--otu dir` got "Unknown argument: otu" after the help text.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    const r = poolsim('run', SCENARIO, '--otu', out, '--max-memroy', '1GiB');
    expect(r.stderr).toMatch(/\n\nUnknown arguments: otu, max-memroy.*\n--otu: did you mean --out\?\n--max-memroy: did you mean --max-memory\?\n$/);
    expect(r.code).toBe(2);
    const none = poolsim('compare', SCENARIO, '--nonsense');
    expect(none.stderr.endsWith('\n\nUnknown argument: nonsense\n')).toBe(true);
    expect(none.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('an option given twice is refused, naming it, on every command: not an internal error, not the last one silently', () => {
    // `run --out a --out b` stopped with "internal error ... dir.trim is not a function" (exit 1),
    // `--policy fifo --policy sjf` with "text.trimStart is not a function", `explain --job a --job b`
    // with "name.toLowerCase is not a function"; `schema --format markdown --format json` printed
    // JSON and `run --quiet --no-quiet` printed the table, the last one winning unannounced.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    for (const [args, option] of [
      [['run', SCENARIO, '--out', out, '--out', `${out}2`], '--out'],
      [['run', SCENARIO, '--out', out, '--policy', 'fifo', '--policy=sjf'], '--policy'],
      [['run', SCENARIO, '--out', out, '--timeline', 'a.json', '--timeline', 'b.json'], '--timeline'],
      [['run', SCENARIO, '--out', out, '--quiet', '--no-quiet'], '--quiet'],
      [['run', SCENARIO, '--out', out, '--max-memory', '1GiB', '--maxMemory', '2GiB'], '--max-memory'],
      [['compare', SCENARIO, '--out', out, '--out', `${out}2`], '--out'],
      [['explain', SCENARIO, '--job', 'a', '--job', 'b'], '--job'],
      [['schema', '--format', 'markdown', '--format', 'json'], '--format'],
    ] as const) {
      const r = expectRefused(args, `${option}: given more than once; give it once (a later one would silently replace an earlier one)`, args.join(' '));
      expect(r.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}2`)).toBe(false);
  });

  it('options that take a list may be given more than once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-options-'));
    const r = poolsim('sweep', repoPath('test/fixtures/policy-plugins/small.yaml'), '--set', 'datacentres[0].pue=1,1.1', '--set', 'datacentres[0].node_groups[0].count=2,3', '--out', join(dir, 's'), '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 's', 'runs.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
  });
  it('check --junit or --save naming a folder is refused before any scenario runs, under its own option', () => {
    // It ran the whole check, then said "--out: cannot write to '/tmp': EISDIR: illegal operation on
    // a directory" (check has no --out) and "nothing was run".
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-options-'));
    for (const [option, example] of [
      ['--junit', 'junit.xml'],
      ['--save', 'runs.csv'],
    ] as const) {
      expectRefused(['check', 'scenarios/inference-chunked-prefill.yaml', option, dir, '--quiet'], `${option}: cannot write to '${dir}': it is a folder: name a file in it, e.g. ${example}`);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('run options that write nothing for the scenario given', () => {
  // `poolsim run quickstart.yaml --requests` (a training-only pool) wrote no requests.csv and said
  // nothing; a CI step that then reads requests.csv failed without a reason. --link-interval already
  // says so when there is no link to sample.
  it('--requests on a scenario with no inference service says requests.csv is not written', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-requests-')), 'out');
    const r = poolsim('run', SCENARIO, '--requests', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: --requests: this scenario has no inference services, so requests.csv is not written');
    expect(existsSync(join(out, 'requests.csv'))).toBe(false);
  });

  it('--request-sample without --requests says the sample is not used', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-requests-')), 'out');
    const r = poolsim('run', SCENARIO, '--request-sample', '0.1', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: --request-sample: requests.csv is written only with --requests');
  });
});

describe("'-' for standard input", () => {
  // `poolsim validate -` (the Unix convention for standard input, as in `generate | poolsim run -`)
  // was answered "'': expected a file's path, got an empty name (an unset variable?)": yargs reads a
  // bare '-' as an empty string, and the message blamed an unset variable the user never wrote.
  it('is refused saying poolsim reads files by path, on a command and after an option', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-dash-')), 'out');
    for (const args of [['validate', '-'], ['run', '-', '--out', out], ['compare', '-', '--policies', 'fifo', '--out', out]]) {
      expectRefused(args, "'-': poolsim does not read standard input; save the text to a file and give its path", args.join(' '));
    }
    expectRefused(['run', SCENARIO, '--out', '-'], "--out: '-' is not read as standard input or output; give a path (./- for a file named '-')");
    expect(existsSync(out)).toBe(false);
  });
});
