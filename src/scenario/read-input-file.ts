// The one function that reads an input file (scenario, trace, node list, CSV, expectations): only
// regular files, in chunks under a size limit, never blocking, gzip decompressed transparently.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { gunzipSync } from 'node:zlib';
import { InputError } from './errors.js';

/**
 * The most bytes poolsim reads from one input file, and the most a gzip file may decompress to.
 * V8 cannot hold a string longer than about 512M characters (2^29 - 24); half of that leaves the
 * parsers room for the rows they build from the text, within Node's default heap.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The size of the pieces readInputPieces hands out. Small enough that a piece's string (and the
 * window a CSV scan makes of the last line's rest and the next piece) is an ordinary young object,
 * gone at the next scavenge: 1 MB strings went to V8's large-object space, which only a full
 * collection frees, so a 23.5 MB trace (W2) grew the heap by about 25 MB of dead text, each page of
 * it new memory to fault in (loading W2 alone: peak RSS 184 -> 160 MB, 11,000 fewer page faults).
 */
const PIECE_BYTES = 64 * 1024;

/** A file that cannot be read as input: `reason` says why, without the path (callers locate it). */
export class InputFileError extends InputError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super([{ file, line: 0, column: 0, path: '', message: reason }]);
    this.name = 'InputFileError';
  }
}

export interface ReadInputOptions {
  /** Refuse a file (or its decompressed text) larger than this; MAX_INPUT_BYTES by default. */
  maxBytes?: number;
}

/**
 * Reads a regular file as UTF-8 text, decompressing it when it starts with gzip's magic bytes
 * (1f 8b), whatever its name. Throws InputFileError, before reading much, for anything else: a
 * missing file, a directory, a FIFO, a socket, a device (/dev/zero), a file over the limit, a
 * gzip stream that is damaged or would decompress past the limit, another compression, binary data.
 */
export function readInputFile(path: string, options: ReadInputOptions = {}): string {
  const maxBytes = options.maxBytes ?? MAX_INPUT_BYTES;
  const bytes = readRegularFile(path, maxBytes);
  const text = isGzip(bytes) ? gunzipBounded(path, bytes, maxBytes) : bytes;
  const other = otherCompression(text);
  if (other) throw new InputFileError(path, `is ${other.name}-compressed; poolsim reads plain text or gzip: decompress it first (${other.command}), or compress it with gzip`);
  // A NUL byte never occurs in CSV or YAML text: this is a binary file (a spreadsheet, Parquet, an image).
  if (text.indexOf(0) >= 0) throw new InputFileError(path, notTextReason(text, isGzip(bytes)));
  return text.toString('utf8');
}

/**
 * The same text as readInputFile, in pieces of 64 KB (pieces() reads the file again from
 * its start each time), so that a large trace is never one string. Everything readInputFile
 * refuses is refused here, before the first piece, with the same InputFileError: the file is read
 * through once in chunks to check its size and content (page-cache reads, a memchr per chunk).
 * A gzip file is decompressed whole into bytes (bounded by the limit) and decoded piece by piece.
 * Should the file change between that check and a later read, pieces() throws InputFileError too.
 */
export function readInputPieces(path: string, options: ReadInputOptions = {}): { pieces(): Iterable<string> } {
  const maxBytes = options.maxBytes ?? MAX_INPUT_BYTES;
  const head = Buffer.alloc(10);
  let headLength = 0;
  let sawNul = false;
  for (const chunk of regularFileChunks(path, maxBytes)) {
    if (headLength < head.length) headLength += chunk.copy(head, headLength, 0, Math.min(chunk.length, head.length - headLength));
    if (!sawNul && chunk.indexOf(0) >= 0) sawNul = true;
  }
  const start = head.subarray(0, headLength);
  if (isGzip(start)) {
    // Node has no synchronous streaming gunzip: the text is checked and decoded from the whole bytes.
    const text = gunzipBounded(path, readRegularFile(path, maxBytes), maxBytes);
    checkText(path, text, true);
    return {
      *pieces() {
        const decoder = new StringDecoder('utf8');
        for (let at = 0; at < text.length; at += PIECE_BYTES) yield decoder.write(text.subarray(at, Math.min(text.length, at + PIECE_BYTES)));
        const last = decoder.end();
        if (last.length > 0) yield last;
      },
    };
  }
  checkText(path, start, false, sawNul);
  return {
    *pieces() {
      const decoder = new StringDecoder('utf8');
      let first = true;
      // While every piece so far was ASCII the decoder holds no part of a character, and an ASCII
      // piece's UTF-8 text is its Latin-1 text, a copy of its bytes (decoding it is a third of
      // reading a trace's pieces).
      let ascii = true;
      for (const chunk of regularFileChunks(path, maxBytes)) {
        if ((first && isGzip(chunk)) || chunk.indexOf(0) >= 0) throw new InputFileError(path, 'changed while it was read (it now holds binary data)');
        first = false;
        ascii &&= isAscii(chunk);
        yield ascii ? chunk.toString('latin1') : decoder.write(chunk);
      }
      const last = decoder.end();
      if (last.length > 0) yield last;
    },
  };
}

/**
 * A regular file's bytes in pieces of `pieceBytes`, with the checks and errors of every read here;
 * the file is closed when the reading ends, early or not. Each piece is valid until the next is
 * asked for (one buffer, reused) unless `fresh`, when each piece has a buffer of its own.
 */
