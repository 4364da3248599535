// A measured throughput matrix (Gavel, Narayanan et al., OSDI 2020: steps/s of each job type on
// each accelerator): a job of a listed type runs at its row's speed on each kind instead of at peak
// x kernel efficiency, so that a recommendation model that is faster on a P100 than on a V100, or a
// ResNet that gains 10x from a K80 to a V100, is placed as it actually runs. Only ratios within a
// row matter. A row becomes useful FLOP/s per device by scaling it so that the kind where the job
// runs relatively best reaches that kind's peak x efficiency and no kind exceeds it: useful work
// stays comparable with every other job's, and no effective compute ratio can pass 100%.
import type { PathKey } from '../scenario/errors.js';
import { suggestName } from '../scenario/did-you-mean.js';
import type { DeviceKind } from '../scenario/hardware-schema.js';

/** Rows by job type: kind index -> measured throughput (> 0; kinds listed at 0 cannot run it). */
export type ThroughputMatrix = ReadonlyMap<string, ReadonlyMap<number, number>>;

type Fail = (path: readonly PathKey[], message: string) => void;

/** Resolve the scenario's `throughputs:` (kind names to indices; unknown kinds are errors). */
export function resolveThroughputs(
  table: Readonly<Record<string, Readonly<Record<string, number>>>>,
  useKind: (name: string, path: readonly PathKey[]) => number | undefined,
  fail: Fail,
): ThroughputMatrix {
  const out = new Map<string, Map<number, number>>();
  for (const [type, row] of Object.entries(table)) {
    const m = new Map<number, number>();
    for (const [name, v] of Object.entries(row)) {
      const k = useKind(name, ['throughputs', type, name]);
      if (k === undefined) continue;
      if (m.has(k)) fail(['throughputs', type, name], `kind ${name} appears twice in the row of '${type}' (under two of its names)`);
      m.set(k, v);
    }
    if (![...m.values()].some((v) => v > 0)) fail(['throughputs', type], `the row of '${type}' gives no kind a positive throughput, so its jobs could run nowhere`);
    out.set(type, m);
  }
  return out;
}

export interface JobTypeSpeed {
  /** Per-device useful FLOP/s by kind index (absent where the row gives none). */
  readonly kindRate: number[];
  /** Kinds the job may use: its row's positive entries, within its own device_kinds. */
  readonly allowedKinds: number[];
}

/**
 * A job type's speeds, or false (reported) when the type is unknown, conflicts with an efficiency
 * override, or leaves the job no kind. `kindName` names kinds in messages.
 */
export function jobTypeSpeed(
  matrix: ThroughputMatrix,
  jobType: string,
  allowed: readonly number[] | undefined,
  efficiency: number | undefined,
  at: readonly PathKey[],
  kindName: (k: number) => string,
  specOf: (kind: number) => DeviceKind,
  fail: Fail,
): JobTypeSpeed | false {
  const row = matrix.get(jobType);
  if (!row) {
    const known = [...matrix.keys()];
    const guess = suggestName(jobType, known);
    fail([...at, 'job_type'], `unknown job type '${jobType}'${guess ? ` (did you mean '${guess}'?)` : ''}; ${known.length === 0 ? 'the scenario has no `throughputs` matrix' : `\`throughputs\` lists: ${known.join(', ')}`}`);
    return false;
  }
  if (efficiency !== undefined) {
    fail([...at, 'efficiency'], 'give either `efficiency` or `job_type`: a job type runs at its measured throughput on each kind, which an efficiency would contradict');
    return false;
  }
  const kinds = [...row.entries()].filter(([k, v]) => v > 0 && (allowed === undefined || allowed.includes(k)));
  if (kinds.length === 0) {
    fail([...at, 'job_type'], `job type '${jobType}' has a positive throughput on none of the job's device kinds (${(allowed ?? []).map(kindName).join(', ')})`);
    return false;
  }
  // Scaled over the whole row, so a job type's speed does not depend on where one job may run.
  const positive = [...row.entries()].filter(([, v]) => v > 0);
  return { kindRate: scaleRow(positive, specOf), allowedKinds: kinds.map(([k]) => k).sort((a, b) => a - b) };
}

/** Row -> FLOP/s: scale c = min over kinds of peak x efficiency / throughput; rate = c x throughput. */
function scaleRow(entries: readonly (readonly [number, number])[], specOf: (kind: number) => DeviceKind): number[] {
  let c = Infinity;
  for (const [k, v] of entries) {
    const s = specOf(k);
    c = Math.min(c, (s.peak * s.efficiency) / v);
  }
  const rate: number[] = [];
  for (const [k, v] of entries) rate[k] = c * v;
  return rate;
}
