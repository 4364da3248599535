// A scenario that replays a CSV trace, written into a folder for the built CLI: a trace `t.csv`
// (id, submit, duration, gpus) and `s.yaml`, one site of two H100 nodes, that reads it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `trace` as `dir`/t.csv and the scenario `name` replaying it as `dir`/s.yaml; returns the scenario's path. */
export function writeCsvTraceScenario(dir: string, name: string, trace: string): string {
  writeFileSync(join(dir, 't.csv'), trace);
  const scenario = join(dir, 's.yaml');
  writeFileSync(
    scenario,
    `name: ${name}\ndatacentres:\n  - { name: dc, node_groups: [{ count: 2, device: H100 }] }\nworkloads:\n  - trace: { format: csv, path: t.csv, reference_device: H100, mapping: { submit: submit, duration: duration, devices: gpus, id: id } }\n`,
  );
  return scenario;
}
