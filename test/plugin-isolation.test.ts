// Plug-ins cannot corrupt a run (built CLI): a plug-in that writes into the state it is shown, reaches
// for Math.random or the wall clock, or ends the process stops the run with exit 1 and a message
// naming it (role, name, file), the job and the simulated time; seeded ctx.random / hints.random
// keep runs deterministic; preemption policies and load balancers may be plug-ins too; and
// `validate` resolves every named component exactly as `run` does, under the same watchdog.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const FIX = 'test/fixtures/policy-plugins';
const out = mkdtempSync(join(tmpdir(), 'poolsim-isolation-'));

type Result = { code: number; stdout: string; stderr: string };

function poolsim(...args: string[]): Result {
  const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function poolsimAsync(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Nothing at all in the output folder: no result file and no temporary file. */
function expectNoFiles(dir: string): void {
  const path = join(out, dir);
  expect(existsSync(path) ? readdirSync(path) : []).toEqual([]);
}

const runFailed = (who: string, rest: string): string => `run failed: ${who}, ${rest}\nNo result files were written.\n`;
const READ_ONLY = "plug-ins see read-only views and act only through their decisions; copy what you need to change";

describe('plug-ins cannot corrupt a run (built CLI)', () => {
  beforeAll(async () => {
    await ensureDist();
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('a plug-in that writes into the simulator state it is shown stops at once, naming itself, the job and the time', async () => {
    const who = `queue policy 'mutates' (./${FIX}/mutates.mjs)`;
    const cases: [string, string][] = [
      ['template-devices', `job 'second', at t=600s: tried to change the simulator's state (job 'second'.template.devices = 1): ${READ_ONLY}`],
      ['remaining-flop', `job 'first', at t=600s: tried to change the simulator's state (job 'first'.remainingFlop = 0): ${READ_ONLY}`],
      ['state', `job 'first', at t=600s: tried to change the simulator's state (job 'first'.state = 'completed'): ${READ_ONLY}`],
      ['clear-running', `job 'second', at t=600s: tried to change the simulator's state (ctx.running.length = 0): ${READ_ONLY}`],
      ['node-free', `job 'second', at t=600s: tried to change the simulator's state (ctx.cluster.nodeFree[1] = 8): ${READ_ONLY}`],
      ['job-placement', `job 'first', at t=600s: tried to change the simulator's state (job 'first'.placement.nodes[0] = 1): ${READ_ONLY}`],
      // The plug-in catches the error itself: the run still fails.
      ['swallowed', `job 'first', at t=600s: tried to change the simulator's state (job 'first'.state = 'waiting'): ${READ_ONLY}`],
    ];
    const runs = await Promise.all(
      cases.map(([mode]) => poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, `mutates-${mode}`), '--quiet', '--policy', `{name: ./${FIX}/mutates.mjs, params: {mode: ${mode}}}`)),
    );
    cases.forEach(([mode, rest], i) => {
      expect({ mode, ...runs[i]! }).toEqual({ mode, code: 1, stdout: '', stderr: runFailed(who, rest) });
      expectNoFiles(`mutates-${mode}`);
    });
  });

  it('a plug-in may reuse or change its own placement object after start: the simulator keeps a copy', () => {
    const plugin = poolsim('run', `${FIX}/small.yaml`, '--out', join(out, 'reuse'), '--quiet', '--policy', `{name: ./${FIX}/mutates.mjs, params: {mode: reuse-placement}}`);
    expect(plugin).toEqual({ code: 0, stdout: '', stderr: '' });
    const builtIn = poolsim('run', `${FIX}/small.yaml`, '--out', join(out, 'reuse-fifo'), '--quiet', '--policy', 'fifo');
    expect(builtIn.code).toBe(0);
    expect(readFileSync(join(out, 'reuse', 'jobs.csv'), 'utf8')).toBe(readFileSync(join(out, 'reuse-fifo', 'jobs.csv'), 'utf8'));
    const tail = (f: string): string => readFileSync(f, 'utf8').split('\n')[1]!.split(',').slice(3).join(',');
    expect(tail(join(out, 'reuse', 'summary.csv'))).toBe(tail(join(out, 'reuse-fifo', 'summary.csv')));
  });

  it('Math.random, the wall clock and process.exit in a plug-in stop the run with a clean message (exit 1, no stack trace)', async () => {
    const who = `queue policy 'forbidden' (./${FIX}/forbidden.mjs), job 'second', at t=600s`;
    const random = 'called Math.random(): it is not seeded, so the same seed would no longer give the same run; draw from ctx.random (seeded: .next(), .int(n), .pick(items)) instead';
    const clock = (what: string): string => `read the wall clock (${what}): the wall clock differs from run to run; decide on simulated time (ctx.nowS)`;
    const cases: [string, string][] = [
      ['Math.random', random],
      ['swallowed-random', random],
      ['Date.now', clock('Date.now()')],
      ['new Date', clock('new Date()')],
      ['performance.now', clock('performance.now()')],
      ['process.exit', 'called process.exit(3): a plug-in must not end the process; throw an Error to stop the run with a message'],
    ];
    const runs = await Promise.all(
      cases.map(([call], i) => poolsimAsync('run', `${FIX}/small.yaml`, '--out', join(out, `forbidden-${i}`), '--quiet', '--policy', `{name: ./${FIX}/forbidden.mjs, params: {call: ${call}}}`)),
    );
    cases.forEach(([call, detail], i) => {
      expect({ call, ...runs[i]! }).toEqual({ call, code: 1, stdout: '', stderr: `run failed: ${who}: ${detail}\nNo result files were written.\n` });
      expectNoFiles(`forbidden-${i}`);
    });
  });

  it('a placement plug-in is told to use hints.random', () => {
    const r = poolsim('run', `${FIX}/small.yaml`, '--out', join(out, 'unseeded'), '--quiet', '--placement', `{name: ./${FIX}/random-placer.mjs, params: {mode: unseeded}}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      runFailed(
        `placement policy 'random-node' (./${FIX}/random-placer.mjs)`,
        "job 'first', at t=0s: called Math.random(): it is not seeded, so the same seed would no longer give the same run; draw from hints.random (seeded: .next(), .int(n), .pick(items)) instead",
      ),
    );
  });

  it('ctx.random and hints.random are seeded: the same seed gives the same bytes, another seed other ones', async () => {
    const args = (dir: string, seed: number) => ['run', 'scenarios/quickstart.yaml', '--seed', String(seed), '--out', join(out, dir), '--quiet', '--policy', `./${FIX}/shuffled.mjs`, '--placement', `./${FIX}/random-placer.mjs`];
    const runs = await Promise.all([poolsimAsync(...args('seeded-a', 1)), poolsimAsync(...args('seeded-b', 1)), poolsimAsync(...args('seeded-c', 2))]);
    for (const r of runs) expect(r).toEqual({ code: 0, stdout: '', stderr: expect.any(String) as string });
    const jobs = (dir: string): string => readFileSync(join(out, dir, 'jobs.csv'), 'utf8');
    expect(jobs('seeded-a')).toBe(jobs('seeded-b'));
    expect(jobs('seeded-c')).not.toBe(jobs('seeded-a'));
  });

  it('a preemption plug-in named in `victims` runs like the built-in it re-exports, and is held to the same rules', async () => {
    const policy = (victims: string) => `{name: priority, params: {preemptive: true, victims: ${victims}}}`;
    const plain = poolsim('run', `${FIX}/preemptive.yaml`, '--out', join(out, 'victims-plugin'), '--quiet');
    expect(plain).toEqual({ code: 0, stdout: '', stderr: '' });
    const builtIn = poolsim('run', `${FIX}/preemptive.yaml`, '--out', join(out, 'victims-builtin'), '--quiet', '--policy', policy('lowest-priority'));
    expect(builtIn.code).toBe(0);
    for (const f of ['jobs.csv', 'summary.csv']) expect(readFileSync(join(out, 'victims-plugin', f), 'utf8')).toBe(readFileSync(join(out, 'victims-builtin', f), 'utf8'));
    expect(readFileSync(join(out, 'victims-plugin', 'jobs.csv'), 'utf8')).toMatch(/^low-a,.*,1,8,1,A100-80GB,/m);

    const who = `preemption policy 'my-lowest-priority' (./${FIX}/victims.mjs)`;
    const cases: [string, string][] = [
      ['mutate', `tried to change the simulator's state (job 'high'.priority = 0): ${READ_ONLY}`],
      ['start', 'start() is not for a preemption policy: return the victims, and the queue policy preempts them'],
      ['outsider', "victims() returned job 'high' (waiting), which is not among the eligible jobs it was given"],
      // A job twice stopped the run under the built-in 'priority' ("cannot preempt a job that is
      // checkpointing"), a hole with "threw: Cannot read properties of undefined (reading 'id')".
      ['twice', "victims() returned job 'low-a' (running) twice"],
      ['holes', "victims() returned undefined, which is not among the eligible jobs it was given"],
      ['math-random', 'called Math.random(): it is not seeded, so the same seed would no longer give the same run; draw from ctx.random (seeded: .next(), .int(n), .pick(items)) instead'],
      // It was "victims() returned an object that is not one of the simulator's jobs, not an array of eligible jobs or undefined".
      ['async', 'victims() returned a promise (an async method, or an object with a then()): plug-in policies must be synchronous, so victims() returns its decision from the call itself, without async, await or then(); its answer would come after the simulator needed it (docs/writing-a-policy.md, "Plug-ins are called synchronously")'],
    ];
    const runs = await Promise.all(
      cases.map(([mode]) => poolsimAsync('run', `${FIX}/preemptive.yaml`, '--out', join(out, `victims-${mode}`), '--quiet', '--policy', policy(`{name: ./${FIX}/victims.mjs, params: {mode: ${mode}}}`))),
    );
    cases.forEach(([mode, detail], i) => expect({ mode, ...runs[i]! }).toEqual({ mode, code: 1, stdout: '', stderr: runFailed(who, `job 'high', at t=600s: ${detail}`) }));
    // Its own stream: drawing from it changes nothing else.
    const seeded = poolsim('run', `${FIX}/preemptive.yaml`, '--out', join(out, 'victims-seeded'), '--quiet', '--policy', policy(`{name: ./${FIX}/victims.mjs, params: {mode: seeded}}`));
    expect(seeded.code).toBe(0);
    expect(readFileSync(join(out, 'victims-seeded', 'jobs.csv'), 'utf8')).toBe(readFileSync(join(out, 'victims-builtin', 'jobs.csv'), 'utf8'));
  });

  it('a load balancer may be a plug-in, held to the same rules', async () => {
    expect(poolsim('validate', `${FIX}/service.yaml`).code).toBe(0);
    expect(poolsim('run', `${FIX}/service.yaml`, '--out', join(out, 'balancer'), '--quiet')).toEqual({ code: 0, stdout: '', stderr: '' });
    const plugin = repoPath(`${FIX}/balancer.mjs`);
    const who = `load balancer 'my-power-of-two' (${plugin}) of service 'chat'`;
    const cases: [string, string][] = [
      ['mutate', `tried to change the simulator's state (delete ctx.replicas[3]): ${READ_ONLY}`],
      ['math-random', 'called Math.random(): it is not seeded, so the same seed would no longer give the same run; draw from ctx.random (seeded: .next(), .int(n), .pick(items)) instead'],
      ['bad-index', 'route() returned 4, not an index into its 4 replicas'],
      // It was 'route() returned [object Promise], not an index into its 4 replicas'.
      ['async', 'route() returned a promise (an async method, or an object with a then()): plug-in policies must be synchronous, so route() returns its decision from the call itself, without async, await or then(); its answer would come after the simulator needed it (docs/writing-a-policy.md, "Plug-ins are called synchronously")'],
    ];
    const scenario = readFileSync(repoPath(`${FIX}/service.yaml`), 'utf8');
    const runs = await Promise.all(
      cases.map(([mode]) => {
        const file = join(out, `balancer-${mode}.yaml`);
        writeFileSync(file, scenario.replace('balancer: ./balancer.mjs', `balancer: { name: ${plugin}, params: { mode: ${mode} } }`));
        return poolsimAsync('run', file, '--out', join(out, `balancer-${mode}`), '--quiet');
      }),
    );
    cases.forEach(([mode, detail], i) => {
      expect({ mode, code: runs[i]!.code }).toEqual({ mode, code: 1 });
      expect(runs[i]!.stderr).toMatch(new RegExp(`^run failed: ${escape(who)}, at t=[0-9.]+s: ${escape(detail)}\\nNo result files were written\\.\\n$`));
    });
  });
});

describe('a plug-in of any kind that never returns is stopped by the watchdog, by its own name', () => {
  const out = mkdtempSync(join(tmpdir(), 'poolsim-never-'));
  beforeAll(async () => {
    await ensureDist();
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('a load balancer, a preemption policy, and a create() that never finishes', async () => {
    const plugin = repoPath(`${FIX}/balancer.mjs`);
    const scenario = readFileSync(repoPath(`${FIX}/service.yaml`), 'utf8').replace('balancer: ./balancer.mjs', `balancer: { name: ${plugin}, params: { mode: never } }`);
    const file = join(out, 'balancer-never.yaml');
    writeFileSync(file, scenario);
    const policy = (mode: string) => `{name: priority, params: {preemptive: true, victims: {name: ./${FIX}/victims.mjs, params: {mode: ${mode}}}}}`;
    const started = Date.now();
    const [balancer, victims, create] = await Promise.all([
      poolsimAsync('run', file, '--out', join(out, 'never-b'), '--quiet', '--policy-timeout', '1'),
      poolsimAsync('run', `${FIX}/preemptive.yaml`, '--out', join(out, 'never-v'), '--quiet', '--policy-timeout', '1', '--policy', policy('never')),
      poolsimAsync('run', `${FIX}/preemptive.yaml`, '--out', join(out, 'never-c'), '--quiet', '--policy-timeout', '1', '--policy', policy('create-never')),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(balancer.code).toBe(1);
    expect(balancer.stderr).toMatch(new RegExp(`^run failed: load balancer 'my-power-of-two' \\(${escape(plugin)}\\) of service 'chat' did not return within 1 s \\(simulated time [0-9.]+ s\\)\\n`));
    expect(victims).toEqual({
      code: 1,
      stdout: '',
      stderr: `run failed: preemption policy 'my-lowest-priority' (./${FIX}/victims.mjs) did not return within 1 s (job 'high', simulated time 600 s)\nNo result files were written.\n`,
    });
    expect(create).toEqual({
      code: 1,
      stdout: '',
      stderr: `run failed: preemption policy 'my-lowest-priority' (./${FIX}/victims.mjs) did not finish loading within 1 s\nNo result files were written.\n`,
    });
  });
});

describe('validate resolves every named component exactly as run does', () => {
  beforeAll(async () => {
    await ensureDist();
  });

  const base = (extra: string): string => `name: agree
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs: [{ name: a, devices: 1, duration: 1h, reference_device: H100 }]
${extra}`;
  const service = (balancer: string): string => `services:
  - name: chat
    model: { params: 8B }
    replicas: { count: 2, device: H100, datacentre: dc }
    balancer: ${balancer}
    streams:
      - { arrival: { process: poisson, rate: 1/s }, prompt_tokens: 10, output_tokens: 10, count: 5 }
`;
  const plugins = repoPath(FIX);
  const cases: [string, string, RegExp][] = [
    ['a misspelt balancer', service('round-robbin'), /services\[0\]\.balancer: unknown load balancer 'round-robbin' \(did you mean 'round-robin'\?\)/],
    ['bad balancer parameters', service('{ name: power-of-two, params: { choices: 0 } }'), /services\[0\]\.balancer\.params\.choices: /],
    ['a balancer module that is missing', service('./no-such-balancer.mjs'), /services\[0\]\.balancer: cannot load balancer module '\.\/no-such-balancer\.mjs'/],
    ['bad parameters of a balancer plug-in', service(`{ name: ${plugins}/balancer.mjs, params: { mode: bogus } }`), /services\[0\]\.balancer\.params\.mode: /],
    ['a misspelt preemption policy', 'policy: { name: priority, params: { preemptive: true, victims: lowest-priorty } }\n', /policy\.params\.victims: unknown preemption policy 'lowest-priorty' \(did you mean 'lowest-priority'\?\)/],
    ['bad parameters of a preemption plug-in', `policy: { name: priority, params: { preemptive: true, victims: { name: ${plugins}/victims.mjs, params: { mode: bogus } } } }\n`, /policy\.params\.victims\.params\.mode: /],
    ['a misspelt placement policy', 'placement: frist-fit\n', /placement: unknown policy 'frist-fit' \(did you mean 'first-fit'\?\)/],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-agree-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(cases)('%s: validate and run refuse it with the same message (exit 2)', async (_what, extra, message) => {
    const file = join(dir, `${_what.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, base(extra));
    const [validate, run] = await Promise.all([poolsimAsync('validate', file), poolsimAsync('run', file, '--out', join(dir, 'out'), '--quiet')]);
    expect(validate.stderr).toMatch(message);
    expect(validate.code).toBe(2);
    expect(run).toEqual({ ...validate, stdout: '' });
  });

  it('every problem is reported at once, a module that cannot be loaded only once', async () => {
    const file = join(dir, 'several.yaml');
    writeFileSync(file, base(`policy: ./missing-queue.mjs\nplacement: frist-fit\n${service('./missing-balancer.mjs')}${service('round-robbin').replace('services:\n', '').replace('name: chat', 'name: chat2')}`));
    const [validate, run] = await Promise.all([poolsimAsync('validate', file), poolsimAsync('run', file, '--out', join(dir, 'several-out'), '--quiet')]);
    const lines = validate.stderr.split('\n');
    expect(lines.map((l) => l.replace(/^[^:]*:\d+:\d+: /, '').replace(/ \(.*$/, ''))).toEqual([
      "policy: cannot load policy module './missing-queue.mjs'",
      "services[0].balancer: cannot load balancer module './missing-balancer.mjs'",
      "placement: unknown policy 'frist-fit'",
      "services[1].balancer: unknown load balancer 'round-robbin'",
      '4 problems found; nothing was run or written.',
      '',
    ]);
    expect(validate.code).toBe(2);
    expect(run).toEqual({ ...validate, stdout: '' });
  });

  it('validate loads plug-in modules under the watchdog: one that never finishes loading is stopped after --policy-timeout', () => {
    const file = join(dir, 'loops.yaml');
    writeFileSync(file, base(`policy: ${plugins}/loops-on-load.mjs\n`));
    // The watchdog, not the spawn's own limit, ended it: that limit would leave no status and a
    // signal (no wall-clock bound here: on a loaded machine the process start alone can take 15 s).
    const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), 'validate', file, '--policy-timeout', '1'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`validate failed: policy module '${plugins}/loops-on-load.mjs' did not finish loading within 1 s\n`);
  });

  it('a module that calls process.exit while loading is refused, not obeyed (validate used to exit 0 in silence)', () => {
    const file = join(dir, 'exits.yaml');
    writeFileSync(file, base(`policy: ${plugins}/exits-on-load.mjs\n`));
    const r = poolsim('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`policy: cannot load policy module '${plugins}/exits-on-load.mjs' (${plugins}/exits-on-load.mjs): it called process.exit(0) while loading; a plug-in must not end the process\n`);
    expect(poolsim('run', file, '--out', join(dir, 'exits-out')).stderr).toBe(r.stderr);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
