// `poolsim merge <out.csv> <in.csv...>`: join the runs.csv files of an experiment's shards, checking
// headers, duplicates, missing runs, and that the shards ran one experiment (their manifests and
// scenario fingerprints agree), and the per-run files beside them (jobs.csv, hot_links.csv, tenant_shares.csv);
// --summary also writes the summary over the merged runs. The outputs
// are written all together with a manifest (manifest.json beside <out>), so `report` can trust them.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { CsvFormatError, parseCsv, tableToCsv, type Table } from '../../experiment/csv-table.js';
import { fileProblem, MANIFEST_FILE, MANIFEST_FORMAT, ManifestError, parseManifest, poolsimVersion, sha256, type RunManifest } from '../../experiment/manifest.js';
import { compactRanges, manifestProblems, MergeError, mergeRunRows, mergeRuns, PER_RUN_FILES, plannedRuns } from '../../experiment/merge.js';
import { DEFAULT_MAX_RUNS, FINGERPRINT_COLUMN } from '../../experiment/plan.js';
import { summarizeRuns } from '../../experiment/summarize.js';
import { InputError } from '../../scenario/errors.js';
import { refuseFolderAsFile, refuseInputAsOutput } from '../ensure-dir.js';
import { OutputFolder } from '../output-folder.js';
import { guarded, readInput } from '../io.js';

interface MergeArgs {
  out: string;
  inputs: string[];
  summary?: string;
  total?: string;
  maxRuns?: number;
  quiet: boolean;
  plot?: boolean;
  plotAgainst?: string;
}

export function builder(y: Argv): Argv<MergeArgs> {
  return y
    .positional('out', { type: 'string', demandOption: true, describe: "merged CSV to write, in a folder of its own: a manifest.json and the shards' joined per-run files go beside it" })
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: "the shards' runs.csv files" })
    .option('summary', { type: 'string', describe: 'also write summary.csv (mean, std, 95% CI) of the merged runs here' })
    .option('total', { type: 'string', describe: "runs in the whole experiment (to detect a missing last shard); read from the shards' manifests when absent" })
    .option('max-runs', { type: 'number', describe: `refuse run numbers of experiments larger than this (default ${DEFAULT_MAX_RUNS.toLocaleString('en-US')})` })
    .option('quiet', { type: 'boolean', default: false })
    // compare's and sweep's chart options, known here only to be refused with what to do instead
    // (yargs answered "Unknown argument: plot" under the whole help).
    .option('plot', { type: 'boolean', hidden: true })
    .option('plot-against', { type: 'string', hidden: true })
    .example('$0 merge results/sweep/runs.csv results/sweep/shard-*/runs.csv --summary results/sweep/summary.csv', '') as unknown as Argv<MergeArgs>;
}

const problem = (file: string, message: string): InputError => new InputError([{ file, line: 0, column: 0, path: '', message }]);

interface Shard {
  file: string;
  table: Table;
  sha256: string;
  manifest?: { manifest: RunManifest; manifestFile: string };
}

function readShard(file: string): Shard {
  const text = readInput(file);
  let table: Table;
  try {
    table = parseCsv(text, file);
  } catch (e) {
    if (e instanceof CsvFormatError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.message.replace(/^.*?:\d+: /, '') }]);
    throw e;
  }
  const manifestFile = join(dirname(file), MANIFEST_FILE);
  if (!existsSync(manifestFile)) return { file, table, sha256: sha256(text) };
  try {
    return { file, table, sha256: sha256(text), manifest: { manifest: parseManifest(readFileSync(manifestFile, 'utf8')), manifestFile } };
  } catch (e) {
    if (e instanceof ManifestError) throw problem(manifestFile, `cannot read the shard's manifest: ${e.message}`);
    throw e;
  }
}

/** Why merge refuses --plot: what it would chart is the merged folder, which `report` reads. */
export const MERGE_DRAWS_NO_CHARTS =
  "merge does not draw charts: write the summary with --summary beside <out>, then `poolsim report <that folder>` draws the charts of the merged runs (a single machine's `compare`/`sweep --plot` writes plots/)";

