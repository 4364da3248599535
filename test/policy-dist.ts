// Plug-in tests need the compiled package (dist/): the CLI is spawned from it, and plug-ins import
// 'poolsim', which resolves to dist/index.js. Build it once when it is missing or older than src/
// (a lock directory keeps parallel test files from building it at the same time).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from './helpers.js';

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function stale(): boolean {
  const marker = repoPath('dist/cli/main.js');
  return !existsSync(marker) || !existsSync(repoPath('dist/policy/define.js')) || statSync(marker).mtimeMs < newestMtimeMs(repoPath('src'));
}

export async function ensureDist(): Promise<void> {
  // Under `npm test` dist/ was built just before vitest started: never rebuild it mid-run, where
  // other test files are running the CLI from it (a file being rewritten reads as an empty module).
  if (process.env.npm_lifecycle_event === 'test' && existsSync(repoPath('dist/cli/main.js'))) return;
  const lock = repoPath('dist.build-lock');
  for (let waited = 0; stale(); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 90_000) throw new Error('dist/ is being built by another test file for over 90 s; run `npm run build`');
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (stale()) execFileSync(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', repoPath('tsconfig.build.json')], { stdio: 'pipe' });
    } catch (e) {
      // tsc exits non-zero on type errors but still emits; only a missing output is fatal.
      if (!existsSync(repoPath('dist/cli/main.js'))) throw new Error(`could not build dist/: ${String((e as Error).message)}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    break;
  }
}
