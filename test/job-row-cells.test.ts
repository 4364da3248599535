// jobs.csv rows through writeJobRow (each number cell kept unboxed) are the generic row's characters:
// csvLine(rowValues(row, JOB_COLUMNS)), for arbitrary rows (any doubles, text needing quotes, a
// column holding something other than a number), and a row with an infinite number is refused at
// the same column as the generic writer refuses it, with nothing of it left in the file. The same
// holds for rows sent as batches of values (a worker's jobs.csv: JobRowBatch), across batches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { formatJobRowBatch, formatJobRowBatchBytes, JOB_ROW_BATCH_ROWS, JobRowBatcher, type JobRowBatch } from '../src/experiment/job-row-batch.js';
import { JOB_NUMBER_CELLS, JOB_ROW_CELLS, NOT_A_JOB_ROW, WRITTEN, writeJobRow } from '../src/experiment/job-row-cells.js';
import { NonFiniteResultError, attachOutputs } from '../src/experiment/output-sinks.js';
import { TextChunk } from '../src/experiment/text-chunk.js';
import { JOB_COLUMNS, type JobRow } from '../src/sim/metrics.js';
import { Signals } from '../src/sim/signals.js';
import type { Simulation } from '../src/sim/simulation.js';

const TEXT = new Set<string>(['job_id', 'kind', 'device_kind', 'datacentre', 'placement_span', 'status', 'reason', 'layout']);

