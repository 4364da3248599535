// Importer for the Alibaba GPU cluster trace of the FGD study (openb_pod_list_*.csv and
// openb_node_list_*.csv, a.k.a. alibaba/clusterdata cluster-trace-gpu-v2023).
//
// Conventions, decided here because the FGD simulator replays pods in creation order and never
// lets them finish, so it has no run-time convention to copy:
// - submitS = creation_time; durationS = deletion_time - scheduled_time: the time the pod held its
//   GPUs. The queueing the real scheduler imposed (scheduled - creation) is not work, and the
//   simulator will impose its own.
// - A pod with an empty scheduled_time was Pending when the trace ended (all 897 in the default
//   list): its run time is unknown, so it is skipped as 'never scheduled'. `includePending` keeps
//   it with durationS = deletion_time - creation_time, as offered load of unknown length.
// - num_gpu 0 pods are CPU-only; poolsim simulates accelerators, so they are skipped as
//   'no GPU requested' unless `includeCpuOnly` (then devices 0, gpuMilli 0).
// - gpu_milli is the share of one GPU when num_gpu is 1, and 1000 (whole GPUs) when num_gpu > 1
//   in every published list; a multi-GPU pod with a fractional share is skipped rather than guessed.
// - Pods still running when the trace ended have deletion_time at the trace end: kept, their
//   recorded durations are lower bounds.
// - A pod list with none of the three time columns (creation_time, deletion_time, scheduled_time),
//   as the FGD study's derived lists (multi-GPU-heavy, sharing-heavy, ...) may be, lists pod sizes
//   only: it is imported `untimed` (every pod at 0 s with no run time), which a fill can draw from
//   and a run must refuse. A list with some time columns but not all is refused: which of its
//   times would be meant is a guess.
// Checks run in this order and the first failure names the reason: field count, name,
// creation_time, num_gpu, no GPU, gpu_milli, scheduled_time/pending, deletion_time, order of times,
// cpu_milli, memory_mib.
import { isEmptyField, OTHER_TRACES, parseFiniteNumber, requireColumns, columnIndex, scanCsv, type TextPieces } from './csv-reader.js';
import { countByReason, finishImport, type TraceOptions } from './trace-options.js';
import { NOT_A_JSON_OBJECT } from './jsonl-scan.js';
import { TraceError } from './trace-error.js';
import type { TraceImport, TraceJob, TraceNode, TraceNodeImport, TraceSkip } from './types.js';
import { MAX_DEVICES_PER_NODE } from '../limits.js';

export interface AlibabaOpenbOptions extends TraceOptions {
  /** Keep num_gpu 0 pods as jobs with devices 0. Default false. */
  includeCpuOnly?: boolean;
  /** Keep never-scheduled (Pending) pods with durationS = deletion - creation. Default false. */
  includePending?: boolean;
  /** Label used in errors and in `source`. */
  source?: string;
}

const SIZE_COLUMNS = {
  name: 'name',
  num_gpu: 'num_gpu',
  gpu_milli: 'gpu_milli',
} as const;

const TIME_COLUMNS = {
  creation_time: 'creation_time',
  deletion_time: 'deletion_time',
  scheduled_time: 'scheduled_time',
} as const;

const POD_COLUMNS = { ...SIZE_COLUMNS, ...TIME_COLUMNS } as const;

/** What a pod list's missing column is told with. */
const POD_LAYOUT = `format alibaba-openb reads an openb pod list (name, num_gpu, gpu_milli and creation_time, deletion_time, scheduled_time); ${OTHER_TRACES}`;

/** Splits a gpu_spec such as 'V100M16|V100M32' into models; empty or 'nan' means any model. */
export function parseGpuSpec(field: string | undefined, separator = '|'): string[] | null {
  if (isEmptyField(field)) return null;
  const models = field!
    .split(separator)
    .map((m) => m.trim())
    .filter((m) => !isEmptyField(m));
  return models.length > 0 ? models : null;
}

