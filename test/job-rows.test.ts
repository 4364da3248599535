// The job index's rows (src/sim/job-rows.ts) against a plain model: random takes, writes and frees
// through several growths must keep every live row's values, never give one row to two jobs, hand
// back the last freed row first with every column at its initial value, and tell a stale event
// (a row freed and taken again) from a current one.
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../src/engine/random.js';
import { JobRows, ROW_DOUBLES, ROW_INTS, type RowDouble, type RowInt } from '../src/sim/job-rows.js';

interface Held {
  generation: number;
  doubles: Map<RowDouble, number>;
  ints: Map<RowInt, number>;
}

describe('job rows', () => {
  it('keep live rows through growth, reuse the last freed row first, start fresh, and tell stale events', () => {
    const rnd = new RandomStreams(5).stream('rows');
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd.next() * a.length)]!;
    let growths = 0;
    let reuses = 0;
    let stale = 0;
    for (let round = 0; round < 30; round++) {
      const rows = new JobRows(round % 3 === 0 ? 1 : 16);
      const held = new Map<number, Held>();
      const heldRows: number[] = [];
      const pickHeld = (): number => {
        const i = Math.floor(rnd.next() * heldRows.length);
        const row = heldRows[i]!;
        return row;
      };
      const freedOrder: number[] = [];
      // Events made for rows since freed: stale even once the row is taken again.
      const staleEvents: [number, number][] = [];
      const ops = 400 + Math.floor(rnd.next() * 3000);
      let capacity = rows.capacity;
      for (let op = 0; op < ops; op++) {
        const u = rnd.next();
        // Mostly takes early, then a mix: the live count rises and falls, so rows are reused.
        if (held.size === 0 || u < (op < ops / 3 ? 0.7 : 0.45)) {
          const row = rows.take();
          expect(held.has(row)).toBe(false);
          if (freedOrder.length > 0) {
            expect(row).toBe(freedOrder.pop());
            reuses++;
          }
          // Plain checks, one expect per take (an expect per column made the test 15 s).
          const notFresh = [
            ...ROW_DOUBLES.filter((c) => !Number.isNaN(rows[c][row])),
            ...ROW_INTS.filter((c) => rows[c][row] !== (c === 'node' || c === 'runningSlot' ? -1 : 0)),
          ];
          expect(notFresh).toEqual([]);
          heldRows.push(row);
          held.set(row, { generation: rows.generation[row]!, doubles: new Map(), ints: new Map() });
          if (rows.capacity !== capacity) {
            growths++;
            capacity = rows.capacity;
          }
        } else if (u < 0.8) {
          const row = pickHeld();
          const h = held.get(row)!;
          const d = pick(ROW_DOUBLES);
          const x = rnd.next() * 1e6 - 5e5;
          rows[d][row] = x;
          h.doubles.set(d, x);
          const i = pick(ROW_INTS);
          const k = Math.floor(rnd.next() * 2e9) - 1e9;
          rows[i][row] = k;
          h.ints.set(i, k);
        } else {
          const row = pickHeld();
          const h = held.get(row)!;
          heldRows.splice(heldRows.indexOf(row), 1);
          expect(rows.current(row, h.generation)).toBe(true);
          rows.free(row);
          held.delete(row);
          freedOrder.push(row);
          expect(rows.current(row, h.generation)).toBe(false);
          staleEvents.push([row, h.generation]);
          stale++;
          expect(() => rows.free(row)).toThrow(/freed while no job holds it/);
        }
      }
      expect(rows.live).toBe(held.size);
      expect(staleEvents.filter(([row, g]) => rows.current(row, g))).toEqual([]);
      for (const [row, h] of held) {
        expect(rows.isLive(row)).toBe(true);
        expect(rows.current(row, h.generation)).toBe(true);
        for (const [c, x] of h.doubles) expect(rows[c][row]).toBe(x);
        for (const [c, k] of h.ints) expect(rows[c][row]).toBe(k);
      }
      // Rows are recycled: the columns never outgrow twice the most rows held at once (plus the first block).
      expect(rows.capacity).toBeLessThanOrEqual(Math.max(16, 2 * ops));
    }
    expect(growths).toBeGreaterThan(30);
    expect(reuses).toBeGreaterThan(1000);
    expect(stale).toBeGreaterThan(1000);
  });

  it('holds no more rows than jobs held at once', () => {
    const rows = new JobRows();
    const taken: number[] = [];
    for (let wave = 0; wave < 50; wave++) {
      for (let i = 0; i < 100; i++) taken.push(rows.take());
      while (taken.length > 0) rows.free(taken.pop()!);
    }
    expect(rows.live).toBe(0);
    expect(rows.capacity).toBe(128);
  });
});
