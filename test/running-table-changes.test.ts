// The running table's change count (RunningTable.changes): an unchanged count must mean the same
// rows, since multifactor's fair-share usage keeps the per-account rates it summed from them instead
// of walking every running job again on a pass after which nothing started or ended.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { FairShareUsage } from '../src/policy/multifactor.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { JobView, QueueDiscipline, RunningTable, SchedulingContext } from '../src/policy/types.js';
import { crowdedOpenb, failingQuickstart } from './helpers.js';

/** The rows as policies read them: each running job with its table entries. */
function rows(ctx: SchedulingContext): string {
  const t = ctx.runningTable!;
  return ctx.running.map((j, i) => `${j.id}:${t.account[i]}:${t.share[i]}:${t.devices[i]}:${t.kind[i]}`).join(',');
}

/**
 * Run `resolved` under multifactor; `hide`: the policy sees a table without its change count (so
 * it sums the rates on every pass). `check` is called before each pass.
 */
function run(resolved: ResolvedScenario, hide: boolean, check?: (ctx: SchedulingContext) => void): string {
  const policies = resolvePolicies({ name: 'multifactor', params: {} }, resolved.scenario.placement, { src: resolved.src });
  const inner = policies.queue;
  let outputs = '';
  const queue: QueueDiscipline = {
    schedule(ctx: SchedulingContext) {
      check?.(ctx);
      if (!hide) return inner.schedule(ctx);
      const t = ctx.runningTable!;
      const hidden: RunningTable = {
        get finishS() {
          return t.finishS;
        },
        get devices() {
          return t.devices;
        },
        get share() {
          return t.share;
        },
        get kind() {
          return t.kind;
        },
        get account() {
          return t.account;
        },
      };
      return inner.schedule(Object.create(ctx, { runningTable: { value: hidden } }) as SchedulingContext);
    },
  };
  runScenario(resolved, { policies: { ...policies, queue }, outputs: { files: ['jobs.csv', 'summary.csv'], write: (f, t) => (outputs += `${f}\n${t}`) } });
  return outputs;
}

const cases: [string, () => ResolvedScenario][] = [
  ['openb pods, crowded (shares of devices)', () => crowdedOpenb('multifactor')],
  ['two sites with failures (jobs stop, checkpoint and re-join)', () => failingQuickstart('multifactor')],
];

describe('the running table counts every change to its rows', () => {
  it.each(cases)('%s: an unchanged count, the same rows; multifactor decides as when it reads them all', (_name, scenario) => {
    let last: { changes: number; rows: string } | undefined;
    let same = 0;
    let changed = 0;
    const counted = run(scenario(), false, (ctx) => {
      const now = { changes: ctx.runningTable!.changes!, rows: rows(ctx) };
      if (last && now.changes === last.changes) {
        expect(now.rows).toBe(last.rows);
        same++;
      } else changed++;
      last = now;
    });
    // Both kinds of pass happen.
    expect(same).toBeGreaterThan(10);
    expect(changed).toBeGreaterThan(10);
    expect(run(scenario(), true)).toBe(counted);
  }, 60_000);
});

describe('FairShareUsage keeps the rates summed from unchanged rows', () => {
  it('reads the rows again only when the count moves', () => {
    let reads = 0;
    const account = ['a', 'b'];
    const table = {
      finishS: new Float64Array(2),
      devices: new Float64Array([8, 4]),
      share: new Float64Array([8, 4]),
      kind: new Int32Array(2),
      get account() {
        reads++;
        return account;
      },
      changes: 5,
    };
    const running = [{}, {}] as JobView[];
    const u = new FairShareUsage(100);
    u.advance(0, running, table);
    expect(reads).toBeGreaterThan(0);
    const first = reads;
    u.advance(10, running, table);
    expect(reads).toBe(first);
    expect(u.normalized('a')).toBeCloseTo(8 / 12, 12);
    table.changes++;
    table.share[1] = 8;
    u.advance(20, running, table);
    expect(reads).toBeGreaterThan(first);
    expect([...u.runningAccounts()]).toEqual(['a', 'b']);
  });
});
