// A job that gives no layout runs the fastest layout that fits (model/layout-search.ts,
// fastestLayout); the loader's checks of such a job (model/training-fit.ts) searched another one,
// the old greedy autoLayout (widest tensor groups, then the fewest stages), and so named a layout
// the run does not use, or refused a job the run could run.
import { describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (job: string): string => `name: automatic-layout-notes
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h100, count: 8, device: H100 }]
workloads:
  - jobs:
      - ${job}
`;

describe("the loader's notes on an automatic layout name the layout the run uses", () => {
  it('a tight fit: the note names the run’s layout and its memory', () => {
    // 64B on 16 H100: the greedy search found nothing that fits (tp 8 x pp 2 x dp 1) and refused
    // the job; the run uses tp 2 x cp 4 x dp 2 with ZeRO-3 (94% of the H100's 79.6 GiB).
    const r = scenarioFromText(pool('{ name: a, devices: 16, params: 64.4B, tokens: 1B }'));
    const ran = runToCsv(r).jobs[0]!;
    expect(ran.layout).toMatch(/^tp2 pp1 dp2 cp4 zero3 /);
    const notes = r.warnings.map(formatIssue).filter((w) => w.includes('automatic layout'));
    expect(notes).toEqual([expect.stringMatching(/: its automatic layout tp 2 x cp 4 x pp 1 x dp 2 zero 3: /)]);
    expect(notes[0]).toContain(`needs ${ran.memory_gib.toFixed(1)} GiB per device, 94% of the 79.6 GiB of each H100`);
  });

  it('a job only a layout beyond the greedy one fits is run, not refused', () => {
    // 31B with 128K-token sequences on 64 H100: every greedy (tp 8) layout needs more than an H100
    // holds (tp 8 x pp 2 x dp 4: 108 GiB); tp 1 x pp 8 x dp 8 with ZeRO-2 fits (70 GiB), and the run
    // uses it. The loader refused the job ("no layout of 64 devices fits").
    const text = pool('{ name: b, devices: 64, params: 31B, tokens: 1B, model: { seq_len: 131072, global_batch: 4194304, recompute: true } }');
    let r;
    try {
      r = scenarioFromText(text);
    } catch (e) {
      throw new Error(e instanceof InputError ? e.issues.map(formatIssue).join('\n') : String(e));
    }
    const ran = runToCsv(r).jobs[0]!;
    expect(ran.status).toBe('completed');
    expect(ran.layout).toMatch(/^tp1 pp8 dp8 zero2 /);
  });
});
