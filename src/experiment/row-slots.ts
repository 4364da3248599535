// The shared buffers a worker's jobs.csv batches cross to the pool's thread in: a ring of
// ROW_SLOTS SharedArrayBuffers the worker reuses, each busy from the batch written into it until
// the pool's thread has formatted that batch and frees it. Before, every batch (about 250 KB on
// W2, a thousand of them) was a new ArrayBuffer transferred with postMessage: fresh pages to fault
// in, a detach, and a free on the other thread. In the worker's profile that postMessage took
// 644 ms of W2's run; a message naming a slot of memory both threads already share takes a few
// microseconds. A full ring makes the worker wait for the pool's thread, so rows the pool's thread
// has not yet written never pile up in memory.

/** Batches in flight at once, per worker. */
export const ROW_SLOTS = 8;

/** What the pool gives each worker: one Int32 per slot, 1 while the slot holds a batch not yet formatted. */
export function createRowSlotState(): SharedArrayBuffer {
  return new SharedArrayBuffer(ROW_SLOTS * 4);
}

/** The pool's thread: the batch in `slot` is formatted; the worker may write the slot again. */
export function freeRowSlot(state: SharedArrayBuffer, slot: number): void {
  const s = new Int32Array(state);
  Atomics.store(s, slot, 0);
  Atomics.notify(s, slot);
}

/** The worker's side: the buffers, taken in turn. */
export class RowSlots {
  private readonly busy: Int32Array;
  private readonly buffers: SharedArrayBuffer[] = [];
  private next = 0;

  constructor(state: SharedArrayBuffer) {
    this.busy = new Int32Array(state);
  }

  /** The next slot's buffer, of at least `bytes`, once the pool's thread has freed it; the slot is busy until freeRowSlot. */
  take(bytes: number): SharedArrayBuffer {
    const slot = this.next;
    this.next = (slot + 1) % ROW_SLOTS;
    // A wait in steps, so that a worker being terminated while the pool's thread has stopped reading still ends.
    while (Atomics.load(this.busy, slot) !== 0) Atomics.wait(this.busy, slot, 1, 1000);
    Atomics.store(this.busy, slot, 1);
    let b = this.buffers[slot];
    if (b === undefined || b.byteLength < bytes) {
      // A little spare, so that the next batch with slightly longer text cells fits too.
      b = new SharedArrayBuffer(Math.ceil(bytes * 1.25));
      this.buffers[slot] = b;
    }
    return b;
  }

  /** The slot whose buffer `b` is (one take() returned). */
  slotOf(b: ArrayBufferLike): number {
    const i = this.buffers.indexOf(b as SharedArrayBuffer);
    if (i < 0) throw new Error('internal: a jobs.csv batch outside the worker\'s row slots');
    return i;
  }
}
