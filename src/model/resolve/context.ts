// What every section resolver of a scenario shares (model/load-scenario.ts runs them in order): the
// problems and warnings found so far, located in the file, the files the scenario names, and what
// its traces contributed. All problems are reported together, so a resolver records and goes on.
import { isAbsolute, join } from 'node:path';
import type { TextPieces } from '../../scenario/traces/index.js';
import type { InputIssue, PathKey, SourceMap } from '../../scenario/errors.js';
import { InputFileError } from '../../scenario/read-input-file.js';
import type { LoadOptions, TraceReport } from './types.js';

export type Fail = (path: readonly PathKey[], message: string) => void;

export class ResolveContext {
  readonly issues: InputIssue[] = [];
  readonly warnings: InputIssue[] = [];
  readonly traceReports: TraceReport[] = [];
  /** The seed a trace's unpinned `sample` was drawn with (ResolvedScenario.traceSampleSeed). */
  traceSampleSeed: number | undefined = undefined;

  constructor(
    readonly src: SourceMap,
    readonly io: LoadOptions,
  ) {}

  /** A problem at `path`: the scenario is refused once every section has been checked. */
  readonly fail: Fail = (path, message) => void this.issues.push(this.src.issue(path, message));

  /** Legal but worth knowing, at `path`. */
  readonly warn: Fail = (path, message) => void this.warnings.push(this.src.issue(path, message));

  /** A path the scenario gives, as resolved against its folder. */
  fullPath(path: string): string {
    return this.io.baseDir && !isAbsolute(path) ? join(this.io.baseDir, path) : path;
  }

  cannotRead(full: string, e: unknown, at: readonly PathKey[]): void {
    // InputFileError (scenario/read-input-file.ts) says why; a caller's own readFile may throw a plain fs error.
    const code = (e as NodeJS.ErrnoException).code;
    const why = e instanceof InputFileError ? `: ${e.reason}` : code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : '';
    this.fail(at, `cannot read '${full}'${why}`);
  }

  /** A file the scenario names, whole; undefined (with the problem recorded) when it cannot be read. */
  readonly readRelative = (path: string, at: readonly PathKey[]): string | undefined => {
    if (!this.io.readFile) {
      this.fail(at, 'this scenario reads files (traces), but it was loaded from text without file access');
      return undefined;
    }
    return this.readWith(this.io.readFile, path, at);
  };

  /** A trace file: in pieces where the caller reads them, else whole. */
  readTrace(path: string, at: readonly PathKey[]): string | TextPieces | undefined {
    return this.io.readPieces ? this.readWith(this.io.readPieces, path, at) : this.readRelative(path, at);
  }

  private readWith<T>(read: (full: string) => T, path: string, at: readonly PathKey[]): T | undefined {
    const full = this.fullPath(path);
    try {
      return read(full);
    } catch (e) {
      this.cannotRead(full, e, at);
      return undefined;
    }
  }
}
