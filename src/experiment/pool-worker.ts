// A long-lived worker of the experiment pool: receives runs one at a time, runs each simulation with
// every policy call published to the pool's watchdog (policy-watch.ts), and answers with its summary
// (and the job rows asked for). Scenarios are parsed once per distinct text; policies are created
// afresh for every run, because a policy instance may keep state between its calls.
import { fileAccess } from './file-access.js';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario, type ResolvedScenario } from '../model/load-scenario.js';
import { loadPolicies } from '../policy/plugin.js';
import { PolicyError } from '../policy/types.js';
import { InputError, SourceMap } from '../scenario/errors.js';
import type { JobRow } from '../sim/metrics.js';
import { simulate } from '../sim/simulation.js';
import { Activity, PolicyWatch } from './policy-watch.js';
import type { PoolReply, PoolRequest, PoolWorkerData } from './worker-pool.js';

const port = parentPort!;
const data = workerData as PoolWorkerData;
const watch = new PolicyWatch(data.watch);
const scenarios = new Map<string, ResolvedScenario>();
const SCENARIO_CACHE = 16;

function scenarioOf(text: string, file: string): ResolvedScenario {
  const key = `${file}\u0000${text}`;
  let r = scenarios.get(key);
  if (!r) {
    r = loadScenario(text, file, fileAccess(file));
    if (scenarios.size >= SCENARIO_CACHE) scenarios.delete(scenarios.keys().next().value!);
    scenarios.set(key, r);
  }
  return r;
}

async function run(req: PoolRequest): Promise<PoolReply> {
  const t0 = performance.now();
  const resolved = scenarioOf(req.scenarioText, req.scenarioFile);
  const override = (o: PoolRequest['policy']) => o && { ref: o.ref, baseDir: o.baseDir, src: new SourceMap(o.label, undefined, undefined) };
  watch.enter(Activity.Loading, 0);
  let policies;
  try {
    policies = await loadPolicies(resolved, req.scenarioDir ?? dirname(req.scenarioFile), {
      ...(req.policy ? { policy: override(req.policy)! } : {}),
      ...(req.placement ? { placement: override(req.placement)! } : {}),
    });
  } finally {
    watch.exit();
  }
  const rows: JobRow[] = [];
  let job: JobRow | undefined;
  const wantRows = req.jobRows;
  const wantJob = req.jobName;
  const r = simulate(resolved, {
    seed: req.seed,
    // Built-in policies always return; only plug-ins pay for the watchdog's bookkeeping.
    policies: policies.builtIn ? policies : watch.instrument(policies),
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
    events: r.events,
    wallS: (performance.now() - t0) / 1000,
    ...(wantJob !== undefined ? { job: job ?? null } : {}),
    ...(wantRows ? { jobRows: rows } : {}),
  };
}

port.on('message', (req: PoolRequest) => {
  run(req).then(
    (reply) => port.postMessage(reply),
    (e: unknown) => {
      const index = req.index;
      if (e instanceof InputError) port.postMessage({ type: 'input-error', index, issues: [...e.issues] } satisfies PoolReply);
      else if (e instanceof PolicyError) port.postMessage({ type: 'policy-error', index, policy: e.policy, job: e.job, timeS: e.timeS, message: e.message } satisfies PoolReply);
      else port.postMessage({ type: 'internal-error', index, message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies PoolReply);
    },
  );
});
