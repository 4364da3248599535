// The repository runs and tests on its own: a clone has nothing beside it, so nothing in the code,
// tests, scenarios or docs may reach for data in the folder beside it that developers share.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

// The folder's name built from parts, so that this file does not match itself. The patterns: a
// relative path up to it (one or more levels, either slash), its absolute path here, and path.join.
const SHARED = 'sha' + 'red';
const OUTSIDE = [
  new RegExp(`\\.\\.[\\\\/]+(\\.\\.[\\\\/]+)*${SHARED}\\b`),
  new RegExp(`/work/${SHARED}\\b`),
  new RegExp(`['"]\\.\\.['"]\\s*,\\s*(['"]\\.\\.['"]\\s*,\\s*)*['"]${SHARED}['"]`),
];
const ROOTS = ['src', 'scripts', 'test', 'scenarios', 'docs', 'examples', 'README.md', 'package.json', 'vitest.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
// The benchmarks compare with the peers' simulators when their checkout sits beside the repository
// (developers' machines only); without it they say so in one line and run on their own.
const ALLOWED = ['src/bench/'];

function* files(path: string): Generator<string> {
  let s;
  try {
    s = statSync(path);
  } catch {
    return;
  }
  if (s.isFile()) yield path;
  else if (s.isDirectory()) for (const name of readdirSync(path)) yield* files(join(path, name));
}

describe('self-contained repository', () => {
  it('nothing outside src/bench refers to the shared folder beside the repository', () => {
    const root = repoPath('.');
    const found: string[] = [];
    let scanned = 0;
    for (const top of ROOTS) {
      for (const file of files(join(root, top))) {
        const rel = relative(root, file).replaceAll('\\', '/');
        if (ALLOWED.some((a) => rel.startsWith(a)) || /\.(gz|png|svg|ico)$/.test(rel)) continue;
        scanned++;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (OUTSIDE.some((re) => re.test(line))) found.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it('the patterns catch every form of the reference they exist for', () => {
    const hits = (line: string): boolean => OUTSIDE.some((re) => re.test(line));
    expect(hits(`path: ../../${SHARED}/traces/philly/philly_jobs.csv`)).toBe(true);
    expect(hits(`repoPath('../${SHARED}/traces/x')`)).toBe(true);
    expect(hits(`new URL('..\\\\..\\\\${SHARED}\\\\x', u)`)).toBe(true);
    expect(hits(`see /work/${SHARED}/design.md`)).toBe(true);
    expect(hits(`join('..', '${SHARED}', 'peers')`)).toBe(true);
    expect(hits(`join("..", "..", "${SHARED}")`)).toBe(true);
    expect(hits('jobs shared by several users; ../data/philly')).toBe(false);
  });

  it('the bundled trace scenarios read the repository\'s data/', () => {
    for (const name of ['philly-replay', 'alibaba-replay']) {
      const text = readFileSync(repoPath(`scenarios/${name}.yaml`), 'utf8');
      const paths = [...text.matchAll(/path: (\S+)/g)].map((m) => m[1]!);
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) expect(p, name).toMatch(/^\.\.\/data\/[\w-]+\/[\w.-]+\.csv\.gz$/);
    }
  });
});
