// Job trace rows submitted after the horizon never enter the run. A stray early row (a 0 among
// epoch seconds) is the trace's origin: with a 1 h horizon the run submitted that one job of 51 and
// printed '1 submitted' beside 'trace: 51 rows, 51 jobs used', with no word of why.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';

const scenario = (horizon: string): string => `name: t
seed: 1
network: ideal
${horizon}datacentres:
  - name: dc
    node_groups: [{ name: g, count: 4, device: H100, devices_per_node: 8 }]
workloads:
  - trace:
      format: csv
      path: jobs.csv
      reference_device: H100
      mapping: { submit: submit, duration: duration, devices: gpus, id: id }
`;

const csv = `id,submit,duration,gpus\na,0,100,1\n${Array.from({ length: 50 }, (_, i) => `j${i},${1_700_000_000 + 10 * i},100,1`).join('\n')}\n`;
const warnings = (horizon: string, text = csv): string[] => loadScenario(scenario(horizon), 'dir/s.yaml', { readFile: () => text, baseDir: 'dir' }).warnings.map((w) => `${w.path}: ${w.message}`);

describe('job trace rows after the horizon', () => {
  it('are counted in a warning with the first one\'s line and time', () => {
    expect(warnings('horizon: 1h\n')).toEqual([
      "workloads[0].trace.path: 50 of the trace's 51 jobs are submitted after the horizon (60min) and never run, the first at line 3 (19700d into the run); 1 is submitted before it",
    ]);
  });

  it('say nothing without a horizon, or when every job comes before it', () => {
    expect(warnings('')).toEqual([]);
    expect(warnings('horizon: 1h\n', 'id,submit,duration,gpus\na,0,100,1\nb,3599,100,1\n')).toEqual([]);
  });
});

// A skipped row's submit time is still the trace's time 0 (so a filter never moves the other jobs):
// one job alone on one GPU for 1,000 s after a broken row at 0 read 'utilisation 50.0%' and a
// makespan of 33.3 min, with nothing said about the idle first 1,000 s.
describe("a trace whose first kept job comes after its time 0", () => {
  it('says when the first job is submitted, why, and the window that starts the run there', () => {
    const text = 'id,submit,duration,gpus\nbad,0,100,abc\na,1000,1000,1\nb,1500,10,1\n';
    expect(warnings('', text)).toEqual([
      "workloads[0].trace.path: its first job (line 3) is submitted 16.7min into the run: time 0 is the trace's earliest submit time, rows skipped or sampled out included, so the run opens on an idle pool that utilisation and effective_compute_ratio_pool count; `window: { start: 1000 }` starts the run at the first job",
    ]);
    // The window it suggests (and any window) says nothing more; a trace starting at its time 0 neither.
    const windowed = loadScenario(scenario('').replace('reference_device: H100', 'reference_device: H100\n      window: { start: 1000 }'), 'dir/s.yaml', { readFile: () => text, baseDir: 'dir' });
    expect(windowed.warnings).toEqual([]);
    expect(warnings('', 'id,submit,duration,gpus\na,0,100,1\nb,50,100,1\n')).toEqual([]);
  });
});
