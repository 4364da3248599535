// A workload's trace (`trace:`): its rows read as a table of jobs (model/trace-job-template.ts),
// each row's kinds, queue, name and work, with what was skipped, renamed or cannot run reported at
// the file's lines.
import { importTraceRows, TraceError, type CsvMapping, type TraceImport, type TraceRowReader } from '../../scenario/traces/index.js';
import { CsvRowReader, ROW_BLOCK_BITS, ROW_BLOCK_MASK } from '../../scenario/traces/csv-rows.js';
import { describeFirstSkipped, firstSkippedOf, type TraceSkipSample } from '../../scenario/traces/first-skipped.js';
import { importKey } from '../../scenario/traces/trace-prefetch.js';
import { freeName } from '../../scenario/traces/trace-options.js';
import { InputFileError } from '../../scenario/read-input-file.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { MAX_OPEN_RUN_S, MAX_TIME_S } from '../../scenario/limits.js';
import { TraceQueues } from '../trace-queues.js';
import { TracePriorities } from '../trace-priorities.js';
import { TraceJobTable } from '../trace-job-template.js';
import { formatYears } from '../size-estimate.js';
import { formatDuration } from '../../units/units.js';
import { ID_USED_ELSEWHERE } from './types.js';
import type { WorkloadScope } from './workload-scope.js';
import { countOf } from '../../units/count-noun.js';

type TraceSpec = Extract<Scenario['workloads'][number], { trace: unknown }>['trace'];