/** --total as given: a positive whole number, or refused (a typo must not turn the missing-shard check off). */
function parseTotal(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw problem('--total', `'${text}': expected a positive whole number (the runs in the whole experiment)`);
  return Number(text);
}

export async function handler(argv: ArgumentsCamelCase<MergeArgs>): Promise<void> {
  await guarded(() => {
    if (argv.plot !== undefined || argv.plotAgainst !== undefined) throw problem(argv.plot !== undefined ? '--plot' : '--plot-against', MERGE_DRAWS_NO_CHARTS);
    const maxRuns = argv.maxRuns ?? DEFAULT_MAX_RUNS;
    if (!Number.isSafeInteger(maxRuns) || maxRuns < 1) throw problem('--max-runs', `expected a positive whole number, got ${argv.maxRuns}`);
    let total = parseTotal(argv.total);
    refuseFolderAsFile('<out>', argv.out, 'runs.csv');
    if (argv.summary !== undefined) refuseFolderAsFile('--summary', argv.summary, 'summary.csv');
    const shards = argv.inputs.map(readShard);
    const withManifest = shards.filter((s): s is Shard & { manifest: NonNullable<Shard['manifest']> } => s.manifest !== undefined);
    const problems = manifestProblems(withManifest.map((s) => ({ file: s.file, name: basename(s.file), sha256: s.sha256, ...s.manifest })));
    const planned = withManifest.length > 0 ? plannedRuns(withManifest[0]!.manifest.manifest) : undefined;
    if (planned !== undefined && problems.length === 0) {
      if (total !== undefined && total !== planned) problems.push(`--total ${total}, but the shards' manifests describe an experiment of ${planned} runs`);
      total ??= planned;
    }
    if (problems.length > 0) throw new InputError(problems.map((message) => ({ file: 'merge', line: 0, column: 0, path: '', message })));
    let merged;
    try {
      merged = mergeRuns(
        shards.map((s) => ({ file: s.file, table: s.table })),
        total,
        maxRuns,
      );
    } catch (e) {
      if (e instanceof MergeError) throw new InputError(e.problems.map((message) => ({ file: 'merge', line: 0, column: 0, path: '', message })));
      throw e;
    }
    const summary = argv.summary !== undefined ? summarizeRuns(merged.table, argv.out) : undefined;
    const perRun = mergePerRunFiles(shards, merged.table.rows.map((r) => Number(r[0])));
    // The merged files replace what poolsim wrote in their folder: never a shard's own files.
    const outDir = resolve(dirname(argv.out));
    const clash = shards.find((s) => resolve(dirname(s.file)) === outDir);
    if (clash) throw problem('<out>', `'${argv.out}' is in the folder of the input ${clash.file}: merging there would replace that shard's files; write the merged runs into another folder (e.g. the shards' parent)`);
    if (argv.summary !== undefined) {
      refuseInputAsOutput('--summary', argv.summary, argv.inputs);
      if (resolve(argv.summary) === resolve(argv.out)) throw problem('--summary', `'${argv.summary}' is <out> too: the summary and the merged runs need a file each`);
    }
    for (const name of perRun.keys()) {
      for (const [option, file] of [['<out>', argv.out], ['--summary', argv.summary]] as const) {
        if (file !== undefined && resolve(file) === resolve(outDir, name)) throw problem(option, `'${file}' is where the shards' merged ${name} goes (beside <out>): name it otherwise`);
      }
    }
    const folder = new OutputFolder(dirname(argv.out), '<out>');
    try {
      folder.append(basename(argv.out), tableToCsv(merged.table));
      for (const [name, table] of perRun) folder.append(name, tableToCsv(table));
      if (argv.summary !== undefined) {
        const rel = relative(dirname(argv.out), argv.summary);
        if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) folder.append(rel, tableToCsv(summary!));
        else {
          folder.reserveOutside(argv.summary, '--summary');
          folder.appendOutside(argv.summary, tableToCsv(summary!));
        }
      }
      const written = folder.commit(mergedManifest(withManifest[0]?.manifest.manifest, merged.table));
      if (!argv.quiet) {
        if (merged.duplicates.length > 0) process.stderr.write(`  note: runs ${compactRanges(merged.duplicates)} were in several files (identical; kept once)\n`);
        if (withManifest.length < shards.length) process.stderr.write(`  note: no manifest beside ${shards.filter((s) => !s.manifest).map((s) => s.file).join(', ')}: checked by their ${FINGERPRINT_COLUMN} column only\n`);
        process.stdout.write(`  merged ${merged.table.rows.length} runs from ${shards.length} files into ${written.join(', ')}\n`);
      }
    } catch (e) {
      folder.abort();
      throw e;
    }
  });
}

