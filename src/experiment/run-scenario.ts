// The one run pipeline: parse -> build -> simulate -> observe. A scenario (text, or already
// resolved) and its policies go in; the simulation runs with the caller's sinks on its signal bus;
// the result comes out. The CLI's run (through a worker, a pool of one), compare, sweep and check
// (through the pool), and library users all run scenarios here, so no route can drift from another.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { TextPieces } from '../scenario/traces/csv-reader.js';
import { loadScenario, type LoadOptions, type ResolvedScenario } from '../model/load-scenario.js';
import { loadPolicies, type LoadPoliciesOptions } from '../policy/plugin.js';
import type { ResolvedPolicies } from '../policy/registry.js';
import { listenTo, type RunListeners } from '../sim/run-events.js';
import { Simulation, type RunOptions, type RunResult } from '../sim/simulation.js';
import { scenarioFingerprint } from './scenario-fingerprint.js';
import type { RowBufferSource } from './job-row-batch.js';
import { attachOutputs, type JobRowWriter, type OutputName, type OutputWriter } from './output-sinks.js';

export interface RunScenarioOptions extends Omit<RunOptions, 'observe'> {
  /**
   * Result files to produce (outputFiles() says which a scenario writes) and where their text goes;
   * with `writeRows`, jobs.csv's rows go there as values instead, each batch in a buffer from
   * `rowBuffer` when given (attachOutputs).
   */
  outputs?: { files: readonly OutputName[]; write: OutputWriter; writeRows?: JobRowWriter; rowBuffer?: RowBufferSource };
  /** More listeners on the signal bus (trace exporters, invariant checks), attached before the first event. */
  observe?: (sim: Simulation) => void;
  /** Listeners for job signals and result rows, as frozen plain data (sim/run-events.ts). */
  on?: RunListeners;
}

/** Simulate a resolved scenario with its sinks; pure apart from what the sinks do. */
export function runScenario(resolved: ResolvedScenario, options: RunScenarioOptions = {}): RunResult {
  const { outputs, observe, on, ...runOptions } = options;
  const sim = new Simulation(resolved, runOptions);
  const sinks = outputs ? attachOutputs(sim, outputs.files, outputs.write, outputs.writeRows, outputs.rowBuffer) : undefined;
  if (on) listenTo(sim.signals, sim.cluster, on, sim.network);
  observe?.(sim);
  const result = sim.run();
  sinks?.finish(result.summary, result.tenants);
  return result;
}

/** A scenario as loaded for a run: resolved, with the fingerprint of everything it read. */
export interface LoadedScenario {
  resolved: ResolvedScenario;
  /** scenarioFingerprint() over the text and every file the loader read, in order. */
  fingerprint: string;
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
  return { resolved, fingerprint: scenarioFingerprint(text, inputs.map((i) => (i instanceof PiecesDigest ? { path: i.path, sha256: i.sha256() } : i))) };
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

/**
 * The library's whole pipeline in one call: load the scenario's policies (plug-in modules
 * included, relative to `scenarioDir`, the scenario file's folder by default), then run it.
 */
export async function runScenarioWithPolicies(
  resolved: ResolvedScenario,
  options: RunScenarioOptions & { scenarioDir?: string; overrides?: LoadPoliciesOptions } = {},
): Promise<RunResult> {
  const { scenarioDir, overrides, ...rest } = options;
  const policies: ResolvedPolicies = rest.policies ?? (await loadPolicies(resolved, scenarioDir ?? dirname(resolved.file), overrides));
  return runScenario(resolved, { ...rest, policies });
}
