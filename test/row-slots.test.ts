// A worker's jobs.csv batches cross to the pool's thread in a ring of shared buffers (row-slots.ts)
// that the worker reuses once the pool's thread frees them, not in a new buffer per batch: the
// rows come out as the generic writer writes them, in at most ROW_SLOTS buffers however many
// batches a run has.
import { describe, expect, it } from 'vitest';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { formatJobRowBatch, JOB_ROW_BATCH_ROWS, type JobRowBatch } from '../src/experiment/job-row-batch.js';
import { attachOutputs } from '../src/experiment/output-sinks.js';
import { createRowSlotState, freeRowSlot, ROW_SLOTS, RowSlots } from '../src/experiment/row-slots.js';
import { JOB_COLUMNS, type JobRow } from '../src/sim/metrics.js';
import { Signals } from '../src/sim/signals.js';
import type { Simulation } from '../src/sim/simulation.js';

const row = (i: number): JobRow =>
  Object.fromEntries(
    JOB_COLUMNS.map((c) => [c, ['job_id', 'kind', 'device_kind', 'datacentre', 'placement_span', 'status', 'reason', 'layout'].includes(c) ? `${c}-${i % 7}${c === 'reason' ? ', quoted' : ''}` : i * 0.1 + 1 / 3]),
  ) as unknown as JobRow;

describe('row slots', () => {
  it('hand out ROW_SLOTS shared buffers in turn, the same buffer again once freed, a larger one when a batch needs it', () => {
    const state = createRowSlotState();
    const slots = new RowSlots(state);
    const first = Array.from({ length: ROW_SLOTS }, () => slots.take(1000));
    expect(new Set(first).size).toBe(ROW_SLOTS);
    for (const b of first) expect(b).toBeInstanceOf(SharedArrayBuffer);
    expect(first.map((b) => slots.slotOf(b))).toEqual([...Array(ROW_SLOTS).keys()]);
    expect(new Int32Array(state).every((s) => s === 1)).toBe(true);
    freeRowSlot(state, 0);
    expect(slots.take(1000)).toBe(first[0]);
    freeRowSlot(state, 1);
    const bigger = slots.take(5000);
    expect(bigger).not.toBe(first[1]);
    expect(bigger.byteLength).toBeGreaterThanOrEqual(5000);
    expect(slots.slotOf(bigger)).toBe(1);
    expect(() => slots.slotOf(new SharedArrayBuffer(8))).toThrow(/internal/);
  });

  it("a run's jobs.csv batches in row slots come out as the generic writer writes them, in at most ROW_SLOTS buffers", () => {
    const state = createRowSlotState();
    const slots = new RowSlots(state);
    const signals = new Signals();
    let text = '';
    const seen = new Set<ArrayBufferLike>();
    let batches = 0;
    const writeRows = (_file: 'jobs.csv', b: JobRowBatch): void => {
      batches++;
      seen.add(b.buffer);
      expect(b.buffer).toBeInstanceOf(SharedArrayBuffer);
      // As the pool's thread gets it: a clone sharing the slot's memory, freed once formatted.
      text += formatJobRowBatch(structuredClone(b));
      freeRowSlot(state, slots.slotOf(b.buffer));
    };
    const sinks = attachOutputs({ signals } as unknown as Simulation, ['jobs.csv'], (_file, t) => void (text += t), writeRows, (bytes) => slots.take(bytes));
    const n = 3 * ROW_SLOTS * JOB_ROW_BATCH_ROWS + 5;
    let want = csvLine(JOB_COLUMNS);
    for (let i = 0; i < n; i++) {
      const r = row(i);
      signals.emitRow('jobRow', r);
      want += csvLine(rowValues(r, JOB_COLUMNS));
    }
    sinks.finish({} as never);
    expect(batches).toBe(Math.ceil(n / JOB_ROW_BATCH_ROWS));
    expect(seen.size).toBeLessThanOrEqual(ROW_SLOTS);
    expect(text).toBe(want);
  });
});