/** Parses a pod list. Pure: text in, records out. */
export function parseAlibabaOpenbPods(text: string | TextPieces, options: AlibabaOpenbOptions = {}): TraceImport {
  const source = options.source ?? 'alibaba-openb pods';
  const jobs: TraceJob[] = [];
  const skipped: TraceSkip[] = [];
  let originS = Infinity;
  let width = 0;
  let col = {} as Record<keyof typeof POD_COLUMNS, number>;
  let cpuCol = -1;
  let memCol = -1;
  let specCol = -1;
  let qosCol = -1;
  let untimed = false;

  const rows = scanCsv(
    text,
    source,
    (header, line) => {
      width = header.length;
      const timeColumns = Object.values(TIME_COLUMNS).filter((c) => columnIndex(header, c) >= 0);
      untimed = timeColumns.length === 0;
      if (untimed) {
        col = { ...requireColumns(header, SIZE_COLUMNS, source, line, POD_LAYOUT), creation_time: -1, deletion_time: -1, scheduled_time: -1 };
        if (options.window !== undefined) {
          throw new TraceError(source, line, `a window selects pods by creation_time, and this pod list has no time columns (${Object.values(TIME_COLUMNS).join(', ')}): it lists pod sizes only`);
        }
      } else if (timeColumns.length < 3) {
        const missing = Object.values(TIME_COLUMNS).filter((c) => !timeColumns.includes(c));
        const found = header.map((h) => h.trim()).join(', ');
        throw new TraceError(
          source,
          line,
          `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}: a pod list has all three time columns (${Object.values(TIME_COLUMNS).join(', ')}), or none (pod sizes only, for a fill); the header has: ${found}; ${OTHER_TRACES}`,
        );
      } else col = requireColumns(header, POD_COLUMNS, source, line, POD_LAYOUT);
      cpuCol = columnIndex(header, 'cpu_milli');
      memCol = columnIndex(header, 'memory_mib');
      specCol = columnIndex(header, 'gpu_spec');
      qosCol = columnIndex(header, 'qos');
    },
    (f, line) => {
      const skip = (reason: string, detail?: string): void => {
        skipped.push(detail === undefined ? { line, reason } : { line, reason, detail });
      };
      if (f.length !== width) return skip('wrong number of fields', `${f.length} fields, header has ${width}`);
      const id = f[col.name]!.trim();
      if (id === '') return skip('missing name');
      const creationS = untimed ? 0 : parseFiniteNumber(f[col.creation_time]);
      if (creationS === undefined || creationS < 0) return skip('bad creation_time', f[col.creation_time]);
      if (creationS < originS) originS = creationS;
      const numGpu = parseFiniteNumber(f[col.num_gpu]);
      if (numGpu === undefined || !Number.isSafeInteger(numGpu) || numGpu < 0) return skip('bad num_gpu', f[col.num_gpu]);
      if (numGpu === 0 && !options.includeCpuOnly) return skip('no GPU requested');

      let gpuMilli = 0;
      if (numGpu > 0) {
        const milli = isEmptyField(f[col.gpu_milli]) ? 1000 : parseFiniteNumber(f[col.gpu_milli]);
        // Whole thousandths from 1 to 1000: the pool accounts device shares in thousandths, so a
        // fraction of one (1e-9, 333.5) would be truncated there and leak from the device for good.
        if (milli === undefined || !Number.isInteger(milli) || !(milli >= 1 && milli <= 1000)) return skip('bad gpu_milli', f[col.gpu_milli]);
        if (numGpu > 1 && milli !== 1000) return skip('fractional share of a multi-GPU pod', `num_gpu ${numGpu}, gpu_milli ${milli}`);
        gpuMilli = milli;
      }

      let startS: number;
      if (untimed) startS = 0;
      else if (isEmptyField(f[col.scheduled_time])) {
        if (!options.includePending) return skip('never scheduled');
        startS = creationS;
      } else {
        const scheduledS = parseFiniteNumber(f[col.scheduled_time]);
        if (scheduledS === undefined || scheduledS < 0) return skip('bad scheduled_time', f[col.scheduled_time]);
        if (scheduledS < creationS) return skip('scheduled before creation', `${scheduledS} < ${creationS}`);
        startS = scheduledS;
      }
      let durationS = 0;
      if (!untimed) {
        const deletionS = parseFiniteNumber(f[col.deletion_time]);
        if (deletionS === undefined || deletionS < 0) return skip('bad deletion_time', f[col.deletion_time]);
        durationS = deletionS - startS;
        if (!(durationS > 0)) return skip('non-positive duration', `deletion ${deletionS}, start ${startS}`);
      }

      const job: TraceJob = {
        id,
        submitS: creationS,
        durationS,
        devices: numGpu,
        gpuMilli,
        allowedModels: specCol >= 0 ? parseGpuSpec(f[specCol]) : null,
        line,
      };
      const host = hostCells(f, cpuCol, memCol);
      if (typeof host === 'string') return skip(host, f[host === 'bad cpu_milli' ? cpuCol : memCol]);
      if (qosCol >= 0 && !isEmptyField(f[qosCol])) job.qos = f[qosCol]!.trim();
      if (host.cpuMilli !== undefined) job.cpuMilli = host.cpuMilli;
      if (host.memoryMiB !== undefined) job.memoryMiB = host.memoryMiB;
      jobs.push(job);
    },
    {},
    (line, detail) => skipped.push({ line, reason: NOT_A_JSON_OBJECT, detail }),
  );
  const result = finishImport(jobs, originS, skipped, rows, source, options);
  return untimed ? { ...result, untimed: true } : result;
}

