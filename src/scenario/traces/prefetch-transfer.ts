// What moves with a prefetched trace (trace-prefetch.ts) between threads: its columns' buffers,
// transferred rather than copied. A module of its own, light enough for the command line's thread.
import type { PrefetchedTrace } from './trace-prefetch.js';

/** The buffers of the prefetches' columns, to transfer with them. */
export function prefetchTransfer(list: readonly PrefetchedTrace[] | undefined): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const p of list ?? []) {
    const r = p.rows;
    for (const cols of [r.submit, r.duration, r.deviceCount, r.milli, r.lines, r.numbers, [r.order]]) for (const c of cols) out.push(c.buffer as ArrayBuffer);
  }
  return out;
}
