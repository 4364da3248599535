// jobs.csv rows on their way from the thread that simulates to the thread that saves them, half
// written: each row's text cells as their CSV bytes (written where the row is made) and its number
// cells as doubles, both in typed arrays handed over by transfer, not copied. Formatting a million
// rows' numbers is about a seventh of a large run's simulating thread; sent as values, the saving
// thread, which otherwise waits, does it in parallel. Both threads write rows with the one writer
// (writeJobTexts, then writeJobCells), so the bytes are those a run in one thread writes.
import type { JobRow } from '../sim/metrics.js';
import { JOB_ROW_NUMBERS, JOB_ROW_TEXTS, packJobNumbers, writeJobCells, writeJobTexts, NOT_A_JOB_ROW, WRITTEN } from './job-row-cells.js';
import { TextChunk } from './text-chunk.js';

/**
 * Rows in row order: rows x JOB_ROW_NUMBERS numbers, and the text cells' bytes one after another
 * (ASCII), cell k of the batch ending at ends[k] (rows x JOB_ROW_TEXTS ends). The three are views
 * of one buffer (`buffer`: numbers, then ends, then texts), so that a batch sent to another thread
 * transfers one buffer: a worker transferring three per batch spent about 1 ms of its thread in
 * each postMessage on W2 (a million rows, about 1,000 batches), a fifth of that with one.
 */
export interface JobRowBatch {
  rows: number;
  nums: Float64Array;
  texts: Uint8Array;
  ends: Int32Array;
  /** The buffer under nums, texts and ends: what a postMessage transfers (or shares: RowSlots). */
  buffer: ArrayBuffer | SharedArrayBuffer;
}

/** Where a batcher puts each batch it hands out: a buffer of at least `bytes` (a new ArrayBuffer by default). */
export type RowBufferSource = (bytes: number) => ArrayBuffer | SharedArrayBuffer;

/** Rows per batch: about 230 KB of text for a typical row, 152 KB of numbers. */
export const JOB_ROW_BATCH_ROWS = 1024;

/** Packs job rows into batches of JOB_ROW_BATCH_ROWS. */
export class JobRowBatcher {
  private readonly nums = new Float64Array(JOB_ROW_BATCH_ROWS * JOB_ROW_NUMBERS);
  private readonly ends = new Int32Array(JOB_ROW_BATCH_ROWS * JOB_ROW_TEXTS);
  private readonly texts = new TextChunk();
  private rows = 0;

  constructor(private readonly bufferFor: RowBufferSource = (bytes) => new ArrayBuffer(bytes)) {}

  get full(): boolean {
    return this.rows === JOB_ROW_BATCH_ROWS;
  }

  /**
   * Add the row and return WRITTEN, or leave the batch as it was and return what packJobNumbers
   * returned (an infinite number's index, or NOT_A_JOB_ROW), or NOT_A_JOB_ROW when a text cell is
   * beyond ASCII: the caller writes such a row as text. Never called when full.
   */
  add(r: JobRow): number {
    const packed = packJobNumbers(r, this.nums, this.rows * JOB_ROW_NUMBERS);
    if (packed !== WRITTEN) return packed;
    if (!writeJobTexts(this.texts, r, this.ends, this.rows * JOB_ROW_TEXTS)) return NOT_A_JOB_ROW;
    this.rows++;
    return WRITTEN;
  }

  /**
   * The rows added since the last take (none: undefined), copied into one buffer from the
   * batcher's source (the batch's own, unless the source reuses buffers); the batcher starts a new batch.
   */
  take(): JobRowBatch | undefined {
    const rows = this.rows;
    if (rows === 0) return undefined;
    const numCount = rows * JOB_ROW_NUMBERS;
    const endCount = rows * JOB_ROW_TEXTS;
    const textBytes = this.texts.pos;
    // Numbers first: every view starts at a multiple of its element size.
    const buffer = this.bufferFor(numCount * 8 + endCount * 4 + textBytes);
    const nums = new Float64Array(buffer, 0, numCount);
    const ends = new Int32Array(buffer, numCount * 8, endCount);
    const texts = new Uint8Array(buffer, numCount * 8 + endCount * 4, textBytes);
    nums.set(this.nums.subarray(0, numCount));
    ends.set(this.ends.subarray(0, endCount));
    // Exactly the bytes written (the chunk's buffer may be larger, or pooled).
    texts.set(this.texts.bytes.subarray(0, textBytes));
    this.texts.truncateToBytes(0);
    this.rows = 0;
    return { rows, nums, texts, ends, buffer };
  }
}

const chunk = new TextChunk();

/** The batch's rows as jobs.csv's lines (each ending in a newline). */
export function formatJobRowBatch(batch: JobRowBatch): string {
  formatInto(batch);
  return chunk.take();
}

/**
 * The batch's rows as jobs.csv's bytes (UTF-8, as a file written with formatJobRowBatch's text
 * holds them): a view of one buffer reused for every batch, valid until the next call. A batch's
 * cells are ASCII, so no text is made: the saving thread hashes and writes the bytes as they are.
 */
export function formatJobRowBatchBytes(batch: JobRowBatch): Uint8Array {
  formatInto(batch);
  // Never taken: writeJobTexts keeps a text cell beyond ASCII out of batches.
  if (!chunk.allBytes) return Buffer.from(chunk.take(), 'utf8');
  const bytes = chunk.bytes.subarray(0, chunk.pos);
  chunk.truncateToBytes(0);
  return bytes;
}

function formatInto(batch: JobRowBatch): void {
  const { rows, nums, texts, ends } = batch;
  if (!(rows >= 0 && nums.length === rows * JOB_ROW_NUMBERS && ends.length === rows * JOB_ROW_TEXTS && (rows === 0 || ends[ends.length - 1] === texts.length))) {
    throw new Error(`internal: a batch of ${rows} job rows with ${nums.length} numbers, ${ends.length} text cells and ${texts.length} text bytes`);
  }
  for (let i = 0; i < rows; i++) {
    const endAt = i * JOB_ROW_TEXTS;
    writeJobCells(chunk, nums, i * JOB_ROW_NUMBERS, texts, i === 0 ? 0 : ends[endAt - 1]!, ends, endAt);
    chunk.appendCode(10); // '\n'
  }
}
