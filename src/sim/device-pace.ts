// Each device's pace (1 = nominal; stragglers are slower) and the slowest pace among a job's
// devices. Most runs have no straggler: then every answer is 1, given without reading the paces
// (a million W2 starts read 18 million entries of an 80,000-device array for nothing).

export class DevicePace {
  /** Per device, its pace. Written only through set(), which keeps `slow` right. */
  private readonly pace: Float64Array;
  /** How many devices are not at pace 1. */
  private slow = 0;

  constructor(devices: number) {
    this.pace = new Float64Array(devices).fill(1);
  }

  get(dev: number): number {
    return this.pace[dev]!;
  }

  /** Set `dev`'s pace (a positive number; 1 = nominal). */
  set(dev: number, pace: number): void {
    const before = this.pace[dev]!;
    if (before !== 1) this.slow--;
    if (pace !== 1) this.slow++;
    this.pace[dev] = pace;
  }

  /** The lowest pace among `devices`, and at most 1 (1 for none). */
  slowest(devices: readonly number[]): number {
    if (this.slow === 0) return 1;
    let v = 1;
    for (let i = 0; i < devices.length; i++) v = Math.min(v, this.pace[devices[i]!]!);
    return v;
  }
}
