// What the documentation shows a command printing is what it prints: every console block of
// README.md and docs/*.md that runs a bundled scenario (`$ npx poolsim run scenarios/...`) is run
// from a fresh folder (so its files go to results/<name>/ there, as the block says) and its stdout
// compared with the block's lines, line for line. Wall-clock figures go to stderr and are not shown.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

interface Block {
  file: string;
  line: number;
  args: string[];
  expected: string;
}

/** Console blocks that run a bundled scenario, with the output they show. */
function blocks(): Block[] {
  const files = ['README.md', ...readdirSync(repoPath('docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: Block[] = [];
  for (const file of files) {
    const lines = readFileSync(repoPath(file), 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = /^\$ npx poolsim (run scenarios\/\S+\.yaml.*)$/.exec(l);
      if (!m || !/^```/.test(lines[i - 1] ?? '')) return;
      const end = lines.indexOf('```', i);
      out.push({ file, line: i + 1, args: m[1]!.split(/\s+/), expected: lines.slice(i + 1, end).join('\n') });
    });
  }
  return out;
}

const found = blocks();

describe('console output shown in the documentation', () => {
  it('finds the blocks (the README quickstart and the plug-in guide at least)', () => {
    expect(found.map((b) => b.file)).toEqual(expect.arrayContaining(['README.md', 'docs/writing-a-policy.md']));
  });

  it.each(found.map((b) => [`${b.file}:${b.line}`, b] as const))('%s prints what it shows', (_, b) => {
    const cwd = mkdtempSync(join(tmpdir(), 'poolsim-doc-'));
    for (const d of ['scenarios', 'examples', 'data']) symlinkSync(repoPath(d), join(cwd, d));
    const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), ...b.args], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd(), `${b.file}:${b.line} shows output the command no longer prints: paste its output`).toBe(b.expected);
  });
});
