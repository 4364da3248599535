// Which jobs a failing device stops: every job placed on it. A GPU shared by several pods has no
// one owner; the simulator kept the last sharer to start as its owner and cleared the entry when
// that pod ended, so a failure of the device while the first pod still ran there stopped nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { readInputFile } from '../src/scenario/read-input-file.js';
import { Simulation } from '../src/sim/simulation.js';

function sharedScenario(failures: string): Simulation {
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-share-'));
  // a: half a GPU for 10 h from 0 s; b: the other half for 1 h from 60 s.
  writeFileSync(join(dir, 'pods.csv'), 'id,submit,duration,gpus,milli\na,0,36000,1,500\nb,60,3600,1,500\n');
  const text = `name: shared
seed: 1
network: ideal
datacentres:
  - { name: dc, node_groups: [{ name: g, count: 1, device: H100 }] }
workloads:
  - trace: { format: csv, path: pods.csv, reference_device: H100, mapping: { id: id, submit: submit, duration: duration, devices: gpus, gpu_milli: milli } }
${failures}`;
  return new Simulation(loadScenario(text, join(dir, 's.yaml'), { readFile: readInputFile, baseDir: dir }), {});
}

describe('jobs on a shared device', () => {
  for (const [label, failures] of [
    ['kept from the start (a scenario with failures)', 'failures:\n  devices:\n    H100: { mtbf: 1000000d, repair: 1h }\n'],
    ['built at the first question (no failures)', ''],
  ] as const) {
    it(`${label}: the first sharer is still found after the last one ends`, () => {
      const sim = sharedScenario(failures);
      const seen: Record<string, string[]> = {};
      for (const t of [1800, 7200]) {
        sim.engine.daemonAt(t, () => {
          const a = sim.running.find((j) => j.name === 'a')!;
          const dev = a.placement!.device!;
          seen[t] = sim.jobsOnDevice(dev).map((j) => j.name).sort();
        });
      }
      sim.run();
      expect(seen[1800]).toEqual(['a', 'b']);
      expect(seen[7200]).toEqual(['a']);
    });
  }
});
