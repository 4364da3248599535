// Options of the commands that run scenarios, refused as bad input (exit 2, naming the option,
// nothing written) on every command that takes them, never answered as an internal error or a
// failed run.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const SCENARIO = 'scenarios/quickstart.yaml';

describe('command-line options', () => {
  it('an empty entry in --policies or --placements is bad input, not an internal error', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'cmp');
    for (const [option, value] of [
      ['--policies', ''],
      ['--policies', 'fifo,'],
      ['--placements', ','],
    ] as const) {
      const r = poolsim('compare', SCENARIO, option, value, '--out', out, '--quiet');
      expect(r.stderr).toBe(`${option}: '${value}': empty value in the list\n1 problem found; nothing was run or written.\n`);
      expect(r.code).toBe(2);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('--policy-timeout and --workers are checked on every command that takes them, as run checks them', () => {
    // compare, sweep and check took --policy-timeout 0 (the first plug-in call then failed the run,
    // exit 1) or -1 (no limit at all), and check took --workers 0, -3 or 1.5.
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-options-')), 'x');
    const timeout = (seconds: string) => `--policy-timeout: expected a positive number of seconds, got ${seconds}\n1 problem found; nothing was run or written.\n`;
    for (const args of [
      ['run', SCENARIO, '--out', out],
      ['validate', SCENARIO],
      ['compare', SCENARIO, '--out', out],
      ['sweep', SCENARIO, '--set', 'seed=1,2', '--out', out],
      ['check', SCENARIO],
    ]) {
      for (const seconds of ['0', '-1']) {
        const r = poolsim(...args, '--policy-timeout', seconds);
        expect(r.stderr, args[0]).toBe(timeout(seconds));
        expect(r.code).toBe(2);
      }
    }
    for (const workers of ['0', '1.5']) {
      const r = poolsim('check', SCENARIO, '--workers', workers);
      expect(r.stderr).toBe(`--workers: expected a positive whole number, got ${workers}\n1 problem found; nothing was run or written.\n`);
      expect(r.code).toBe(2);
    }
    expect(existsSync(out)).toBe(false);
  });
});
