// Scenario text -> validated, resolved scenario: YAML parse, schema validation (scenario/), then
// the checks that need the catalogue and the model, one resolver per section over a shared context
// (model/resolve/): device kinds, sites, links, workloads, transfers, services, failures. All
// problems are reported together; a scenario that passes them all is sized before it is accepted.
import { parseYaml } from '../scenario/parse-yaml.js';
import { describeArgument, InputError, SourceMap, zodIssues } from '../scenario/errors.js';
import { scenarioSchema, type Scenario } from '../scenario/schema.js';
import { readGraphFiles } from './network/graph-files.js';
import { checkFabricFailures } from './network/fabric-failure-names.js';
import { implausibleCheckpointInterval } from './plausibility.js';
import { resolveServices } from './inference/resolve-services.js';
import { warnQuotasBeyondPool } from './resolve/quota-room.js';
import { warnCohortsWithoutQueues } from './resolve/unused-cohorts.js';
import { defineJobs } from './job-list.js';
import { estimatePool, estimateSize, memoryLimit, sizeProblems, slowBuildWarning } from './size-estimate.js';
import { poolAloneRates } from './network/alone-rate.js';
import { ResolveContext } from './resolve/context.js';
import { KindBook } from './resolve/kinds.js';
import { checkSiteShapes, resolveSites } from './resolve/sites.js';
import { resolveLinks } from './resolve/links.js';
import { resolveWorkloads } from './resolve/workloads.js';
import { resolveTransfers } from './resolve/transfers.js';
import { checkIdealRoutes } from './resolve/ideal-routes.js';
import { resolveFailureKinds } from './resolve/failures.js';
import type { LoadOptions, ResolvedScenario } from './resolve/types.js';

export type { GeneratorSource, LoadOptions, ResolvedScenario, TraceReport, TransferPlan } from './resolve/types.js';

/** Parse and validate scenario text. Throws InputError carrying every issue found. */
export function loadScenario(text: string, file: string, options: LoadOptions = {}): ResolvedScenario {
  // A library caller's slip (text undefined, a Buffer) is refused naming the argument, not a TypeError from deep inside.
  if (typeof text !== 'string') {
    const label = typeof file === 'string' ? file : 'scenario';
    throw new InputError([{ file: label, line: 0, column: 0, path: '', message: `loadScenario: text must be the scenario's YAML text (a string), got ${describeArgument(text)}` }]);
  }
  const { doc, lines, data } = parseYaml(text, file);
  const src = new SourceMap(file, doc, lines);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with name, datacentres and workloads' }]);
  }
  const graphFiles = readGraphFiles(data, src, options);
  const parsed = scenarioSchema.safeParse(withoutExtensions(data as Record<string, unknown>));
  if (!parsed.success) throw new InputError(zodIssues(parsed.error.issues, src, scenarioSchema, data));
  return resolveScenario(parsed.data, src, options, graphFiles);
}

/**
 * The scenario without its top-level `x-` keys: extension fields that hold anchored blocks for
 * aliases and merge keys to reuse (`x-job: &job {...}`, docker-compose's convention). Every other
 * unknown key is refused.
 */
function withoutExtensions(data: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(data).some((k) => k.startsWith('x-'))) return data;
  return Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('x-')));
}