/**
 * A pod's request or a node's size in CPU and memory, each absent when its column or cell is; a cell
 * that is not a number >= 0 names the reason to skip the row ('32 cores' read as no request, or a
 * node's as unlimited, would change every placement beside it unseen).
 */
function hostCells(f: readonly string[], cpuCol: number, memCol: number): { cpuMilli?: number; memoryMiB?: number } | 'bad cpu_milli' | 'bad memory_mib' {
  const read = (c: number): number | undefined | null => {
    if (c < 0 || isEmptyField(f[c])) return undefined;
    const v = parseFiniteNumber(f[c]);
    return v !== undefined && v >= 0 ? v : null;
  };
  const cpuMilli = read(cpuCol);
  if (cpuMilli === null) return 'bad cpu_milli';
  const memoryMiB = read(memCol);
  if (memoryMiB === null) return 'bad memory_mib';
  return { ...(cpuMilli !== undefined ? { cpuMilli } : {}), ...(memoryMiB !== undefined ? { memoryMiB } : {}) };
}

const NODE_COLUMNS = { sn: 'sn', gpu: 'gpu' } as const;

/**
 * Parses a node list. Nodes with gpu 0 hold no accelerator, so they are skipped for the device
 * pool as 'CPU-only node' (and counted). An empty model on a GPU node is kept as model null.
 */
export function parseAlibabaOpenbNodes(text: string | TextPieces, source = 'alibaba-openb nodes'): TraceNodeImport {
  const nodes: TraceNode[] = [];
  const skipped: TraceSkip[] = [];
  const seen = new Set<string>();
  let width = 0;
  let col = {} as Record<keyof typeof NODE_COLUMNS, number>;
  let modelCol = -1;
  let cpuCol = -1;
  let memCol = -1;
  const rows = scanCsv(
    text,
    source,
    (header, line) => {
      width = header.length;
      col = requireColumns(header, NODE_COLUMNS, source, line, 'format alibaba-openb reads an openb node list (sn, gpu, and model, cpu_milli, memory_mib when given)');
      modelCol = columnIndex(header, 'model');
      cpuCol = columnIndex(header, 'cpu_milli');
      memCol = columnIndex(header, 'memory_mib');
    },
    (f, line) => {
      const skip = (reason: string, detail?: string): void => {
        skipped.push(detail === undefined ? { line, reason } : { line, reason, detail });
      };
      if (f.length !== width) return skip('wrong number of fields', `${f.length} fields, header has ${width}`);
      const id = f[col.sn]!.trim();
      if (id === '') return skip('missing sn');
      if (seen.has(id)) return skip('duplicate id', id);
      seen.add(id);
      const devices = parseFiniteNumber(f[col.gpu]);
      if (devices === undefined || !Number.isInteger(devices) || devices < 0 || devices > MAX_DEVICES_PER_NODE) return skip('bad gpu', f[col.gpu]);
      if (devices === 0) return skip('CPU-only node');
      const host = hostCells(f, cpuCol, memCol);
      if (typeof host === 'string') return skip(host, f[host === 'bad cpu_milli' ? cpuCol : memCol]);
      const node: TraceNode = {
        id,
        devices,
        model: modelCol >= 0 && !isEmptyField(f[modelCol]) ? f[modelCol]!.trim() : null,
        line,
      };
      if (host.cpuMilli !== undefined) node.cpuMilli = host.cpuMilli;
      if (host.memoryMiB !== undefined) node.memoryMiB = host.memoryMiB;
      nodes.push(node);
    },
    {},
    (line, detail) => skipped.push({ line, reason: NOT_A_JSON_OBJECT, detail }),
  );
  return { nodes, skipped, skippedByReason: countByReason(skipped), source, rows };
}

/** Pod list plus an optional node list, as one import. */
export function importAlibabaOpenb(
  podText: string | TextPieces,
  nodeText: string | TextPieces | undefined,
  options: AlibabaOpenbOptions & { nodeSource?: string } = {},
): TraceImport {
  const result = parseAlibabaOpenbPods(podText, options);
  if (nodeText === undefined) return result;
  const nodes = parseAlibabaOpenbNodes(nodeText, options.nodeSource);
  return {
    ...result,
    nodes: nodes.nodes,
    nodeSource: nodes.source,
    nodeRows: nodes.rows,
    nodeSkipped: nodes.skipped,
    nodeSkippedByReason: nodes.skippedByReason,
  };
}
