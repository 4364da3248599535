// The result files of a run, as sinks on its signal bus: which files a scenario's run writes, and
// the CSV (and timeline) text of each, handed to a writer in large chunks. The same code formats
// them whichever route the run takes (in this thread, in a worker, in an experiment), so every
// route writes the same bytes.
import type { ResolvedScenario } from '../model/load-scenario.js';
import { REQUEST_COLUMNS, SERVICE_COLUMNS } from '../sim/inference/service-rows.js';
import { JOB_COLUMNS, SUMMARY_COLUMNS, type JobRow, type SummaryRow } from '../sim/metrics.js';
import { modelsNetwork } from '../sim/network-modelled.js';
import { RunFailedError } from '../sim/run-error.js';
import { argumentError, describeArgument } from '../scenario/errors.js';
import { LINK_COLUMNS, LINK_SAMPLE_COLUMNS, TRANSFER_COLUMNS, type RowSignal } from '../sim/signals.js';
import { TENANT_COLUMNS } from '../sim/tenant-metrics.js';
import { TENANT_SHARE_COLUMNS } from '../sim/tenant-share-series.js';
import { TENANT_SUMMARY_COLUMNS } from './metric-table.js';
import type { RunResult, Simulation } from '../sim/simulation.js';
import { csvLine, writeCell } from './csv.js';
import { JOB_NUMBER_CELLS, JOB_ROW_CELLS, NOT_A_JOB_ROW, WRITTEN, writeJobRow } from './job-row-cells.js';
import { JobRowBatcher, type JobRowBatch, type RowBufferSource } from './job-row-batch.js';
import { TextChunk } from './text-chunk.js';
import { attachTimeline, type Timeline } from './timeline.js';

/** The files a run can write, by the name they take in the output folder (the timeline's is chosen by the user). */
export type OutputName = 'summary.csv' | 'jobs.csv' | 'links.csv' | 'links_timeseries.csv' | 'transfers.csv' | 'services.csv' | 'requests.csv' | 'tenants.csv' | 'tenant_shares.csv' | 'timeline';

/** What the user asked for beyond what every run writes. */
export interface OutputRequest {
  /** requests.csv (scenarios with inference services). */
  requests?: boolean;
  /** Fraction of requests written to requests.csv, in (0, 1]. */
  requestSampleRate?: number;
  /** The Chrome trace-event timeline. */
  timeline?: boolean;
  /** links_timeseries.csv (network model on): each link's bytes and utilisation per interval of this many seconds. */
  linkIntervalS?: number;
}

/**
 * The files a run of `resolved` writes, in a fixed order: summary.csv and jobs.csv always;
 * links.csv when the network is modelled (network: flow, or transfers or KV caches crossing it
 * under network: ideal); transfers.csv when the scenario moves data;
 * services.csv when it has inference services, and requests.csv with them when asked;
 * tenants.csv and tenant_shares.csv when it has tenants; the timeline when asked.
 */
export function outputFiles(resolved: ResolvedScenario, request: OutputRequest = {}): OutputName[] {
  if (resolved === null || typeof resolved !== 'object' || !Array.isArray((resolved as { services?: unknown }).services)) {
    throw argumentError('outputFiles', `resolved must be a scenario from loadScenario or defineScenario, got ${describeArgument(resolved)}`);
  }
  const files: OutputName[] = ['summary.csv', 'jobs.csv'];
  if (modelsNetwork(resolved)) {
    files.push('links.csv');
    if (request.linkIntervalS !== undefined) files.push('links_timeseries.csv');
  }
  if (resolved.transfers.length > 0) files.push('transfers.csv');
  if (resolved.services.length > 0) {
    files.push('services.csv');
    if (request.requests) files.push('requests.csv');
  }
  if (resolved.tenants) files.push('tenants.csv', 'tenant_shares.csv');
  if (request.timeline) files.push('timeline');
  return files;
}

/** Receives each output file's text in order, in chunks; the first chunk of a CSV is its header. */
export type OutputWriter = (file: OutputName, text: string) => void;

/**
 * Receives jobs.csv's rows as values (formatJobRowBatch gives their text), in order with the
 * text chunks the OutputWriter receives for the same file: a thread that simulates hands the
 * formatting to the one that saves.
 */
export type JobRowWriter = (file: 'jobs.csv', batch: JobRowBatch) => void;

/** A result that no float can represent: refused rather than written as 'inf'. */
export class NonFiniteResultError extends RunFailedError {
  constructor(
    readonly file: OutputName,
    readonly column: string,
    readonly row: string,
  ) {
    super(`${file}: ${column} of ${row} is not a finite number; the scenario's figures push it beyond floating-point range, so no result is written (please report it with the scenario)`);
  }
}

const CHUNK_CHARS = 1 << 16;

interface RowTable {
  signal: RowSignal | undefined;
  columns: readonly string[];
  /** The cell naming a row in messages. */
  key: string;
}

const TABLES: Record<Exclude<OutputName, 'timeline'>, RowTable> = {
  'summary.csv': { signal: undefined, columns: SUMMARY_COLUMNS, key: 'scenario' },
  'jobs.csv': { signal: 'jobRow', columns: JOB_COLUMNS, key: 'job_id' },
  'links.csv': { signal: 'linkRow', columns: LINK_COLUMNS, key: 'link' },
  'links_timeseries.csv': { signal: 'linkSampleRow', columns: LINK_SAMPLE_COLUMNS, key: 'link' },
  'transfers.csv': { signal: 'transferRow', columns: TRANSFER_COLUMNS, key: 'transfer' },
  'services.csv': { signal: 'serviceRow', columns: SERVICE_COLUMNS, key: 'service' },
  'requests.csv': { signal: 'requestRow', columns: REQUEST_COLUMNS, key: 'request_id' },
  'tenants.csv': { signal: 'tenantRow', columns: TENANT_COLUMNS, key: 'tenant' },
  'tenant_shares.csv': { signal: 'tenantShareRow', columns: TENANT_SHARE_COLUMNS, key: 'tenant' },
};

