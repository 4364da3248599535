// The pipeline's first stage, parse -> build, for a run: the scenario resolved, with the fingerprint
// of everything it read. Apart from run-scenario.ts (the stages after it) because the threads that
// only plan runs (compare, sweep, check, fill) load scenarios without simulating them: importing the
// simulator there cost 53 modules, 0.5 MB of JavaScript.
import { createHash } from 'node:crypto';
import type { TextPieces } from '../scenario/traces/csv-reader.js';
import { loadScenario, type LoadOptions, type ResolvedScenario } from '../model/load-scenario.js';
import { scenarioFingerprint } from './scenario-fingerprint.js';

/** A scenario as loaded for a run: resolved, with the fingerprint of everything it read. */
export interface LoadedScenario {
  resolved: ResolvedScenario;
  /** scenarioFingerprint() over the text and every file the loader read, in order. */
  fingerprint: string;
  /** The paths of the files it read (traces, node lists), as the loader named them: a run must not write over them. */
  inputs: string[];
}

/**
 * Parse and build a scenario, recording the files it reads (traces, node lists) for its
 * fingerprint: those read whole, and those read in pieces (large traces), hashed as their pieces
 * pass, so the digest is the whole file's and the file is not read again for it.
 */
export function loadScenarioForRun(text: string, file: string, access: LoadOptions = {}): LoadedScenario {
  const inputs: ({ path: string; bytes: string } | PiecesDigest)[] = [];
  const { readFile, readPieces } = access;
  const recording: LoadOptions = {
    ...access,
    ...(readFile
      ? {
          readFile: (path: string) => {
            const bytes = readFile(path);
            inputs.push({ path, bytes });
            return bytes;
          },
        }
      : {}),
    ...(readPieces
      ? {
          readPieces: (path: string) => {
            const digest = new PiecesDigest(path, readPieces(path));
            inputs.push(digest);
            return digest;
          },
        }
      : {}),
  };
  const resolved = loadScenario(text, file, recording);
  return { resolved, fingerprint: scenarioFingerprint(text, inputs.map((i) => (i instanceof PiecesDigest ? { path: i.path, sha256: i.sha256() } : i))), inputs: inputs.map((i) => i.path) };
}

/** A file read in pieces, hashed on its first full pass (or, if no reader went to its end, when asked). */
class PiecesDigest implements TextPieces {
  private digest: string | undefined;

  constructor(
    readonly path: string,
    private readonly source: TextPieces,
  ) {}

  get prefetched(): TextPieces['prefetched'] {
    return this.source.prefetched;
  }

  *pieces(): Iterable<string> {
    if (this.digest !== undefined) {
      yield* this.source.pieces();
      return;
    }
    const h = createHash('sha256');
    for (const piece of this.source.pieces()) {
      h.update(piece);
      yield piece;
    }
    this.digest ??= h.digest('hex');
  }

  sha256(): string {
    // A prefetched file (trace-prefetch.ts) was hashed as it was read there, piece by piece as here.
    if (this.digest === undefined && this.source.prefetched !== undefined) this.digest = this.source.prefetched.sha256;
    if (this.digest === undefined) for (const _ of this.pieces());
    return this.digest!;
  }
}