const numberCell = fc.oneof(
  fc.double(),
  fc.double({ noDefaultInfinity: true, noNaN: true }),
  fc.integer(),
  fc.constantFrom(0, -0, Number.NaN, 1e15, -1e15, 1e21, 5e-324, 0.5, 1e-7, 123456.5),
);
const textCell = fc.oneof(fc.string(), fc.constantFrom('', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r', 'émoji ✓', 'job-17'));

const jobRow = fc.record(Object.fromEntries(JOB_COLUMNS.map((c) => [c, TEXT.has(c) ? textCell : numberCell])) as Record<keyof JobRow, fc.Arbitrary<unknown>>) as unknown as fc.Arbitrary<JobRow>;

/**
 * The rows, through attachOutputs' jobs.csv sink (writeJobRow where it applies), as the file's text;
 * or the error. With `batched`, rows go as values (a worker's route) and are formatted as the
 * pool's thread formats them, after a structured clone with their buffers transferred.
 */
function throughSink(rows: readonly JobRow[], batched = false, asBytes = false): { text: string; error?: NonFiniteResultError; batches: number } {
  const signals = new Signals();
  let text = '';
  let batches = 0;
  const writeRows = (_file: 'jobs.csv', b: JobRowBatch): void => {
    batches++;
    // One buffer under the three arrays: a postMessage transfers one per batch (a third of the cost of three).
    expect(b.nums.buffer).toBe(b.buffer);
    expect(b.texts.buffer).toBe(b.buffer);
    expect(b.ends.buffer).toBe(b.buffer);
    const sent = b.buffer instanceof ArrayBuffer ? structuredClone(b, { transfer: [b.buffer] }) : structuredClone(b);
    if (!asBytes) text += formatJobRowBatch(sent);
    else {
      // `poolsim run`'s route: the bytes, a view of one buffer reused for every batch (no text made).
      const bytes = formatJobRowBatchBytes(sent);
      text += Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    }
  };
  const sinks = attachOutputs({ signals } as unknown as Simulation, ['jobs.csv'], (_file, t) => void (text += t), batched ? writeRows : undefined);
  let error: NonFiniteResultError | undefined;
  try {
    for (const r of rows) signals.emitRow('jobRow', r);
  } catch (e) {
    if (!(e instanceof NonFiniteResultError)) throw e;
    error = e;
  }
  if (error) return { text, error, batches };
  sinks.finish({} as never);
  return { text, batches };
}

const nonAscii = (r: JobRow): boolean => [...TEXT].some((c) => typeof r[c as keyof JobRow] === 'string' && /[^\x00-\x7f]/.test(r[c as keyof JobRow] as string));

/** The generic writer's text for the same rows, up to the first refused one. */
function generic(rows: readonly JobRow[]): { text: string; column?: string } {
  let text = csvLine(JOB_COLUMNS);
  for (const r of rows) {
    const bad = JOB_COLUMNS.find((c) => r[c] === Infinity || r[c] === -Infinity);
    if (bad !== undefined) return { text, column: bad };
    text += csvLine(rowValues(r, JOB_COLUMNS));
  }
  return { text };
}

describe('writeJobRow', () => {
  it('writes the columns of JOB_COLUMNS, in order', () => {
    expect([...JOB_ROW_CELLS]).toEqual([...JOB_COLUMNS]);
    expect([...JOB_NUMBER_CELLS]).toEqual(JOB_COLUMNS.filter((c) => !TEXT.has(c)));
  });

  it('gives the generic row text for arbitrary rows', () => {
    const chunk = new TextChunk();
    fc.assert(
      fc.property(jobRow, (r) => {
        const infinite = JOB_NUMBER_CELLS.findIndex((c) => r[c] === Infinity || r[c] === -Infinity);
        const answer = writeJobRow(chunk, r);
        if (infinite >= 0) {
          expect(answer).toBe(infinite);
          expect(chunk.take()).toBe('');
          return;
        }
        if (nonAscii(r)) {
          // Left to the caller's cell-by-cell writer (the sink's generic path), as a row of other values is.
          expect(answer).toBe(NOT_A_JOB_ROW);
          expect(chunk.take()).toBe('');
          return;
        }
        expect(answer).toBe(WRITTEN);
        expect(chunk.take() + '\n').toBe(csvLine(rowValues(r, JOB_COLUMNS)));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves a row with a number column holding something else to the caller', () => {
    const chunk = new TextChunk();
    fc.assert(
      fc.property(jobRow, fc.constantFrom(...JOB_NUMBER_CELLS), fc.oneof(fc.string(), fc.constant(undefined), fc.constant(null)), (r, c, v) => {
        const odd = { ...r, [c]: v } as JobRow;
        expect(writeJobRow(chunk, odd)).toBe(NOT_A_JOB_ROW);
        expect(chunk.take()).toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it("the jobs.csv sink writes what the generic writer writes, and refuses the same row at the same column", () => {
    const oddRow = fc.tuple(jobRow, fc.constantFrom(...JOB_NUMBER_CELLS), fc.string()).map(([r, c, v]) => ({ ...r, [c]: v }) as JobRow);
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 8, arbitrary: jobRow }, { weight: 1, arbitrary: oddRow }), { maxLength: 12 }), fc.boolean(), (rows, batched) => {
        const sink = throughSink(rows, batched);
        const want = generic(rows);
        if (want.column !== undefined) {
          expect(sink.error?.column).toBe(want.column);
          // Nothing of the refused row reached the file (what was flushed before it is whole rows).
          expect(want.text.startsWith(sink.text)).toBe(true);
        } else {
          expect(sink.error).toBeUndefined();
          expect(sink.text).toBe(want.text);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('writes a repeated quoted reason or layout as the generic writer does, whatever came between', () => {
    // The last quoted text of those columns is kept as bytes: runs of equal texts, equal texts
    // made afresh (not the same string object), non-ASCII and quote-free texts in between.
    const texts = ['no room, anywhere', `no room, ${'any'}where`, 'say "no", twice', 'déjà, vu', 'plain', '', 'tp 1 x pp 1, dp 8'];
    fc.assert(
      fc.property(jobRow.filter((r) => JOB_NUMBER_CELLS.every((c) => r[c] !== Infinity && r[c] !== -Infinity)), fc.array(fc.tuple(fc.constantFrom(...texts), fc.constantFrom(...texts)), { minLength: 1, maxLength: 20 }), (base, cells) => {
        const rows = cells.map(([reason, layout]) => ({ ...base, submit_s: 1, start_s: 2, finish_s: 3, reason, layout }) as JobRow);
        expect(throughSink(rows).text).toBe(generic(rows).text);
        expect(throughSink(rows, true).text).toBe(generic(rows).text);
      }),
      { numRuns: 300 },
    );
  });

  it('sent as batches of values, rows come out as the generic writer writes them, in order, across batch boundaries and rows written as text between them', () => {
    const finite = jobRow.filter((r) => JOB_NUMBER_CELLS.every((c) => r[c] !== Infinity && r[c] !== -Infinity));
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 3 * JOB_ROW_BATCH_ROWS }), fc.array(fc.nat(), { maxLength: 4 }), (pool, n, oddAt) => {
        // n rows drawn from a few (so that runs of equal texts occur), a few of them with a text cell beyond ASCII.
        const rows = Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
        for (const k of oddAt) if (n > 0) rows[k % n] = { ...rows[k % n]!, datacentre: 'Zürich' } as JobRow;
        const sink = throughSink(rows, true);
        expect(sink.error).toBeUndefined();
        expect(sink.text).toBe(generic(rows).text);
        expect(throughSink(rows, true, true).text).toBe(sink.text);
        if (rows.every((r) => !nonAscii(r))) expect(sink.batches).toBe(Math.ceil(n / JOB_ROW_BATCH_ROWS));
      }),
      { numRuns: 40 },
    );
  });

  it("a batch as bytes is its text's UTF-8, in one buffer reused batch after batch", () => {
    const finite = jobRow.filter((r) => JOB_NUMBER_CELLS.every((c) => r[c] !== Infinity && r[c] !== -Infinity) && !nonAscii(r));
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 40 }), (rows) => {
        const batcher = new JobRowBatcher();
        for (const r of rows) expect(batcher.add(r)).toBe(WRITTEN);
        const batch = batcher.take()!;
        const text = formatJobRowBatch(batch);
        const first = formatJobRowBatchBytes(batch);
        expect(Buffer.from(first).equals(Buffer.from(text, 'utf8'))).toBe(true);
        const again = formatJobRowBatchBytes(batch);
        expect(again.buffer).toBe(first.buffer);
        expect(Buffer.from(again).equals(Buffer.from(text, 'utf8'))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a batch that does not hold together is refused, not written', () => {
    const bad: JobRowBatch = { rows: 2, nums: new Float64Array(JOB_NUMBER_CELLS.length), texts: new Uint8Array(0), ends: new Int32Array(16), buffer: new ArrayBuffer(0) };
    expect(() => formatJobRowBatch(bad)).toThrow(/internal: a batch of 2 job rows/);
  });
});
