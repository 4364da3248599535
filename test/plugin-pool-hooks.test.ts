// A plug-in's checks of the pool before the run (checkPool, warnPool, a placement's notes) run as a
// built-in's do, in the plug-in sandbox: one that throws, answers the wrong shape or writes into the
// pool it is shown is refused before the run, located at the scenario's reference to it; a hook that
// poolsim would never call (checkPool on a balancer, notes on a queue policy) is refused on loading.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyWarnings } from '../src/experiment/policy-warnings.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { loadPolicies } from '../src/policy/plugin.js';
import { InputError } from '../src/scenario/errors.js';
import { repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-pool-hooks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
});

const HOOKS = repoPath('test/fixtures/policy-plugins/pool-hooks.mjs');
const small = readFileSync(repoPath('test/fixtures/policy-plugins/small.yaml'), 'utf8');

/** What loading the policies of small.yaml plus `tail` says: its refusal, or the warnings and notes `run` prints. */
async function said(tail: string): Promise<string> {
  const resolved = loadScenario(`${small}${tail}`, join(work, 's.yaml'), { baseDir: work });
  try {
    return policyWarnings(resolved, await loadPolicies(resolved, work)).join('\n');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return `refused: ${e.message}`;
  }
}

const withHook = (hook: string): string => `placement:\n  name: ${HOOKS}\n  params: { hook: ${hook} }\n`;
const who = `${join(work, 's.yaml')}:15:3: placement: placement policy 'pool-hooks' (${HOOKS})`;

describe("a plug-in's pool checks, sandboxed and checked", () => {
  it('one that throws, answers the wrong shape or writes into the pool is refused at its reference', async () => {
    expect(await said(withHook('none'))).toBe('pool-hooks sees 2 nodes');
    expect(await said(withHook('check-throws'))).toMatch(new RegExp(`^refused: ${escape(who)}: checkPool\\(\\) threw Error: cannot check \\(at .*pool-hooks\\.mjs:\\d+:\\d+\\)$`));
    expect(await said(withHook('check-garbage'))).toBe(`refused: ${who}: checkPool() must return undefined or { path: [...], message }, not {"path":"site","message":7}`);
    expect(await said(withHook('check-writes'))).toBe(
      `refused: ${who}: checkPool() tried to change the simulator's state (pool.datacentres[0].pue = 0.5): plug-ins see read-only views and act only through their decisions; copy what you need to change`,
    );
    expect(await said(withHook('warn-throws'))).toMatch(new RegExp(`^refused: ${escape(who)}: warnPool\\(\\) threw Error: cannot warn `));
    expect(await said(withHook('warn-garbage'))).toBe(`refused: ${who}: warnPool() must return an array of { path: [...], message }, not "account"`);
    expect(await said(withHook('notes-throws'))).toMatch(new RegExp(`^refused: ${escape(who)}: notes\\(\\) threw Error: no notes today `));
    expect(await said(withHook('notes-garbage'))).toBe(`refused: ${who}: notes() must return an array of strings, not [42]`);
  });

  it('a hook poolsim never calls for its kind is refused on loading, not ignored', async () => {
    const module = (name: string, text: string): string => {
      const file = join(work, name);
      writeFileSync(file, `import { z } from ${JSON.stringify(pathToFileURL(repoPath('dist/index.js')).href)};\n${text}\n`);
      return file;
    };
    const balancer = module('b.mjs', "export default { name: 'b', description: '', params: z.strictObject({}), create: () => ({ route: () => 0 }), checkPool: () => undefined };");
    const service = readFileSync(repoPath('test/fixtures/policy-plugins/service.yaml'), 'utf8').replace('balancer: ./balancer.mjs', `balancer: ${balancer}`);
    const resolved = loadScenario(service, join(work, 'svc.yaml'), { baseDir: work });
    await expect(loadPolicies(resolved, work)).rejects.toThrow(`'${balancer}' does not export a load balancer built with defineLoadBalancer: \`checkPool\` is never called for a load balancer (only queue and placement policies are checked against the pool); remove it`);
    const queue = module('q.mjs', "export default { name: 'q', description: '', params: z.strictObject({}), create: () => ({ schedule() {}, notes: () => ['never said'] }) };");
    expect(await said(`policy: ${queue}\n`)).toBe(
      `refused: ${join(work, 's.yaml')}:14:9: policy: queue policy 'q' (${queue}): create() returned \`notes\`, which is never called for a queue policy (only a placement policy's notes(cluster) are said); remove it`,
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