function* regularFileChunks(path: string, maxBytes: number, pieceBytes = PIECE_BYTES, fresh = false): Generator<Buffer> {
  // stat before opening: opening a FIFO for reading blocks until a writer appears.
  refuseUnlessRegular(path, statOrThrow(path));
  let fd: number;
  try {
    // O_NONBLOCK: should the path turn into a FIFO between stat and open, open still returns at once.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InputFileError(path, fsReason(e));
  }
  try {
    // What was opened is what is read: check the descriptor, not the path, again.
    const stats = fstatSync(fd);
    refuseUnlessRegular(path, stats);
    if (stats.size > maxBytes) throw tooLarge(path, `is ${formatBytes(stats.size)}, more than`, maxBytes);
    // Pieces until end of file, not stat's size: a file may grow while read, and some (in /proc) say 0.
    let chunk = Buffer.allocUnsafe(Math.min(pieceBytes, maxBytes + 1));
    let total = 0;
    for (;;) {
      if (fresh && total > 0) chunk = Buffer.allocUnsafe(Math.min(pieceBytes, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes + 1 - total), null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(path, 'grew while it was read to more than', maxBytes);
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
    }
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(path, fsReason(e));
  } finally {
    closeSync(fd);
  }
}

/** readInputFile's checks of the text's start (another compression) and content (a NUL byte). */
function checkText(path: string, b: Buffer, gzipped: boolean, nul = b.indexOf(0) >= 0): void {
  const other = otherCompression(b);
  if (other) throw new InputFileError(path, `is ${other.name}-compressed; poolsim reads plain text or gzip: decompress it first (${other.command}), or compress it with gzip`);
  if (nul) throw new InputFileError(path, notTextReason(b, gzipped));
}

/**
 * Why bytes holding a NUL are not read: UTF-16 text (what Windows PowerShell 5's `>` and Out-File
 * write) is named as such, with what to do; anything else is binary (a spreadsheet, Parquet, an image).
 */
function notTextReason(b: Buffer, gzipped: boolean): string {
  if (isUtf16(b)) return "is UTF-16 text; poolsim reads UTF-8: save it as UTF-8 (iconv -f UTF-16 -t UTF-8, or PowerShell's Out-File -Encoding utf8)";
  return `is a binary file, expected text (CSV or YAML${gzipped ? ', gzip-compressed or not' : ''})`;
}

/** A UTF-16 byte-order mark, or, without one, ASCII text's every other byte NUL (little- or big-endian). */
function isUtf16(b: Buffer): boolean {
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return true;
  return b.length >= 4 && ((b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) || (b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0));
}

/** The file's bytes, read only if it is a regular file of at most `maxBytes`. */
function readRegularFile(path: string, maxBytes: number): Buffer {
  const chunks = [...regularFileChunks(path, maxBytes, CHUNK_BYTES, true)];
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function statOrThrow(path: string): Stats {
  // An unset variable (`poolsim run "$SCENARIO"`): stat('') fails with ENOENT, "no such file" of nothing.
  if (path.trim() === '') throw new InputFileError(path, "expected a file's path, got an empty name (an unset variable?)");
  try {
    return statSync(path);
  } catch (e) {
    throw new InputFileError(path, fsReason(e));
  }
}

function refuseUnlessRegular(path: string, s: Stats): void {
  if (s.isFile()) return;
  const what = s.isDirectory()
    ? 'a directory'
    : s.isFIFO()
      ? 'a named pipe (FIFO), which could block forever'
      : s.isSocket()
        ? 'a socket'
        : s.isCharacterDevice()
          ? 'a character device (like /dev/zero or a terminal), which may never end'
          : s.isBlockDevice()
            ? 'a block device'
            : 'not a regular file';
  throw new InputFileError(path, `is ${what}; expected a regular file (save the data to a file and give its path)`);
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'no such file (a part of the path is not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory; expected a regular file';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

/** `what` ends with 'more than': the limit follows, then what to do. */
function tooLarge(path: string, what: string, maxBytes: number): InputFileError {
  return new InputFileError(
    path,
    `${what} ${formatBytes(maxBytes)}, the most poolsim reads from one input file; keep only the rows you need (a trace's time window, a sample) or split it into smaller files`,
  );
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Decompresses every gzip member (as gzip -d does), refusing output past `maxBytes` as it goes. */
function gunzipBounded(path: string, compressed: Buffer, maxBytes: number): Buffer {
  try {
    // zlib stops and throws once the output would pass maxOutputLength, so a bomb never fills memory.
    return gunzipSync(compressed, { maxOutputLength: maxBytes, chunkSize: 1024 * 1024 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(path, `is ${formatBytes(compressed.length)} of gzip that decompresses to more than`, maxBytes);
    }
    const why = e instanceof Error ? e.message : String(e);
    throw new InputFileError(path, `starts like a gzip file but cannot be decompressed (${why}): it is damaged or was cut short`);
  }
}

/** Compressions poolsim does not read, by their magic bytes, so the user gets a hint rather than a CSV error. */
function otherCompression(b: Buffer): { name: string; command: string } | undefined {
  const starts = (...magic: number[]): boolean => b.length >= magic.length && magic.every((m, i) => b[i] === m);
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return { name: 'xz', command: 'xz -d FILE' };
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return { name: 'zstd', command: 'zstd -d FILE' };
  if (starts(0x50, 0x4b, 0x03, 0x04)) return { name: 'zip', command: 'unzip FILE' };
  // 'BZh', a block size 1-9, then the block magic (the digits of pi): not the start of any text.
  const level = b[3] ?? 0;
  if (level >= 0x31 && level <= 0x39 && starts(0x42, 0x5a, 0x68, level, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)) {
    return { name: 'bzip2', command: 'bzip2 -d FILE' };
  }
  return undefined;
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
