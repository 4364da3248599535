// compare and sweep say under their table when runs had jobs on near-tie layouts, as `poolsim run`
// says beside its summary: roce-vs-ib's IB-against-RoCE sweep showed a 0.04-point lead of ECR with
// no word that 34 to 50 jobs of every run ran a layout the model cannot tell from its runner-up.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Table } from '../src/experiment/csv-table.js';
import { nearTieNote } from '../src/experiment/near-tie-note.js';
import { NEAR_TIE_PERCENT } from '../src/model/near-tie-share.js';
import { buildReport } from '../src/experiment/report.js';
import { poolsim, repoPath } from './helpers.js';

const runs = (cells: string[]): Table => ({ header: ['run', 'scenario', 'layout_near_tie_jobs'], rows: cells.map((c, i) => [String(i), 's', c]) });

describe('the near-tie note under an experiment table', () => {
  it('counts the runs and gives the range of near-tie jobs a run', () => {
    const text = nearTieNote(runs(['34', '0', '50', '']));
    expect(text).toMatch(/^ {2}note: 2 of the 4 runs had jobs on an automatic layout whose runner-up was within /);
    expect(text.replace(/\n {2}/g, ' ')).toContain(`within ${NEAR_TIE_PERCENT} of its step`);
    expect(text.replace(/\n {2}/g, ' ')).toContain('layout_near_tie_jobs: 34 to 50 a run): either could be the faster');
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
  });

  it('is in the HTML report too', async () => {
    const summary: Table = { header: ['scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'], rows: [] };
    const html = await buildReport({ title: 't', runs: { header: ['run', 'scenario', 'policy', 'placement', 'seed', 'layout_near_tie_jobs'], rows: [['0', 's', 'fifo', 'first-fit', '1', '19']] }, summary });
    expect(html).toContain(`<p class="hint">1 of the 1 runs had jobs on an automatic layout whose runner-up was within ${NEAR_TIE_PERCENT} of its step`);
  });

  it('says nothing when no run had one, or runs.csv lacks the column', () => {
    expect(nearTieNote(runs(['0', '0']))).toBe('');
    expect(nearTieNote({ header: ['run'], rows: [['0']] })).toBe('');
  });

  it('is printed by sweep under its table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-near-tie-')), 'out');
    const shown = poolsim('sweep', repoPath('scenarios/roce-vs-ib.yaml'), '--set', 'datacentres[0].fabric=RoCE-400G', '--seeds', '1', '--metrics', 'effective_compute_ratio_allocated', '--out', out);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/lower\)\n {2}note: 1 of the 1 runs had jobs on an automatic layout/);
  });
});
