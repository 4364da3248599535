// What `poolsim` loads before it does anything: start-up is most of what a user waits for on a
// small scenario (CI runs many), and it is mostly module loading. A command imports its own module
// only (src/cli/command-list.ts), so `--version`, `--help` and the listing commands never load the
// simulator, the scenario schemas or zod; `run` loads the simulator in its worker, not in the main
// thread, and compare and sweep load scenarios there to plan their runs but not the simulator.
// Counted through a module loader hook, not timed: timings belong to `npm run bench startup`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = join(dir, 'hooks.mjs');
writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.LOADED_LOG, url + '\\n'); return next(url, context); }\n`);
const register = join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

let runs = 0;
/** The modules (dist/-relative paths, or package names) that `poolsim ...args` loads, in every process and thread it starts. */
function loaded(...args: string[]): { code: number; modules: string[] } {
  const log = join(dir, `loaded-${runs++}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', register, repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', env: { ...process.env, LOADED_LOG: log } });
  const dist = pathToFileURL(repoPath('dist')).href + '/';
  const modules = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((u) => (u.startsWith(dist) ? u.slice(dist.length) : u.includes('/node_modules/') ? `pkg:${u.split('/node_modules/').pop()!.split('/')[0]!}` : u));
  return { code: r.status ?? -1, modules: [...new Set(modules)] };
}

/** The error classes io.ts reports (every command may fail): small, and all that it takes from below. */
const ERROR_CLASSES = new Set(['policy/types.js', 'sim/run-error.js']);
/** Modules that only a simulation, a scenario load or a policy needs. */
const heavy = (m: string): boolean => !ERROR_CLASSES.has(m) && (m === 'pkg:zod' || /^(sim|model|engine|experiment|policy)\//.test(m) || m === 'scenario/schema.js');

describe('poolsim start-up loads only what the command needs', () => {
  it('--version and --help load yargs and the command list, not the simulator', () => {
    for (const args of [['--version'], ['--help']]) {
      const r = loaded(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.modules, args.join(' ')).toContain('cli/command-list.js');
      expect(r.modules.filter(heavy), args.join(' ')).toEqual([]);
    }
  });

  it("run's main thread (its module, as `run --help` loads it) leaves the scenario schemas, yaml and the simulator to the worker", () => {
    const r = loaded('run', '--help');
    expect(r.code).toBe(0);
    expect(r.modules).toContain('cli/commands/run.js');
    expect(r.modules).toContain('scenario/errors.js');
    // yaml (about 60 ms of CPU): the worker parses the scenario; the main thread's SourceMaps and manifests need none.
    for (const m of ['pkg:zod', 'pkg:yaml', 'scenario/schema.js', 'model/load-scenario.js', 'sim/simulation.js']) expect(r.modules).not.toContain(m);
  });

  it("compare's and sweep's main thread loads scenarios to plan the runs and leaves the simulator to the pool's workers", () => {
    for (const command of ['compare', 'sweep']) {
      const r = loaded(command, '--help');
      expect(r.code, command).toBe(0);
      expect(r.modules, command).toContain('model/load-scenario.js');
      // the simulator is 53 modules (0.5 MB) that only the workers run
      for (const m of ['sim/simulation.js', 'experiment/run-scenario.js', 'sim/inference/inference-system.js']) expect(r.modules, command).not.toContain(m);
    }
  });

  it('run starts the thread that reads CSV traces ahead (trace-prefetch.ts) only for a scenario that may have one', () => {
    writeFileSync(join(dir, 't.csv'), 'submit,duration,devices\n0,5,1\n');
    const scenario = join(dir, 'trace.yaml');
    writeFileSync(scenario, 'name: t\ndatacentres:\n  - name: dc\n    node_groups: [{ name: n, count: 1, device: H100 }]\nworkloads:\n  - trace: { format: csv, path: t.csv, mapping: { submit: submit, duration: duration, devices: devices } }\n');
    const withTrace = loaded('run', scenario, '--out', join(dir, 'out-trace'), '--quiet');
    expect(withTrace.code).toBe(0);
    expect(withTrace.modules).toContain('experiment/trace-prefetch-worker.js');
    const without = loaded('run', 'scenarios/quickstart.yaml', '--out', join(dir, 'out-quickstart'), '--quiet');
    expect(without.code).toBe(0);
    expect(without.modules).not.toContain('experiment/trace-prefetch-worker.js');
  });

  it('a usage error loads no command module', () => {
    const r = loaded('nonsense');
    expect(r.code).toBe(2);
    expect(r.modules.filter((m) => m.startsWith('cli/commands/'))).toEqual([]);
  });

  it('a command loads its own module and not the others', () => {
    const r = loaded('devices');
    expect(r.code).toBe(0);
    expect(r.modules.filter((m) => m.startsWith('cli/commands/'))).toEqual(['cli/commands/devices.js']);
    expect(r.modules).not.toContain('sim/simulation.js');
  });
});
