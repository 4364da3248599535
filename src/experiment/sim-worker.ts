// The worker side of runInWorker: loads the scenario and its policies (plug-ins included), runs the
// simulation with every policy call published to the watchdog, and streams job rows back.
import { fileAccess } from './file-access.js';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicies } from '../policy/plugin.js';
import { PolicyError } from '../policy/types.js';
import { InputError, SourceMap } from '../scenario/errors.js';
import { loadScenario } from '../model/load-scenario.js';
import type { JobRow } from '../sim/metrics.js';
import { simulate } from '../sim/simulation.js';
import { Activity, PolicyWatch } from './policy-watch.js';
import type { WorkerRequest, WorkerMessage } from './run-in-worker.js';

const ROWS_PER_MESSAGE = 2000;

async function main(): Promise<void> {
  const req = workerData as WorkerRequest;
  const port = parentPort!;
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const watch = new PolicyWatch(req.watch);
  try {
    const resolved = loadScenario(req.scenarioText, req.scenarioFile, fileAccess(req.scenarioFile));
    const override = (o: WorkerRequest['policy']) => o && { ref: o.ref, baseDir: o.baseDir, src: new SourceMap(o.label, undefined, undefined) };
    watch.enter(Activity.Loading, 0);
    const policies = await loadPolicies(resolved, req.scenarioDir, {
      ...(req.policy ? { policy: override(req.policy)! } : {}),
      ...(req.placement ? { placement: override(req.placement)! } : {}),
    });
    watch.exit();
    post({ type: 'loaded', queueName: policies.queueName, placementName: policies.placementName });
    let rows: JobRow[] = [];
    const r = simulate(resolved, {
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      policies: watch.instrument(policies),
      jobSink: (row) => {
        rows.push(row);
        if (rows.length >= ROWS_PER_MESSAGE) {
          post({ type: 'rows', rows });
          rows = [];
        }
      },
    });
    if (rows.length > 0) post({ type: 'rows', rows });
    post({ type: 'done', summary: r.summary, events: r.events, endS: r.endS });
  } catch (e) {
    if (e instanceof InputError) post({ type: 'input-error', issues: [...e.issues] });
    else if (e instanceof PolicyError) post({ type: 'policy-error', policy: e.policy, job: e.job, timeS: e.timeS, message: e.message });
    else post({ type: 'internal-error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

await main();