/**
 * The per-run files beside the shards' runs.csv (jobs.csv, hot_links.csv, tenant_shares.csv), each
 * joined as compare writes it unsharded. A file is taken from the shards' manifests (so one left by
 * an earlier run is never mixed in) and must be beside every shard, unchanged since written;
 * otherwise the merge is refused rather than leaving a file behind or writing part of it.
 */
function mergePerRunFiles(shards: readonly Shard[], runs: readonly number[]): Map<string, Table> {
  const out = new Map<string, Table>();
  const problems: string[] = [];
  for (const name of PER_RUN_FILES) {
    const holders = shards.filter((s) => s.manifest?.manifest.files[name] !== undefined);
    if (holders.length === 0) continue;
    const lacking = shards.filter((s) => s.manifest?.manifest.files[name] === undefined);
    if (lacking.length > 0) {
      problems.push(
        `${name} is beside ${holders.map((s) => s.file).join(', ')} but not beside ${lacking.map((s) => s.file).join(', ')}${lacking.some((s) => !s.manifest) ? ' (or it has no manifest to say so)' : ''}: run every shard with the same options (--jobs, --links) so the merged ${name} has every run`,
      );
      continue;
    }
    const inputs: { file: string; table: Table }[] = [];
    for (const s of shards) {
      const file = join(dirname(s.file), name);
      const text = existsSync(file) ? readInput(file) : undefined;
      const bad = text === undefined ? `${name} is listed but missing` : fileProblem(s.manifest!.manifest, name, text);
      if (bad !== undefined) {
        problems.push(`${file}: ${bad}`);
        continue;
      }
      try {
        inputs.push({ file, table: parseCsv(text!, file) });
      } catch (e) {
        if (e instanceof CsvFormatError) problems.push(e.message);
        else throw e;
      }
    }
    if (inputs.length < shards.length) continue;
    try {
      out.set(name, mergeRunRows(name, inputs, runs));
    } catch (e) {
      if (e instanceof MergeError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new InputError(problems.map((message) => ({ file: 'merge', line: 0, column: 0, path: '', message })));
  return out;
}

/** The merged files' manifest: the shards' experiment (from their manifests, or what the rows say). */
function mergedManifest(shard: RunManifest | undefined, table: Table): Omit<RunManifest, 'files'> {
  if (shard) {
    const { files: _files, ...rest } = shard;
    return { ...rest, poolsim_version: poolsimVersion(), command: 'merge' };
  }
  const col = (c: string) => [...new Set(table.rows.map((r) => r[table.header.indexOf(c)] ?? ''))];
  const shas = col(FINGERPRINT_COLUMN);
  return {
    format: MANIFEST_FORMAT,
    poolsim_version: poolsimVersion(),
    command: 'merge',
    scenario: { name: col('scenario').join(', '), file: '', sha256: shas.length === 1 ? shas[0]! : '' },
    seeds: col('seed').map(Number).filter(Number.isInteger),
    policies: [],
    placements: [],
    sweep: [],
  };
}
