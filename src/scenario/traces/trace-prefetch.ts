// A CSV job trace imported on another thread while the run's worker starts. `poolsim run`
// simulates in a worker, which first loads the simulator's modules (about 0.3-1 s) and only then
// reads the scenario and its trace (W2: 23.5 MB, a million rows, 0.6-0.8 s), while the other core
// idles. So a thread started for it (experiment/trace-prefetch-worker.ts) reads the scenario's
// CSV traces at once (prefetchTraces), with
// the very importer call the loader makes, and hands the rows over as columns (their buffers
// transferred, not copied). The worker's loader still reads the file as before (every refusal of
// the file is its own) and then takes the rows instead of importing them again only when the
// import would be the same: the same file (device, inode, size, change times) and the same
// importer arguments (importKey). Anything else (a scenario the guess below misreads, a trace that
// changed, a refused row, ids or models of its own) leaves the prefetch unused, and the loader
// imports as it always did: the same rows, messages and errors either way.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { readInputPieces } from '../read-input-file.js';
import type { TextPieces } from './csv-reader.js';
import { CsvJobRows, CsvRowReader, type CsvRowParts, type TraceRowReader } from './csv-rows.js';
import { importTraceRows } from './load-trace.js';
import type { TraceImport } from './types.js';

/** A trace import as the loader uses it. */
export type ImportedRows = Omit<TraceImport, 'jobs'> & { jobRows: TraceRowReader };

/** What the loader's pieces of a prefetched file carry (attachPrefetch). */
export interface TracePrefetch {
  /** importKey() of the import it holds. */
  readonly key: string;
  /** The SHA-256 of the file's text, as run-scenario.ts hashes the pieces. */
  readonly sha256: string;
  readonly imported: ImportedRows;
}

/** A prefetched import as it crosses to the worker. */
export interface PrefetchedTrace {
  /** The file, as the loader names it (the scenario's folder joined with the trace's path). */
  path: string;
  /** fileIdentity() before and after it was read. */
  identity: string;
  key: string;
  sha256: string;
  rest: Omit<TraceImport, 'jobs'>;
  rows: CsvRowParts;
}

/** The importer's arguments as one string: keys sorted, so that a parsed and a guessed object compare equal. */
export function importKey(format: string, options: object): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify([format, sorted(options)]);
}

/** What changes when a file is written or replaced: device, inode, size, modification and change times (ns). */
export function fileIdentity(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The scenario's CSV traces with a mapping and none of the options that change rows (window,
 * sample, time_scale, max_jobs, include_pending), imported here as the loader would import them.
 * Never throws: a scenario or file it cannot read as expected gives fewer (or no) prefetches.
 */
export function prefetchTraces(scenarioText: string, scenarioFile: string): PrefetchedTrace[] {
  const out: PrefetchedTrace[] = [];
  try {
    const doc: unknown = parse(scenarioText, { merge: true, uniqueKeys: true, logLevel: 'silent' });
    if (!isRecord(doc) || !Array.isArray(doc.workloads)) return out;
    // The loader's seed (schema default 1); only an integer passes its schema.
    const seed = doc.seed === undefined ? 1 : doc.seed;
    if (typeof seed !== 'number') return out;
    for (const w of doc.workloads) {
      if (!isRecord(w) || !isRecord(w.trace)) continue;
      const t = w.trace;
      if (t.format !== 'csv' || typeof t.path !== 'string' || t.path === '' || !isRecord(t.mapping)) continue;
      if (t.window !== undefined || t.sample !== undefined || t.time_scale !== undefined || t.max_jobs !== undefined) continue;
      if (t.include_pending !== undefined && t.include_pending !== false) continue;
      // The options object resolveTraceJobs (model/resolve/trace-jobs.ts) gives the importer.
      const options = { source: t.path, seed, includePending: false, mapping: t.mapping };
      const path = isAbsolute(t.path) ? t.path : join(dirname(scenarioFile), t.path);
      const p = prefetchOne(path, options);
      if (p) out.push(p);
    }
  } catch {
    // The worker reads the scenario and reports what is wrong with it.
  }
  return out;
}

function prefetchOne(path: string, options: { source: string; seed: number; includePending: boolean; mapping: Record<string, unknown> }): PrefetchedTrace | undefined {
  const before = fileIdentity(path);
  if (before === undefined) return undefined;
  try {
    const source = readInputPieces(path);
    const h = createHash('sha256');
    let whole = false;
    const hashed: TextPieces = {
      *pieces() {
        for (const piece of source.pieces()) {
          h.update(piece);
          yield piece;
        }
        whole = true;
      },
    };
    const imported = importTraceRows('csv', hashed, options as unknown as Parameters<typeof importTraceRows>[2]);
    if (!whole) for (const _ of hashed.pieces());
    if (fileIdentity(path) !== before || !(imported.jobRows instanceof CsvRowReader)) return undefined;
    const rows = imported.jobRows.parts();
    if (rows === undefined) return undefined;
    const { jobRows: _, ...rest } = imported;
    return { path, identity: before, key: importKey('csv', options), sha256: h.digest('hex'), rest, rows };
  } catch {
    return undefined;
  }
}

/**
 * The loader's pieces of `path`, carrying the prefetch of that file when it is the file that was
 * read (fileIdentity unchanged); the pieces themselves as they are. A prefetch is offered once.
 */
export function attachPrefetch(pieces: TextPieces, path: string, list: PrefetchedTrace[]): TextPieces {
  const at = list.findIndex((x) => x.path === path);
  if (at < 0) return pieces;
  // Taken from the list (whose owner may live as long as the run): its columns are then held only
  // by the import that uses them, and freed with it once the loader has made its table.
  const p = list.splice(at, 1)[0]!;
  if (fileIdentity(path) !== p.identity) return pieces;
  const prefetched: TracePrefetch = { key: p.key, sha256: p.sha256, imported: { ...p.rest, jobRows: CsvJobRows.fromParts(p.rows) } };
  return { pieces: () => pieces.pieces(), prefetched };
}
