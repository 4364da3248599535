// Read-only views (what plug-ins see): they read exactly what the live objects hold, keep identity,
// and refuse every kind of write (plain objects, arrays, typed arrays, Maps, Sets), naming the path
// the plug-in took. And the sandbox puts Math.random, the clock and process.exit back after a call.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { loadPolicies } from '../src/policy/plugin.js';
import { Cluster } from '../src/model/cluster.js';
import { FreeIndex } from '../src/model/free-index.js';
import { READ_ONLY_METHODS } from '../src/policy/read-only-methods.js';
import { ReadOnlyViews } from '../src/policy/read-only-view.js';
import { sandboxed } from '../src/policy/plugin-sandbox.js';
import { PolicyError } from '../src/policy/types.js';
import { SourceMap } from '../src/scenario/errors.js';
import { simulate } from '../src/sim/simulation.js';
import { repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

class Refused extends Error {
  constructor(
    readonly what: string,
    readonly job: string | undefined,
  ) {
    super(what);
  }
}
const views = (): ReadOnlyViews =>
  new ReadOnlyViews((what, job) => {
    throw new Refused(what, job);
  });

function refusal(f: () => unknown): { what: string; job: string | undefined } {
  try {
    f();
  } catch (e) {
    if (e instanceof Refused) return { what: e.what, job: e.job };
    throw e;
  }
  throw new Error('the write was not refused');
}

describe('read-only views', () => {
  it('refuse writes into jobs, arrays, typed arrays, Maps and Sets, naming the way the plug-in went', () => {
    const job = { id: 0, name: 'a', state: 'running', remainingFlop: 5, template: { devices: 8 }, placement: { kind: 0, nodes: [1, 2], counts: [4, 4] } };
    const state = {
      running: [job],
      nodeFree: new Int32Array([8, 0, 3]),
      byName: new Map([['a', job]]),
      shared: [new Set([1, 2])],
    };
    const v = views();
    const s = v.view(state, 'ctx');
    expect(refusal(() => (s.running[0]!.remainingFlop = 0))).toEqual({ what: "job 'a'.remainingFlop = 0", job: 'a' });
    expect(refusal(() => (s.running[0]!.template.devices = 1))).toEqual({ what: "job 'a'.template.devices = 1", job: 'a' });
    expect(refusal(() => s.running[0]!.placement.nodes.push(3))).toEqual({ what: "job 'a'.placement.nodes[2] = 3", job: 'a' });
    expect(refusal(() => s.running.push(job))).toEqual({ what: 'ctx.running[1] = an object', job: undefined });
    expect(refusal(() => (s.running.length = 0)).what).toBe('ctx.running.length = 0');
    expect(refusal(() => delete (s.running as unknown as Record<string, unknown>)[0]).what).toBe('delete ctx.running[0]');
    expect(refusal(() => (s.nodeFree[1] = 8)).what).toBe('ctx.nodeFree[1] = 8');
    expect(refusal(() => s.nodeFree.fill(0)).what).toBe('ctx.nodeFree.fill()');
    expect(refusal(() => s.nodeFree.set([1])).what).toBe('ctx.nodeFree.set()');
    expect(refusal(() => (s.nodeFree.subarray(1)[0] = 4)).what).toBe('ctx.nodeFree.subarray()[0] = 4');
    expect(refusal(() => s.byName.get('a')!.state = 'done').what).toBe("job 'a'.state = 'done'");
    expect(refusal(() => s.byName.delete('a')).what).toBe('ctx.byName.delete()');
    expect(refusal(() => s.shared[0]!.add(3)).what).toBe('ctx.shared[0].add()');
    expect(refusal(() => Object.freeze(s.running)).what).toBe('ctx.running (Object.freeze / preventExtensions)');
    expect(refusal(() => Object.defineProperty(s, 'x', { value: 1 })).what).toBe('ctx.x (Object.defineProperty)');
    // Writes through callbacks' array argument and property descriptors are views too.
    expect(refusal(() => s.nodeFree.forEach((_x, i, a) => (a[i] = 0))).what).toBe('ctx.nodeFree[0] = 0');
    expect(refusal(() => ((Object.getOwnPropertyDescriptor(s, 'running')!.value as (typeof job)[])[0]!.state = 'x')).what).toBe("job 'a'.state = 'x'");
    // Nothing changed.
    expect(job).toEqual({ id: 0, name: 'a', state: 'running', remainingFlop: 5, template: { devices: 8 }, placement: { kind: 0, nodes: [1, 2], counts: [4, 4] } });
    expect([...state.nodeFree]).toEqual([8, 0, 3]);
    expect(state.byName.size).toBe(1);
    expect([...state.shared[0]!]).toEqual([1, 2]);
  });

  it('read what the live objects hold, keep identity, and give the objects back', () => {
    const job = { id: 0, name: 'a', state: 'waiting', remainingFlop: 5 };
    const state = { running: [job], nodeFree: new Int32Array([8, 0, 3]), byJob: new Map([[job, 7]]), jobs: new Set([job]) };
    const v = views();
    const s = v.view(state, 'ctx');
    const j = s.running[0]!;
    expect(s.running[0]).toBe(j);
    expect(s.running.includes(j)).toBe(true);
    expect(new Set([...s.running, ...s.running]).size).toBe(1);
    expect(v.unwrap(j)).toBe(job);
    expect(v.unwrap(job)).toBeUndefined();
    expect(v.view(j, 'again')).toBe(j);
    expect(s.byJob.get(j)).toBe(7);
    expect(s.jobs.has(j)).toBe(true);
    expect([...s.jobs][0]).toBe(j);
    expect([...s.byJob.keys()][0]).toBe(j);
    expect([...s.nodeFree]).toEqual([8, 0, 3]);
    expect(s.nodeFree.length).toBe(3);
    expect(s.nodeFree.indexOf(3)).toBe(2);
    expect(Array.from(s.nodeFree.map((x) => x * 2))).toEqual([16, 0, 6]);
    expect(s.nodeFree.reduce((a, x) => a + x, 0)).toBe(11);
    expect(JSON.stringify(s.running)).toBe(JSON.stringify(state.running));
    // Live: a change made by the simulator shows at once.
    state.nodeFree[1] = 5;
    job.state = 'running';
    expect(s.nodeFree[1]).toBe(5);
    expect(j.state).toBe('running');
  });

  it('frozen objects (the device catalogue) are read without breaking the Proxy invariants', () => {
    const spec = Object.freeze({ peak: 1e15, memory: Object.freeze({ bytes: 80e9 }) });
    const s = views().view({ kinds: [{ spec }] }, 'cluster');
    expect(s.kinds[0]!.spec.memory.bytes).toBe(80e9);
    expect(refusal(() => ((s.kinds[0] as { spec: unknown }).spec = null)).what).toBe('cluster.kinds[0].spec = null');
  });

  it('an object with one non-configurable own property over a prototype holding the rest is read without breaking the Proxy invariants', () => {
    const job = Object.create({ name: 'j', devices: 8 }) as { allowedKinds: readonly number[]; devices: number };
    Object.defineProperty(job, 'allowedKinds', { value: Object.freeze([2]), enumerable: true });
    const v = views().view({ waiting: [job] }, 'ctx');
    expect(v.waiting[0]!.allowedKinds).toEqual([2]);
    expect(v.waiting[0]!.devices).toBe(8);
    expect(refusal(() => ((v.waiting[0] as { devices: number }).devices = 1)).what).toBe('ctx.waiting[0].devices = 1');
    expect(() => (v.waiting[0]!.allowedKinds as number[]).push(3)).toThrow(TypeError); // frozen by its owner
  });

  it('read exactly what the raw objects hold (property)', () => {
    const leaf = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('tree'), { maxKeys: 4 }), fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 6 }).map((a) => Int32Array.from(a))),
    }));
    fc.assert(
      fc.property(tree, (t) => {
        const copy = (x: unknown): unknown =>
          x instanceof Int32Array ? ['i32', ...x] : Array.isArray(x) ? x.map(copy) : x !== null && typeof x === 'object' ? Object.fromEntries(Object.keys(x).map((k) => [k, copy((x as Record<string, unknown>)[k])])) : x;
        expect(copy(views().view({ t }, 'root'))).toEqual(copy({ t }));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('methods declared read-only', () => {
  it('write nothing: each runs through a view that does not know the list, which refuses any write', () => {
    const resolved = loadScenario(`name: s
datacentres:
  - name: dc
    node_groups: [{ count: 3, device: A100-80GB }]
workloads:
  - jobs: [{ name: a, devices: 1, duration: 1h, reference_device: A100-80GB }]
`, 's.yaml');
    const cluster = new Cluster(resolved.shape);
    cluster.allocateWhole(1, 3, []);
    cluster.allocateShare(20, 300);
    const strict = views().view(cluster, 'cluster');
    const calls = new Map<unknown, () => unknown>([
      [FreeIndex.prototype.leftmost, () => strict.freeIndex[0]!.leftmost(6, 1)],
      [FreeIndex.prototype.max, () => strict.freeIndex[0]!.max()],
      [FreeIndex.prototype.tightest, () => strict.freeIndex[0]!.tightest(6)],
      [Cluster.prototype.firstWholeFreeDevice, () => strict.firstWholeFreeDevice(1)],
      [Cluster.prototype.totalPeakFlops, () => strict.totalPeakFlops()],
      [Cluster.prototype.kindIndex, () => strict.kindIndex('A100-80GB')],
      [Cluster.prototype.maxSharedFreeMilli, () => strict.maxSharedFreeMilli(0)],
      [Cluster.prototype.mayHoldNow, () => [strict.mayHoldNow(1, 800, undefined), strict.mayHoldNow(21, 1000, [0]), strict.mayHoldNow(20, 1000, undefined)]],
    ]);
    const fast = new ReadOnlyViews(() => {
      throw new Error('refused');
    }, READ_ONLY_METHODS).view(cluster, 'cluster');
    const fastCalls = [() => fast.freeIndex[0]!.leftmost(6, 1), () => fast.freeIndex[0]!.max(), () => fast.freeIndex[0]!.tightest(6), () => fast.firstWholeFreeDevice(1), () => fast.totalPeakFlops(), () => fast.kindIndex('A100-80GB'), () => fast.maxSharedFreeMilli(0), () => [fast.mayHoldNow(1, 800, undefined), fast.mayHoldNow(21, 1000, [0]), fast.mayHoldNow(20, 1000, undefined)]];
    for (const m of READ_ONLY_METHODS) expect(calls.has(m), `no check for ${(m as { name: string }).name}`).toBe(true);
    // Same answers through the list (on the real object) as through the strict view.
    expect(fastCalls.map((f) => f())).toEqual([...calls.values()].map((f) => f()));
    // 24 devices, 3 whole ones taken and 300 milli of a fourth: 20 whole free, 700 milli left on the
    // shared one; the tightest node with 6 free is the third (7 free: the shared device is not whole).
    expect([...calls.values()].map((f) => f())).toEqual([2, 8, 2, 11, cluster.totalPeakFlops(), 0, 700, [true, false, true]]);
  });
});

describe('the sandbox', () => {
  const owner = {
    randomName: 'ctx.random',
    forbidden(what: string): never {
      throw new Error(what);
    },
  };

  it('puts Math.random, the clock and process.exit back after a call, whether it returned or threw', () => {
    const before = [Math.random, Date, Date.now, performance.now, process.exit, process.abort];
    expect(sandboxed(owner, () => [new Date(0).getTime(), Date.UTC(2000, 0), new Date(5) instanceof Date])).toEqual([0, 946684800000, true]);
    expect(() => sandboxed(owner, () => Math.random())).toThrow('called Math.random()');
    expect(() => sandboxed(owner, () => new Date())).toThrow('read the wall clock (new Date())');
    expect(() => sandboxed(owner, () => process.exit(0))).toThrow('called process.exit(0)');
    // A rule broken and caught inside the call still fails the call.
    expect(() =>
      sandboxed(owner, () => {
        try {
          performance.now();
        } catch {
          // swallowed
        }
        return 1;
      }),
    ).toThrow('read the wall clock (performance.now())');
    expect([Math.random, Date, Date.now, performance.now, process.exit, process.abort]).toEqual(before);
    expect(typeof Math.random()).toBe('number');
  });

  it('a run in this process with a plug-in that breaks a rule fails with a PolicyError and leaves the globals as they were', async () => {
    await ensureDist();
    const before = [Math.random, Date, Date.now, performance.now, process.exit];
    const resolved = loadScenario(`name: s
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: A100-80GB }]
workloads:
  - jobs:
      - { name: first, devices: 8, duration: 1h, reference_device: A100-80GB }
      - { name: second, devices: 8, duration: 1h, reference_device: A100-80GB, submit: 10min }
`, 's.yaml');
    const policies = await loadPolicies(resolved, repoPath('.'), {
      policy: { ref: { name: './test/fixtures/policy-plugins/forbidden.mjs', params: { call: 'Math.random' } }, baseDir: repoPath('.'), src: new SourceMap('test', undefined, undefined) },
    });
    let thrown: unknown;
    try {
      simulate(resolved, { policies });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).message).toMatch(/^queue policy 'forbidden' \(\.\/test\/fixtures\/policy-plugins\/forbidden\.mjs\), job 'second', at t=600s: called Math\.random\(\)/);
    expect([Math.random, Date, Date.now, performance.now, process.exit]).toEqual(before);
  });
});
