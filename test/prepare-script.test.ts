// scripts/prepare.mjs, npm's `prepare`: `npx poolsim` in the repository runs it every time (npm exec
// installs the project itself as `file:.`), and a rebuild there rewrote dist/ under every poolsim
// running from it: the tasks of docs/sharding/slurm-sweep.sbatch, and in CI the tests beside them.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-prepare-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project laid out as this one, with an `npm` on PATH that only notes it was asked to build. */
function project(name: string): { dir: string; run(command: string): boolean } {
  const dir = join(work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'npm'), `#!/bin/sh\necho "$@" >> "${join(dir, 'built')}"\n`);
  chmodSync(join(dir, 'bin', 'npm'), 0o755);
  for (const f of ['src/a.ts', 'tsconfig.json', 'tsconfig.build.json']) writeFileSync(join(dir, f), '');
  writeFileSync(join(dir, 'dist', 'cli', 'main.js'), '');
  const old = new Date(Date.now() - 60_000);
  for (const f of ['src/a.ts', 'src', 'tsconfig.json', 'tsconfig.build.json']) utimesSync(join(dir, f), old, old);
  return {
    dir,
    run(command: string): boolean {
      rmSync(join(dir, 'built'), { force: true });
      const r = spawnSync(process.execPath, [repoPath('scripts/prepare.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, npm_command: command } });
      expect(r.status, r.stderr).toBe(0);
      return existsSync(join(dir, 'built')) && readFileSync(join(dir, 'built'), 'utf8') === 'run build\n';
    },
  };
}

describe("npm's prepare (scripts/prepare.mjs)", () => {
  it('builds on install, ci and pack; under npx only when dist/ is missing or older than the sources', () => {
    const p = project('p');
    for (const command of ['install', 'ci', 'pack', 'publish']) expect(p.run(command), command).toBe(true);
    expect(p.run('exec')).toBe(false);
    writeFileSync(join(p.dir, 'src', 'b.ts'), ''); // a source edited since the build
    expect(p.run('exec')).toBe(true);
    rmSync(join(p.dir, 'src', 'b.ts'));
    utimesSync(join(p.dir, 'src'), new Date(0), new Date(0));
    expect(p.run('exec')).toBe(false);
    rmSync(join(p.dir, 'dist'), { recursive: true });
    expect(p.run('exec')).toBe(true);
  });

  it('`npx poolsim` in the repository runs the build there without rewriting it', () => {
    const main = repoPath('dist/cli/main.js');
    const before = statSync(main).mtimeMs;
    const r = spawnSync('npx', ['poolsim', '--version'], { cwd: repoPath('.'), encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).version);
    expect(statSync(main).mtimeMs).toBe(before);
  });
});
