// A readable summary of one run for the terminal; the CSV holds the exact figures.
import { NEAR_TIE_PERCENT } from '../model/near-tie-share.js';
import type { SummaryRow } from '../sim/metrics.js';
import { formatCount, formatDuration, formatMeasure, formatPercent, formatSI } from '../units/units.js';

const pct = formatPercent;
const dur = (x: number): string => (Number.isFinite(x) ? formatDuration(x) : '-');
const num = (x: number, digits = 1): string =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : '-';

export function formatSummary(s: SummaryRow): string {
  // A scenario of services alone has no job to time: its jobs' makespan, queueing delay and
  // completion time rows were all '-', a 'queueing delay' of jobs above the requests' own.
  const jobs = s.jobs_submitted > 0;
  const rows: [string, string][] = [
    ['scenario', `${s.scenario} (seed ${s.seed})`],
    ['policy', `${s.policy} + ${s.placement}`],
    ['jobs', jobs ? `${formatCount(s.jobs_submitted)} submitted, ${formatCount(s.jobs_completed)} completed, ${formatCount(s.jobs_rejected)} rejected, ${formatCount(s.jobs_unfinished)} unfinished` : 'none submitted'],
    // With jobs unfinished the column is the last completion, not the end of all the work.
    ...(jobs ? [['makespan', `${dur(s.makespan_s)}${s.jobs_unfinished > 0 ? ` (the last completion; ${formatCount(s.jobs_unfinished)} unfinished)` : ''}`] as [string, string]] : []),
    ['effective compute ratio', `${pct(s.effective_compute_ratio_pool)} of the pool, ${pct(s.effective_compute_ratio_allocated)} of allocated device-time`],
    ['utilisation', pct(s.utilisation)],
    ...(jobs
      ? ([
          ['queueing delay', `mean ${dur(s.queueing_delay_mean_s)}, p50 ${dur(s.queueing_delay_p50_s)}, p95 ${dur(s.queueing_delay_p95_s)}, p99 ${dur(s.queueing_delay_p99_s)}, max ${dur(s.queueing_delay_max_s)}${s.jobs_unfinished > 0 ? ' (jobs waiting at the end at their wait so far: at least these)' : ''}`],
          ['job completion time', `mean ${dur(s.jct_mean_s)}, p95 ${dur(s.jct_p95_s)}${s.jobs_unfinished > 0 ? ' (completed jobs only)' : ''}`],
        ] as [string, string][])
      : []),
    ['useful work', `${formatSI(s.useful_pflop * 1e15, 'FLOP')} (${formatMeasure(s.busy_device_hours)} busy device-hours)`],
    ['energy', energyText(s)],
  ];
  // Only a priced fabric: an unpriced preset leaves fabric_capex empty (docs/network.md).
  if (Number.isFinite(s.fabric_capex)) {
    // Prices carry no currency (the catalogue's are USD; a scenario's own may be any), so the capex
    // says whose unit it is in, as the energy cost does; on a line of its own, to fit 100 columns.
    rows.push(['fabric capex', `${num(s.fabric_capex, 0)} (equipment prices' currency; the catalogue's are USD)`]);
    rows.push(['fabric power', `${formatSI(s.fabric_kw * 1e3, 'W')}, ${formatSI(s.fabric_energy_kwh * 1e3, 'Wh')} over the run (not in energy above)`]);
  }
  if (s.failures > 0) rows.push(['failures', `${formatCount(s.failures)} (${formatSI(s.lost_pflop * 1e15, 'FLOP')} lost and redone)`]);
  // Periodic checkpoints and those written on preemption: a run that only preempted printed "failures 0".
  if (s.checkpoint_overhead_s > 0) rows.push(['checkpoints', `${dur(s.checkpoint_overhead_s)} writing them, summed over jobs`]);
  if (s.preemptions > 0) rows.push(['preemptions', formatCount(s.preemptions)]);
  // A result that rests on a layout the model cannot choose for certain says so (near-tie-share.ts NEAR_TIE_SHARE).
  if (s.layout_near_tie_jobs > 0) {
    rows.push(['layout near-ties', `${formatCount(s.layout_near_tie_jobs)} job${s.layout_near_tie_jobs === 1 ? '' : 's'} ran an automatic layout with a runner-up within ${NEAR_TIE_PERCENT} of its step (the model's mean error): either could be the faster (poolsim explain names it)`]);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

/** Energy, then its cost and CO2 where the scenario gives the sites' price and carbon intensity. */
function energyText(s: SummaryRow): string {
  const parts = [formatSI(s.energy_kwh * 1e3, 'Wh')];
  const cost = Number.isFinite(s.energy_cost);
  const co2 = Number.isFinite(s.co2_kg);
  // electricity_price carries no currency (a scenario's own, the same at every site), so the
  // cost says whose unit it is in rather than passing for dollars or euros.
  if (cost) parts.push(`cost ${num(s.energy_cost, 2)} (electricity_price's currency)`);
  if (co2) parts.push(`${s.co2_kg >= 1e4 ? `${num(s.co2_kg / 1e3)} t` : `${num(s.co2_kg)} kg`} CO2`);
  const missing = [cost ? '' : 'electricity_price', co2 ? '' : 'carbon_intensity'].filter((x) => x !== '');
  if (missing.length > 0) parts.push(`${cost || co2 ? (cost ? 'CO2' : 'cost') : 'cost and CO2'} not counted (${missing.join(' and ')} not given for every site)`);
  return parts.join(', ');
}
