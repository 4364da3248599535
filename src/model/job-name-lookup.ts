// Whether a scenario can have a training job of a given name, before anything runs: a listed or
// trace job by its name, a generator's job as '<generator>-<n>' (numbered from 0, below its
// `count` when it has one). `sweep` and `compare --job NAME` ask it so that a misspelt name is
// refused with a suggestion instead of running every point and printing empty job columns.
import { suggestName } from '../scenario/did-you-mean.js';
import type { JobTemplate } from './job.js';
import { jobListOf } from './job-list.js';
import type { GeneratorSource } from './resolve/types.js';

/** Names compared for a suggestion at most: a million trace ids would make the search slow. */
const SUGGEST_AMONG = 10_000;

export type JobNameLookup = { found: true } | { found: false; suggestion?: string };

export function lookUpJobName(resolved: { readonly jobs: readonly JobTemplate[]; readonly generators: readonly GeneratorSource[] }, name: string): JobNameLookup {
  const list = jobListOf(resolved);
  for (let i = 0; i < list.length; i++) if (list.name(i) === name) return { found: true };
  for (const g of resolved.generators) {
    const prefix = `${g.name}-`;
    if (!name.startsWith(prefix)) continue;
    const n = name.slice(prefix.length);
    if (/^(0|[1-9]\d*)$/.test(n) && (g.spec.count === undefined || Number(n) < g.spec.count)) return { found: true };
  }
  const candidates: string[] = [];
  for (let i = 0; i < list.length && candidates.length < SUGGEST_AMONG; i++) candidates.push(list.name(i));
  // A generator's job keeps the number asked for ('pretraning-1' -> 'pretraining-1').
  const number = /-(\d+)$/.exec(name)?.[1] ?? '0';
  for (const g of resolved.generators) candidates.push(`${g.name}-${number}`);
  const suggestion = suggestName(name, candidates);
  return suggestion === undefined ? { found: false } : { found: false, suggestion };
}
