// Run manifests: what produced a set of result files (poolsim version, the scenario's fingerprint,
// seeds, policies, the files and their hashes), written beside them as manifest.json so that
// report, check and merge can refuse files that do not belong together. No timestamps, no paths
// of the machine: the same run writes the same manifest bytes.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

export const MANIFEST_FILE = 'manifest.json';

/** Bumped when the manifest's own layout changes (not poolsim's version). */
export const MANIFEST_FORMAT = 1;

export interface RunManifest {
  format: number;
  /** poolsim's package version. */
  poolsim_version: string;
  /** The command that wrote the files: run, compare, sweep, check, merge. */
  command: string;
  scenario: {
    /** The scenario's own `name:`. */
    name: string;
    /** The file as the user named it. */
    file: string;
    /** scenarioFingerprint() (scenario-fingerprint.ts): the scenario text and every file it read (traces, node lists). */
    sha256: string;
  };
  seeds: number[];
  /** Queue and placement policies as written (name, or a module path, with parameters). */
  policies: { name: string; params: Record<string, unknown> }[];
  placements: { name: string; params: Record<string, unknown> }[];
  /** Swept parameters (compare and sweep): path and values as written. */
  sweep: { path: string; values: string[] }[];
  /** File name (relative to the manifest's folder) -> sha256 of its bytes. */
  files: Record<string, string>;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

let version: string | undefined;

/** poolsim's version from package.json (src/ and dist/ both sit two levels below it). */
export function poolsimVersion(): string {
  if (version === undefined) {
    const require = createRequire(import.meta.url);
    version = String((require('../../package.json') as { version?: unknown }).version ?? '0.0.0');
  }
  return version;
}

/** The manifest as written: fixed key order, two-space indentation, one trailing newline. */
export function manifestText(m: RunManifest): string {
  const ordered: RunManifest = {
    format: m.format,
    poolsim_version: m.poolsim_version,
    command: m.command,
    scenario: { name: m.scenario.name, file: m.scenario.file, sha256: m.scenario.sha256 },
    seeds: [...m.seeds],
    policies: m.policies,
    placements: m.placements,
    sweep: m.sweep,
    files: Object.fromEntries(Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export class ManifestError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Read a manifest back; throws ManifestError saying what is wrong. */
export function parseManifest(text: string): RunManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(data)) throw new ManifestError('expected a JSON object');
  if (data.format !== MANIFEST_FORMAT) throw new ManifestError(`format ${String(data.format)}, expected ${MANIFEST_FORMAT} (written by another poolsim version?)`);
  const s = data.scenario;
  if (!isRecord(s) || typeof s.name !== 'string' || typeof s.file !== 'string' || typeof s.sha256 !== 'string') throw new ManifestError('`scenario` must have name, file and sha256');
  if (typeof data.poolsim_version !== 'string' || typeof data.command !== 'string') throw new ManifestError('`poolsim_version` and `command` must be strings');
  if (!Array.isArray(data.seeds) || !data.seeds.every((x) => Number.isInteger(x))) throw new ManifestError('`seeds` must be a list of whole numbers');
  if (!isRecord(data.files) || !Object.values(data.files).every((x) => typeof x === 'string')) throw new ManifestError('`files` must map file names to sha256 hashes');
  const refs = (v: unknown, key: string): { name: string; params: Record<string, unknown> }[] => {
    if (!Array.isArray(v) || !v.every((r) => isRecord(r) && typeof r.name === 'string' && isRecord(r.params))) throw new ManifestError(`\`${key}\` must be a list of {name, params}`);
    return v as { name: string; params: Record<string, unknown> }[];
  };
  const sweep = data.sweep;
  if (!Array.isArray(sweep) || !sweep.every((p) => isRecord(p) && typeof p.path === 'string' && Array.isArray(p.values))) throw new ManifestError('`sweep` must be a list of {path, values}');
  return {
    format: MANIFEST_FORMAT,
    poolsim_version: data.poolsim_version,
    command: data.command,
    scenario: { name: s.name, file: s.file, sha256: s.sha256 },
    seeds: data.seeds as number[],
    policies: refs(data.policies, 'policies'),
    placements: refs(data.placements, 'placements'),
    sweep: sweep as { path: string; values: string[] }[],
    files: data.files as Record<string, string>,
  };
}

/**
 * Problems with `name` (a file beside the manifest, read as `bytes`) against the manifest: not
 * listed (left there by another run), or changed since it was written. Empty when it belongs.
 */
export function fileProblem(manifest: RunManifest, name: string, bytes: string | Uint8Array): string | undefined {
  const want = manifest.files[name];
  if (want === undefined) return `${name} is not one of the files this ${manifest.command} wrote (left there by an earlier run?)`;
  if (want !== sha256(bytes)) return `${name} has changed since ${manifest.command} wrote it (its hash differs from the manifest's)`;
  return undefined;
}
