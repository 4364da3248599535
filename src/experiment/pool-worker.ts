// A long-lived worker of the pool (worker-pool.ts): receives runs one at a time, loads each
// scenario and its policies (plug-ins under the watchdog), runs it through the one pipeline
// (run-scenario.ts) with every policy call published to the watchdog (policy-watch.ts), streams the
// result files asked for, and answers with the summary. Scenarios are parsed once per distinct text;
// policies are created afresh for every run, because a policy instance may keep state between calls.
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicies } from '../policy/plugin.js';
import { formatIssue, SourceMap } from '../scenario/errors.js';
import type { JobRow } from '../sim/metrics.js';
import type { NetworkProgressModel } from '../sim/network-progress.js';
import { HOT_LINK_USERS, HOT_LINKS } from './hot-links.js';
import { fileAccess } from './file-access.js';
import { outputFiles } from './output-sinks.js';
import { policyWarnings } from './policy-warnings.js';
import { Activity, PolicyWatch } from './policy-watch.js';
import { RowSlots } from './row-slots.js';
import { publishProgress } from './run-progress.js';
import { loadScenarioForRun, type LoadedScenario } from './load-for-run.js';
import { runScenario } from './run-scenario.js';
import { failureOf } from './worker-errors.js';
import { explainListedJob } from './explain-job.js';
import type { PoolMessage, PoolReply, PoolRequest, PoolWorkerData } from './worker-pool.js';

const port = parentPort!;
const data = workerData as PoolWorkerData;
const watch = new PolicyWatch(data.watch);
const rowSlots = new RowSlots(data.rowSlots);
const scenarios = new Map<string, LoadedScenario>();
const SCENARIO_CACHE = 16;
/** Runs waiting for the pool's go-ahead after loading, by index. */
const waitingForGo = new Map<number, () => void>();

/** Scenario texts whose load depends on the run's seed: a trace `sample` without `sample_seed`. */
const seedDependent = new Set<string>();

function scenarioOf(text: string, file: string, maxMemoryBytes: number | undefined, prefetched: PoolRequest['prefetched'], seed: number | undefined): LoadedScenario {
  const key = `${file}\u0000${maxMemoryBytes ?? ''}\u0000${text}`;
  // Loaded with the run's seed, which chooses a trace's sample; cached per seed only where it does.
  const seeded = (k: string) => (seedDependent.has(k) ? `${k}\u0000${seed ?? ''}` : k);
  let r = scenarios.get(seeded(key));
  if (!r) {
    r = loadScenarioForRun(text, file, { ...fileAccess(file, prefetched), ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}), ...(seed !== undefined ? { seed } : {}) });
    if (r.resolved.traceSampleSeed !== undefined) seedDependent.add(key);
    if (scenarios.size >= SCENARIO_CACHE) scenarios.delete(scenarios.keys().next().value!);
    scenarios.set(seeded(key), r);
  }
  return r;
}

const post = (reply: PoolReply): void => port.postMessage(reply);