/** summary.csv's columns: with tenants, Jain's index over them at the end (a scenario without tenants keeps its bytes). */
export function summaryColumns(withTenants: boolean): readonly string[] {
  return withTenants ? [...SUMMARY_COLUMNS, ...TENANT_SUMMARY_COLUMNS] : SUMMARY_COLUMNS;
}

/** One CSV output: rows formatted as they come, handed on in chunks. */
class CsvOutput {
  private readonly text = new TextChunk();

  constructor(
    private readonly file: Exclude<OutputName, 'timeline'>,
    private readonly write: OutputWriter,
    private readonly columns: readonly string[] = TABLES[file].columns,
    private readonly writeRows?: JobRowWriter,
    rowBuffer?: RowBufferSource,
  ) {
    this.text.append(csvLine(columns));
    this.jobRows = file === 'jobs.csv' && sameColumns(columns, JOB_ROW_CELLS);
    if (this.jobRows && writeRows) this.batch = new JobRowBatcher(rowBuffer);
  }

  /** jobs.csv with its columns: rows through writeJobRow. */
  private readonly jobRows: boolean;
  /** jobs.csv's rows as values, when a JobRowWriter takes them (the text holds only what is not). */
  private readonly batch: JobRowBatcher | undefined;

  add(row: Record<string, unknown>): void {
    const text = this.text;
    const batch = this.batch;
    if (batch) {
      const added = batch.add(row as unknown as JobRow);
      if (added === WRITTEN) {
        if (batch.full) this.flushBatch();
        return;
      }
      if (added !== NOT_A_JOB_ROW) throw new NonFiniteResultError(this.file, JOB_NUMBER_CELLS[added]!, `'${String(row[TABLES[this.file].key])}'`);
      // A row of other values is written as text, after the rows batched before it.
      this.flushBatch();
    } else if (this.jobRows) {
      // A row per job: the same cells with each number kept unboxed (job-row-cells.ts).
      const written = writeJobRow(text, row as unknown as JobRow);
      if (written === WRITTEN) {
        text.appendCode(10); // '\n'
        if (text.length >= CHUNK_CHARS) this.flush();
        return;
      }
      if (written !== NOT_A_JOB_ROW) throw new NonFiniteResultError(this.file, JOB_NUMBER_CELLS[written]!, `'${String(row[TABLES[this.file].key])}'`);
    }
    // csvLine(rowValues(row, columns)) in one pass, cell by cell into the chunk.
    const columns = this.columns;
    const start = text.length;
    for (let i = 0; i < columns.length; i++) {
      const v = row[columns[i]!];
      if (typeof v === 'number' && (v === Infinity || v === -Infinity)) {
        text.truncate(start); // nothing of a refused row stays
        throw new NonFiniteResultError(this.file, columns[i]!, `'${String(row[TABLES[this.file].key])}'`);
      }
      if (i > 0) text.appendCode(44); // ','
      writeCell(text, v);
    }
    text.appendCode(10); // '\n'
    if (text.length >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.batch) this.flushBatch();
    else if (this.text.length > 0) this.write(this.file, this.text.take());
  }

  /**
   * Hand on the text, then the batched rows. Everything in the text (the header, rows written as
   * text) came before every batched row: add() flushes both before it adds a row to the text.
   */
  private flushBatch(): void {
    if (this.text.length > 0) this.write(this.file, this.text.take());
    const b = this.batch!.take();
    if (b) this.writeRows!('jobs.csv', b);
  }
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** The sinks of one run, attached to its signal bus before the first event. */
export interface RunOutputs {
  /** Write the summary and what remains buffered; call once, after the run. */
  finish(summary: SummaryRow, tenants?: RunResult['tenants']): void;
}

/**
 * Attach a sink per CSV file (and the timeline) to the run. With `writeRows`, jobs.csv's rows go
 * there as values (the caller formats them with formatJobRowBatch, in order with the file's text
 * chunks), each batch in a buffer from `rowBuffer` when given; without, as text to `write` like
 * every other file's.
 */
export function attachOutputs(sim: Simulation, files: readonly OutputName[], write: OutputWriter, writeRows?: JobRowWriter, rowBuffer?: RowBufferSource): RunOutputs {
  const outputs = new Map<OutputName, CsvOutput>();
  let timeline: Timeline | undefined;
  for (const file of files) {
    if (file === 'timeline') {
      timeline = attachTimeline(sim);
      continue;
    }
    const out = new CsvOutput(file, write, file === 'summary.csv' ? summaryColumns(sim.admission !== undefined) : TABLES[file].columns, writeRows, rowBuffer);
    outputs.set(file, out);
    const signal = TABLES[file].signal;
    if (signal) sim.signals.onRow(signal, (row) => out.add(row as unknown as Record<string, unknown>), true);
  }
  return {
    finish(summary, tenants) {
      outputs.get('summary.csv')?.add({ ...summary, ...(tenants ? { jain_index: tenants.jainIndex } : {}) } as unknown as Record<string, unknown>);
      for (const file of files) {
        if (file === 'timeline') write('timeline', timeline!.write());
        else outputs.get(file)!.flush();
      }
    },
  };
}
