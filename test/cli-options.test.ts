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

});
