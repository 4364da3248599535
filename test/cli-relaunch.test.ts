// `poolsim` starts itself again under its V8 flags (src/cli/relaunch.ts): the command then runs in
// the child, which must get the flags, the arguments and the standard streams, and whose end
// (exit code or signal) must be the command's; signals sent to the command must reach the child.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_V8_FLAGS } from '../src/cli/relaunch.js';
import { poolsim, repoPath } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-relaunch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A script that relaunches as main.js does, then (in the child) reports what it got and does as told. */
const script = join(dir, 'entry.mjs');
writeFileSync(
  script,
  `import { relaunchUnderFlags } from ${JSON.stringify(pathToFileURL(repoPath('dist/cli/relaunch.js')).href)};
if (!relaunchUnderFlags(() => { throw new Error('no child'); })) {
  const what = process.argv[2];
  // The handler before the line the test waits for: a SIGTERM sent between the two killed the child.
  if (what === 'wait') process.on('SIGTERM', () => { process.stdout.write('child got SIGTERM\\n'); process.exit(143); });
  process.stdout.write(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2), pid: process.pid, ppid: process.ppid }) + '\\n');
  if (what === 'wait') setInterval(() => {}, 1000);
  else if (what === 'die') process.kill(process.pid, 'SIGKILL');
  else process.exit(Number(what));
}
`,
);

describe('poolsim relaunches itself under its V8 flags', () => {
  it('the child has the flags and the arguments, and its exit code is the command\'s', () => {
    const r = spawnSync(process.execPath, [script, '7', 'a b', '--x=1'], { encoding: 'utf8' });
    expect(r.status).toBe(7);
    const got = JSON.parse(r.stdout) as { execArgv: string[]; args: string[]; ppid: number };
    for (const f of CLI_V8_FLAGS) expect(got.execArgv).toContain(f);
    expect(got.args).toEqual(['7', 'a b', '--x=1']);
    expect(got.ppid).toBe(r.pid);
  });

  it('started under the flags already, it runs in place (no second process)', () => {
    const r = spawnSync(process.execPath, [...CLI_V8_FLAGS, script, '0'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { pid: number }).pid).toBe(r.pid);
  });

  it('a signal sent to the command reaches the child, and a child killed by a signal ends the command by it', async () => {
    const child = spawn(process.execPath, [script, 'wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 400 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    // 'close', not 'exit': a process may exit before everything it wrote has been read from its pipe.
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(out).toContain('child got SIGTERM');
    expect(code).toBe(143);
    const killed = spawnSync(process.execPath, [script, 'die'], { encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
  });

  it('the command itself: usage errors and results come through the child unchanged', () => {
    const bad = poolsim('run', 'scenarios/quickstart.yaml', '--nonsense');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown argument: nonsense');
    const ok = poolsim('run', 'scenarios/quickstart.yaml', '--out', join(dir, 'out'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`wrote ${join(dir, 'out', 'summary.csv')}`);
  });
});

describe('only the commands that simulate relaunch', () => {
  // A second process costs a Node start (about 0.1 s) and the flags only matter for a simulation's
  // memory: the other commands run in place.
  const preload = join(dir, 'pid.mjs');
  writeFileSync(preload, `import { appendFileSync } from 'node:fs';\nappendFileSync(process.env.PIDS_LOG, process.pid + '\\n');\n`);
  let n = 0;
  const processes = (...args: string[]): { code: number; count: number } => {
    const log = join(dir, `pids-${n++}.txt`);
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', env: { ...process.env, PIDS_LOG: log } });
    return { code: r.status ?? -1, count: readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
  };

  it('--version, --help, a usage error and the commands that simulate nothing run in one process', () => {
    for (const args of [['--version'], ['--help'], ['nonsense'], ['validate', 'scenarios/quickstart.yaml'], ['devices'], ['schema'], ['trace', '--help']]) {
      expect(processes(...args).count, args.join(' ')).toBe(1);
    }
  });

  it('run, compare, sweep, check and fill start again under the flags', () => {
    for (const args of [['run', '--help'], ['compare', '--help'], ['sweep', '--help'], ['check', '--help'], ['fill', '--help'], ['--quiet', 'run', '--help']]) {
      const r = processes(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.count, args.join(' ')).toBe(2);
    }
  });
});
