// The job index's rows: what the simulator keeps of each job in flight, as typed-array columns by
// row number, rows recycled once their job is done with (docs/performance.md, "One job index").
//
// Groundwork, not yet wired into the run: the lifecycle (the line, the pass, the start, the
// completion and its observers) still goes through `SimJob` and `JobRun` objects. The index is
// the first piece of the plan that moves it to rows: a row is taken when a job starts, its figures
// live here (so a completion reads a few columns that a few thousand running jobs keep warm,
// rather than a job, its record and its placement, each cold since the start), and events carry
// the row with its generation, so an event for a row that was freed and taken again is known
// stale without a handle to cancel (as a completion's version is today).
//
// Contract: `take()` gives a row no live job holds, every column at its initial value (doubles
// NaN, placement node and running slot -1, counts 0, state 0); `free(row)` returns it and bumps
// its generation; a row is reused last-freed first (the row a completion just freed is the one a
// start at the same instant writes next: already in cache). Columns grow by doubling and keep
// every live row's values; nothing else moves a row.

/** The double columns: one Float64Array each, NaN in a fresh row. */
export const ROW_DOUBLES = [
  'submitS',
  'predictedRuntimeS',
  'usefulFlop',
  'remainingFlop',
  'rateFlopPerS',
  'settledS',
  'stallUntilS',
  'firstStartS',
  'allocatedSinceS',
  'finishS',
  'queuedSinceS',
  'waitedS',
  'progressS',
  'attainedDeviceS',
  'allocatedDeviceS',
  'allocatedPeakFlops',
  'allocatedPeakFlopS',
] as const;

/** The whole-number columns: one Int32Array each; `node` and `runningSlot` are -1 in a fresh row, the others 0. */
export const ROW_INTS = ['id', 'devices', 'milli', 'kind', 'node', 'nodeCount', 'runningSlot', 'starts', 'preemptions', 'state'] as const;

export type RowDouble = (typeof ROW_DOUBLES)[number];
export type RowInt = (typeof ROW_INTS)[number];

const FIRST_CAPACITY = 64;

/**
 * The columns are named fields, each a typed array read at a fixed place: a column looked up by
 * its name (`columns[name][row]`) is a keyed load per access, and made the W1 floor over rows
 * (`rowsMmc`) about twice as slow (docs/performance.md, "One job index"). Grown columns are new arrays:
 * a reader that keeps a column in a local reads it again after a `take()` that changed `capacity`.
 */
export class JobRows {
  /** Per row, how many times it has been freed: an event made for a row carries it, and is stale once they differ. */
  generation: Uint32Array;
  submitS: Float64Array;
  predictedRuntimeS: Float64Array;
  usefulFlop: Float64Array;
  remainingFlop: Float64Array;
  rateFlopPerS: Float64Array;
  settledS: Float64Array;
  stallUntilS: Float64Array;
  firstStartS: Float64Array;
  allocatedSinceS: Float64Array;
  finishS: Float64Array;
  queuedSinceS: Float64Array;
  waitedS: Float64Array;
  progressS: Float64Array;
  attainedDeviceS: Float64Array;
  allocatedDeviceS: Float64Array;
  allocatedPeakFlops: Float64Array;
  allocatedPeakFlopS: Float64Array;
  id: Int32Array;
  devices: Int32Array;
  milli: Int32Array;
  kind: Int32Array;
  node: Int32Array;
  nodeCount: Int32Array;
  runningSlot: Int32Array;
  starts: Int32Array;
  preemptions: Int32Array;
  state: Int32Array;
  /** Rows freed and not taken again, the last freed at the end. */
  private spare: Int32Array;
  private spareCount = 0;
  /** Rows ever handed out (row numbers below it exist). */
  private used = 0;
  private liveCount = 0;
  /** Per row, whether a job holds it (guards a double free, and `current`). */
  private holds: Uint8Array;

  constructor(capacity = FIRST_CAPACITY) {
    const n = Math.max(1, capacity);
    this.generation = new Uint32Array(n);
    this.spare = new Int32Array(n);
    this.holds = new Uint8Array(n);
    this.submitS = new Float64Array(n);
    this.predictedRuntimeS = new Float64Array(n);
    this.usefulFlop = new Float64Array(n);
    this.remainingFlop = new Float64Array(n);
    this.rateFlopPerS = new Float64Array(n);
    this.settledS = new Float64Array(n);
    this.stallUntilS = new Float64Array(n);
    this.firstStartS = new Float64Array(n);
    this.allocatedSinceS = new Float64Array(n);
    this.finishS = new Float64Array(n);
    this.queuedSinceS = new Float64Array(n);
    this.waitedS = new Float64Array(n);
    this.progressS = new Float64Array(n);
    this.attainedDeviceS = new Float64Array(n);
    this.allocatedDeviceS = new Float64Array(n);
    this.allocatedPeakFlops = new Float64Array(n);
    this.allocatedPeakFlopS = new Float64Array(n);
    this.id = new Int32Array(n);
    this.devices = new Int32Array(n);
    this.milli = new Int32Array(n);
    this.kind = new Int32Array(n);
    this.node = new Int32Array(n);
    this.nodeCount = new Int32Array(n);
    this.runningSlot = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.preemptions = new Int32Array(n);
    this.state = new Int32Array(n);
  }