/** Checks that need the catalogue, and the resolution of names to indices. */
export function resolveScenario(scenario: Scenario, src: SourceMap, io: LoadOptions = {}, graphFiles: ReadonlyMap<number, SourceMap> = new Map()): ResolvedScenario {
  const ctx = new ResolveContext(src, io);
  const { issues, fail } = ctx;
  const book = new KindBook(scenario, ctx);
  const sites = resolveSites(scenario, book, graphFiles, ctx);
  const { datacentres, groups } = sites;
  const kinds = book.kinds;
  // The pool's own size (its devices, nodes and flow network), from its groups' counts, before
  // anything walks it node by node (its fabrics' ports and bills, their failure names): a pool too
  // large for the memory a run may use is refused at once, with what was found so far.
  const limit = memoryLimit(io.maxMemoryBytes);
  const siteSpecs = datacentres.map((d) => ({ name: d.name, topology: d.topology, at: d.topologyAt }));
  const poolProblems = sizeProblems(estimatePool({ scenario, groups, sites: siteSpecs }), limit);
  if (poolProblems.length > 0) {
    for (const p of poolProblems) fail(p.path, p.message);
    throw new InputError(issues);
  }
  checkSiteShapes(scenario, sites, book, graphFiles, ctx);
  const fabricUnits = issues.length === 0 ? checkFabricFailures(scenario, datacentres, groups, fail, ctx.warn) : { switches: 0, links: 0 };
  const interDc = resolveLinks(scenario, sites, ctx);
  const workloads = resolveWorkloads(scenario, book, groups, datacentres, ctx);
  const { transfers, jobs } = resolveTransfers(scenario, workloads.jobs, sites, ctx);

  // Inference services.
  if (scenario.workloads.length === 0 && scenario.services.length === 0) fail(['workloads'], 'expected at least 1 item(s): training workloads, or inference `services`');
  const services = resolveServices(scenario.services, {
    kinds,
    groups,
    datacentreNames: datacentres.map((d) => d.name),
    horizonS: scenario.horizon,
    file: src.file,
    useKind: book.useKind,
    dcRef: sites.dcRef,
    fail,
    warn: ctx.warn,
    readText: ctx.readRelative,
    where: src.where,
    scalarAt: (path) => src.scalarAt(path),
  });
  checkIdealRoutes(scenario, datacentres, interDc, services, fail);
  const resolvedScenario = resolveFailureKinds(scenario, book, groups, ctx);
  const cp = scenario.checkpointing;
  if (cp && cp.interval !== 'auto') implausibleCheckpointInterval(cp.interval, cp.cost, ['checkpointing', 'interval'], src.scalarAt(['checkpointing', 'interval']), ctx.warn);
  if (workloads.tenants) {
    warnCohortsWithoutQueues(workloads.tenants, scenario, kinds, ctx);
    warnQuotasBeyondPool(workloads.tenants, scenario, kinds, groups, services, ctx);
  }

  if (issues.length > 0) throw new InputError(issues, ctx.warnings);
  // Only a scenario that is otherwise valid is sized: the estimate reads resolved kinds and groups.
  const size = estimateSize({
    scenario: resolvedScenario,
    kinds,
    groups,
    jobs,
    generators: workloads.generators,
    services,
    interDcLinks: interDc.length,
    fabricUnits,
    sites: siteSpecs,
    transfers,
    fastestLinkBytesPerS: Math.max(0, ...interDc.map((l) => l.bandwidthBytesPerS * l.efficiency)),
    // Run times as the run's step model gives them, where it times jobs.
    ...(scenario.network === 'flow' ? { aloneRates: poolAloneRates({ datacentres, kinds, groups }, interDc) } : {}),
  });
  for (const p of sizeProblems(size, limit)) fail(p.path, p.message);
  if (issues.length > 0) throw new InputError(issues, ctx.warnings);
  const slow = slowBuildWarning(size);
  if (slow) ctx.warn(slow.path, slow.message);
  const { tenants } = workloads;
  // `jobs` is the list's templates, made when first read (model/job-list.ts); in its place among the keys.
  const resolved = {
    scenario: resolvedScenario,
    file: src.file,
    ...(io.baseDir !== undefined ? { baseDir: io.baseDir } : {}),
    shape: { datacentres, kinds, groups },
    jobs: undefined,
    generators: workloads.generators,
    src,
    interDc,
    transfers,
    traceReports: ctx.traceReports,
    services,
    warnings: ctx.warnings,
    size,
    ...(tenants ? { tenants } : {}),
    ...(ctx.traceSampleSeed !== undefined ? { traceSampleSeed: ctx.traceSampleSeed } : {}),
  };
  return defineJobs(resolved, jobs) as ResolvedScenario;
}
