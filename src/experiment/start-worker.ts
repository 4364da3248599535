// Starting a worker thread from a module beside the caller: the compiled JS next to it (dist/), or,
// when running from the TypeScript sources (tests, tsx), a small bootstrap that registers tsx's
// loader in the worker before importing the .ts entry. The same trick as run-in-worker.ts, shared.
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** `entry` is the module's base name without extension (`pool-worker`); `base` the caller's import.meta.url. */
export function startModuleWorker(entry: string, base: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, base), { workerData, ...(resourceLimits ? { resourceLimits } : {}) });
  const api = import.meta.resolve('tsx/esm/api');
  const url = new URL(`./${entry}.ts`, base).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, ...(resourceLimits ? { resourceLimits } : {}) });
}
