// docs/library.md's worked example is code a user will paste: it runs here against the built
// package (npm test builds dist/ first), with `from 'poolsim'` pointing at it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docs/library.md', () => {
  it('its worked example runs: latency costs effective compute, bad input is refused by field', () => {
    const index = repoPath('dist/index.js');
    if (!existsSync(index)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const doc = readFileSync(repoPath('docs/library.md'), 'utf8');
    const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(1);
    const file = join(work, 'example.mjs');
    writeFileSync(file, blocks[0]!.replaceAll("from 'poolsim'", `from ${JSON.stringify(pathToFileURL(index).href)}`));
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ecr = [...r.stdout.matchAll(/│ '(\d+(?:us|ms))'\s*│ ([\d.]+)\s*│ ([\d.]+)\s*│ (\d+)\s*│/g)].map((m) => Number(m[2]));
    expect(ecr).toHaveLength(4);
    // More latency never helps a job split across the link; 10 ms costs it visibly.
    for (let i = 1; i < ecr.length; i++) expect(ecr[i]!).toBeLessThanOrEqual(ecr[i - 1]!);
    expect(ecr[3]!).toBeLessThan(ecr[0]! * 0.98);
    // The table the block shows as printed is the one it prints (it had gone stale: 0.316 shown, 0.297 printed).
    const shown = blocks[0]!.split('\n').filter((l) => /^\/\/ [┌│├└]/.test(l)).map((l) => l.slice(3));
    const printed = r.stdout.split('\n').filter((l) => /^[┌│├└]/.test(l));
    expect(shown.length).toBeGreaterThan(0);
    expect(printed, 'docs/library.md shows a table the example no longer prints: paste its output').toEqual(shown);
    expect(r.stdout).toContain("datacentres[0].node_groups[0].count: expected a value > 0, got 0");
    expect(r.stdout).toContain("datacentres[0].node_groups[0].devcie: unknown key 'devcie' (did you mean 'device'?)");
  });
});
