// `poolsim help [command]`, what users type by habit (git help, npm help): the same text as
// `--help` and `<command> --help`, exit 0; a misspelt command refused (exit 2) with the nearest one.
import { describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

describe('poolsim help', () => {
  it('help <command> prints that command\'s --help, exit 0, for every command', () => {
    for (const command of ['run', 'compare', 'check', 'explain']) {
      const viaHelp = poolsim('help', command);
      const viaOption = poolsim(command, '--help');
      expect(viaHelp.code, command).toBe(0);
      expect(viaHelp.stdout).toBe(viaOption.stdout);
      expect(viaHelp.stdout).toContain(`poolsim ${command} <`);
    }
    const top = poolsim('help');
    expect(top.code).toBe(0);
    expect(top.stdout).toBe(poolsim('--help').stdout);
    expect(top.stdout).toContain('poolsim help <command>');
  });

  it('an unknown command after help is refused with the nearest name, and no help text', () => {
    const r = poolsim('help', 'swep');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("help: unknown command 'swep'; did you mean sweep? (commands: run, validate, devices, policies, compare, sweep, check, merge, report, trace, schema, explain, fill)\n");
    const far = poolsim('help', 'qqqqqqqq');
    expect(far.code).toBe(2);
    expect(far.stderr).not.toContain('did you mean');
    const two = poolsim('help', 'run', 'compare');
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("help: expected one command name, got 'run compare'");
  });
});
