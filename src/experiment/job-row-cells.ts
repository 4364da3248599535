// jobs.csv's row, written cell by cell with each field read by name: the same characters as the
// generic row writer (CsvOutput: the cells of JOB_COLUMNS through writeCell), without a heap number
// per number cell. The generic writer reads `row[column]`, a keyed load that boxes every double it
// reads (sixteen per job row); here a number field is stored into a typed array and written from
// there (writeNumberAt), so it stays unboxed from the row to the bytes.
import type { JobRow } from '../sim/metrics.js';
import { formatCell, writeCell, writeNumberAt, writePlainText, type CellSink } from './csv.js';

const TEXT_CELLS: ReadonlySet<keyof JobRow> = new Set(['job_id', 'kind', 'device_kind', 'datacentre', 'placement_span', 'status', 'reason', 'layout']);

/** The columns writeJobRow writes, in its order (a test holds it to JOB_COLUMNS). */
export const JOB_ROW_CELLS: readonly (keyof JobRow)[] = [
  'job_id',
  'kind',
  'submit_s',
  'start_s',
  'finish_s',
  'queueing_delay_s',
  'requeued_s',
  'preemptions',
  'devices',
  'device_kind',
  'datacentre',
  'useful_pflop',
  'effective_compute_ratio',
  'step_time_s',
  'comm_fraction',
  'compute_s',
  'exposed_comm_s',
  'bubble_s',
  'memory_gib',
  'placement_span',
  'failures',
  'lost_pflop',
  'checkpoint_overhead_s',
  'effective_training_fraction',
  'status',
  'reason',
  'layout',
];

/** The row's number cells, in column order, copied out of the row unboxed. */
export const JOB_NUMBER_CELLS: readonly (keyof JobRow)[] = JOB_ROW_CELLS.filter((c) => !TEXT_CELLS.has(c));
const N = new Float64Array(JOB_NUMBER_CELLS.length);

/** writeJobRow's answer for a row it leaves to the caller (a number column holding something else). */
export const NOT_A_JOB_ROW = -2;
/** writeJobRow's answer for a row written. */
export const WRITTEN = -1;

/**
 * Append the row's cells, comma-separated, without the line's end, and return WRITTEN. Writes
 * nothing and returns the index in JOB_NUMBER_CELLS of the first infinite number (CSV refuses
 * those), or NOT_A_JOB_ROW when a number column holds something else (not what MetricsRecorder
 * makes), for the caller to write the row cell by cell.
 */
export function writeJobRow(out: CellSink, r: JobRow): number {
  if (
    typeof r.submit_s !== 'number' ||
    typeof r.start_s !== 'number' ||
    typeof r.finish_s !== 'number' ||
    typeof r.queueing_delay_s !== 'number' ||
    typeof r.requeued_s !== 'number' ||
    typeof r.preemptions !== 'number' ||
    typeof r.devices !== 'number' ||
    typeof r.useful_pflop !== 'number' ||
    typeof r.effective_compute_ratio !== 'number' ||
    typeof r.step_time_s !== 'number' ||
    typeof r.comm_fraction !== 'number' ||
    typeof r.compute_s !== 'number' ||
    typeof r.exposed_comm_s !== 'number' ||
    typeof r.bubble_s !== 'number' ||
    typeof r.memory_gib !== 'number' ||
    typeof r.failures !== 'number' ||
    typeof r.lost_pflop !== 'number' ||
    typeof r.checkpoint_overhead_s !== 'number' ||
    typeof r.effective_training_fraction !== 'number'
  ) {
    return NOT_A_JOB_ROW;
  }
  const n = N;
  n[0] = r.submit_s;
  n[1] = r.start_s;
  n[2] = r.finish_s;
  n[3] = r.queueing_delay_s;
  n[4] = r.requeued_s;
  n[5] = r.preemptions;
  n[6] = r.devices;
  n[7] = r.useful_pflop;
  n[8] = r.effective_compute_ratio;
  n[9] = r.step_time_s;
  n[10] = r.comm_fraction;
  n[11] = r.compute_s;
  n[12] = r.exposed_comm_s;
  n[13] = r.bubble_s;
  n[14] = r.memory_gib;
  n[15] = r.failures;
  n[16] = r.lost_pflop;
  n[17] = r.checkpoint_overhead_s;
  n[18] = r.effective_training_fraction;
  for (let i = 0; i < n.length; i++) if (n[i] === Infinity || n[i] === -Infinity) return i;
  writeCell(out, r.job_id);
  out.appendCode(44);
  writeCell(out, r.kind);
  for (let i = 0; i <= 6; i++) {
    out.appendCode(44);
    writeNumberAt(out, n, i);
  }
  out.appendCode(44);
  writeCell(out, r.device_kind);
  out.appendCode(44);
  writeCell(out, r.datacentre);
  for (let i = 7; i <= 14; i++) {
    out.appendCode(44);
    writeNumberAt(out, n, i);
  }
  out.appendCode(44);
  writeCell(out, r.placement_span);
  for (let i = 15; i <= 18; i++) {
    out.appendCode(44);
    writeNumberAt(out, n, i);
  }
  out.appendCode(44);
  writeCell(out, r.status);
  out.appendCode(44);
  writeTextCell(out, r.reason, REASON);
  out.appendCode(44);
  writeTextCell(out, r.layout, LAYOUT);
  return WRITTEN;
}

/**
 * Quoted cells of a column by text, as bytes (ASCII only), up to QUOTED_KEPT texts: a rejection's
 * reason is hundreds of characters with commas, and a few such texts repeat over many jobs.
 */
const QUOTED_KEPT = 64;
const REASON = new Map<string, Uint8Array>();
const LAYOUT = new Map<string, Uint8Array>();

/**
 * writeCell(out, v) for a text column whose values often repeat and need quoting: the quoted cell
 * is copied from `kept` when the text was quoted before, rather than quoted again.
 */
function writeTextCell(out: CellSink, v: unknown, kept: Map<string, Uint8Array>): void {
  if (typeof v !== 'string') return writeCell(out, v);
  if (writePlainText(out, v)) return;
  const bytes = kept.get(v);
  if (bytes !== undefined) {
    out.appendBytes(bytes, 0, bytes.length);
    return;
  }
  const cell = formatCell(v);
  out.append(cell);
  for (let i = 0; i < cell.length; i++) if (cell.charCodeAt(i) > 0x7f) return;
  if (kept.size >= QUOTED_KEPT) kept.clear();
  kept.set(v, Buffer.from(cell, 'latin1'));
}