/** The trace of workload `wi`, added to the scope's jobs; nothing when it is refused (the problem is recorded). */
export function resolveTraceJobs(t: TraceSpec, wi: number, scope: WorkloadScope): void {
  const { ctx, book, names } = scope;
  const kinds = book.kinds;
  const at: PathKey[] = ['workloads', wi, 'trace'];
  if (t.queue_from && t.queue !== undefined) ctx.fail([...at, 'queue_from'], 'give either `queue` (one queue for every job) or `queue_from` (each job\'s queue from a trace column), not both');
  if (t.queue_from && !scope.tenants && !scope.scenario.tenants_from) ctx.fail([...at, 'queue_from'], 'queue_from names tenant queues but the scenario defines no tenants (add a `tenants:` section with its queues)');
  const queue = t.queue_from ? undefined : scope.queueOf(t.queue, at);
  // Options that the format has no rows or column for would change nothing, unseen.
  if (t.include_pending && t.format !== 'alibaba-openb') ctx.fail([...at, 'include_pending'], `only an alibaba-openb pod list has never-scheduled pods to keep (an empty scheduled_time); a ${t.format} trace has none, so it would change nothing: drop it`);
  if (Object.keys(t.device_map).length > 0 && t.format !== 'alibaba-openb' && t.mapping?.allowed_models === undefined) {
    ctx.fail([...at, 'device_map'], t.format === 'csv' ? 'a csv trace has no GPU-model column unless its mapping names one (`allowed_models`), so this map would match nothing: name the column, or drop device_map' : 'a philly trace has no GPU-model column, so this map would match nothing: drop it (every job may run on any kind)');
  }
  if (t.format === 'csv' && t.mapping?.group === undefined && Object.keys(t.priority).some((k) => k !== '')) {
    ctx.fail([...at, 'priority'], 'a csv trace has no group column unless its mapping names one (`group`), so these priorities would be given to no job: name the column, or drop priority');
  }
  if (t.sample_seed !== undefined && !(t.sample !== undefined && t.sample < 1)) ctx.fail([...at, 'sample_seed'], 'sample_seed chooses the jobs `sample` keeps, and every job is kept without a `sample` below 1, so it would change nothing: drop it, or give `sample`');
  const text = ctx.readTrace(t.path, [...at, 'path']);
  if (text === undefined) return;
  let imported: Omit<TraceImport, 'jobs'> & { jobRows: TraceRowReader };
  // A sample is the run's draw unless pinned: each seed of an experiment replays jobs of its own.
  // Without one the file's seed stays in the options, so that a trace prefetched for the file
  // (importKey, trace-prefetch.ts) is taken by a run of any seed.
  const sampled = t.sample !== undefined && t.sample < 1;
  const sampleSeed = sampled ? (t.sample_seed ?? ctx.io.seed ?? scope.scenario.seed) : scope.scenario.seed;
  if (sampled && t.sample_seed === undefined) ctx.traceSampleSeed = sampleSeed;
  const options = {
    source: t.path,
    seed: sampleSeed,
    includePending: t.include_pending,
    ...(t.mapping ? { mapping: t.mapping as CsvMapping } : {}),
    ...(t.window ? { window: { startS: t.window.start, ...(t.window.end !== undefined ? { endS: t.window.end } : {}) } } : {}),
    ...(t.sample !== undefined ? { sample: t.sample } : {}),
    ...(t.time_scale !== undefined ? { timeScale: t.time_scale } : {}),
    ...(t.max_jobs !== undefined ? { maxJobs: t.max_jobs } : {}),
  };
  // The same import, made on the command line's thread while this worker started (trace-prefetch.ts).
  const prefetched = typeof text === 'string' ? undefined : text.prefetched;
  try {
    imported = prefetched !== undefined && prefetched.key === importKey(t.format, options) ? prefetched.imported : importTraceRows(t.format, text, options);
  } catch (e) {
    if (e instanceof TraceError) {
      ctx.fail([...at, ...(e.field ?? ['path'])], e.message);
      return;
    }
    if (e instanceof InputFileError) {
      // The file changed between readPieces' checks and a later piece.
      ctx.cannotRead(ctx.fullPath(t.path), e, [...at, 'path']);
      return;
    }
    throw e;
  }
  if (imported.untimed && !ctx.io.allowUntimed) {
    ctx.fail(
      [...at, 'path'],
      `${t.path} lists pod sizes only (no creation_time, deletion_time or scheduled_time column): \`poolsim fill\` can draw pods from it, but a run needs each pod's arrival and run time`,
    );
    return;
  }
  const refName = t.reference_device ?? (kinds.length === 1 ? kinds[0]!.name : undefined);
  if (refName === undefined) {
    ctx.fail(at, 'a trace needs `reference_device`: the device kind its recorded run times were measured on');
    return;
  }
  const ref = book.useKind(refName, [...at, 'reference_device']);
  if (ref === undefined) return;
  const refSpec = kinds[ref]!.spec;
  const eff = t.efficiency ?? refSpec.efficiency;
  const skipped: Record<string, number> = { ...imported.skippedByReason };
  const firstSkipped = firstSkippedOf(imported.skipped);
  // Jobs bigger than the pool holds of any kind they may use: rejected when submitted.
  const poolCapacity = scope.capacityOf(undefined);
  let tooBig = 0;
  let firstTooBig: { line: number; devices: number; capacity: number } | undefined;
  const modelKinds = new Map<string, number | undefined>();
  const kindOfModel = (m: string): number | undefined => {
    if (!modelKinds.has(m)) {
      const name = book.kindNameOfModel(m, t.device_map);
      modelKinds.set(m, name === undefined ? undefined : book.useKind(name, [...at, 'device_map', m]));
    }
    return modelKinds.get(m);
  };
  const name = t.name ?? `trace-${wi}`;
  const column = t.queue_from?.field === 'qos' ? 'column qos' : t.format === 'csv' ? `column ${t.mapping?.group ?? '(none: the mapping gives no `group`)'}` : `column ${imported.groupColumn ?? 'cluster (absent from the file)'}`;
  const noQueueColumn = t.queue_from ? missingQueueColumn(t, imported.groupColumn) : undefined;
  if (noQueueColumn !== undefined) {
    // Every job's value would be empty: all to the default queue, or each refused with advice to
    // give one, when the fix is the field or the column.
    ctx.fail([...at, 'queue_from', 'field'], `${noQueueColumn.why}, so no job would name its queue${noQueueColumn.fix !== undefined ? `: ${noQueueColumn.fix}` : ''}`);
    return;
  }
  const traceQueues = t.queue_from && scope.tenants && t.queue === undefined ? new TraceQueues(t.queue_from, scope.tenants, [...at, 'queue_from'], column, t.path, ctx.fail) : undefined;
  const priorityColumn = t.format === 'alibaba-openb' ? 'column qos' : t.format === 'csv' ? `column ${t.mapping?.group}` : `column ${imported.groupColumn ?? 'cluster (absent from the file)'}`;
  const priorities = new TracePriorities(t.priority, [...at, 'priority'], priorityColumn);
  let kept = 0;
  let beyond = 0;
  let firstBeyond: { line: number; id: string; submitS: number; durationS: number; devices: number } | undefined;
  // Without a horizon, a row whose job would end after the century a run may last even alone on
  // its fastest allowed devices is refused at its line (the size estimate checks listed jobs so).
  const openRun = scope.scenario.horizon === undefined;
  // Jobs submitted at or after the horizon never enter the run: counted, so that a stray early
  // row (the trace's origin) cannot shrink the replay to itself unseen.
  const horizonS = scope.scenario.horizon ?? Infinity;
  let afterHorizon = 0;
  let firstSubmit: { line: number; submitS: number } | undefined;
  let firstAfter: { line: number; submitS: number } | undefined;
  let lateEnds = 0;
  let firstLate: { line: number; id: string; endS: number } | undefined;
  const bestRates = new Map<string, number>();
  // Rows in a row usually share their kinds: then no key string per row (a million in W2).
  let lastAllowed: readonly number[] | undefined | null = null;
  let lastBest = 0;
  const bestRateOf = (allowed: readonly number[] | undefined): number => {
    if (allowed === lastAllowed) return lastBest;
    lastAllowed = allowed;
    const key = allowed?.join(',') ?? '*';
    let best = bestRates.get(key);
    if (best === undefined) {
      best = 0;
      for (const g of scope.groups) if (!allowed || allowed.includes(g.kind)) best = Math.max(best, kinds[g.kind]!.spec.peak * (t.efficiency ?? kinds[g.kind]!.spec.efficiency));
      bestRates.set(key, best);
    }
    return (lastBest = best);
  };
  // An id another workload already uses is renamed as the importer renames repeats within the
  // trace ('<id>~2', ...), and counted: ids are data the user cannot edit, and transfers, --job
  // and jobs.csv rows need each name to mean one job.
  const renamedByReason: Record<string, number> = { ...(imported.renamedByReason ?? {}) };
  const firstRenamed: Record<string, TraceSkipSample> = { ...(imported.firstRenamed ?? {}) };
  const renames = new Map<string, number>();
  const modelsOfTarget = new Map<string, string[]>();
  for (const [m, target] of Object.entries(t.device_map)) modelsOfTarget.set(target, [...(modelsOfTarget.get(target) ?? []), m]);
  const loosened = new Map<string, { count: number; example: string; allowed: string }>();
  // The importer made this trace's ids distinct, so until one of them is renamed here, an id can
  // only clash with another workload's names: those of the jobs listed before it (explicit and
  // earlier traces') and the generators'.
  let mayClashWithOwn = scope.jobs.length > 0;
  const rows = imported.jobRows;
  const table = new TraceJobTable(name, t.efficiency, t.runtime === 'fixed', rows.length);
  names.tableSoFar = table;
  // A CSV trace of numbers only (no ids, models or groups of its own: W2's million rows), whose
  // numbered ids no other name can clash with, and without per-row queues: every row takes the
  // generic loop's numbered-name branch with no kinds, priority or host request of its own, so it
  // is read here from the importer's columns directly, with the generic loop's checks and
  // expressions in the same order (the same table, counts and first rows).
  const cols =
    rows instanceof CsvRowReader && !traceQueues && !mayClashWithOwn && names.noSetYet && names.listed.size === 0 && names.generators.size === 0 ? rows.columns() : undefined;
  if (cols !== undefined) {
    const { order, submit, duration, deviceCount, milli, lines, numbers } = cols;
    const priority = priorities.of('');
    const fixed = t.runtime === 'fixed';
    const bestRate = fixed ? 0 : bestRateOf(undefined);
    const peak = refSpec.peak;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const b = i >>> ROW_BLOCK_BITS;
      const j = i & ROW_BLOCK_MASK;
      const submitS = submit[b]![j]!;
      const durationS = duration[b]![j]!;
      const devices = deviceCount[b]![j]!;
      const gpuMilli = milli[b]![j]!;
      const share = gpuMilli / 1000;
      const work = durationS * devices * share * peak * eff;
      if (!(submitS <= MAX_TIME_S) || !(durationS <= MAX_TIME_S) || !Number.isFinite(work)) {
        beyond++;
        firstBeyond ??= { line: lines[b]![j]!, id: `job-${numbers[b]![j]!}`, submitS, durationS, devices };
        continue;
      }
      if (openRun) {
        const endS = submitS + (fixed ? durationS : bestRate > 0 ? work / (devices * share * bestRate) : 0);
        if (!(endS <= MAX_OPEN_RUN_S)) {
          lateEnds++;
          firstLate ??= { line: lines[b]![j]!, id: `job-${numbers[b]![j]!}`, endS };
        }
      }
      table.push(numbers[b]![j]!, submitS, devices, work, undefined, priority, gpuMilli, undefined, undefined, durationS, queue);
      kept++;
      if (firstSubmit === undefined || submitS < firstSubmit.submitS) firstSubmit = { line: lines[b]![j]!, submitS };
      if (submitS >= horizonS) {
        afterHorizon++;
        if (firstAfter === undefined || submitS < firstAfter.submitS) firstAfter = { line: lines[b]![j]!, submitS };
      }
      if (devices > poolCapacity) {
        tooBig++;
        firstTooBig ??= { line: lines[b]![j]!, devices, capacity: poolCapacity };
      }
    }
  }
  for (let k = 0; cols === undefined && k < rows.length; k++) {
    const tj = rows.read(k); // for a CSV trace one record, refilled per row
    let allowedKinds: number[] | undefined;
    if (tj.allowedModels) {
      allowedKinds = [];
      for (const m of tj.allowedModels) {
        const k = kindOfModel(m);
        if (k !== undefined && !allowedKinds.includes(k)) allowedKinds.push(k);
      }
      // A device kind that several mapped models share, some of which this pod's gpu_spec
      // forbids: the map loosens its constraint (warned once below).
      for (const m of tj.allowedModels) {
        const target = t.device_map[m];
        if (target === undefined) continue;
        const forbidden = (modelsOfTarget.get(target) ?? []).filter((o) => !tj.allowedModels!.includes(o));
        if (forbidden.length > 0) {
          const key = `${[m, ...forbidden].join(', ')} -> ${target}`;
          const e = loosened.get(key) ?? { count: 0, example: tj.id, allowed: tj.allowedModels.join('|') };
          e.count++;
          loosened.set(key, e);
          break;
        }
      }
      if (allowedKinds.length === 0) {
        const reason = `no allowed GPU model maps to a device kind (${tj.allowedModels.join('|')}); see device_map`;
        skipped[reason] = (skipped[reason] ?? 0) + 1;
        if (firstSkipped[reason] === undefined) firstSkipped[reason] = { line: tj.line };
        continue;
      }
    }
    const jobQueue = traceQueues ? traceQueues.queueOf(tj) : queue;
    if (traceQueues && jobQueue === undefined) continue; // reported below, at its line
    const share = tj.gpuMilli / 1000;
    // An id the importer numbered ('job-<n>') that no other name can clash with is kept as its
    // number: no string (the checks below could only pass it).
    const numbered = rows.numbered(k);
    let jobName: string | number;
    if (numbered >= 0 && !mayClashWithOwn && names.noSetYet && names.listed.size === 0 && names.generators.size === 0) jobName = numbered;
    else {
      let id = tj.id;
      if (mayClashWithOwn ? names.taken(id) : names.listed.has(id) || names.generatedBy(id) !== undefined) {
        const taken = id;
        id = freeName(id, renames, names.taken);
        renamedByReason[ID_USED_ELSEWHERE] = (renamedByReason[ID_USED_ELSEWHERE] ?? 0) + 1;
        firstRenamed[ID_USED_ELSEWHERE] ??= { line: tj.line, detail: `${taken}: kept as ${id}` };
        mayClashWithOwn = true;
      }
      names.took(id);
      jobName = id;
    }
    const work = tj.durationS * tj.devices * share * refSpec.peak * eff;
    // A row whose times are beyond what a scenario may hold, or whose work overflows a float,
    // is refused here, where its line is known (later checks see only the job's id).
    if (!(tj.submitS <= MAX_TIME_S) || !(tj.durationS <= MAX_TIME_S) || !Number.isFinite(work)) {
      beyond++;
      firstBeyond ??= { line: tj.line, id: tj.id, submitS: tj.submitS, durationS: tj.durationS, devices: tj.devices };
      continue;
    }
    if (openRun) {
      const bestRate = t.runtime === 'fixed' ? 0 : bestRateOf(allowedKinds);
      const endS = tj.submitS + (t.runtime === 'fixed' ? tj.durationS : bestRate > 0 ? work / (tj.devices * share * bestRate) : 0);
      if (!(endS <= MAX_OPEN_RUN_S)) {
        lateEnds++;
        firstLate ??= { line: tj.line, id: tj.id, endS };
      }
    }
    // The row's template is made when asked, with the fields TraceJobTemplate's constructor
    // is given here (model/trace-job-template.ts).
    table.push(
      jobName,
      tj.submitS,
      tj.devices,
      work,
      allowedKinds,
      priorities.of(tj.qos ?? tj.group ?? ''),
      tj.gpuMilli,
      tj.cpuMilli,
      tj.memoryMiB,
      tj.durationS,
      jobQueue,
    );
    kept++;
    if (firstSubmit === undefined || tj.submitS < firstSubmit.submitS) firstSubmit = { line: tj.line, submitS: tj.submitS };
    if (tj.submitS >= horizonS) {
      afterHorizon++;
      if (firstAfter === undefined || tj.submitS < firstAfter.submitS) firstAfter = { line: tj.line, submitS: tj.submitS };
    }
    const capacity = allowedKinds === undefined ? poolCapacity : scope.capacityOf(allowedKinds);
    if (tj.devices > capacity) {
      tooBig++;
      firstTooBig ??= { line: tj.line, devices: tj.devices, capacity };
    }
  }
  names.tableSoFar = undefined;
  table.trim();
  scope.jobs.addTable(table);
  traceQueues?.report(ctx.warn);
  priorities.report(ctx.fail, ctx.warn);
  const fileAt: PathKey[] = [...at, 'path'];
  if (firstBeyond !== undefined) {
    const b = firstBeyond;
    const what = !(b.submitS <= MAX_TIME_S)
      ? `its submit time is ${b.submitS} s after the trace's origin`
      : !(b.durationS <= MAX_TIME_S)
        ? `its duration is ${b.durationS} s`
        : `its work (${b.durationS} s on ${b.devices} ${refName} devices) is beyond the largest number poolsim can hold`;
    ctx.fail(
      fileAt,
      `${t.path}:${b.line}: job '${b.id}': ${what}; times and durations are at most 1e10 s (about 317 years)${beyond > 1 ? ` (${beyond} rows so)` : ''}: correct the row${!(b.submitS <= MAX_TIME_S) ? ', or leave it out with a window' : ''}`,
    );
    return;
  }
  if (firstLate !== undefined) {
    ctx.fail(
      fileAt,
      `${t.path}:${firstLate.line}: job '${firstLate.id}' would end at about ${formatYears(firstLate.endS)} even alone on its fastest devices${lateEnds > 1 ? ` (${lateEnds} rows so)` : ''}; a run without a horizon stops after 100 years of simulated time: correct the row, leave it out with a window, or set a horizon`,
    );
    return;
  }
  if (kept === 0) {
    const why = [
      ...Object.entries(skipped).map(([reason, n]) => `${countOf(n, 'row')}: ${reason}${describeFirstSkipped(firstSkipped[reason])}`),
      ...Object.entries(imported.filteredByOption).filter(([, n]) => n > 0).map(([option, n]) => `${countOf(n, 'row')} dropped by ${option}`),
    ];
    ctx.fail(fileAt, `the trace gives no job to run: ${imported.rows === 0 ? 'it has no rows after its header' : `of its ${countOf(imported.rows, 'row')}, ${why.length > 0 ? why.join('; ') : 'none is used'}`}`);
  } else if (firstTooBig !== undefined) {
    // Warned, not refused, even when it is every job: the rows are data the user cannot edit,
    // and a run reports each as rejected.
    const f = firstTooBig;
    const example = f.capacity === 0 ? `line ${f.line}: the pool has no device of the kinds it may use` : `line ${f.line}: ${countOf(f.devices, 'device')}, the pool has at most ${f.capacity} of one kind it may use`;
    ctx.warn(fileAt, `${tooBig === kept ? `every one of the trace's ${countOf(kept, 'job')}` : `${tooBig} of the trace's ${kept} jobs`} cannot run on this pool (${example}): rejected when submitted`);
  }
  // Time 0 is the earliest submit time of any row, rows skipped or sampled out included (so a filter
  // never moves the other jobs): the run then opens on an idle pool, which utilisation and the pool's
  // ECR count. Said, with what to do, unless a window put it there.
  if (firstSubmit !== undefined && firstSubmit.submitS > 0 && t.window === undefined) {
    ctx.warn(fileAt, `its first job (line ${firstSubmit.line}) is submitted ${formatDuration(firstSubmit.submitS)} into the run: time 0 is the trace's earliest submit time, rows skipped or sampled out included, so the run opens on an idle pool that utilisation and effective_compute_ratio_pool count; \`window: { start: ${firstSubmit.submitS / (t.time_scale ?? 1)} }\` starts the run at the first job`);
  }
  if (firstAfter !== undefined && kept > 0) {
    ctx.warn(fileAt, `${afterHorizon} of the trace's ${countOf(kept, 'job')} ${afterHorizon === 1 ? 'is' : 'are'} submitted after the horizon (${formatDuration(horizonS)}) and never ${afterHorizon === 1 ? 'runs' : 'run'}, the first at line ${firstAfter.line} (${formatDuration(firstAfter.submitS)} into the run); ${kept - afterHorizon} ${kept - afterHorizon === 1 ? 'is' : 'are'} submitted before it`);
  }
  // A device_map key no job's models name maps nothing: a misspelt one leaves the model it was meant
  // for to the catalogue's reading of its name (PAI's V100, a 16 GB card, is V100-SXM2-32GB there),
  // unseen. Said when a model the jobs name is read by the catalogue, not the map: a key with every
  // such model mapped (a full map over a window of the trace) can have been meant for none of them,
  // and a model read as no kind is reported with its rows already.
  const unmatched = Object.keys(t.device_map).filter((m) => !modelKinds.has(m));
  const byCatalogue = [...modelKinds].filter(([m, k]) => t.device_map[m] === undefined && k !== undefined);
  if (unmatched.length > 0 && byCatalogue.length > 0) {
    const read = byCatalogue.map(([m, k]) => `${m} -> ${kinds[k!]!.name}`);
    ctx.warn(
      [...at, 'device_map', unmatched[0]!],
      `device_map maps ${unmatched.map((m) => `'${m}'`).join(', ')}, which no job read from the trace names, while models the jobs name are not in it and are read by the catalogue's names (${read.slice(0, 8).join(', ')}${read.length > 8 ? `, and ${read.length - 8} more` : ''}): keys are matched exactly, case counts; is one misspelt?`,
    );
  }
  for (const [key, e] of loosened) {
    ctx.warn(
      [...at, 'device_map'],
      `device_map merges trace GPU models that gpu_spec tells apart (${key}): ${e.count} pod(s) whose gpu_spec allows only some of them may now run on the others' nodes (e.g. '${e.example}', gpu_spec ${e.allowed}); map them to distinct device kinds to keep the constraint`,
    );
  }
  ctx.traceReports.push({
    workload: name,
    kind: 'jobs',
    source: imported.source,
    rows: imported.rows,
    jobs: kept,
    skippedByReason: skipped,
    firstSkipped,
    filteredByOption: imported.filteredByOption,
    renamedByReason,
    firstRenamed,
    suspectByReason: { ...(imported.suspectByReason ?? {}) },
    firstSuspect: { ...(imported.firstSuspect ?? {}) },
    ...(sampled && t.sample_seed === undefined ? { sampleSeed } : {}),
  });
}

/** Why the trace has no column for `queue_from.field`, and the fix (undefined when it has one). */
function missingQueueColumn(t: TraceSpec, groupColumn: string | undefined): { why: string; fix?: string } | undefined {
  const field = t.queue_from?.field ?? 'group';
  if (field === 'qos') {
    if (t.format === 'alibaba-openb') return undefined;
    return { why: `a ${t.format} trace has no QoS column (only an alibaba-openb pod list has one)`, fix: t.format === 'philly' ? 'its virtual cluster is `field: group`' : "its mapping's `group` column is `field: group`" };
  }
  if (t.format === 'alibaba-openb') return { why: 'an alibaba-openb pod list has no group column', fix: 'its QoS class is `field: qos`' };
  if (t.format === 'csv') return t.mapping?.group === undefined ? { why: 'the mapping names no group column', fix: 'name it (`group: <column>`)' } : undefined;
  return groupColumn === undefined ? { why: `${t.path} has no cluster or vc column` } : undefined;
}