async function run(req: PoolRequest): Promise<PoolReply> {
  const t0 = performance.now();
  const { resolved, fingerprint, inputs } = scenarioOf(req.scenarioText, req.scenarioFile, req.maxMemoryBytes, req.prefetched, req.seed);
  // The request lives as long as the run: its prefetched columns (the loader has its table now) should not.
  delete req.prefetched;
  const override = (o: PoolRequest['policy']) => o && { ref: o.ref, baseDir: o.baseDir, src: new SourceMap(o.label, undefined, undefined), bare: o.bare === true };
  watch.enter(Activity.Loading, 0);
  let policies;
  try {
    policies = await loadPolicies(resolved, req.scenarioDir ?? dirname(req.scenarioFile), {
      ...(req.policy ? { policy: override(req.policy)! } : {}),
      ...(req.placement ? { placement: override(req.placement)! } : {}),
      monitor: watch,
    });
  } finally {
    watch.exit();
  }
  const files = req.outputs ? outputFiles(resolved, req.outputs) : [];
  const seed = req.seed ?? resolved.scenario.seed;
  const ownWarnings = policyWarnings(resolved, policies);
  // The pool learns the policies' own names (a plug-in's, for its watchdog messages) and, when it
  // asked to, checks what it needs before the simulation starts.
  const go = req.awaitGo ? new Promise<void>((resolve) => waitingForGo.set(req.index, resolve)) : undefined;
  post({
    type: 'loaded',
    index: req.index,
    loaded: {
      scenario: resolved.scenario.name,
      fingerprint,
      inputs: [...inputs],
      seed,
      queueName: policies.queueName,
      placementName: policies.placementName,
      policy: req.policy?.ref ?? resolved.scenario.policy,
      placement: req.placement?.ref ?? resolved.scenario.placement,
      traceReports: [...resolved.traceReports],
      warnings: [...resolved.warnings.map(formatIssue), ...ownWarnings],
      policyWarnings: ownWarnings,
      files,
      expectedJobs: resolved.size.jobs,
    },
  });
  if (go) await go;
  // Built-in policies always return; only plug-ins pay for the watchdog's bookkeeping.
  const watched = policies.builtIn ? policies : watch.instrument(policies);
  if (req.explain) {
    const explanation = explainListedJob(resolved, req.explain.job, { linksDown: req.explain.linksDown, policies: watched });
    return { type: 'explained', index: req.index, explanation };
  }
  const rows: JobRow[] = [];
  let job: JobRow | undefined;
  const wantRows = req.jobRows;
  const wantJob = req.jobName;
  let network: NetworkProgressModel | undefined;
  const r = runScenario(resolved, {
    seed,
    observe: (sim) => {
      publishProgress(sim, data.progress);
      if (req.hotLinks && sim.network) {
        sim.network.trackLinkUsers();
        network = sim.network;
      }
    },
    policies: watched,
    ...(req.outputs?.requestSampleRate !== undefined ? { requestSampleRate: req.outputs.requestSampleRate } : {}),
    ...(req.outputs?.linkIntervalS !== undefined ? { linkIntervalS: req.outputs.linkIntervalS } : {}),
    ...(files.length > 0
      ? {
          outputs: {
            files,
            write: (file, text) => post({ type: 'chunk', index: req.index, file, text }),
            // jobs.csv's rows as values: the pool's thread formats them while this one simulates.
            // In the shared buffers of this worker's row slots, which that thread frees once it has.
            rowBuffer: (bytes) => rowSlots.take(bytes),
            writeRows: (file, batch) => port.postMessage({ type: 'rows', index: req.index, file, batch, slot: rowSlots.slotOf(batch.buffer) } satisfies PoolReply),
          },
        }
      : {}),
    ...(wantRows || wantJob !== undefined
      ? {
          jobSink: (row: JobRow) => {
            if (wantRows) rows.push(row);
            if (row.job_id === wantJob) job = row;
          },
        }
      : {}),
  });
  return {
    type: 'done',
    index: req.index,
    summary: r.summary,
    services: r.services,
    ...(r.tenants ? { tenants: r.tenants } : {}),
    events: r.events,
    endS: r.endS,
    wallS: (performance.now() - t0) / 1000,
    ...(wantJob !== undefined ? { job: job ?? null } : {}),
    ...(wantRows ? { jobRows: rows } : {}),
    ...(req.hotLinks ? { hotLinks: network?.hotLinks(r.endS, HOT_LINKS, HOT_LINK_USERS) ?? [] } : {}),
  };
}

port.on('message', (m: PoolMessage) => {
  if (m.type === 'go') {
    const go = waitingForGo.get(m.index);
    waitingForGo.delete(m.index);
    go?.();
    return;
  }
  const req = m.request;
  run(req).then(post, (e: unknown) => post({ ...failureOf(e), index: req.index }));
});
