// A command whose module cannot be loaded (an installation cut short, or dist/ rebuilt while poolsim
// starts: a file being rewritten reads as an empty module) is told in one line with a remedy, exit 1:
// not Node's link error with its stack (the CI run of 884c858 printed one from a test of `compare`).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

// Inside the repository (.tmp/ is ignored), so the copy resolves its packages from node_modules and is an ES module.
mkdirSync(repoPath('.tmp'), { recursive: true });
const dir = mkdtempSync(join(repoPath('.tmp'), 'load-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a command module that cannot be loaded', () => {
  it('is reported in one line naming the command and what to do, exit 1, no stack trace', () => {
    if (!existsSync(repoPath('dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    cpSync(repoPath('dist'), join(dir, 'dist'), { recursive: true });
    cpSync(repoPath('package.json'), join(dir, 'package.json')); // --version reads it, as an installed package has it
    // What an empty or cut-short module gives its importer: an export it does not provide.
    writeFileSync(join(dir, 'dist', 'cli', 'commands', 'validate.js'), "import { notThere } from '../version.js';\nexport const x = notThere;\n");
    const r = spawnSync(process.execPath, [join(dir, 'dist', 'cli', 'main.js'), 'validate', 'scenarios/quickstart.yaml'], { cwd: repoPath('.'), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^poolsim could not load its validate command: The requested module '\.\.\/version\.js' does not provide an export named 'notThere'\n/);
    expect(r.stderr).toContain('rebuild (npm run build) or reinstall poolsim');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('file://');
    expect(r.stdout).toBe('');
    // The other commands still load.
    const ok = spawnSync(process.execPath, [join(dir, 'dist', 'cli', 'main.js'), 'devices'], { cwd: repoPath('.'), encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
  });
});
