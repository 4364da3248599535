// poolsim as a package: `npm pack` gives a tarball that, unpacked into an empty ES-module project and
// an empty CommonJS project (as `npm install poolsim-x.y.z.tgz` would put it), works as the CLI and
// as a library (import and require), with types, and loads plug-ins written as .ts, .mts, .mjs and
// .cjs in either kind of project. Dependencies are linked from this repository's node_modules, so the
// test needs no network.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, statSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(cmd: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tarball = '';
let packed: string[] = [];

/** An empty project of one module kind with the unpacked tarball as node_modules/poolsim. */
function project(kind: 'module' | 'commonjs'): string {
  const dir = join(work, kind);
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `uses-poolsim-${kind}`, version: '1.0.0', private: true, type: kind }));
  const unpack = join(work, `unpack-${kind}`);
  mkdirSync(unpack);
  expect(sh('tar', ['-xzf', tarball, '-C', unpack], work).code).toBe(0);
  renameSync(join(unpack, 'package'), join(dir, 'node_modules', 'poolsim'));
  // What npm install would add: the dependencies (linked from here) and the bin link.
  for (const dep of readdirSync(repoPath('node_modules'))) {
    // (A stray node_modules/node_modules link in a checkout would let Node resolve every package
    // through it, back in this repository: a project's node_modules never holds one.)
    if (dep === '.bin' || dep === 'poolsim' || dep === 'node_modules' || dep.startsWith('.')) continue;
    // yargs copied, not linked: it reads the package.json of the project it is installed in (the
    // folder above its node_modules), and linked it would find this repository's.
    if (dep === 'yargs') cpSync(repoPath(`node_modules/${dep}`), join(dir, 'node_modules', dep), { recursive: true });
    else symlinkSync(repoPath(`node_modules/${dep}`), join(dir, 'node_modules', dep));
  }
  symlinkSync('../poolsim/dist/cli/main.js', join(dir, 'node_modules', '.bin', 'poolsim'));
  chmodSync(join(dir, 'node_modules', 'poolsim', 'dist', 'cli', 'main.js'), 0o755); // npm install makes bins executable
  return dir;
}

const FIRST_FIT_BODY = `{
  name: 'first-fit',
  description: 'first-fit, written outside poolsim',
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster) => firstFitPlacement(job, cluster) }),
}`;

const PLUGINS: Record<string, string> = {
  'plugin-ts.ts': `import { definePlacementPolicy, firstFitPlacement, z, type Placement } from 'poolsim';\nconst keep: Placement | undefined = undefined;\nvoid keep;\nexport default definePlacementPolicy(${FIRST_FIT_BODY});\n`,
  'plugin-mts.mts': `import { definePlacementPolicy, firstFitPlacement, z } from 'poolsim';\nexport default definePlacementPolicy(${FIRST_FIT_BODY});\n`,
  'plugin-mjs.mjs': `import { definePlacementPolicy, firstFitPlacement, z } from 'poolsim';\nexport default definePlacementPolicy(${FIRST_FIT_BODY});\n`,
  'plugin-cjs.cjs': `const { definePlacementPolicy, firstFitPlacement, z } = require('poolsim');\nmodule.exports = definePlacementPolicy(${FIRST_FIT_BODY});\n`,
};

