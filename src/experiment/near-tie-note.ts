// What compare's and sweep's table rests on when runs had jobs on near-tie layouts: `poolsim run`
// says so beside its summary, the experiment's table said nothing (roce-vs-ib's IB-against-RoCE
// sweep: 34 to 50 such jobs in every run, under a 0.04-point difference of ECR).
import { NEAR_TIE_PERCENT } from '../model/near-tie-share.js';
import { cellNumber, type Table } from './csv-table.js';
import { wrapNote } from './text-table.js';

/** The note under the table ('' when no run had a near-tie job or runs.csv lacks the column). */
export function nearTieNote(runs: Table): string {
  const text = nearTieText(runs);
  return text === '' ? '' : wrapNote(`note: ${text}`);
}

/** The note's text, unwrapped (the HTML report shows it too). */
export function nearTieText(runs: Table): string {
  const at = runs.header.indexOf('layout_near_tie_jobs');
  if (at < 0) return '';
  const counts = runs.rows.map((r) => cellNumber(r[at]!)).filter((v) => Number.isFinite(v) && v > 0);
  if (counts.length === 0) return '';
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const each = lo === hi ? `${lo.toLocaleString('en-US')}` : `${lo.toLocaleString('en-US')} to ${hi.toLocaleString('en-US')}`;
  return (
    `${counts.length.toLocaleString('en-US')} of the ${runs.rows.length.toLocaleString('en-US')} runs had jobs on an automatic layout whose runner-up was within ${NEAR_TIE_PERCENT} of its step (the model's mean error; layout_near_tie_jobs: ${each} a run): either could be the faster, so a difference between runs that rests on those jobs rests on a choice the model cannot make for certain (poolsim explain names the layouts)`
  );
}
