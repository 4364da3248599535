// A growable stack of int32 values that is cleared without freeing its storage: the solver's
// per-event scratch lists (clearing a JS array with length = 0 drops its backing store).

export class IntStack {
  data: Int32Array = new Int32Array(64);
  size = 0;

  push(v: number): void {
    if (this.size === this.data.length) {
      const d = new Int32Array(2 * this.data.length);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.size++] = v;
  }

  clear(): void {
    this.size = 0;
  }
}