beforeAll(() => {
  if (!existsSync(repoPath('dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const r = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoPath('.'));
  expect(r.code, r.stderr).toBe(0);
  const info = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);
});

describe('the build', () => {
  it('makes the CLI executable, so `npx poolsim` runs it on a fresh clone (tsc writes files without the x bit)', () => {
    expect(statSync(repoPath('dist/cli/main.js')).mode & 0o111).not.toBe(0);
    expect(readFileSync(repoPath('dist/cli/main.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('npm pack', () => {
  it('ships the built library, its types, the CLI, scenarios and data, and nothing of the repository', () => {
    for (const f of ['package.json', 'README.md', 'NOTICE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'scenarios/quickstart.yaml']) expect(packed).toContain(f);
    expect(packed.some((f) => f.startsWith('data/'))).toBe(true);
    expect(packed.filter((f) => /^(src|test|node_modules|results|\.ci)\//.test(f))).toEqual([]);
  });
});

describe.each(['module', 'commonjs'] as const)('installed in an empty %s project', (kind) => {
  let dir = '';
  let builtIn = '';
  beforeAll(() => {
    dir = project(kind);
    for (const [file, text] of Object.entries(PLUGINS)) writeFileSync(join(dir, file), text);
    const r = sh('npx', ['--no', 'poolsim', 'run', 'node_modules/poolsim/scenarios/quickstart.yaml', '--out', 'out-builtin', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    builtIn = readFileSync(join(dir, 'out-builtin', 'jobs.csv'), 'utf8');
  });

  it('runs the bundled scenario through npx poolsim', () => {
    expect(builtIn.split('\n').length).toBeGreaterThan(100);
    const bad = sh('npx', ['--no', 'poolsim', 'run', 'missing.yaml'], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('missing.yaml');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("npx poolsim --version prints poolsim's version, not the version of the project that installed it", () => {
    // yargs looked for the package.json nearest node_modules/.bin/poolsim: this project's (1.0.0).
    const own = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
    expect(own).not.toBe('1.0.0');
    const r = sh(join(dir, 'node_modules', '.bin', 'poolsim'), ['--version'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${own}\n`);
  });

  it.each(Object.keys(PLUGINS))('loads the placement plug-in %s and gives the built-in bytes', (file) => {
    const out = `out-${file.replace('.', '-')}`;
    const r = sh('npx', ['--no', 'poolsim', 'run', 'node_modules/poolsim/scenarios/quickstart.yaml', '--placement', `./${file}`, '--out', out, '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, out, 'jobs.csv'), 'utf8')).toBe(builtIn);
  });

  it('is a library: a scenario built in code runs, by import and by require', () => {
    const body = (load: string) => `${load}
const resolved = defineScenario({
  name: 'from-code',
  datacentres: [{ name: 'dc', node_groups: [{ name: 'g', device: 'H100', count: 2 }] }],
  workloads: [{ jobs: [{ name: 'a', devices: 8, duration: '1h', reference_device: 'H100' }, { name: 'b', devices: 16, duration: '2h', reference_device: 'H100' }] }],
});
const started = [];
const result = runScenario(resolved, { on: { jobStarted: (e) => started.push(e.job) } });
console.log(JSON.stringify({ completed: result.summary.jobs_completed, started }));
`;
    writeFileSync(join(dir, 'lib-import.mjs'), body(`import { defineScenario, runScenario } from 'poolsim';`));
    writeFileSync(join(dir, 'lib-require.cjs'), body(`const { defineScenario, runScenario } = require('poolsim');`));
    for (const f of ['lib-import.mjs', 'lib-require.cjs']) {
      const r = sh(process.execPath, [f], dir);
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout), f).toEqual({ completed: 2, started: ['a', 'b'] });
    }
  });

  it('type-checks a TypeScript user of the packed declarations', () => {
    writeFileSync(
      join(dir, 'typed.ts'),
      `import { defineScenario, runScenario, definePlacementPolicy, z, type JobEvent, type ScenarioInput } from 'poolsim';
const input: ScenarioInput = { name: 't', datacentres: [{ name: 'dc', node_groups: [{ name: 'g', device: 'H100', count: 1 }] }], workloads: [{ jobs: [{ devices: 8, duration: '1h', reference_device: 'H100' }] }] };
const seen: JobEvent[] = [];
const r = runScenario(defineScenario(input), { on: { jobFinished: (e) => void seen.push(e) } });
const total: number = r.summary.jobs_completed + seen.length;
export const p = definePlacementPolicy({ name: 'none', description: '', params: z.strictObject({}), create: () => ({ place: () => undefined }) });
export { total };
`,
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['typed.ts'] }));
    const r = sh(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
