// Invariants on the committed results of every bundled scenario (test/golden, which golden.test.ts
// holds the runs to byte for byte): `UPDATE_GOLDEN=1` would otherwise bless any number a change
// makes. Every number finite and none negative, ratios and fractions in [0, 1], jobs conserved
// (completed + rejected + unfinished = submitted, one jobs.csv row each, the statuses adding up to
// the summary's counts), and each job's times in order (submit <= start <= finish).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

type Row = Record<string, string>;

function table(text: string): Row[] {
  // Golden cells carry no quotes except the layout's and reasons' (no comma inside any checked here).
  const [head, ...lines] = text.trimEnd().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

const FRACTIONS = new Set(['utilisation', 'effective_compute_ratio_pool', 'effective_compute_ratio_allocated', 'gpu_fragmentation_mean', 'effective_compute_ratio', 'comm_fraction', 'effective_training_fraction', 'device_share']);

/** What is wrong with a summary row and its jobs rows (empty: nothing). */
function problems(summary: Row, jobs: Row[] | undefined): string[] {
  const out: string[] = [];
  const numbers = (r: Row, who: string) => {
    for (const [k, v] of Object.entries(r)) {
      if (v === '' || !/^[-+0-9.eE]+$|^-?inf$|^NaN$/.test(v)) continue;
      const x = v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
      if (!Number.isFinite(x)) out.push(`${who} ${k}=${v}: not finite`);
      else if (x < 0) out.push(`${who} ${k}=${v}: negative`);
      else if (FRACTIONS.has(k) && x > 1 + 1e-9) out.push(`${who} ${k}=${v}: above 1`);
    }
  };
  numbers(summary, 'summary');
  const n = (k: string) => Number(summary[k]);
  if (n('jobs_completed') + n('jobs_rejected') + n('jobs_unfinished') !== n('jobs_submitted')) out.push(`summary: completed ${n('jobs_completed')} + rejected ${n('jobs_rejected')} + unfinished ${n('jobs_unfinished')} != submitted ${n('jobs_submitted')}`);
  if (jobs) {
    if (jobs.length !== n('jobs_submitted')) out.push(`jobs.csv: ${jobs.length} rows, ${n('jobs_submitted')} submitted`);
    const completed = jobs.filter((j) => j.status === 'completed').length;
    const rejected = jobs.filter((j) => j.status === 'rejected').length;
    if (completed !== n('jobs_completed')) out.push(`jobs.csv: ${completed} completed, summary ${n('jobs_completed')}`);
    if (rejected !== n('jobs_rejected')) out.push(`jobs.csv: ${rejected} rejected, summary ${n('jobs_rejected')}`);
    for (const j of jobs) {
      numbers(j, `job ${j.job_id}`);
      const [submit, start, finish] = [j.submit_s, j.start_s, j.finish_s].map((v) => (v === '' || v === undefined ? undefined : Number(v)));
      if (start !== undefined && submit !== undefined && start < submit) out.push(`job ${j.job_id}: starts at ${start}, before its submit ${submit}`);
      if (finish !== undefined && start !== undefined && finish < start) out.push(`job ${j.job_id}: finishes at ${finish}, before its start ${start}`);
      if (j.status === 'completed' && finish === undefined) out.push(`job ${j.job_id}: completed without a finish`);
    }
  }
  return out;
}

const dir = repoPath('test/golden');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.summary.csv'))
  .map((f) => f.replace(/\.summary\.csv$/, ''))
  .sort();

describe('invariants of the bundled scenarios\' committed results', () => {
  it('the checker finds each kind of problem (on rows broken by hand)', () => {
    const ok: Row = { jobs_submitted: '2', jobs_completed: '1', jobs_rejected: '0', jobs_unfinished: '1', utilisation: '0.5', makespan_s: '10' };
    const jobs: Row[] = [
      { job_id: 'a', submit_s: '0', start_s: '1', finish_s: '10', status: 'completed', effective_compute_ratio: '0.4' },
      { job_id: 'b', submit_s: '5', start_s: '', finish_s: '', status: 'unfinished' },
    ];
    expect(problems(ok, jobs)).toEqual([]);
    expect(problems({ ...ok, utilisation: '1.2' }, jobs)).toEqual(['summary utilisation=1.2: above 1']);
    expect(problems({ ...ok, makespan_s: '-3' }, jobs)).toEqual(['summary makespan_s=-3: negative']);
    expect(problems({ ...ok, energy_kwh: 'inf' }, jobs)).toEqual(['summary energy_kwh=inf: not finite']);
    expect(problems({ ...ok, jobs_unfinished: '0' }, jobs)[0]).toMatch(/!= submitted 2/);
    expect(problems(ok, [{ ...jobs[0]!, start_s: '12' }, jobs[1]!])).toEqual(['job a: finishes at 10, before its start 12']);
    expect(problems(ok, [jobs[0]!])).toContain('jobs.csv: 1 rows, 2 submitted');
  });

  it.each(names)('%s', (name) => {
    const summary = table(readFileSync(`${dir}/${name}.summary.csv`, 'utf8'));
    let jobs: Row[] | undefined;
    try {
      jobs = table(readFileSync(`${dir}/${name}.jobs.csv`, 'utf8'));
    } catch {
      jobs = undefined; // large scenarios keep no jobs.csv golden
    }
    expect(summary).toHaveLength(1);
    expect(problems(summary[0]!, jobs)).toEqual([]);
  });
});
