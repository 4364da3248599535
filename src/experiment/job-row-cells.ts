// jobs.csv's row, written cell by cell with each field read by name: the same characters as the
// generic row writer (CsvOutput: the cells of JOB_COLUMNS through writeCell), without a heap number
// per number cell. The generic writer reads `row[column]`, a keyed load that boxes every double it
// reads (one per number cell: JOB_ROW_NUMBERS, twenty per job row
// since device_share); here a number field is stored into a typed array and written from
// there (writeNumberAt), so it stays unboxed from the row to the bytes.
import type { JobRow } from '../sim/metrics.js';
import { formatCell, writeCell, writeNumberAt, writePlainText, type CellSink } from './csv.js';
import { TextChunk } from './text-chunk.js';

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
  'device_share',
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

/** How many number cells a job row has (JOB_NUMBER_CELLS), and its text cells (the other columns). */
export const JOB_ROW_NUMBERS = JOB_NUMBER_CELLS.length;
export const JOB_ROW_TEXTS = JOB_ROW_CELLS.length - JOB_ROW_NUMBERS;

/**
 * Copy the row's number cells into `nums` from `at` (JOB_ROW_NUMBERS of them, in column order) and
 * return WRITTEN; or return the index in JOB_NUMBER_CELLS of the first infinite number (CSV refuses
 * those), or NOT_A_JOB_ROW when a number column holds something else (not what MetricsRecorder
 * makes), for the caller to write the row cell by cell. What `nums` holds is then unspecified.
 */
export function packJobNumbers(r: JobRow, nums: Float64Array, at: number): number {
  if (
    typeof r.submit_s !== 'number' ||
    typeof r.start_s !== 'number' ||
    typeof r.finish_s !== 'number' ||
    typeof r.queueing_delay_s !== 'number' ||
    typeof r.requeued_s !== 'number' ||
    typeof r.preemptions !== 'number' ||
    typeof r.devices !== 'number' ||
    typeof r.device_share !== 'number' ||
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
  const n = nums;
  n[at] = r.submit_s;
  n[at + 1] = r.start_s;
  n[at + 2] = r.finish_s;
  n[at + 3] = r.queueing_delay_s;
  n[at + 4] = r.requeued_s;
  n[at + 5] = r.preemptions;
  n[at + 6] = r.devices;
  n[at + 7] = r.device_share;
  n[at + 8] = r.useful_pflop;
  n[at + 9] = r.effective_compute_ratio;
  n[at + 10] = r.step_time_s;
  n[at + 11] = r.comm_fraction;
  n[at + 12] = r.compute_s;
  n[at + 13] = r.exposed_comm_s;
  n[at + 14] = r.bubble_s;
  n[at + 15] = r.memory_gib;
  n[at + 16] = r.failures;
  n[at + 17] = r.lost_pflop;
  n[at + 18] = r.checkpoint_overhead_s;
  n[at + 19] = r.effective_training_fraction;
  for (let i = 0; i < JOB_ROW_NUMBERS; i++) if (n[at + i] === Infinity || n[at + i] === -Infinity) return i;
  return WRITTEN;
}

/**
 * Write the row's text cells (the columns that are not numbers, in column order) one after another
 * into `out`, without separators, each cell's end (`out.pos` after it) in `ends[at + c]`, and return
 * true. A cell beyond ASCII leaves `out` as it was and returns false (the caller writes the row cell
 * by cell). `out` holds only ASCII bytes when called (its text is all in `out.bytes`).
 */
export function writeJobTexts(out: TextChunk, r: JobRow, ends: Int32Array, at: number): boolean {
  const start = out.pos;
  writeCell(out, r.job_id);
  ends[at] = out.pos;
  writeCell(out, r.kind);
  ends[at + 1] = out.pos;
  writeCell(out, r.device_kind);
  ends[at + 2] = out.pos;
  writeCell(out, r.datacentre);
  ends[at + 3] = out.pos;
  writeCell(out, r.placement_span);
  ends[at + 4] = out.pos;
  writeCell(out, r.status);
  ends[at + 5] = out.pos;
  writeTextCell(out, r.reason, REASON);
  ends[at + 6] = out.pos;
  writeTextCell(out, r.layout, LAYOUT);
  ends[at + 7] = out.pos;
  if (out.allBytes) return true;
  out.truncateToBytes(start);
  return false;
}

const TEXTS = new TextChunk();
const ENDS = new Int32Array(JOB_ROW_TEXTS);

/**
 * Append the row's cells, comma-separated, without the line's end, and return WRITTEN. Writes
 * nothing and returns what packJobNumbers returns when that is not WRITTEN, or NOT_A_JOB_ROW when
 * a text cell is beyond ASCII.
 */
export function writeJobRow(out: CellSink, r: JobRow): number {
  const packed = packJobNumbers(r, N, 0);
  if (packed !== WRITTEN) return packed;
  if (!writeJobTexts(TEXTS, r, ENDS, 0)) return NOT_A_JOB_ROW;
  writeJobCells(out, N, 0, TEXTS.bytes, 0, ENDS, 0);
  TEXTS.truncateToBytes(0);
  return WRITTEN;
}

/**
 * Append one job row's cells, comma-separated, without the line's end: its numbers from
 * `nums[numAt ..]` as packJobNumbers left them, its text cells from `texts[textFrom ..
 * ends[endAt + 7])` as writeJobTexts left them. The one writer of job rows, whether a row is written
 * where it is made or sent elsewhere (a worker's rows are written by the thread that saves them:
 * JobRowBatch).
 */
export function writeJobCells(out: CellSink, nums: Float64Array, numAt: number, texts: Uint8Array, textFrom: number, ends: Int32Array, endAt: number): void {
  out.appendBytes(texts, textFrom, ends[endAt]!);
  out.appendCode(44);
  out.appendBytes(texts, ends[endAt]!, ends[endAt + 1]!);
  for (let i = 0; i <= 7; i++) {
    out.appendCode(44);
    writeNumberAt(out, nums, numAt + i);
  }
  out.appendCode(44);
  out.appendBytes(texts, ends[endAt + 1]!, ends[endAt + 2]!);
  out.appendCode(44);
  out.appendBytes(texts, ends[endAt + 2]!, ends[endAt + 3]!);
  for (let i = 8; i <= 15; i++) {
    out.appendCode(44);
    writeNumberAt(out, nums, numAt + i);
  }
  out.appendCode(44);
  out.appendBytes(texts, ends[endAt + 3]!, ends[endAt + 4]!);
  for (let i = 16; i <= 19; i++) {
    out.appendCode(44);
    writeNumberAt(out, nums, numAt + i);
  }
  for (let c = 5; c < JOB_ROW_TEXTS; c++) {
    out.appendCode(44);
    out.appendBytes(texts, ends[endAt + c - 1]!, ends[endAt + c]!);
  }
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
