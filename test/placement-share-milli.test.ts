// A placement's `milli` must be the job's own share. The simulator allocates the job's share on the
// device, but utilisation and energy count the share the placement names: a plug-in that named
// another one (100 for a pod of 500, 1 for a whole GPU) or left it out (counted as a whole GPU) made
// a run print utilisation 0.47 or 1.49 (above 100%) with exit 0 where the truth was 0.97.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { placementProblem } from '../src/policy/check-placement.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { Placement, Placer } from '../src/policy/types.js';
import { parseCsv } from '../src/experiment/csv-table.js';

// Two nodes of two T4s; three GPU-sharing pods and a two-GPU job, all running at once for an hour.
const PODS = 'name,submit,duration,gpus,gpu_milli\np1,0,3600,1,500\np2,0,3600,1,500\np3,0,3600,1,600\np5,0,3600,2,1000\n';
const SCENARIO = `name: share-milli
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: t, count: 2, device: T4, devices_per_node: 2 }
workloads:
  - trace:
      format: csv
      path: pods.csv
      reference_device: T4
      mapping: { submit: submit, duration: duration, devices: gpus, gpu_milli: gpu_milli, id: name }
policy: fifo
placement: first-fit
`;

function load() {
  const fs: Record<string, string> = { '/t/pods.csv': PODS };
  return loadScenario(SCENARIO, '/t/share.yaml', { readFile: (p) => fs[p]!, baseDir: '/t' });
}

/** first-fit, with each placement passed through `edit` (what a careless plug-in returns). */
function run(edit: (p: Placement, milli: number) => Placement): { utilisation: number } | Error {
  const resolved = load();
  const policies = resolvePolicies(resolved.scenario.policy, resolved.scenario.placement);
  const inner = policies.placer;
  const placer: Placer = {
    place: (job, cluster, hints) => {
      const p = inner.place(job, cluster, hints);
      return p && edit(p, job.milli);
    },
  };
  let summary = '';
  try {
    runScenario(resolved, { policies: { ...policies, placer }, outputs: { files: ['summary.csv'], write: (_f, t) => (summary += t) } });
  } catch (e) {
    return e as Error;
  }
  const t = parseCsv(summary);
  return { utilisation: Number(t.rows[0]![t.header.indexOf('utilisation')]) };
}

// Device-hours held: 0.5 + 0.5 + 0.6 + 2 = 3.6 of 4 devices x 1 h.
const TRUE_UTILISATION = 3.6 / 4;

describe("a placement's milli", () => {
  it('as the built-in placements give it: each pod counted at its share, 3.6 of 4 devices', () => {
    // All four run at once for the hour.
    expect((run((p) => p) as { utilisation: number }).utilisation).toBeCloseTo(TRUE_UTILISATION, 9);
  });

  it('left out of a share placement: counted at the job\'s share, not as a whole device', () => {
    const full = run((p) => p) as { utilisation: number };
    const without = run((p) => {
      const { milli: _m, ...rest } = p;
      return rest;
    });
    expect(without).toEqual(full);
  });

  it('naming another share than the job asks is refused, naming both', () => {
    const r = run((p, milli) => (milli < 1000 ? { ...p, milli: 100 } : p));
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(/the placement names a share of 100 milli, the job asks for 500/);
  });

  it('on a whole-device placement, other than 1000, is refused', () => {
    const r = run((p, milli) => (milli === 1000 ? { ...p, milli: 1 } : p));
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(/the placement names a share of 1 milli, the job asks for whole devices/);
  });

  it("the plug-in guard's check says the same before the simulator sees it", () => {
    const resolved = load();
    let cluster: Parameters<typeof placementProblem>[2] | undefined;
    const policies = resolvePolicies(resolved.scenario.policy, resolved.scenario.placement);
    runScenario(resolved, { policies, observe: (s) => (cluster = s.cluster), outputs: { files: [], write: () => undefined } });
    const share = { devices: 1, milli: 500, cpuMilli: 0, memoryMiB: 0, allowedKinds: undefined } as never;
    const whole = { devices: 1, milli: 1000, cpuMilli: 0, memoryMiB: 0, allowedKinds: undefined } as never;
    expect(placementProblem(share, { kind: 0, nodes: [0], counts: [1], device: 0, milli: 500 }, cluster!)).toBeUndefined();
    expect(placementProblem(share, { kind: 0, nodes: [0], counts: [1], device: 0 }, cluster!)).toBeUndefined();
    expect(placementProblem(share, { kind: 0, nodes: [0], counts: [1], device: 0, milli: 100 }, cluster!)).toMatch(/names a share of 100 milli, the job asks for 500/);
    expect(placementProblem(whole, { kind: 0, nodes: [0], counts: [1], milli: 1 }, cluster!)).toMatch(/names a share of 1 milli, the job asks for whole devices/);
    expect(placementProblem(whole, { kind: 0, nodes: [0], counts: [1], milli: 1000 }, cluster!)).toBeUndefined();
  });

});