  get capacity(): number {
    return this.generation.length;
  }

  /** Rows a job holds now. */
  get live(): number {
    return this.liveCount;
  }

  isLive(row: number): boolean {
    return row >= 0 && row < this.used && this.holds[row] === 1;
  }

  /** Whether an event made for `row` at `generation` still refers to the same holder. */
  current(row: number, generation: number): boolean {
    return this.isLive(row) && this.generation[row] === generation;
  }

  /** A row for a job, every column at its initial value. */
  take(): number {
    let row: number;
    if (this.spareCount > 0) row = this.spare[--this.spareCount]!;
    else {
      if (this.used === this.capacity) this.grow(this.capacity * 2);
      row = this.used++;
    }
    this.holds[row] = 1;
    this.liveCount++;
    this.submitS[row] = Number.NaN;
    this.predictedRuntimeS[row] = Number.NaN;
    this.usefulFlop[row] = Number.NaN;
    this.remainingFlop[row] = Number.NaN;
    this.rateFlopPerS[row] = Number.NaN;
    this.settledS[row] = Number.NaN;
    this.stallUntilS[row] = Number.NaN;
    this.firstStartS[row] = Number.NaN;
    this.allocatedSinceS[row] = Number.NaN;
    this.finishS[row] = Number.NaN;
    this.queuedSinceS[row] = Number.NaN;
    this.waitedS[row] = Number.NaN;
    this.progressS[row] = Number.NaN;
    this.attainedDeviceS[row] = Number.NaN;
    this.allocatedDeviceS[row] = Number.NaN;
    this.allocatedPeakFlops[row] = Number.NaN;
    this.allocatedPeakFlopS[row] = Number.NaN;
    this.id[row] = 0;
    this.devices[row] = 0;
    this.milli[row] = 0;
    this.kind[row] = 0;
    this.node[row] = -1;
    this.nodeCount[row] = 0;
    this.runningSlot[row] = -1;
    this.starts[row] = 0;
    this.preemptions[row] = 0;
    this.state[row] = 0;
    return row;
  }

  /** The job holding `row` is done with it (its last reader has read it). */
  free(row: number): void {
    if (!this.isLive(row)) throw new Error(`internal: job row ${row} freed while no job holds it`);
    this.holds[row] = 0;
    this.liveCount--;
    this.generation[row] = (this.generation[row]! + 1) >>> 0;
    this.spare[this.spareCount++] = row;
  }

  private grow(n: number): void {
    this.generation = grown(this.generation, new Uint32Array(n));
    this.spare = grown(this.spare, new Int32Array(n));
    this.holds = grown(this.holds, new Uint8Array(n));
    this.submitS = grown(this.submitS, new Float64Array(n));
    this.predictedRuntimeS = grown(this.predictedRuntimeS, new Float64Array(n));
    this.usefulFlop = grown(this.usefulFlop, new Float64Array(n));
    this.remainingFlop = grown(this.remainingFlop, new Float64Array(n));
    this.rateFlopPerS = grown(this.rateFlopPerS, new Float64Array(n));
    this.settledS = grown(this.settledS, new Float64Array(n));
    this.stallUntilS = grown(this.stallUntilS, new Float64Array(n));
    this.firstStartS = grown(this.firstStartS, new Float64Array(n));
    this.allocatedSinceS = grown(this.allocatedSinceS, new Float64Array(n));
    this.finishS = grown(this.finishS, new Float64Array(n));
    this.queuedSinceS = grown(this.queuedSinceS, new Float64Array(n));
    this.waitedS = grown(this.waitedS, new Float64Array(n));
    this.progressS = grown(this.progressS, new Float64Array(n));
    this.attainedDeviceS = grown(this.attainedDeviceS, new Float64Array(n));
    this.allocatedDeviceS = grown(this.allocatedDeviceS, new Float64Array(n));
    this.allocatedPeakFlops = grown(this.allocatedPeakFlops, new Float64Array(n));
    this.allocatedPeakFlopS = grown(this.allocatedPeakFlopS, new Float64Array(n));
    this.id = grown(this.id, new Int32Array(n));
    this.devices = grown(this.devices, new Int32Array(n));
    this.milli = grown(this.milli, new Int32Array(n));
    this.kind = grown(this.kind, new Int32Array(n));
    this.node = grown(this.node, new Int32Array(n));
    this.nodeCount = grown(this.nodeCount, new Int32Array(n));
    this.runningSlot = grown(this.runningSlot, new Int32Array(n));
    this.starts = grown(this.starts, new Int32Array(n));
    this.preemptions = grown(this.preemptions, new Int32Array(n));
    this.state = grown(this.state, new Int32Array(n));
  }
}

function grown<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, b: T): T {
  b.set(a);
  return b;
}
