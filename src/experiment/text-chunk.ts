// A chunk of output text built from many short pieces (CSV cells) without a string per join:
// ASCII pieces are copied into a byte buffer and turned into one string when the chunk is taken.
// Concatenating cell by cell allocates a string per piece, a million rows of 26 cells on large
// runs; joining an array of the pieces was slower still.

const INITIAL_BYTES = 1 << 17;

export class TextChunk {
  /**
   * The ASCII bytes after `head`: bytes[0 .. pos). A writer that puts bytes in place (number
   * cells) asks `room(n)` first, writes from `pos` and moves `pos` past what it wrote.
   */
  bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;
  /** Text before the buffer's bytes: set only when a piece had a character beyond ASCII. */
  private head = '';

  /** Characters (UTF-16 code units, as String.length counts them) in the chunk. */
  get length(): number {
    return this.head.length + this.pos;
  }

  /** Append s's first `end` characters (all of them by default). */
  append(s: string, end = s.length): void {
    if (this.pos + end > this.bytes.length) this.grow(end);
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        // Beyond ASCII: what is buffered becomes text, and the piece follows it as it is.
        this.head += b.toString('latin1', 0, p) + (end === s.length ? s : s.slice(0, end));
        this.pos = 0;
        return;
      }
      b[p + i] = c;
    }
    this.pos = p + end;
  }

  /** Append the ASCII characters bytes[from .. to). */
  appendBytes(bytes: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.pos + n > this.bytes.length) this.grow(n);
    const b = this.bytes;
    const p = this.pos - from;
    for (let i = from; i < to; i++) b[p + i] = bytes[i]!;
    this.pos = p + to;
  }

  /** Append one ASCII character by its code. */
  appendCode(code: number): void {
    if (this.pos === this.bytes.length) this.grow(1);
    this.bytes[this.pos++] = code;
  }

  /** The buffer, with room for at least `n` more bytes at `pos`. */
  room(n: number): Buffer {
    if (this.pos + n > this.bytes.length) this.grow(n);
    return this.bytes;
  }

  /** Forget the last pieces: keep only the first `length` characters (a length read earlier). */
  truncate(length: number): void {
    if (length >= this.head.length) this.pos = length - this.head.length;
    else {
      this.head = this.head.slice(0, length);
      this.pos = 0;
    }
  }

  /** Whether every character of the chunk is in `bytes` (none beyond ASCII was appended). */
  get allBytes(): boolean {
    return this.head === '';
  }

  /**
   * Keep only the first `length` characters, when they were all bytes (allBytes held when the chunk
   * had them): what followed, beyond ASCII or not, is forgotten, and the chunk is all bytes again.
   */
  truncateToBytes(length: number): void {
    if (this.head !== '') {
      // A piece beyond ASCII moved the bytes before it into the head: they come back as they were.
      this.bytes.write(this.head.slice(0, length), 0, 'latin1');
      this.head = '';
    }
    this.pos = length;
  }

  /** The chunk's text; the chunk is empty afterwards. */
  take(): string {
    const text = this.pos === 0 ? this.head : this.head + this.bytes.toString('latin1', 0, this.pos);
    this.head = '';
    this.pos = 0;
    return text;
  }

  private grow(more: number): void {
    const next = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.pos + more));
    this.bytes.copy(next, 0, 0, this.pos);
    this.bytes = next;
  }
}
