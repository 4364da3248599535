// A scenario's fingerprint (manifest.json's scenario_sha256, runs.csv's column, `check --baseline`'s
// staleness test) covers the files it reads. Traces read in pieces were left out: editing the
// trace a scenario replays left the fingerprint as it was, so a stale baseline passed as current.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioForRun } from '../src/experiment/load-for-run.js';
import { readInputFile, readInputPieces } from '../src/scenario/read-input-file.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-fp-'));
const scenario = `name: fp
datacentres:
  - name: dc
    node_groups:
      - { name: n, count: 4, device: H100 }
workloads:
  - trace:
      format: csv
      path: t.csv
      mapping: { submit: submit, duration: duration, devices: devices }
      reference_device: H100
`;
const file = join(dir, 'fp.yaml');
writeFileSync(file, scenario);

const fingerprint = (pieces: boolean): string =>
  loadScenarioForRun(scenario, file, { readFile: readInputFile, ...(pieces ? { readPieces: readInputPieces } : {}), baseDir: dir }).fingerprint;

describe('the fingerprint of a scenario whose trace is read in pieces', () => {
  it('changes when the trace does, and equals the one from the trace read whole', () => {
    writeFileSync(join(dir, 't.csv'), 'submit,duration,devices\n0,3600,8\n10,60,4\n');
    const before = fingerprint(true);
    expect(before).toBe(fingerprint(false));
    writeFileSync(join(dir, 't.csv'), 'submit,duration,devices\n0,3600,8\n10,60,2\n');
    const after = fingerprint(true);
    expect(after).not.toBe(before);
    expect(after).toBe(fingerprint(false));
  });
});
