// A CSV file written synchronously in buffered chunks to a temporary name and renamed into place
// on commit(), so a failed run never leaves a half-written result. (The simulation is synchronous;
// a stream would buffer every row in memory until it returned.)
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { csvLine } from '../experiment/csv.js';

const CHUNK_CHARS = 1 << 16;

export class CsvFile {
  private readonly tmpPath: string;
  private fd: number;
  private buffer = '';

  constructor(
    readonly path: string,
    columns: readonly string[],
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmpPath = `${path}.tmp-${process.pid}`;
    this.fd = openSync(this.tmpPath, 'w');
    this.buffer = csvLine(columns);
  }

  write(values: readonly unknown[]): void {
    this.buffer += csvLine(values);
    if (this.buffer.length >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmpPath, this.path);
  }

  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmpPath, { force: true });
  }
}

/** Commit every file, or, when `work` throws, remove every temporary file and rethrow. */
export function writeAllOrNothing<T>(files: readonly CsvFile[], work: () => T): T {
  let result: T;
  try {
    result = work();
  } catch (e) {
    for (const f of files) f.abort();
    throw e;
  }
  for (const f of files) f.commit();
  return result;
}
