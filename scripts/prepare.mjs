// `npm run prepare`: build dist/, unless this is `npx poolsim` (npm exec) in the repository and dist/
// is already built from the sources as they are.
//
// npm runs `prepare` after `npm ci` and `npm install` here, before `npm pack`, and on an install from
// git; those build. But `npx poolsim` in the repository root also runs it, every time: npm exec finds
// the `poolsim` it is asked for in the project itself and installs it as `file:.`, which runs the
// project's `prepare` in place. So the README's first command rebuilt dist/ on every run, and each task
// of docs/sharding/slurm-sweep.sbatch rebuilt it while the other tasks ran poolsim from it: a module
// being rewritten reads as an empty one ("does not provide an export named ..."), which is how CI's
// test of the Slurm array broke a neighbouring test of `compare` (the run of 884c858).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

const built = 'dist/cli/main.js';
const current = () => existsSync(built) && statSync(built).mtimeMs >= Math.max(newestMtimeMs('src'), newestMtimeMs('tsconfig.json'), newestMtimeMs('tsconfig.build.json'));
if (process.env.npm_command === 'exec' && current()) process.exit(0);
execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { stdio: 'inherit' });
